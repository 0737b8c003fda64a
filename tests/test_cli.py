"""The public command-line contract: commands, outputs, exit codes, JSON report."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import dirty
from sanitize.cli import main


def invoke(runner: CliRunner, *args: str):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def jpeg(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dirty.dirty_jpeg())
    return path


def test_bare_paths_mean_clean(runner: CliRunner, tmp_path: Path) -> None:
    source = jpeg(tmp_path / "photo.jpg")
    original = source.read_bytes()
    result = invoke(runner, source)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "photo.clean.jpg").exists()
    assert source.read_bytes() == original


def test_running_twice_never_makes_clean_clean(runner: CliRunner, dirty_folder: Path) -> None:
    for _ in range(2):
        assert invoke(runner, dirty_folder).exit_code == 0
    names = sorted(p.name for p in dirty_folder.iterdir())
    assert not [n for n in names if ".clean.clean" in n]
    assert "photo.clean.jpg" in names
    # Naming our own output explicitly also leaves it as it is.
    output = dirty_folder / "photo.clean.jpg"
    before = output.read_bytes()
    assert invoke(runner, output).exit_code == 0
    assert output.read_bytes() == before
    assert not list(dirty_folder.glob("*.clean.clean.*"))


def test_output_dir_single_file(runner: CliRunner, tmp_path: Path) -> None:
    source = jpeg(tmp_path / "in" / "photo.jpg")
    result = invoke(runner, source, "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert (tmp_path / "out" / "photo.jpg").exists()
    assert not (tmp_path / "in" / "photo.clean.jpg").exists()


def test_output_dir_mirrors_tree(runner: CliRunner, tmp_path: Path) -> None:
    jpeg(tmp_path / "in" / "a.jpg")
    jpeg(tmp_path / "in" / "sub" / "deeper" / "b.jpg")
    result = invoke(runner, tmp_path / "in", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.jpg").exists()
    assert (tmp_path / "out" / "sub" / "deeper" / "b.jpg").exists()


def test_output_dir_inside_input_is_not_walked(runner: CliRunner, tmp_path: Path) -> None:
    jpeg(tmp_path / "a.jpg")
    assert invoke(runner, tmp_path, "-o", tmp_path / "out").exit_code == 0
    assert invoke(runner, tmp_path, "-o", tmp_path / "out").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.jpg"]


def test_in_place(runner: CliRunner, tmp_path: Path) -> None:
    source = jpeg(tmp_path / "photo.jpg")
    os.chmod(source, 0o640)
    result = invoke(runner, "clean", "--in-place", source)
    assert result.exit_code == 0
    assert b"MARKER-" not in source.read_bytes()
    assert oct(source.stat().st_mode & 0o777) == oct(0o640)
    assert list(tmp_path.iterdir()) == [source]
    # An already clean file is not rewritten.
    mtime = source.stat().st_mtime_ns
    assert invoke(runner, "clean", "--in-place", source).exit_code == 0
    assert source.stat().st_mtime_ns == mtime


def test_in_place_and_output_conflict(runner: CliRunner, tmp_path: Path) -> None:
    source = jpeg(tmp_path / "photo.jpg")
    result = invoke(runner, "clean", "--in-place", "-o", tmp_path / "out", source)
    assert result.exit_code == 2


def test_check_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    dirty_file = jpeg(tmp_path / "dirty.jpg")
    before = dirty_file.read_bytes()
    assert invoke(runner, "check", dirty_file).exit_code == 1
    assert dirty_file.read_bytes() == before
    assert list(tmp_path.iterdir()) == [dirty_file]  # check writes nothing
    invoke(runner, dirty_file)
    assert invoke(runner, "check", tmp_path / "dirty.clean.jpg").exit_code == 0
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    result = invoke(runner, "check", broken)
    assert result.exit_code == 2
    assert "broken.jpg" in result.output and "Traceback" not in result.output


def test_unsupported_is_reported_not_passed(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "data.bin"
    other.write_bytes(bytes(range(256)) * 4)
    result = invoke(runner, "check", "--format", "json", other)
    assert result.exit_code == 0
    entry = json.loads(result.stdout)["files"][0]
    assert entry["status"] == "unsupported"
    assert invoke(runner, "check", "--strict", other).exit_code == 1


def test_missing_file_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "check", tmp_path / "nope.jpg")
    assert result.exit_code == 2
    assert "nope.jpg" in result.output


def test_batch_goes_on_after_a_bad_file(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a-bad.jpg").write_bytes(b"\xff\xd8\xff\xdb\x00")
    jpeg(tmp_path / "b-good.jpg")
    result = invoke(runner, tmp_path, "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    statuses = {Path(f["path"]).name: f["status"] for f in report["files"]}
    assert statuses == {"a-bad.jpg": "error", "b-good.jpg": "cleaned"}
    bad = next(f for f in report["files"] if f["status"] == "error")
    assert bad["error"] and "\n" not in bad["error"]
    assert (tmp_path / "b-good.clean.jpg").exists()
    assert not (tmp_path / "a-bad.clean.jpg").exists()


def test_json_report_shape(runner: CliRunner, dirty_folder: Path) -> None:
    result = invoke(runner, "check", "--format", "json", dirty_folder)
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert set(report["summary"]) >= {"total", "clean", "dirty", "cleaned", "unsupported", "error"}
    for entry in report["files"]:
        assert set(entry) >= {
            "path",
            "kind",
            "status",
            "output",
            "metadata",
            "findings",
            "notes",
            "error",
        }
        assert entry["status"] in {"clean", "dirty", "cleaned", "unsupported", "error"}
        assert entry["findings"] == []
        for item in entry["metadata"]:
            assert set(item) == {"location", "field", "value"}
    kinds = {Path(e["path"]).name: e["kind"] for e in report["files"]}
    assert kinds["photo.jpg"] == "jpeg" and kinds["photo.heic"] == "heic"


def test_clean_json_has_outputs(runner: CliRunner, dirty_folder: Path, tmp_path: Path) -> None:
    result = invoke(runner, "clean", "--format", "json", "-o", tmp_path / "out", dirty_folder)
    assert result.exit_code == 0, result.output
    for entry in json.loads(result.stdout)["files"]:
        assert entry["status"] == "cleaned"
        assert Path(entry["output"]).exists()


def test_show_lists_fields(runner: CliRunner, tmp_path: Path) -> None:
    source = jpeg(tmp_path / "photo.jpg")
    result = invoke(runner, "show", source)
    assert result.exit_code == 0
    assert "GPSLatitude" in result.stdout
    assert "MARKER-EXIF-MAKE" in result.stdout
    data = json.loads(invoke(runner, "show", "--format", "json", source).stdout)
    fields = {(m["location"], m["field"]) for m in data["files"][0]["metadata"]}
    assert ("EXIF:GPS", "GPSLatitude") in fields
    assert ("EXIF:IFD0", "Make") in fields


def test_jobs_give_the_same_report(runner: CliRunner, dirty_folder: Path) -> None:
    one = json.loads(invoke(runner, "check", "-j", "1", "--format", "json", dirty_folder).stdout)
    two = json.loads(invoke(runner, "check", "-j", "2", "--format", "json", dirty_folder).stdout)
    assert one == two


def test_quiet_prints_only_problems(runner: CliRunner, tmp_path: Path) -> None:
    source = jpeg(tmp_path / "photo.jpg")
    assert invoke(runner, "-q", source).output == ""
    result = invoke(runner, "check", "-q", source)
    assert result.exit_code == 1 and "photo.jpg" in result.stdout


def test_hidden_folders_and_outside_symlinks_skipped(runner: CliRunner, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    jpeg(tree / ".git" / "hidden.jpg")
    jpeg(tree / "visible.jpg")
    outside = jpeg(tmp_path / "outside.jpg")
    (tree / "link.jpg").symlink_to(outside)
    result = invoke(runner, tree, "--format", "json", "-o", tmp_path / "out")
    names = {Path(e["path"]).name: e["status"] for e in json.loads(result.stdout)["files"]}
    assert names == {"visible.jpg": "cleaned", "link.jpg": "unsupported"}
    assert not (tmp_path / "out" / "link.jpg").exists()
    assert not (tree / ".git" / "hidden.clean.jpg").exists()


def test_type_mismatch_is_noted(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "fake.jpg"
    source.write_bytes(dirty.dirty_png())
    entry = json.loads(invoke(runner, "--format", "json", source).stdout)["files"][0]
    assert entry["kind"] == "png"
    assert any(".jpg" in note for note in entry["notes"])


def test_no_progress_bar_when_not_a_terminal(runner: CliRunner, dirty_folder: Path) -> None:
    result = invoke(runner, "check", "--format", "json", dirty_folder)
    json.loads(result.stdout)  # stdout is pure JSON
    assert "%" not in result.stderr and "check" not in result.stderr


def test_progress_bar_on_a_terminal(dirty_folder: Path) -> None:
    """With stderr on a real terminal the batch shows a bar there; stdout stays pure JSON."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "sanitize",
                "check",
                "--format",
                "json",
                "--no-scan",
                str(dirty_folder),
            ],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=300,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    json.loads(run.stdout)
    assert b"check" in shown and b"100%" in shown


def test_names_with_dashes_and_spaces(runner: CliRunner, tmp_path: Path) -> None:
    source = jpeg(tmp_path / "-odd name é.jpg")
    result = runner.invoke(main, ["clean", "--", str(source)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "-odd name é.clean.jpg").exists()


def test_version_and_help(runner: CliRunner) -> None:
    assert invoke(runner, "--version").exit_code == 0
    for command in ("clean", "check", "show"):
        assert invoke(runner, command, "--help").exit_code == 0


@pytest.mark.parametrize("command", ["clean", "check", "show"])
def test_no_path_is_a_usage_error(runner: CliRunner, command: str) -> None:
    assert runner.invoke(main, [command]).exit_code == 2
