"""Run the pipeline over many files, in parallel processes when asked."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from sanitize.options import Options
from sanitize.pipeline import process
from sanitize.report import FileReport, Report
from sanitize.walk import Target

Progress = Callable[[FileReport], None]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _process_one(args: tuple[Target, str, Options]) -> FileReport:
    target, command, options = args
    return process(target, command, options)


def run(
    command: str,
    targets: list[Target],
    options: Options,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Report:
    report = Report(command)
    workers = max(1, min(jobs or default_jobs(), len(targets)))
    if workers == 1:
        for target in targets:
            result = process(target, command, options)
            report.files.append(result)
            if progress:
                progress(result)
        return report
    # Imported here: one file, or -j 1, never needs a process pool (and its ~20 ms of imports).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # On Linux, fork keeps start-up cheap (imports are inherited); elsewhere fork is unsafe
    # (macOS) or missing (Windows), so the platform's default start method is used.
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    tasks = [(target, command, options) for target in targets]
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            # Chunks of a few files per task: fewer round trips for batches of small photos,
            # still enough tasks to keep every worker busy to the end.
            chunk = max(1, min(16, len(tasks) // (workers * 4)))
            for result in pool.map(_process_one, tasks, chunksize=chunk):
                report.files.append(result)
                if progress:
                    progress(result)
        except BrokenProcessPool:
            for target in targets[len(report.files) :]:
                crashed = FileReport(path=str(target.path), status="error")
                crashed.error = "a worker process died while processing the batch"
                report.files.append(crashed)
    return report
