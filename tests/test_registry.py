"""Cleaners come from the sanitize.cleaners entry-point group, built-ins included."""

from __future__ import annotations

import tomllib
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from sanitize import registry
from sanitize.cleaners.base import Cleaner, CleanResult
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


class FakeCleaner(Cleaner):
    name = "fake"
    kinds = frozenset({"fake", "png"})

    @classmethod
    def sniff(cls, data: bytes) -> str | None:
        return "fake" if data.startswith(b"FAKE") else None

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        return [MetadataItem("FAKE", "Secret", "x")] if b"secret" in data else []

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        return CleanResult(data.replace(b"secret", b""), ["fake cleaner ran"])


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


def test_a_lying_cleaner_is_caught_by_re_inspection(tmp_path: Path) -> None:
    class LazyCleaner(FakeCleaner):
        def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
            return CleanResult(data + b"!")  # "cleans" without removing the secret

    from sanitize.pipeline import process
    from sanitize.walk import Target

    source = tmp_path / "thing.fake"
    source.write_bytes(b"FAKE secret")
    report = process(Target(source, None), "clean", Options(), registry.Registry([LazyCleaner()]))
    assert report.status == "error" and "remain after cleaning" in report.error
    assert not (tmp_path / "thing.clean.fake").exists()
