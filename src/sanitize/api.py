"""The Python API: everything the command line does, without the command line."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from sanitize.options import Options
from sanitize.pipeline import process
from sanitize.report import FileReport, Report
from sanitize.runner import Progress, run
from sanitize.walk import Target, collect

PathLike = str | os.PathLike[str]


def _run(
    command: str,
    paths: Iterable[PathLike],
    options: Options | None,
    jobs: int | None,
    progress: Progress | None,
) -> Report:
    options = options or Options()
    targets = collect([Path(p) for p in paths], exclude_dir=options.output_dir)
    return run(command, targets, options, jobs, progress)


def clean_paths(
    paths: Iterable[PathLike],
    options: Options | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Report:
    """Write cleaned copies (or clean in place) of every file under ``paths``."""
    return _run("clean", paths, options, jobs, progress)


def check_paths(
    paths: Iterable[PathLike],
    options: Options | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Report:
    """Report what would be removed or flagged, writing nothing."""
    return _run("check", paths, options, jobs, progress)


def show_paths(
    paths: Iterable[PathLike],
    options: Options | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Report:
    """List what every file carries."""
    return _run("show", paths, options, jobs, progress)


def clean_file(path: PathLike, options: Options | None = None) -> FileReport:
    return process(Target(Path(path), None), "clean", options or Options())


def inspect_file(path: PathLike, options: Options | None = None) -> FileReport:
    return process(Target(Path(path), None), "show", options or Options())
