"""One file's work for batches with receipts, URLs or a cluster: hash, clean, write, hash.

A job is plain data (picklable, small) so that it can go to a local process or a Dask
worker alike. Running a job twice gives the same output bytes and writes the output whole
each time: a task retried after its worker died does no harm (idempotent).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from sanitize.cleaners.base import Cleaner
from sanitize.errors import SanitizeError
from sanitize.options import Options
from sanitize.pipeline import process, read_input
from sanitize.registry import Registry, default_registry
from sanitize.report import FileReport
from sanitize.walk import Target


@dataclass(frozen=True)
class Resume:
    """What the receipt says of an earlier run on this file (``--resume``)."""

    input_sha256: str
    output: str
    output_size: int | None
    status: str
    kind: str
    kept: int
    time: str


@dataclass(frozen=True)
class Job:
    index: int  # position in the batch: the report keeps the local run's order
    source: str  # a local path or a URL, as reported
    root: str | None = None  # local: the folder walked (mirrored under -o)
    relative: str | None = None  # URL runs: the path below the prefix walked
    destination: str | None = None  # URL runs: where the output goes (None: check/show)
    skip_reason: str | None = None
    remote: bool = False  # read and write through fsspec
    resume: Resume | None = None
    # --resume: an output already there with the very bytes cleaning gives is not written
    # again (a run interrupted after the upload, before its receipt line).
    keep_existing: bool = False
    size: int | None = None  # URL runs: the size listed when the prefix was walked


@dataclass
class Outcome:
    index: int
    report: FileReport
    input_sha256: str | None = None
    output_sha256: str | None = None
    output_size: int | None = None
    versions: dict[str, str] = field(default_factory=dict)
    resumed: bool = False  # skipped: the receipt already holds its line


class RecordingRegistry(Registry):
    """The process's registry, noting which kinds one file used (nested files included)."""

    def __init__(self, base: Registry) -> None:
        # Not Registry.__init__: the very same containers are shared, so a cleaner loaded
        # while processing this file stays loaded for the next one.
        self.__dict__.update(base.__dict__)
        self.used: set[str] = set()

    def for_kind(self, kind: str) -> Cleaner | None:
        cleaner = super().for_kind(kind)
        if cleaner is not None:
            self.used.add(kind)
        return cleaner

    def used_versions(self) -> dict[str, str]:
        from sanitize import __version__

        rows = {kind: version for kind, _, version in self.versions() if kind in self.used}
        return {"sanitize": __version__, **dict(sorted(rows.items()))}


def sha256(data: bytes | bytearray) -> str:
    return hashlib.sha256(data).hexdigest()


def run_job(job: Job, command: str, options: Options, workdir: Path | None = None) -> Outcome:
    """Process one job; every failure is the report's one-line ``error``, never raised."""
    registry = RecordingRegistry(default_registry())
    if job.remote:
        outcome = _run_remote(job, command, options, registry, workdir)
    else:
        outcome = _run_local(job, command, options, registry)
    if not outcome.resumed:
        outcome.versions = registry.used_versions()
    return outcome


def _error(job: Job, message: str) -> Outcome:
    report = FileReport(path=job.source, status="error", error=message)
    return Outcome(job.index, report)


def _resumed(job: Job, digest: str, output_size: int | None) -> Outcome | None:
    """The earlier run's result when its input and output are still the same."""
    hint = job.resume
    if hint is None or hint.input_sha256 != digest or output_size is None:
        return None
    if hint.output_size is not None and output_size != hint.output_size:
        return None
    report = FileReport(path=job.source, kind=hint.kind, output=hint.output, kept=hint.kept)
    report.status = hint.status  # type: ignore[assignment]  # read back from our own receipt
    report.notes.append(f"already done on {hint.time} (receipt); skipped by --resume")
    return Outcome(job.index, report, digest, None, output_size, resumed=True)


def _run_local(job: Job, command: str, options: Options, registry: RecordingRegistry) -> Outcome:
    target = Target(Path(job.source), Path(job.root) if job.root else None, job.skip_reason)
    if job.skip_reason:
        return Outcome(job.index, process(target, command, options, registry))
    try:
        data = read_input(target.path, options)
    except (SanitizeError, OSError):
        # The pipeline reads it again and words the error exactly as a run without receipt.
        return Outcome(job.index, process(target, command, options, registry))
    digest = sha256(data)
    if job.resume is not None:
        done = _resumed(job, digest, _local_size(Path(job.resume.output)))
        if done is not None:
            return done
    # In place, the pipeline reads the file itself: it then refuses to replace a file that
    # changed while it was being cleaned. Elsewhere the bytes hashed are the bytes cleaned.
    if not options.in_place:
        target = replace(target, data=data)
    report = process(target, command, options, registry)
    outcome = Outcome(job.index, report, digest)
    if report.output is not None:
        written = Path(report.output).read_bytes()
        outcome.output_sha256, outcome.output_size = sha256(written), len(written)
    return outcome


def _local_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _run_remote(
    job: Job, command: str, options: Options, registry: RecordingRegistry, workdir: Path | None
) -> Outcome:
    from sanitize import remote

    try:
        data = remote.read(job.source, options.max_file_size, job.size)
    except SanitizeError as exc:
        return _error(job, str(exc))
    except OSError as exc:
        return _error(job, f"cannot read: {exc.strerror or exc}")
    digest = sha256(data)
    if job.resume is not None:
        done = _resumed(job, digest, remote.size_of(job.resume.output))
        if done is not None:
            return done
    relative = job.relative or job.source.rpartition("/")[2] or "file"
    # The pipeline works on the bytes under a private folder: the name keeps its suffix
    # (text kinds are chosen by name), and the copy it writes there is uploaded whole.
    with tempfile.TemporaryDirectory(prefix="sanitize-", dir=workdir) as scratch:
        inside = Path(scratch, "in")
        target = Target(inside / relative, inside, data=data)
        local = replace(options, output_dir=Path(scratch, "out"), in_place=False)
        report = process(target, command, local, registry)
        report.path = job.source
        outcome = Outcome(job.index, report, digest)
        if report.output is None:
            return outcome
        written = Path(report.output).read_bytes()
        report.output = job.destination
        if job.destination is None:
            return outcome
        outcome.output_sha256, outcome.output_size = sha256(written), len(written)
        if job.destination == job.source and written == data:
            return outcome  # in place and already clean: left untouched
        if job.keep_existing and _same_object(job.destination, written):
            report.notes.append("output already there with the same bytes: not written again")
            return outcome
        try:
            remote.write(job.destination, written)
        except (SanitizeError, OSError) as exc:
            report.status, report.output = "error", None
            report.error = f"cannot write {job.destination}: {exc}"
            outcome.output_sha256 = outcome.output_size = None
    return outcome


def _same_object(url: str, data: bytes) -> bool:
    from sanitize import remote

    if remote.size_of(url) != len(data):
        return False
    try:
        return sha256(remote.read(url, len(data))) == sha256(data)
    except (SanitizeError, OSError):
        return False
