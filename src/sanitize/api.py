"""The Python API: everything the command line does, without the command line."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sanitize.options import Options
from sanitize.pipeline import process
from sanitize.remote import is_url
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
    **batch: Any,
) -> Report:
    options = options or Options()
    names = list(paths)
    if any(value for value in batch.values()) or any(is_url(p) for p in names):
        # URLs, a receipt or a Dask client: see sanitize.batch.
        from sanitize.batch import plan

        urls = batch.get("output") is not None or any(is_url(p) for p in names)
        targets = None if urls else collect([Path(p) for p in names], options.output_dir)
        work = plan(
            command, [str(p) for p in names], options, targets=targets, processes=jobs, **batch
        )
        return work.run(progress)
    targets = collect([Path(p) for p in names], exclude_dir=options.output_dir)
    return run(command, targets, options, jobs, progress)


def clean_paths(
    paths: Iterable[PathLike],
    options: Options | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    *,
    output: str | None = None,
    receipt: PathLike | None = None,
    resume: bool = False,
    client: Any = None,
    scheduler: str | None = None,
) -> Report:
    """Write cleaned copies (or clean in place) of every file under ``paths``.

    ``paths`` and ``output`` may be URLs of any fsspec filesystem (``s3://bucket/in/``);
    ``receipt`` appends one JSON line per file; ``client`` (a ``dask.distributed.Client``)
    or ``scheduler`` (``tcp://HOST:8786``) runs the batch on a Dask cluster.
    """
    return _run(
        "clean",
        paths,
        options,
        jobs,
        progress,
        output=output,
        receipt=receipt,
        resume=resume,
        client=client,
        scheduler=scheduler,
    )


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
