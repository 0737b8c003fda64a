"""Reports for CI: GitHub workflow annotations and SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json
from pathlib import Path

from sanitize.config import ENTITIES
from sanitize.report import Report

INFORMATION_URI = "https://pypi.org/project/sanitize/"
DESCRIPTIONS = {
    "metadata": "Hidden metadata (authors, locations, dates, comments...) that cleaning removes",
    "error": "A file that could not be read or cleaned",
    **{entity: f"Sensitive text: {entity}" for entity in ENTITIES},
}


def _escape(value: str, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property_value else value


def render_github(report: Report) -> str:
    lines = []
    for item in report.files:
        file = _escape(item.path, True)
        if item.status == "error":
            lines.append(f"::error file={file},title=sanitize::{_escape(item.error or 'error')}")
        if item.metadata:
            locations = sorted({m.location for m in item.metadata})
            message = f"{len(item.metadata)} metadata item(s) to remove: {', '.join(locations[:8])}"
            lines.append(f"::warning file={file},title=metadata::{_escape(message)}")
        for f in item.findings:
            position = f",line={f.line},col={f.column}" if f.line else ""
            where = f" ({f.where})" if f.where else ""
            lines.append(
                f"::error file={file}{position},title={f.type}::"
                f"{_escape(f'{f.type} {f.preview}{where}')}"
            )
    return "\n".join(lines)


def _uri(path: str) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            return candidate.as_uri()
    return candidate.as_posix()


def render_sarif(report: Report) -> str:
    from sanitize import __version__

    results = []
    used = set()
    for item in report.files:
        location = {"physicalLocation": {"artifactLocation": {"uri": _uri(item.path)}}}
        if item.status == "error":
            used.add("error")
            results.append(
                {
                    "ruleId": "error",
                    "level": "error",
                    "message": {"text": item.error or "error"},
                    "locations": [location],
                }
            )
        if item.metadata:
            used.add("metadata")
            where = sorted({m.location for m in item.metadata})
            results.append(
                {
                    "ruleId": "metadata",
                    "level": "warning",
                    "message": {
                        "text": f"{len(item.metadata)} metadata item(s) to remove: "
                        f"{', '.join(where[:8])}"
                    },
                    "locations": [location],
                }
            )
        for f in item.findings:
            used.add(f.type)
            physical: dict[str, object] = {"artifactLocation": {"uri": _uri(item.path)}}
            if f.line:
                physical["region"] = {"startLine": f.line, "startColumn": f.column or 1}
            place = f" ({f.where})" if f.where else ""
            results.append(
                {
                    "ruleId": f.type,
                    "level": "error",
                    "message": {"text": f"{f.type} {f.preview}{place}"},
                    "locations": [{"physicalLocation": physical}],
                }
            )
    rules = [
        {"id": rule, "shortDescription": {"text": DESCRIPTIONS.get(rule, rule)}}
        for rule in sorted(used)
    ]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sanitize",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
