"""Review the text of a draft: what was found, where, and what it would become.

The page gets the text cut into segments (plain text, or one finding), so it can
highlight findings and rebuild the reviewed text without counting offsets (JavaScript
counts UTF-16 units, Python code points: an emoji would shift every offset after it).
The text comes from the same ``text_parts`` and the same scanner as ``clean --redact``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sanitize.cleaners.base import TextPart
from sanitize.config import Config
from sanitize.context import Context
from sanitize.errors import SanitizeError
from sanitize.options import Options
from sanitize.pipeline import read_input
from sanitize.registry import default_registry
from sanitize.scan import TextScanner

# Findings are identified on the page by their order over all parts.
Review = dict[str, object]


def review_parts(parts: list[TextPart], config: Config, options: Options) -> Review:
    from sanitize.detect.rewrite import replacement

    scanner = TextScanner(config, options)
    findings: list[dict[str, object]] = []
    shown: list[dict[str, object]] = []
    for part, spans in zip(parts, scanner.spans(parts), strict=True):
        segments: list[dict[str, object]] = []
        position = 0
        for span in spans:
            if span.start > position:
                segments.append({"text": part.text[position : span.start]})
            segments.append({"text": span.text, "finding": len(findings)})
            findings.append(
                {
                    "type": span.type,
                    "value": span.text,
                    "replacement": replacement(span),
                    "where": part.label_at(span.start),
                }
            )
            position = span.end
        if position < len(part.text):
            segments.append({"text": part.text[position:]})
        shown.append({"where": part.where, "segments": segments})
    return {"parts": shown, "findings": findings, "notices": scanner.notices}


def review_text(text: str, config: Config, options: Options) -> Review:
    return review_parts([TextPart("", text)], config, options)


def review_file(path: Path, config: Config, options: Options) -> Review:
    """The text parts of a draft or document, as ``clean --redact`` would see them."""
    registry = default_registry()
    context = Context(options, registry)
    data = read_input(path, options)
    kind = context.detect(data)
    cleaner = registry.for_kind(kind)
    if cleaner is None or kind == "plaintext":
        raise SanitizeError(f"no text to review in {kind} files")
    parsed = context.open(cleaner, data, kind)
    parts = context.call(cleaner, parsed.text_parts)
    review = review_parts(parts, config, options)
    review["kind"] = kind
    review["can_redact"] = parsed.can_redact
    return review


def with_kept(config: Config, kept: list[str]) -> Config:
    """The user's settings plus the values kept for this one request."""
    extra = tuple(v for v in kept if v.strip() and v not in config.allow)
    return replace(config, allow=config.allow + extra)
