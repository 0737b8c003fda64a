"""Process one file: detect its real type, inspect, clean, re-inspect, write atomically."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import cast

from sanitize import cache, catalog, filetype, scan
from sanitize.atomic import atomic_output, write_atomic
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.config import Config
from sanitize.context import Context
from sanitize.errors import CorruptFileError, InternalError, LimitExceededError, SanitizeError
from sanitize.options import Options
from sanitize.registry import Registry, default_registry
from sanitize.report import FileReport
from sanitize.source import MappedFile, close_mapped, map_fd, open_mapped, ranges_equal
from sanitize.walk import CLEAN_MARK, Target, is_own_output

COMMANDS = ("clean", "check", "show")


# Enough of a file's start to tell its kind as the whole file would (an ID3 tag before a
# FLAC stream is looked through for 16 MiB).
DETECT_HEAD = 16 * 1024**2 + 64 * 1024
SHORT_HEAD = 64 * 1024


def map_input(path: Path, options: Options, registry: Registry) -> tuple[MappedFile, str] | None:
    """A large file whose kind's cleaner streams, mapped (with its kind); else None.

    Its kind is told from its first bytes: detection looks at a file's start for every
    kind that streams, and the stricter checks on a shorter head (sizes that must match
    the file's length) only ever send a file to the whole-file path below. Such files have
    no size cap: they are never read whole (see sanitize.source).
    """
    try:
        size = path.stat().st_size
    except OSError:
        return None
    # Over the cap for files parsed whole, a file streams if its format can, whatever the
    # --stream-from setting: refusing it would bring back the cap streaming removes.
    if size == 0 or size < min(options.stream_from, options.max_file_size + 1):
        return None
    if not path.is_file():
        return None
    context = Context(options, registry)

    def told(head: bytes) -> tuple[str, bool | None]:
        """The kind ``head`` shows, and whether its cleaner streams (None: no cleaner)."""
        kind = context.detect(head)
        cleaner = registry.for_kind(kind) if kind != "text" else None
        return kind, None if cleaner is None else cleaner.streams

    with path.open("rb") as handle:
        # Most files say what they are in their first bytes: one whose kind is parsed
        # whole (a PDF, a photo) is read once, below, not also 16 MiB here. Only a start
        # that names no such kind (an ID3 tag before FLAC, an unknown start) reads on.
        head = handle.read(SHORT_HEAD)
        if told(head)[1] is False:
            return None
        head += handle.read(DETECT_HEAD - len(head))
    kind, streams = told(head)
    return (open_mapped(path), kind) if streams else None


def read_input(path: Path, options: Options) -> bytes:
    if not path.exists():
        raise SanitizeError("no such file")
    if not path.is_file():
        raise SanitizeError("not a regular file")
    size = path.stat().st_size
    if size > options.max_file_size:
        raise SanitizeError(f"file is larger than the {options.max_file_size} byte limit")
    with path.open("rb") as handle:
        # read(n) allocates n bytes up front: ask for what the file holds, not the cap.
        data = handle.read(size + 1)
    if len(data) > size:
        raise SanitizeError("the file grew while it was being read; try again")
    return data


def output_path(target: Target, options: Options) -> Path:
    path = target.path
    if options.in_place:
        return Path(os.path.realpath(path))
    if options.output_dir is not None:
        relative = path.relative_to(target.root) if target.root else Path(path.name)
        return options.output_dir / relative
    if is_own_output(path):
        return path
    return path.with_name(f"{path.stem}{CLEAN_MARK}{path.suffix}")


def process(
    target: Target, command: str, options: Options, registry: Registry | None = None
) -> FileReport:
    """Run ``command`` on one file; every failure becomes a one-line ``error``."""
    report = FileReport(path=str(target.path))
    if target.skip_reason:
        report.status = "unsupported"
        report.notes.append(target.skip_reason)
        return report
    try:
        with time_limit(options.time_limit):
            _process(target, command, options, registry or default_registry(), report)
    except (SanitizeError, InternalError) as exc:
        report.status, report.error = "error", _one_line(str(exc))
    except MemoryError:
        report.status, report.error = "error", "out of memory while processing this file"
    except OSError as exc:
        report.status, report.error = "error", _one_line(exc.strerror or str(exc))
    except RecursionError:
        report.status, report.error = "error", "structure is nested too deeply"
    except Exception as exc:  # fail closed: an unexpected failure is an error, never "clean"
        detail = f"{type(exc).__name__}: {exc}"
        report.status, report.error = "error", _one_line(f"cannot process this file ({detail})")
    if report.status == "error":
        report.output = None
    return report


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Abort the work on one file after ``seconds`` (hostile files must not hang a batch)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds <= 0 or not usable:  # Windows has no interval timers: no limit there
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise LimitExceededError(f"gave up after {seconds:g} s (time limit per file)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _one_line(message: str) -> str:
    text = " ".join(message.split())
    return text[:300] or "unknown error"


def _stat_key(path: Path) -> tuple[int, int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns)


def _cache_parts(
    command: str, target: Target, options: Options, config: object, registry: Registry
) -> list[str]:
    from sanitize import __version__

    # Every option that can change a report, so a new option can never be forgotten here;
    # where outputs go, how long to wait and whether to cache do not.
    ignored = {"output_dir", "in_place", "time_limit", "cache", "config"}
    settings = tuple(
        (f.name, getattr(options, f.name)) for f in fields(options) if f.name not in ignored
    )
    return [
        __version__,
        command,
        repr(settings),
        repr(config),
        # Upgrading a plugin (or a built-in cleaner's output) must never serve a stale "clean".
        repr(registry.versions()),
        target.path.suffix.lower(),
    ]


def _process(
    target: Target, command: str, options: Options, registry: Registry, report: FileReport
) -> None:
    read_stat = _stat_key(target.path) if target.data is None else None
    mapped = map_input(target.path, options, registry) if target.data is None else None
    if mapped is None:
        data = target.data if target.data is not None else read_input(target.path, options)
        _process_data(target, command, options, registry, report, data, None, read_stat)
        return
    source, kind = mapped
    try:
        _process_data(target, command, options, registry, report, source, kind, read_stat)
    finally:
        close_mapped(source)


def _process_data(
    target: Target,
    command: str,
    options: Options,
    registry: Registry,
    report: FileReport,
    data: bytes | MappedFile,
    mapped_kind: str | None,
    read_stat: tuple[int, int, int, int] | None,
) -> None:
    config = scan.config_for(target.path, options)
    entry = None
    # A mapped file is not hashed for the cache: that would read all of it.
    if options.cache and command != "clean" and isinstance(data, bytes):
        entry = cache.key(_cache_parts(command, target, options, config, registry), data)
        if cache.load(entry, report):
            return
    context = Context(options, registry)
    kind = mapped_kind or context.detect(cast(bytes, data))
    suffix = target.path.suffix
    if kind == "text":
        # Drafts stay text; .css (no signature) and .html fragments are chosen by name;
        # source code and data files are "plaintext", listed as not checked.
        kind = catalog.text_kind(suffix)
    report.kind = kind
    if suffix and not filetype.extension_matches(kind, suffix):
        report.notes.append(f"content is {kind.upper()} although the name ends in {suffix}")
    if kind == filetype.CORRUPT_ZIP:
        raise CorruptFileError("broken zip archive: its directory cannot be read")
    cleaner = registry.for_kind(kind)
    if cleaner is None:
        report.status = "unsupported"
        report.notes.append(f"no cleaner for {kind} files: not checked, not cleaned")
        if entry:
            cache.store(entry, report)
        return
    # A mapped file reads as bytes do (slices, find, unpack_from): see sanitize.source.
    parsed = context.open(cleaner, cast(bytes, data), kind)
    report.metadata = context.call(cleaner, parsed.items)
    scanner = scan.TextScanner(config, options) if options.scan else None
    if scanner is not None:
        report.findings = scanner.findings(context.call(cleaner, parsed.text_parts))
    if command != "clean":
        report.notes.extend(context.call(cleaner, parsed.remarks))
        report.status = "dirty" if report.metadata or report.findings else "clean"
        _notices(report, scanner)
        if entry:
            cache.store(entry, report)
        return

    result = context.call(cleaner, parsed.clean)
    report.notes.extend(result.notes)
    if result.plan is not None:
        if not isinstance(data, MappedFile):
            raise InternalError(cleaner.name, TypeError("a plan was returned for bytes"))
        _write_planned(
            target,
            options,
            report,
            context,
            cleaner,
            parsed,
            result,
            read_stat,
            config,
            scanner,
            data,
        )
        return
    output = result.data
    # The cleaned copy is verified against the original (same pixels, pages, samples...);
    # a redacted copy shows other text on purpose, so it is only re-inspected.
    final = context.reopen_verified(cleaner, parsed, output)
    if scanner is not None and (options.redact or config.redact):
        if parsed.can_redact:
            staged = context.open(cleaner, bytes(output), kind)
            replacements = scanner.replacements(context.call(cleaner, staged.text_parts))
            if any(replacements):
                output = context.call(cleaner, staged.redact, replacements)
                final = context.reopen_clean(cleaner, output, kind)
                replaced = sum(len(found) for found in replacements)
                report.notes.append(f"replaced {replaced} sensitive item(s) in the text")
        elif report.findings:
            report.notes.append(f"redaction is not supported for {kind} files: text only flagged")
    changed = _differs(output, data)
    report.status = "cleaned" if (changed or report.metadata) else "clean"
    _rescan(report, scanner, context, cleaner, final)

    destination = output_path(target, options)
    report.output = str(destination)
    same_file = destination.exists() and os.path.samefile(destination, target.path)
    if same_file and not changed:
        return  # nothing to write: an in-place run leaves an already clean file untouched
    if same_file and not options.in_place:
        raise SanitizeError("the output would replace this file; use --in-place or -o DIR")
    destination.parent.mkdir(parents=True, exist_ok=True)
    if options.in_place and target.data is None and _stat_key(target.path) != read_stat:
        raise SanitizeError("the file changed while it was being cleaned; left as it is")
    write_atomic(destination, output, mode_from=target.path, durable=options.in_place)


def _differs(output: bytes | bytearray, data: bytes | MappedFile) -> bool:
    if isinstance(data, MappedFile):
        return len(output) != len(data) or not ranges_equal(output, data, [(0, len(data))])
    return output != data


def _rescan(
    report: FileReport,
    scanner: scan.TextScanner | None,
    context: Context,
    cleaner: Cleaner,
    final: ParsedFile,
) -> None:
    if scanner is not None:
        # What the copy shows is scanned again (a text seen before costs nothing): a copy
        # whose text holds sensitive items is "flagged", never "clean". Its text can differ
        # from the input's: a flattened form draws its filled values into the page.
        kept = scanner.findings(context.call(cleaner, final.text_parts))
        report.findings = kept  # for clean: what the written copy still shows
        if kept:
            report.status = "flagged"
            report.kept = len(kept)
    _notices(report, scanner)


def _write_planned(
    target: Target,
    options: Options,
    report: FileReport,
    context: Context,
    cleaner: Cleaner,
    parsed: ParsedFile,
    result: CleanResult,
    read_stat: tuple[int, int, int, int] | None,
    config: Config,
    scanner: scan.TextScanner | None,
    source: MappedFile,
) -> None:
    """Write a large file's cleaned copy from its plan: the untouched ranges are copied by
    the kernel into a temporary file beside the destination, which is then mapped and
    opened as a new file (re-inspected and verified like any output) before it is renamed
    over the destination. Nothing of the file is read whole into memory."""
    plan = result.plan
    assert plan is not None
    changed = context.call(cleaner, plan.changes, source)
    report.status = "cleaned" if (changed or report.metadata) else "clean"
    if scanner is not None and (options.redact or config.redact) and report.findings:
        report.notes.append(
            f"redaction is not supported for {parsed.kind} files: text only flagged"
        )
    destination = output_path(target, options)
    report.output = str(destination)
    same_file = destination.exists() and os.path.samefile(destination, target.path)
    if same_file and not changed:
        # Nothing to write; the file is its own output, so it must pass as one.
        final = context.reopen_verified(cleaner, parsed, cast(bytes, source))
        _rescan(report, scanner, context, cleaner, final)
        return
    if same_file and not options.in_place:
        raise SanitizeError("the output would replace this file; use --in-place or -o DIR")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(destination, mode_from=target.path, durable=options.in_place) as fd:
        plan.write(source.fd, fd)
        written = map_fd(os.dup(fd), str(destination))
        try:
            final = context.reopen_verified(cleaner, parsed, cast(bytes, written))
            _rescan(report, scanner, context, cleaner, final)
        finally:
            close_mapped(written)
        if options.in_place and _stat_key(target.path) != read_stat:
            raise SanitizeError("the file changed while it was being cleaned; left as it is")


def _notices(report: FileReport, scanner: scan.TextScanner | None) -> None:
    if scanner is not None:
        report.notices = scanner.notices
