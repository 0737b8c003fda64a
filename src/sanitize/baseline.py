"""Baselines: findings a team has accepted, stored as keyed fingerprints, never values.

A fingerprint is an HMAC of (file, type, hash of the value) with a key that is not
committed: ``SANITIZE_BASELINE_KEY`` (for CI, as a secret) or a key file created in the
user's data directory. Line numbers are not part of it, so moving text keeps it valid.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from sanitize.atomic import write_atomic
from sanitize.errors import SanitizeError
from sanitize.report import FileReport, Report

BASELINE_FORMAT = 1


def _key() -> bytes:
    configured = os.environ.get("SANITIZE_BASELINE_KEY")
    if configured:
        return configured.encode()
    import platformdirs

    path = Path(platformdirs.user_data_dir("sanitize")) / "baseline.key"
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key


def _relative(path: str, base: Path) -> str:
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(base.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def fingerprint(key: bytes, file: str, kind: str, digest: str) -> str:
    return hmac.new(key, f"{file}\0{kind}\0{digest}".encode(), hashlib.sha256).hexdigest()


def _fingerprints(report: Report, base: Path, key: bytes) -> list[tuple[FileReport, int, str]]:
    found = []
    for item in report.files:
        file = _relative(item.path, base)
        for index, finding in enumerate(item.findings):
            found.append((item, index, fingerprint(key, file, finding.type, finding.digest)))
    return found


def write(report: Report, path: Path) -> int:
    key = _key()
    entries = sorted(
        {
            (_relative(i.path, path.parent), i.findings[n].type, fp)
            for i, n, fp in _fingerprints(report, path.parent, key)
        }
    )
    document = {
        "version": BASELINE_FORMAT,
        "findings": [{"file": f, "type": t, "fingerprint": fp} for f, t, fp in entries],
    }
    write_atomic(path, (json.dumps(document, indent=2) + "\n").encode())
    return len(entries)


def apply(report: Report, path: Path) -> int:
    """Drop findings recorded in the baseline; returns how many were dropped."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        known = {entry["fingerprint"] for entry in document["findings"]}
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SanitizeError(f"unreadable baseline {path}: {exc}") from exc
    key = _key()
    drop: dict[int, set[int]] = {}
    for item, index, fp in _fingerprints(report, path.parent, key):
        if fp in known:
            drop.setdefault(id(item), set()).add(index)
    dropped = 0
    for item in report.files:
        indexes = drop.get(id(item))
        if not indexes:
            continue
        item.findings = [f for n, f in enumerate(item.findings) if n not in indexes]
        dropped += len(indexes)
        if item.status == "dirty" and not item.metadata and not item.findings:
            item.status = "clean"
        if item.status == "flagged" and not item.findings:
            # Every finding is a known, accepted one: the copy is as clean as it gets.
            item.status, item.kept = "cleaned", 0
    return dropped
