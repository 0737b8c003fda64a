"""Receipts: one JSON line per file cleaned, proof of what was done, never of what was there.

A line names the input and output with their SHA-256, the kind, what was removed as
location and field *names*, findings as type and count, the options that change the output,
the versions of sanitize and of each cleaner used, and a UTC time. Values never go in: not
the removed ones, not the sensitive text found. Notes that quote a removed value are
withheld, and so are field names that the file's author chose (a PDF form field's name).

Local receipts are appended with O_APPEND, one ``write`` and one ``fsync`` per line: a crash
never leaves half a line, and several processes appending at once never interleave. An
object store has no append: a receipt there is rewritten whole (one PUT) at intervals and
at the end, by the client only; a line lost to a crash of the client is written again by
``--resume``, which redoes that file (its output is the same bytes).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sanitize.jobs import Outcome, Resume
from sanitize.options import Options
from sanitize.report import FileReport

RECEIPT_VERSION = 1
DONE = ("clean", "cleaned", "flagged")  # statuses that left an output behind

# Locations whose field names are chosen by the file's author, not by a format: the name of
# a PDF form field or of a document script can be as telling as its value.
AUTHOR_NAMED = frozenset({"PDF:Form", "PDF:JavaScript"})
# What a format's field name looks like ("GPSLatitude", "/Author", "dc:creator",
# "docProps/core.xml", "Xmp.tiff.Make", "©xyz"); anything else is withheld.
FIELD_NAME = re.compile(r"^[\w/:.\-@#©\[\]{}() ]{1,64}$")
WITHHELD_FIELD = "(named by the author)"
WITHHELD_NOTE = "(a note quoting removed content was withheld)"


def output_options(options: Options) -> dict[str, object]:
    """The options that change what is written (not where, nor how fast)."""
    chosen: dict[str, object] = {
        "keep_notes": options.keep_notes,
        "keep_annotations": options.keep_annotations,
        "keep_bookmarks": options.keep_bookmarks,
        "strip_tracking": options.strip_tracking,
        "flatten": options.flatten,
        "redact": options.redact or bool(options.config and options.config.redact),
        "scan": options.scan,
        "language": options.language,
    }
    if options.flatten:
        chosen["dpi"] = options.dpi
    return chosen


def _fragments(value: str) -> set[str]:
    """The parts of a removed value that a note must not quote.

    Values are sometimes the cleaner's own description ("18 bytes", "present") rather
    than content: lower-case words and numbers alone are not looked for, or every note
    saying "removed 18 bytes" would be withheld. Names, emails, paths and markers are.
    """
    text = value.strip().rstrip("…").strip()
    candidates = {text, *re.split(r"[\s,;=()\"'<>]+", text)}
    return {part for part in candidates if len(part) >= 4 and _distinctive(part)}


def _distinctive(part: str) -> bool:
    return len(part) >= 16 or bool(re.search(r"[^a-z0-9 .,]", part))


def _safe_notes(report: FileReport) -> list[str]:
    fragments: set[str] = set()
    for item in report.metadata:
        fragments |= _fragments(item.value)
        if item.location in AUTHOR_NAMED:
            fragments |= _fragments(item.field)
    safe = []
    for note in report.notes:
        safe.append(WITHHELD_NOTE if any(part in note for part in fragments) else note)
    return safe


def _field_name(location: str, name: str) -> str:
    if location in AUTHOR_NAMED or not FIELD_NAME.match(name):
        return WITHHELD_FIELD
    return name


def entry(outcome: Outcome, command: str, options: Options) -> dict[str, Any]:
    report = outcome.report
    removed = sorted({(m.location, _field_name(m.location, m.field)) for m in report.metadata})
    line: dict[str, Any] = {
        "receipt": RECEIPT_VERSION,
        "time": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "command": command,
        "input": report.path,
        "input_sha256": outcome.input_sha256,
        # In place the pipeline names the real path; the receipt keeps the name given, so
        # a receipt committed to a repository holds no path of one person's machine.
        "output": report.path if (options.in_place and report.output) else report.output,
        "output_sha256": outcome.output_sha256,
        "output_size": outcome.output_size,
        "kind": report.kind,
        "status": report.status,
        "removed": [{"location": loc, "field": name} for loc, name in removed],
        "findings": dict(sorted(Counter(f.type for f in report.findings).items())),
        "kept": report.kept,
        "notes": _safe_notes(report),
        "options": output_options(options),
        "versions": outcome.versions,
    }
    if report.error:
        # Errors are the pipeline's own words; they are filtered like notes all the same.
        line["error"] = _safe_notes(
            FileReport(report.path, metadata=report.metadata, notes=[report.error])
        )[0]
    return line


def encode(line: dict[str, Any]) -> bytes:
    return (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def parse(data: bytes) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(line number, entry) for each line; None for a damaged one (it is never trusted)."""
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            yield number, None
            continue
        yield number, value if isinstance(value, dict) else None


def dedup_key(line: dict[str, Any]) -> str:
    """Two lines with this key equal record the same work twice."""
    parts = [line.get(k) for k in ("command", "input", "input_sha256", "output", "output_sha256")]
    return json.dumps([*parts, line.get("options")], sort_keys=True)


def resume_hints(lines: Iterable[dict[str, Any] | None]) -> dict[str, Resume]:
    """The last finished run of each input, by input path or URL."""
    hints: dict[str, Resume] = {}
    for line in lines:
        if not line or line.get("status") not in DONE or not line.get("output"):
            continue
        if not isinstance(line.get("input_sha256"), str):
            continue
        hints[str(line["input"])] = Resume(
            input_sha256=line["input_sha256"],
            output=str(line["output"]),
            output_size=line.get("output_size"),
            status=str(line["status"]),
            kind=str(line.get("kind", "unknown")),
            kept=int(line.get("kept", 0)),
            time=str(line.get("time", "?")),
        )
    return hints


class ReceiptLog:
    """Appends receipt lines to a local file or an object (see the module's docstring)."""

    FLUSH_SECONDS = 5.0  # how often a remote receipt is rewritten while a batch runs

    def __init__(self, where: str | Path) -> None:
        from sanitize import remote

        self.where = str(where)
        self._local: Path | None = None
        self._remote: str | None = None
        if remote.is_url(self.where):
            fs, path = remote.filesystem(self.where)
            if remote.is_local(fs):
                self._local = Path(path)
            else:
                self._remote = self.where
        else:
            self._local = Path(self.where)
        self._existing = self._read()
        if self._remote is not None:
            # Written back at once: a missing bucket or a missing permission stops the
            # batch before any work, not at its end.
            self._write_remote()
        self._keys = {dedup_key(line) for _, line in parse(self._existing) if line}
        self._pending: list[bytes] = []
        self._flushed = time.monotonic()

    def _read(self) -> bytes:
        if self._local is not None:
            try:
                return self._local.read_bytes()
            except FileNotFoundError:
                return b""
        from sanitize import remote

        assert self._remote is not None
        if remote.size_of(self._remote) is None:
            return b""
        fs, path = remote.filesystem(self._remote)
        data: bytes = fs.cat_file(path)
        return data

    def lines(self) -> list[dict[str, Any] | None]:
        return [line for _, line in parse(self._existing)]

    def append(self, line: dict[str, Any]) -> bool:
        """Write ``line`` unless the receipt already records the same work."""
        key = dedup_key(line)
        if key in self._keys:
            return False
        self._keys.add(key)
        data = encode(line)
        if self._local is not None:
            append_line(self._local, data)
        else:
            self._pending.append(data)
            if time.monotonic() - self._flushed >= self.FLUSH_SECONDS:
                self.flush()
        return True

    def flush(self) -> None:
        if self._remote is None or not self._pending:
            return

        self._existing += b"".join(self._pending)
        self._pending.clear()
        self._write_remote()

    def _write_remote(self) -> None:
        from sanitize import remote
        from sanitize.errors import SanitizeError

        assert self._remote is not None
        try:
            remote.write(self._remote, self._existing)
        except OSError as exc:
            raise SanitizeError(f"cannot write the receipt {self._remote}: {exc}") from exc
        self._flushed = time.monotonic()

    def close(self) -> None:
        self.flush()


def append_line(path: Path, data: bytes) -> None:
    """One line, whole: O_APPEND places each write at the end, atomically with respect to
    other appending processes; one write call per line, then fsync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        written = os.write(fd, data)
        if written != len(data):  # a full disk: say so rather than leave a torn line unsaid
            raise OSError(f"receipt {path}: only {written} of {len(data)} bytes written")
        os.fsync(fd)
    finally:
        os.close(fd)
