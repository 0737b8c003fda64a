"""Process one file: detect its real type, inspect, clean, re-inspect, write atomically."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from sanitize import cache, catalog, filetype, scan
from sanitize.atomic import write_atomic
from sanitize.context import Context
from sanitize.errors import CorruptFileError, InternalError, LimitExceededError, SanitizeError
from sanitize.options import Options
from sanitize.registry import Registry, default_registry
from sanitize.report import FileReport
from sanitize.walk import CLEAN_MARK, Target, is_own_output

COMMANDS = ("clean", "check", "show")


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

    settings = (
        options.keep_notes,
        options.keep_annotations,
        options.keep_bookmarks,
        options.strip_tracking,
        options.scan,
        options.language,
        options.max_inflated_size,
        options.clients,
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
    data = target.data if target.data is not None else read_input(target.path, options)
    config = scan.config_for(target.path, options)
    entry = None
    if options.cache and command != "clean":
        entry = cache.key(_cache_parts(command, target, options, config, registry), data)
        if cache.load(entry, report):
            return
    context = Context(options, registry)
    kind = context.detect(data)
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
    parsed = context.open(cleaner, data, kind)
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
    output = result.data
    report.notes.extend(result.notes)
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
    changed = output != data
    report.status = "cleaned" if (changed or report.metadata) else "clean"
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


def _notices(report: FileReport, scanner: scan.TextScanner | None) -> None:
    if scanner is not None:
        report.notices = scanner.notices
