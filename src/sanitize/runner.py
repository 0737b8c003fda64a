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

# How a batch is cut into tasks: about this many per worker, so that workers finish
# together (the last task of a run is at most 1/CHUNKS_PER_WORKER of a worker's share)...
CHUNKS_PER_WORKER = 8
# ...and at most this many files per task, so that small files still travel in groups
# (one round trip to a worker for several drafts) without a long tail.
MAX_CHUNK_FILES = 16


# Allocations below this size come from the heap, whose freed memory a batch process keeps
# (up to the second figure) instead of handing it back to the system: see reuse_memory.
HEAP_BELOW = 32 * 1024**2
KEEP_FREED = 64 * 1024**2
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def reuse_memory() -> None:
    """Let this process reuse one file's memory for the next (glibc only; else nothing):
    done by a process that runs a batch, before it forks its workers.

    By default glibc gives the memory of large buffers (a photo read whole, its cleaned
    copy) back to the system once they are freed, so every file pays a page fault per
    4 KiB of each. Where faults are slow that costs as much as the cleaning (a virtual
    machine, 12 MP photos: 9 of 20 ms a file). Served from the heap and kept once freed,
    the same pages serve file after file. The setting lasts as long as the process:
    larger buffers (a big document read whole) are mapped as before, and at most
    KEEP_FREED bytes of freed memory stay with it."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        mallopt(_M_MMAP_THRESHOLD, HEAP_BELOW)
        mallopt(_M_TRIM_THRESHOLD, KEEP_FREED)
    except (OSError, AttributeError):  # no mallopt (musl): the default behaviour stays
        return


def _process_chunk(command: str, targets: list[Target], options: Options) -> list[FileReport]:
    return [process(target, command, options) for target in targets]


def _size(target: Target) -> int:
    """The bytes a worker reads for ``target`` (0 when unknown or never read)."""
    if target.skip_reason:
        return 0
    if target.data is not None:
        return len(target.data)
    try:
        return target.path.stat().st_size
    except OSError:
        return 0


def chunks(targets: list[Target], workers: int) -> list[list[Target]]:
    """Consecutive runs of ``targets`` (so results come back in order), cut by size: each
    holds about 1/(workers * CHUNKS_PER_WORKER) of the batch's bytes, and a file of that
    size or more goes alone. A batch of small files is cut by count the same way."""
    sizes = [_size(target) for target in targets]
    share = max(1, sum(sizes) // (workers * CHUNKS_PER_WORKER))
    most = max(1, min(MAX_CHUNK_FILES, len(targets) // (workers * CHUNKS_PER_WORKER)))
    found: list[list[Target]] = []
    current: list[Target] = []
    weight = 0
    for target, size in zip(targets, sizes, strict=True):
        if current and (weight + size > share or len(current) >= most):
            found.append(current)
            current, weight = [], 0
        current.append(target)
        weight += size
    if current:
        found.append(current)
    return found


def run(
    command: str,
    targets: list[Target],
    options: Options,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Report:
    report = Report(command)
    workers = max(1, min(jobs or default_jobs(), len(targets)))

    def add(result: FileReport) -> None:
        report.files.append(result)
        if progress:
            progress(result)

    if len(targets) > 1:
        reuse_memory()  # before the workers are forked: they inherit the setting
    if workers == 1:
        for target in targets:
            add(process(target, command, options))
        return report
    # Only a run with workers pays for the multiprocessing imports.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # On Linux, fork keeps start-up cheap (imports are inherited); elsewhere fork is unsafe
    # (macOS) or missing (Windows), so the platform's default start method is used.
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # One pool for the run; every task is handed out at once and the results are
        # taken in the order of the files, whichever worker finishes first.
        try:
            tasks = [
                pool.submit(_process_chunk, command, part, options)
                for part in chunks(targets, workers)
            ]
            for task in tasks:
                for result in task.result():
                    add(result)
        except BrokenProcessPool:
            for target in targets[len(report.files) :]:
                crashed = FileReport(path=str(target.path), status="error")
                crashed.error = "a worker process died while processing the batch"
                report.files.append(crashed)
    return report
