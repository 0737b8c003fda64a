"""Remember check/show results by content, settings and version.

A second check of unchanged files reads them, hashes them, and finds the answer here
without loading any model. ``SANITIZE_CACHE_DIR`` moves the cache; ``--no-cache`` skips it.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import asdict
from pathlib import Path

from sanitize.atomic import write_atomic
from sanitize.report import FileReport, Finding, MetadataItem

CACHE_FORMAT = 1
CACHED_STATUSES = {"clean", "dirty", "unsupported"}


def cache_dir() -> Path:
    configured = os.environ.get("SANITIZE_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("sanitize"))


def key(parts: list[str], data: bytes) -> str:
    import hashlib  # only check and show use the cache: a clean does not pay for it

    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _path(entry: str) -> Path:
    return cache_dir() / entry[:2] / f"{entry}.json"


def load(entry: str, report: FileReport) -> bool:
    """Fill ``report`` from the cache; False when there is nothing usable."""
    import json  # only check and show use the cache: a clean does not pay for it

    try:
        stored = json.loads(_path(entry).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stored.get("format") != CACHE_FORMAT:
        return False
    report.kind = stored["kind"]
    report.status = stored["status"]
    report.metadata = [MetadataItem(**item) for item in stored["metadata"]]
    report.findings = [Finding(**item) for item in stored["findings"]]
    report.notes = list(stored["notes"])
    report.notices = list(stored["notices"])
    return True


def store(entry: str, report: FileReport) -> None:
    import json

    if report.status not in CACHED_STATUSES:
        return  # errors may be passing (a file being written, a locked file)
    record = {
        "format": CACHE_FORMAT,
        "kind": report.kind,
        "status": report.status,
        "metadata": [asdict(m) for m in report.metadata],
        "findings": [asdict(f) for f in report.findings],
        "notes": report.notes,
        "notices": report.notices,
    }
    path = _path(entry)
    with contextlib.suppress(OSError):  # a read-only or full cache never fails a check
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(record).encode())
