"""Run text detection on a file's text parts: findings for reports, replacements for
redaction. The text itself always comes from the file's parsed object (its
``text_parts``), so check, show, clean and clean --redact see the same text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sanitize import config as config_module
from sanitize.cleaners.base import Replacement, TextPart
from sanitize.config import Config
from sanitize.options import Options
from sanitize.report import Finding

if TYPE_CHECKING:
    from sanitize.detect.engine import Detector, Span


def config_for(path: Path, options: Options) -> Config:
    base = options.config or config_module.find(path.resolve().parent)
    return base.with_clients(list(options.clients)) if options.clients else base


def value_digest(value: str) -> str:
    import hashlib

    from sanitize.detect.clients import fold

    return hashlib.sha256(" ".join(fold(value).split()).encode()).hexdigest()


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


class TextScanner:
    """Scans the text parts of one file. The detector (and its language models) is loaded
    only when there is text to scan; a text seen once is not scanned again (the output of
    a cleaning usually shows the same text as its input)."""

    def __init__(self, config: Config, options: Options):
        self.config = config
        self.options = options
        self._detector: Detector | None = None
        self._seen: dict[tuple[str, ...], list[list[Span]]] = {}

    @property
    def detector(self) -> Detector:
        if self._detector is None:
            from sanitize.detect import get_detector

            self._detector = get_detector(self.config)
        return self._detector

    @property
    def notices(self) -> list[str]:
        return sorted(self._detector.notices) if self._detector else []

    def spans(self, parts: Sequence[TextPart]) -> list[list[Span]]:
        texts = tuple(part.text for part in parts)
        if not texts:
            return []
        if texts not in self._seen:
            self._seen[texts] = self.detector.scan(list(texts), self.options.language)
        return self._seen[texts]

    def findings(self, parts: Sequence[TextPart]) -> list[Finding]:
        found: list[Finding] = []
        every_spans = self.spans(parts)
        if not any(every_spans):
            # Nothing found (or no text at all): the detection modules, whose patterns
            # take tens of milliseconds to compile, are not needed to say so.
            return found
        from sanitize.detect.rewrite import mask

        for part, spans in zip(parts, every_spans, strict=True):
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
        return found

    def replacements(self, parts: Sequence[TextPart]) -> list[list[Replacement]]:
        from sanitize.detect.rewrite import replacement

        return [
            [Replacement(s.start, s.end, replacement(s)) for s in spans]
            for spans in self.spans(parts)
        ]
