"""The command line imports only what the work needs: a photo with no text never loads text
detection, the process pool or the entry-point metadata machinery. (Not timed: speed is
measured in benchmarks/; this guards the imports that the timings depend on.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import sanitize
from dirty import dirty_jpeg
from dirty_office import dirty_docx

SRC = str(Path(sanitize.__file__).resolve().parents[1])  # the sanitize the tests import

# Each costs tens of milliseconds to import, more than cleaning a photo takes.
NEVER_FOR_ONE_FILE = (
    "sanitize.detect",  # text detection: compiles about a hundred patterns
    "spacy",
    "presidio_analyzer",
    "concurrent.futures",  # the process pool: only for several files with -j > 1
    "multiprocessing",
    "importlib.metadata",  # entry points are read directly unless a plugin is installed
    "email",
    "tomllib",  # no config file here
    "sanitize.api",  # the Python API is not the command line's way in
)


def imported_by(args: list[str], cwd: Path, status: int = 0) -> set[str]:
    """Every module ``python -m sanitize ARGS`` imports, from ``-X importtime``."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sanitize", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == status, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {line.rpartition("|")[2].strip() for line in lines[1:]}  # the first is a header


def heavy(modules: set[str]) -> list[str]:
    return sorted(
        name
        for name in modules
        if any(name == heavy or name.startswith(f"{heavy}.") for heavy in NEVER_FOR_ONE_FILE)
    )


@pytest.mark.parametrize(
    ("name", "data", "options"),
    [
        ("photo.jpg", dirty_jpeg(), []),  # scanned for text by default: it has none
        ("brief.docx", dirty_docx(), ["--no-scan"]),  # metadata only
    ],
)
def test_cleaning_one_file_imports_nothing_heavy(
    name: str, data: bytes, options: list[str], tmp_path: Path
) -> None:
    (tmp_path / name).write_bytes(data)
    modules = imported_by(["clean", "-q", *options, name, "-o", "out"], tmp_path)
    assert "sanitize.cli" in modules and "sanitize.pipeline" in modules  # the list is real
    assert heavy(modules) == []
    assert (tmp_path / "out" / name).is_file()


def test_check_of_a_photo_imports_nothing_heavy(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(dirty_jpeg())
    # Status 1: the photo carries metadata.
    modules = imported_by(["check", "-q", "--no-cache", "photo.jpg"], tmp_path, status=1)
    assert heavy(modules) == []


def test_public_api_is_loaded_on_first_use() -> None:
    code = (
        "import sys, sanitize\n"
        "assert 'sanitize.api' not in sys.modules\n"
        "from sanitize import Options, clean_file, SanitizeError\n"
        "from sanitize import catalog\n"  # a submodule still imports through the package
        "assert sanitize.clean_file is clean_file and 'sanitize.api' in sys.modules\n"
        "assert set(sanitize.__all__) <= set(dir(sanitize))\n"
        "try:\n    sanitize.no_such_name\nexcept AttributeError:\n    print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def test_every_public_name_resolves() -> None:
    for name in sanitize.__all__:
        assert getattr(sanitize, name) is not None
    from sanitize.api import clean_file
    from sanitize.report import Report

    assert sanitize.clean_file is clean_file and sanitize.Report is Report


def test_the_first_step_of_a_run_imports_almost_nothing() -> None:
    """What every run imports before it hands itself to the warm helper (sanitize.launch):
    each module named here would add milliseconds to runs the helper serves in tens."""
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import sanitize.launch"],
        env=env,
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    modules = {line.rpartition("|")[2].strip() for line in lines[1:]}
    assert "sanitize.launch" in modules
    for name in ("typing", "socket", "json", "signal", "enum", "click", "sanitize.cli"):
        assert name not in modules, name
