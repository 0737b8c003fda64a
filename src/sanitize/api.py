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


def _targets(paths: Iterable[PathLike], options: Options) -> list[Target]:
    return collect([Path(p) for p in paths], exclude_dir=options.output_dir)


def clean_paths(
    paths: Iterable[PathLike],
    options: Options | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Report:
    """Write cleaned copies (or clean in place) of every file under ``paths``."""
    options = options or Options()
    return run("clean", _targets(paths, options), options, jobs, progress)


def check_paths(
    paths: Iterable[PathLike],
    options: Options | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Report:
    """Report what would be removed, writing nothing."""
    options = options or Options()
    return run("check", _targets(paths, options), options, jobs, progress)


def show_paths(
    paths: Iterable[PathLike],
    options: Options | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Report:
    options = options or Options()
    return run("show", _targets(paths, options), options, jobs, progress)


def clean_file(path: PathLike, options: Options | None = None) -> FileReport:
    return process(Target(Path(path), None), "clean", options or Options())


def inspect_file(path: PathLike, options: Options | None = None) -> FileReport:
    return process(Target(Path(path), None), "show", options or Options())
