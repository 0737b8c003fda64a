"""Run a batch on an existing Dask distributed cluster.

Files go to the workers in chunks (one task per chunk: fewer round trips than one task per
file, while small chunks keep results streaming and little work redone when a worker dies).
Each worker loads every cleaner and the language models once, in a ``WorkerPlugin``. The
outcomes come back to the client as chunks finish (``as_completed``); the client alone
writes the receipt. A task is idempotent (it writes each output whole, the same bytes each
time), so the scheduler may rerun it elsewhere when its worker dies, and ``retries``
reruns one that raised.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import distributed
from distributed import Client, WorkerPlugin

from sanitize.config import Config
from sanitize.jobs import Job, Outcome, run_job
from sanitize.options import Options
from sanitize.report import FileReport

if TYPE_CHECKING:
    from sanitize.batch import Batch

# distributed's functions carry no type hints; called through Any, not one by one ignored.
_distributed: Any = distributed

RETRIES = 3  # reruns of a task that raised (a flaky store); a dead worker is the scheduler's
MAX_CHUNK = 16
TASKS_PER_WORKER = 4  # chunks per worker thread, so that the last ones are not all on one


class SanitizePlugin(WorkerPlugin):
    """Loads the cleaners and language models once per worker, before its first task."""

    name = "sanitize"

    def __init__(self, scan: bool, config: Config | None) -> None:
        self.scan = scan
        self.config = config

    def setup(self, worker: Any) -> None:
        from sanitize.registry import default_registry

        registry = default_registry()
        for kind in registry.kinds:
            try:
                registry.for_kind(kind)
            except Exception:  # noqa: S112 - a broken plugin is reported by the files that need it
                continue
        if self.scan:
            _warm_models(self.config or Config())


def _warm_models(config: Config) -> None:
    """Scan two short texts, so the spaCy models are loaded now, not in the first task."""
    from sanitize.detect import get_detector

    detector = get_detector(config)
    for language, text in (("en", "Write to Alice in London."), ("fr", "Écrire à Marie.")):
        if language in config.languages:
            detector.scan([text], language)


def run_chunk(jobs: list[Job], command: str, options: Options) -> list[Outcome]:
    # Scratch files go below the worker's own folder, which Dask removes with the worker:
    # a worker killed mid-file leaves nothing behind in the system's temporary folder.
    try:
        workdir: Path | None = Path(_distributed.get_worker().local_directory)
    except ValueError:  # not on a worker (a test calling it directly)
        workdir = None
    return [run_job(job, command, options, workdir) for job in jobs]


def connect(address: str) -> Client:
    try:
        client: Client = _distributed.Client(address, timeout="20s", set_as_default=False)
    except OSError as exc:
        from sanitize.errors import SanitizeError

        raise SanitizeError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    return client


def chunk_size(files: int, threads: int) -> int:
    return max(1, min(MAX_CHUNK, files // max(1, threads * TASKS_PER_WORKER)))


def run(batch: Batch, finished: Callable[[Outcome], None]) -> None:
    client = batch.client if batch.client is not None else connect(str(batch.scheduler))
    try:
        _run(client, batch, finished)
    finally:
        if batch.client is None:
            client.close()


def _run(client: Client, batch: Batch, finished: Callable[[Outcome], None]) -> None:
    if not batch.jobs:
        return
    client.register_plugin(SanitizePlugin(batch.options.scan, batch.options.config))
    workers = client.scheduler_info().get("workers", {})
    threads = sum(int(info.get("nthreads", 1)) for info in workers.values()) or 1
    size = chunk_size(len(batch.jobs), threads)
    chunks = [batch.jobs[i : i + size] for i in range(0, len(batch.jobs), size)]
    run_id = uuid.uuid4().hex[:12]
    futures = {
        client.submit(
            run_chunk,
            chunk,
            batch.command,
            batch.options,
            key=f"sanitize-{run_id}-{number}",
            retries=RETRIES,
            pure=False,
        ): chunk
        for number, chunk in enumerate(chunks)
    }
    try:
        for future in _distributed.as_completed(futures):
            if future.status == "finished":
                for outcome in future.result():
                    finished(outcome)
                continue
            # Retries spent, or a chunk that killed its workers too often (KilledWorker):
            # each of its files is an error, the batch goes on.
            reason = " ".join(str(future.exception()).split())[:200] or type(future).__name__
            for job in futures[future]:
                failed = FileReport(path=job.source, status="error")
                failed.error = f"the cluster could not process this file ({reason})"
                finished(Outcome(job.index, failed))
    finally:
        cancel: Any = client.cancel
        cancel(list(futures))
