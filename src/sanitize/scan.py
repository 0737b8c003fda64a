"""Run text detection on one file's text and turn spans into report findings."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sanitize import config as config_module
from sanitize.config import Config
from sanitize.options import Options
from sanitize.report import Finding

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".mdown", ".mkd", ".text", ".srt", ".vtt", ".rst", ""}
SCANNED_KINDS = {"text", "docx", "pptx", "xlsx", "pdf"}


def config_for(path: Path, options: Options) -> Config:
    base = options.config or config_module.find(path.resolve().parent)
    return base.with_clients(list(options.clients)) if options.clients else base


def value_digest(value: str) -> str:
    from sanitize.detect.clients import fold

    return hashlib.sha256(" ".join(fold(value).split()).encode()).hexdigest()


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def scanner(config: Config, options: Options):  # type: ignore[no-untyped-def]
    """A function that scans a batch of texts, in the file's language."""
    from sanitize.detect import get_detector

    detector = get_detector(config)

    def scan(texts: list[str]):  # type: ignore[no-untyped-def]
        return detector.scan(texts, options.language)

    return scan, detector


def findings(
    kind: str, data: bytes, config: Config, options: Options
) -> tuple[list[Finding], list[str]]:
    from sanitize.detect.rewrite import mask
    from sanitize.detect.sources import parts_of

    parts = parts_of(kind, data, options.max_inflated_size)
    if not parts:
        return [], []
    scan, detector = scanner(config, options)
    found = []
    for part, spans in zip(parts, scan([p.text for p in parts]), strict=True):
        for span in spans:
            line, column = line_and_column(part.text, span.start)
            found.append(
                Finding(
                    span.type,
                    span.start,
                    span.end,
                    line,
                    column,
                    span.score,
                    mask(span.type, span.text),
                    part.label_at(span.start),
                    digest=value_digest(span.text),
                )
            )
    return found, sorted(detector.notices)
