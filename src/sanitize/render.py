"""Render a Report for people (text) or programs (JSON)."""

from __future__ import annotations

from collections.abc import Callable

from sanitize.report import FileReport, Report

Writer = Callable[[str], None]


def render_json(report: Report) -> str:
    import json  # only for --format json: text output needs none

    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def shown(path: str) -> str:
    """A path printable on one line: control characters (a newline in a name) escaped."""
    if path.isprintable():
        return path
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in path)


def _metadata_lines(item: FileReport) -> list[str]:
    return [f"  {m.location}  {m.field}: {m.value}" for m in item.metadata]


def _finding_lines(item: FileReport) -> list[str]:
    lines = []
    for f in item.findings:
        where = f" ({f.where})" if f.where else ""
        lines.append(
            f"{shown(item.path)}:{f.line or 0}:{f.column or 0}: {f.type} {f.preview}{where}"
        )
    return lines


def file_lines(item: FileReport, command: str, quiet: bool) -> list[str]:
    """Lines for stdout; errors are printed apart, on stderr."""
    if item.status == "error":
        return []
    if quiet and item.status in ("clean", "cleaned", "unsupported") and not item.findings:
        return []
    lines: list[str] = []
    count = len(item.metadata)
    if command == "show":
        lines.append(f"{shown(item.path)} ({item.kind}): {count} item(s)")
        lines.extend(_metadata_lines(item))
    elif item.status == "unsupported":
        lines.append(f"{shown(item.path)}: not checked ({item.kind}: unsupported)")
    elif command == "clean" and item.status == "flagged":
        lines.append(
            f"{shown(item.path)}: flagged -> {shown(item.output or '')} "
            f"({item.kept} sensitive item(s) kept; use --redact)"
        )
    elif command == "clean":
        verb = "cleaned" if item.status == "cleaned" else "already clean"
        lines.append(
            f"{shown(item.path)}: {verb} -> {shown(item.output or '')} "
            f"({item.kind}, {count} item(s) removed)"
        )
    else:
        lines.append(f"{shown(item.path)}: {item.status} ({item.kind}, {count} item(s) to remove)")
        lines.extend(_metadata_lines(item))
    lines.extend(_finding_lines(item))
    if not quiet:
        lines.extend(f"  note: {note}" for note in item.notes)
    return lines


def error_line(item: FileReport) -> str:
    return f"{shown(item.path)}: error: {item.error}"


def summary_line(report: Report) -> str:
    counts = report.summary()
    parts = [
        f"{counts[s]} {s}"
        for s in ("cleaned", "clean", "flagged", "dirty", "unsupported", "error")
        if counts[s]
    ]
    return f"{counts['total']} file(s): " + (", ".join(parts) or "nothing to do")
