"""Batches with receipts, URLs or a Dask cluster: plan the jobs, run them, keep the receipt.

Without any of these the command line keeps using ``runner.run`` as before. Here every
file is a ``jobs.Job``; the jobs run in this process, in a local process pool, or on a
cluster (``sanitize.cluster``), and their outcomes come back to this process, which alone
writes the receipt. The report is in the batch's order whatever the order of completion,
so it and the exit status are those of a local run.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sanitize.errors import SanitizeError
from sanitize.jobs import Job, Outcome, run_job
from sanitize.options import Options
from sanitize.receipt import ReceiptLog, entry, resume_hints
from sanitize.report import FileReport, Report
from sanitize.walk import Target

Progress = Callable[[FileReport], None]


@dataclass
class Batch:
    command: str
    jobs: list[Job]
    options: Options
    receipt: ReceiptLog | None = None
    scheduler: str | None = None  # tcp://HOST:8786
    client: Any = None  # a dask.distributed.Client given by the caller (kept open)
    processes: int | None = None  # local pool size
    shared: bool = True  # False: outputs only this process sees (memory://): no pool
    outcomes: dict[int, Outcome] = field(default_factory=dict)

    def run(self, progress: Progress | None = None) -> Report:
        def finished(outcome: Outcome) -> None:
            if outcome.index in self.outcomes:
                return  # a chunk retried after its worker died may report a file twice
            self.outcomes[outcome.index] = outcome
            if self.receipt is not None and self.command == "clean" and not outcome.resumed:
                self.receipt.append(entry(outcome, self.command, self.options))
            if progress:
                progress(outcome.report)

        try:
            if self.client is not None or self.scheduler:
                from sanitize import cluster

                cluster.run(self, finished)
            else:
                self._run_local(finished)
        finally:
            if self.receipt is not None:
                self.receipt.close()
        report = Report(self.command)
        report.files = [self.outcomes[job.index].report for job in self.jobs]
        return report

    def _run_local(self, finished: Callable[[Outcome], None]) -> None:
        from sanitize.runner import default_jobs

        workers = max(1, min(self.processes or default_jobs(), len(self.jobs)))
        if workers == 1 or not self.shared:
            for job in self.jobs:
                finished(run_job(job, self.command, self.options))
            return
        # As runner.run: fork on Linux keeps start-up cheap, the default elsewhere.
        method = "fork" if sys.platform.startswith("linux") else None
        context = multiprocessing.get_context(method)
        tasks = [(job, self.command, self.options) for job in self.jobs]
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            try:
                for outcome in pool.map(_run_one, tasks, chunksize=1):
                    finished(outcome)
            except BrokenProcessPool:
                for job in self.jobs:
                    if job.index not in self.outcomes:
                        crashed = FileReport(path=job.source, status="error")
                        crashed.error = "a worker process died while processing the batch"
                        finished(Outcome(job.index, crashed))


def _run_one(args: tuple[Job, str, Options]) -> Outcome:
    return run_job(*args)


def plan(
    command: str,
    paths: Sequence[str | Path],
    options: Options,
    *,
    targets: list[Target] | None = None,
    output: str | Path | None = None,
    receipt: str | Path | None = None,
    resume: bool = False,
    scheduler: str | None = None,
    client: Any = None,
    processes: int | None = None,
) -> Batch:
    """The jobs for ``paths``: local ``targets`` already walked, or URLs (walked here)."""
    from sanitize import remote

    if resume and receipt is None:
        raise SanitizeError("--resume needs a receipt (--receipt FILE or receipt = in settings)")
    log = ReceiptLog(receipt) if receipt is not None and command == "clean" else None
    hints = resume_hints(log.lines()) if (log is not None and resume) else {}
    use_urls = targets is None
    if use_urls and options.config is None:
        # Workers see neither this folder nor its settings: the settings found here go
        # with the options to every file.
        from sanitize.config import find

        options = replace(options, config=find(Path.cwd().resolve()))
    jobs: list[Job] = []
    shared = True
    if targets is not None:
        for target in targets:
            source = str(target.path)
            jobs.append(
                Job(
                    len(jobs),
                    source,
                    root=str(target.root) if target.root else None,
                    skip_reason=target.skip_reason,
                    resume=hints.get(source),
                )
            )
    else:
        destination_base = str(output) if output is not None else None
        options = replace(options, output_dir=None)
        for given in paths:
            fs, _ = remote.filesystem(str(given))
            shared = shared and remote.is_shared(fs)
            for found in remote.walk(str(given)):
                jobs.append(
                    Job(
                        len(jobs),
                        found.url,
                        relative=found.relative,
                        destination=_destination(command, found, destination_base, options),
                        remote=True,
                        resume=hints.get(found.url),
                        keep_existing=resume,
                        size=found.size,
                    )
                )
        if destination_base is not None:
            fs, _ = remote.filesystem(destination_base)
            shared = shared and remote.is_shared(fs)
    return Batch(command, jobs, options, log, scheduler, client, processes, shared)


def _destination(command: str, found: Any, base: str | None, options: Options) -> str | None:
    from sanitize import remote

    if command != "clean":
        return None
    if options.in_place:
        return str(found.url)
    if base is not None:
        return remote.join(base, found.relative or str(found.url).rpartition("/")[2])
    return remote.sibling_output(str(found.url))
