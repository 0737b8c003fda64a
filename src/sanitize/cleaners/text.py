"""Drafts, captions and prompts (.txt, .md, subtitles): nothing to strip, text to flag.

Text files carry no metadata; their findings come from sanitize.detect. With --redact the
cleaned copy has each finding replaced ([EMAIL], a client's placeholder, a price range).
"""

from __future__ import annotations

from sanitize.cleaners.base import Cleaner, CleanResult, Scanner
from sanitize.options import Options
from sanitize.report import MetadataItem


class TextCleaner(Cleaner):
    name = "text"
    kinds = frozenset({"text"})
    can_redact = True

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        return []

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        return CleanResult(data)

    def redact(self, data: bytes, kind: str, options: Options, scan: Scanner) -> bytes:
        from sanitize.detect.rewrite import redact
        from sanitize.detect.sources import decode

        text, encoding = decode(data)
        spans = scan([text])[0]
        return redact(text, spans).encode(encoding)
