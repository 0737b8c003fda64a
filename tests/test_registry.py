"""Cleaners come from the sanitize.cleaners entry-point group, built-ins included."""

from __future__ import annotations

import tomllib
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from sanitize import registry
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.options import Options
from sanitize.report import MetadataItem

ROOT = Path(__file__).resolve().parents[1]


def test_builtins_are_declared_as_entry_points() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = project["project"]["entry-points"][registry.ENTRY_POINT_GROUP]
    assert declared == registry.BUILTIN_CLEANERS


def test_every_builtin_kind_has_a_cleaner() -> None:
    kinds = registry.default_registry().kinds
    expected = (
        "jpeg png webp gif tiff heic pdf docx xlsx pptx mp4 mov m4a mkv webm avi mp3 flac ogg"
    )
    for kind in [*expected.split(), "wav", "aiff", "svg"]:
        assert kind in kinds


class FakeFile(ParsedFile):
    def items(self) -> list[MetadataItem]:
        return [MetadataItem("FAKE", "Secret", "x")] if b"secret" in self.data else []

    def clean(self) -> CleanResult:
        return CleanResult(self.data.replace(b"secret", b""), ["fake cleaner ran"])


class FakeCleaner(Cleaner):
    name = "fake"
    kinds = frozenset({"fake", "png"})

    @classmethod
    def sniff(cls, data: bytes) -> str | None:
        return "fake" if data.startswith(b"FAKE") else None

    def open(self, data: bytes, kind: str, context: Context) -> ParsedFile:
        return FakeFile(data, kind, context)


def _entry_points(extra: list[EntryPoint]):  # type: ignore[no-untyped-def]
    builtins = [
        EntryPoint(name, value, registry.ENTRY_POINT_GROUP)
        for name, value in registry.BUILTIN_CLEANERS.items()
    ]
    return lambda group: [*builtins, *extra] if group == registry.ENTRY_POINT_GROUP else []


def test_builtin_kinds_match_the_cleaners() -> None:
    assert set(registry.BUILTIN_KINDS) == set(registry.BUILTIN_CLEANERS)
    for name, reference in registry.BUILTIN_CLEANERS.items():
        assert set(registry.load_reference(reference).kinds) == set(registry.BUILTIN_KINDS[name])


def test_plugin_is_loaded_and_overrides_builtin(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plugin = EntryPoint("fake", f"{__name__}:FakeCleaner", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", _entry_points([plugin]))
    found = registry._discover()
    assert isinstance(found.for_kind("png"), FakeCleaner)
    assert found.for_kind("jpeg").name == "jpeg"
    assert found.sniff(b"FAKE secret") == "fake"

    from sanitize.pipeline import process
    from sanitize.walk import Target

    source = tmp_path / "thing.fake"
    source.write_bytes(b"FAKE secret")
    report = process(Target(source, None), "clean", Options(), found)
    assert report.status == "cleaned" and report.kind == "fake"
    assert Path(report.output).read_bytes() == b"FAKE "


def test_broken_plugin_is_a_warning_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = EntryPoint("broken", "no_such_module:Nothing", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", _entry_points([broken]))
    found = registry._discover()
    assert any("broken" in w for w in found.warnings)
    assert found.for_kind("jpeg") is not None and found.for_kind("pdf") is not None


def test_builtins_load_without_installed_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "entry_points", lambda group: [])
    found = registry._discover()
    expected = {kind for kinds in registry.BUILTIN_KINDS.values() for kind in kinds}
    assert set(found.kinds) == expected
    assert {found.for_kind(kind).name for kind in expected} == set(registry.BUILTIN_CLEANERS)


def test_builtin_modules_load_only_when_needed() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom sanitize.registry import default_registry\n"
        "default_registry().for_kind('jpeg')\n"
        "print(sorted(m for m in sys.modules if m.startswith('sanitize.cleaners.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert "sanitize.cleaners.jpeg" in loaded and "sanitize.cleaners.pdf" not in loaded


def _distribution(site: Path, folder: str, entry_points: str | None) -> None:
    info = site / folder
    info.mkdir(parents=True)
    name, version = folder.rpartition(".")[0].split("-")[:2]
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


def _only_on_path(monkeypatch: pytest.MonkeyPatch, *entries: Path) -> None:
    """Distributions only in ``entries``, and no finder of distributions but the standard
    one (the importlib_metadata backport, which dask imports in other tests, adds its own:
    with it, the answer is always "go to the full discovery")."""
    import sys
    from importlib.machinery import PathFinder

    monkeypatch.setattr(sys, "path", [str(entry) for entry in entries])
    finders = [f for f in sys.meta_path if f is PathFinder or not hasattr(f, "find_distributions")]
    monkeypatch.setattr(sys, "meta_path", finders)


OWN_ENTRY_POINTS = (
    "[console_scripts]\nsanitize = sanitize.cli:main\n\n[sanitize.cleaners]\n"
    + "".join(f"{name} = {value}\n" for name, value in registry.BUILTIN_CLEANERS.items())
)


def test_installed_plugin_is_found_from_its_entry_points_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _distribution(tmp_path, "sanitize_publish-0.1.0.dist-info", OWN_ENTRY_POINTS)
    _distribution(
        tmp_path,
        "acme_notes-1.3.dist-info",
        f"# a comment\n[sanitize.cleaners]\nfake = {__name__}:FakeCleaner\n",
    )
    with monkeypatch.context() as only_there:
        # Whatever finds distributions in this process finds them there. (The built-in
        # cleaners load later, with sys.path back: they import third-party packages.)
        only_there.setattr("sys.path", [str(tmp_path)])
        found = registry._discover()
    assert isinstance(found.for_kind("png"), FakeCleaner)
    assert found.origin(f"{__name__}:FakeCleaner") == "acme_notes 1.3"
    assert found.for_kind("jpeg").name == "jpeg"


def test_no_plugin_means_no_metadata_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Sanitize's own built-ins, other groups, a comment, a distribution without entry points,
    # an egg-info file and a missing folder on the path: nothing for importlib.metadata.
    _distribution(tmp_path, "sanitize_publish-0.1.0.dist-info", OWN_ENTRY_POINTS)
    _distribution(tmp_path, "tool-2.0.dist-info", "[console_scripts]\ntool = tool:main\n")
    _distribution(tmp_path, "quiet-1.0.dist-info", None)
    _distribution(
        tmp_path, "other-1.0.dist-info", "[sanitize.cleaners]\n# old = acme:Gone\n\n[x]\na = b:c\n"
    )
    (tmp_path / "legacy-1.0-py3.11.egg-info").write_text("Name: legacy\n")

    def refuse(group: str) -> None:
        raise AssertionError("importlib.metadata was asked")

    with monkeypatch.context() as only_there:
        _only_on_path(only_there, tmp_path, tmp_path / "missing")
        only_there.setattr("importlib.metadata.entry_points", refuse)
        assert not registry._declared_beyond_builtins(registry.ENTRY_POINT_GROUP)
        found = registry._discover()
    assert found.cleaners == [] and found.warnings == [] and found.sources == {}
    assert found.for_kind("png").name == "png"


@pytest.mark.parametrize(
    "case", ["plugin", "egg-info plugin", "not built-in", "no value", "zip on path", "egg on path"]
)
def test_anything_unsure_goes_to_the_full_discovery(
    case: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    entry = tmp_path
    if case == "plugin":
        _distribution(tmp_path, "acme-1.0.dist-info", "[sanitize.cleaners]\nx = acme:X\n")
    elif case == "egg-info plugin":
        _distribution(tmp_path, "acme-1.0-py3.11.egg-info", "[sanitize.cleaners]\nx = acme:X\n")
    elif case == "not built-in":  # sanitize's own metadata naming a cleaner the table lacks
        _distribution(
            tmp_path, "sanitize-0.1.dist-info", OWN_ENTRY_POINTS + "gone = sanitize.old:Gone\n"
        )
    elif case == "no value":
        _distribution(tmp_path, "acme-1.0.dist-info", "[sanitize.cleaners]\nnonsense\n")
    elif case == "zip on path":
        entry = tmp_path / "bundle.zip"
        entry.write_bytes(b"PK\x05\x06" + bytes(18))
    else:
        entry = tmp_path / "acme-1.0-py3.11.egg"
        entry.mkdir()
    _only_on_path(monkeypatch, entry)
    assert registry._declared_beyond_builtins(registry.ENTRY_POINT_GROUP)


def test_another_finder_of_distributions_goes_to_the_full_discovery(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    class Finder:
        @staticmethod
        def find_distributions(context: object) -> list[object]:
            return []

    _only_on_path(monkeypatch, tmp_path)
    monkeypatch.setattr(sys, "meta_path", [Finder(), *sys.meta_path])
    assert registry._declared_beyond_builtins(registry.ENTRY_POINT_GROUP)


def test_a_lying_cleaner_is_caught_by_re_inspection(tmp_path: Path) -> None:
    class LazyFile(FakeFile):
        def clean(self) -> CleanResult:
            return CleanResult(self.data + b"!")  # "cleans" without removing the secret

    class LazyCleaner(FakeCleaner):
        def open(self, data: bytes, kind: str, context: Context) -> ParsedFile:
            return LazyFile(data, kind, context)

    from sanitize.pipeline import process
    from sanitize.walk import Target

    source = tmp_path / "thing.fake"
    source.write_bytes(b"FAKE secret")
    report = process(Target(source, None), "clean", Options(), registry.Registry([LazyCleaner()]))
    assert report.status == "error" and "remain after cleaning" in report.error
    assert not (tmp_path / "thing.clean.fake").exists()


def test_a_bug_in_a_cleaner_is_an_internal_error_not_a_bad_file(tmp_path: Path) -> None:
    class BuggyFile(FakeFile):
        def items(self) -> list[MetadataItem]:
            return None + 1  # type: ignore[operator, no-any-return]

    class BuggyCleaner(FakeCleaner):
        def open(self, data: bytes, kind: str, context: Context) -> ParsedFile:
            return BuggyFile(data, kind, context)

    from sanitize.pipeline import process
    from sanitize.walk import Target

    source = tmp_path / "thing.fake"
    source.write_bytes(b"FAKE secret")
    report = process(Target(source, None), "check", Options(), registry.Registry([BuggyCleaner()]))
    assert report.status == "error"
    assert report.error.startswith("internal error in the 'fake' cleaner (TypeError")
    assert "please report it" in report.error and "malformed" not in report.error


def test_a_parse_error_is_a_malformed_file(tmp_path: Path) -> None:
    class StrictCleaner(FakeCleaner):
        def open(self, data: bytes, kind: str, context: Context) -> ParsedFile:
            raise ValueError("bad header")

    from sanitize.pipeline import process
    from sanitize.walk import Target

    source = tmp_path / "thing.fake"
    source.write_bytes(b"FAKE secret")
    report = process(Target(source, None), "check", Options(), registry.Registry([StrictCleaner()]))
    assert report.status == "error" and report.error == "malformed fake file (bad header)"


def test_nested_files_use_the_registry_given_to_the_pipeline(tmp_path: Path) -> None:
    """An SVG's embedded PNG is cleaned by the registry passed in, not the process-wide one."""
    import base64

    seen: list[str] = []

    class SpyFile(FakeFile):
        def items(self) -> list[MetadataItem]:
            seen.append(self.kind)
            return [MetadataItem("SPY", "Seen", "x")] if not self.data.endswith(b"!") else []

        def clean(self) -> CleanResult:
            return CleanResult(self.data + b"!")

    class SpyCleaner(FakeCleaner):
        kinds = frozenset({"png"})

        def open(self, data: bytes, kind: str, context: Context) -> ParsedFile:
            return SpyFile(data, kind, context)

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    source = tmp_path / "logo.svg"
    source.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{uri}"/></svg>', encoding="utf-8"
    )
    from sanitize.pipeline import process
    from sanitize.walk import Target

    found = registry.Registry([SpyCleaner()], lazy={"svg": registry.BUILTIN_CLEANERS["svg"]})
    report = process(Target(source, None), "clean", Options(scan=False), found)
    assert report.status == "cleaned", report.error
    assert "png" in seen
    assert ("SVG:image/SPY", "Seen") in {(m.location, m.field) for m in report.metadata}


def test_cache_key_changes_with_a_cleaner_version() -> None:
    class NewerCleaner(FakeCleaner):
        version = "2"

    old = registry.Registry([FakeCleaner()]).versions()
    new = registry.Registry([NewerCleaner()]).versions()
    assert old != new


def test_plugins_command_lists_cleaners_and_origins() -> None:
    from click.testing import CliRunner

    from sanitize.cli import main

    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0, result.output
    assert "sanitize.cleaners.jpeg:JpegCleaner" in result.output
    assert "docx" in result.output and "sanitize " in result.output


def test_format_table_drives_hooks_and_entry_points() -> None:
    import re

    from sanitize import catalog

    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    patterns = re.findall(r"^\s*files:\s*(.+)$", hooks, re.MULTILINE)
    assert patterns and all(p.strip() == catalog.hook_pattern() for p in patterns)
    for fmt in catalog.FORMATS:
        for extension in fmt.extensions:
            assert re.search(catalog.hook_pattern(), f"file{extension.upper()}")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["entry-points"][registry.ENTRY_POINT_GROUP] == catalog.CLEANERS
    assert {f.cleaner for f in catalog.FORMATS} == set(catalog.CLEANERS)
