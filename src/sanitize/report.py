"""One report model for every command, rendered as text or JSON by sanitize.render."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

# flagged: clean wrote a copy without the metadata, but sensitive text remains in it.
Status = Literal["clean", "dirty", "cleaned", "flagged", "unsupported", "error"]
STATUSES: tuple[Status, ...] = ("clean", "dirty", "cleaned", "flagged", "unsupported", "error")
REPORT_VERSION = 1


@dataclass(frozen=True)
class MetadataItem:
    """One thing a file carries that cleaning removes."""

    location: str  # where in the file: "EXIF:GPS", "PDF:Info", "docProps/core.xml"
    field: str  # the field's name: "GPSLatitude", "/Author"
    value: str  # a short printable rendering of the value


@dataclass(frozen=True)
class Finding:
    """Sensitive text found in a file's content."""

    type: str
    start: int
    end: int
    line: int | None
    column: int | None
    score: float
    preview: str
    where: str
    # A hash of the value, for baselines; never shown in reports.
    digest: str = field(default="", repr=False, compare=False)


@dataclass
class FileReport:
    path: str
    kind: str = "unknown"
    status: Status = "error"
    output: str | None = None
    metadata: list[MetadataItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    # clean: how many sensitive items the written copy still shows (status "flagged").
    kept: int = 0
    # Said once per run rather than per file (e.g. "name detection is off").
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        del data["notices"]
        for finding in data["findings"]:
            del finding["digest"]
        return data


@dataclass
class Report:
    command: str
    files: list[FileReport] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {status: 0 for status in STATUSES}
        for item in self.files:
            counts[item.status] += 1
        counts["total"] = len(self.files)
        counts["metadata"] = sum(len(item.metadata) for item in self.files)
        counts["findings"] = sum(len(item.findings) for item in self.files)
        return counts

    def exit_code(self, strict: bool = False) -> int:
        """0 all good, 1 something to remove or flag (check) or a copy that still holds
        sensitive text (clean), 2 errors."""
        statuses = {item.status for item in self.files}
        if "error" in statuses:
            return 2
        if "flagged" in statuses:
            return 1
        if self.command == "check" and ("dirty" in statuses or any(f.findings for f in self.files)):
            return 1
        if strict and "unsupported" in statuses:
            return 1
        return 0

    @property
    def notices(self) -> list[str]:
        return sorted({notice for item in self.files for notice in item.notices})

    def to_dict(self) -> dict[str, object]:
        return {
            "version": REPORT_VERSION,
            "command": self.command,
            "files": [item.to_dict() for item in self.files],
            "summary": self.summary(),
            "notices": self.notices,
        }
