"""``sanitize receipt verify``: are the outputs a receipt lists still as they were written?

Each output still present is hashed again and inspected again. It is a problem (exit 1)
when its bytes changed since, when it carries metadata again, or when its text holds more
sensitive items than the receipt recorded as kept. An output that cannot be read, or a
damaged receipt line, exits 2; an output that is gone is listed, not a failure (outputs
get published, moved and deleted). Only the latest line for each output counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sanitize.errors import SanitizeError
from sanitize.jobs import sha256
from sanitize.options import Options
from sanitize.pipeline import process
from sanitize.receipt import DONE, ReceiptLog
from sanitize.walk import Target


@dataclass(frozen=True)
class Verdict:
    output: str
    status: str  # ok | missing | changed | dirty | error
    message: str

    @property
    def code(self) -> int:
        return {"ok": 0, "missing": 0, "changed": 1, "dirty": 1}.get(self.status, 2)


def verify(where: str | Path, options: Options | None = None) -> list[Verdict]:
    options = options or Options()
    log = ReceiptLog(where)
    latest: dict[str, dict[str, Any]] = {}
    verdicts = []
    for number, line in enumerate(log.lines(), start=1):
        if line is None:
            verdicts.append(Verdict(f"{where}:{number}", "error", "damaged receipt line"))
            continue
        output = line.get("output")
        if line.get("status") in DONE and isinstance(output, str) and line.get("output_sha256"):
            latest[output] = line
    for output, line in latest.items():
        verdicts.append(_verify_one(output, line, options))
    return verdicts


def _read(output: str, options: Options) -> bytes | None:
    from sanitize import remote

    if remote.is_url(output):
        if remote.size_of(output) is None:
            return None
        return remote.read(output, options.max_file_size)
    path = Path(output)
    return path.read_bytes() if path.is_file() else None


def _verify_one(output: str, line: dict[str, Any], options: Options) -> Verdict:
    try:
        data = _read(output, options)
    except (SanitizeError, OSError) as exc:
        return Verdict(output, "error", f"cannot read: {exc}")
    if data is None:
        return Verdict(output, "missing", "no longer there (not checked)")
    if sha256(data) != line["output_sha256"]:
        problem = "changed since it was cleaned (SHA-256 differs)"
        again = _inspect(output, data, line, options)
        return Verdict(output, "changed", f"{problem}; {again}" if again else problem)
    again = _inspect(output, data, line, options)
    return Verdict(output, "dirty", again) if again else Verdict(output, "ok", "unchanged")


def _inspect(output: str, data: bytes, line: dict[str, Any], options: Options) -> str:
    """What the output shows that its receipt line did not allow ("" when nothing)."""
    name = Path(output.rpartition("/")[2] or "output")
    local = Path(output) if Path(output).is_file() else name
    report = process(Target(local, None, data=data), "check", options)
    if report.status == "error":
        return f"cannot be inspected: {report.error}"
    problems = []
    if report.metadata:
        where = sorted({item.location for item in report.metadata})
        problems.append(
            f"carries metadata again ({len(report.metadata)} item(s) in {', '.join(where)})"
        )
    allowed = Counter(line.get("findings") or {}) if line.get("status") == "flagged" else Counter()
    found = Counter(finding.type for finding in report.findings)
    extra = found - allowed
    if extra:
        listed = ", ".join(f"{kind} x{count}" for kind, count in sorted(extra.items()))
        problems.append(f"holds sensitive text again ({listed})")
    return "; ".join(problems)
