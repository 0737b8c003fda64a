"""The worked plugin example of README, installed as a real package and run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent / "plugin_example"
NOTE = (
    "NOTE/1\nTitle: Launch plan\nAuthor: Camille Rousseau\nDevice: Pixel 8\n\n"
    "Call the client at 06 12 34 56 78 or write to lea.martin@example.org.\n"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        check=True,
        cwd=build,
        capture_output=True,
    )
    path = os.pathsep.join(filter(None, [str(target), os.environ.get("PYTHONPATH", "")]))
    return {**os.environ, "PYTHONPATH": path}


def sanitize(env: dict[str, str], *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sanitize", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_plugin_is_listed(installed: dict[str, str]) -> None:
    result = sanitize(installed, "plugins")
    assert result.returncode == 0, result.stderr
    assert "sanitize_notes:NoteCleaner  [sanitize-notes 1.0.0]  note" in result.stdout


@pytest.mark.slow
def test_plugin_cleans_scans_and_redacts(installed: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "plan.note"
    source.write_text(NOTE, encoding="utf-8")
    check = sanitize(installed, "check", "--format", "json", "--no-cache", source)
    report = json.loads(check.stdout)["files"][0]
    assert check.returncode == 1 and report["kind"] == "note"
    assert {m["field"] for m in report["metadata"]} == {"Author", "Device"}
    assert {f["type"] for f in report["findings"]} >= {"PHONE", "EMAIL"}
    assert {f["where"] for f in report["findings"]} == {"body"}

    flagged = sanitize(installed, "clean", "-o", tmp_path / "out", source)
    assert flagged.returncode == 1, flagged.stderr
    assert "flagged" in flagged.stdout
    written = (tmp_path / "out" / "plan.note").read_text(encoding="utf-8")
    assert "Camille" not in written and "Title: Launch plan" in written

    redacted = sanitize(installed, "clean", "--redact", "-o", tmp_path / "red", source)
    assert redacted.returncode == 0, redacted.stdout + redacted.stderr
    body = (tmp_path / "red" / "plan.note").read_text(encoding="utf-8")
    assert "[PHONE]" in body and "[EMAIL]" in body and "06 12" not in body
    assert "Pixel" not in body
