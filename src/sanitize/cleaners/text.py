"""Drafts, captions and prompts (.txt, .md, subtitles): nothing to strip, text to flag.

Text files carry no metadata; their text is scanned by sanitize.detect. With --redact the
cleaned copy has each finding replaced ([EMAIL], a client's placeholder, a price range).
"""

from __future__ import annotations

from collections.abc import Sequence

from sanitize.cleaners.base import (
    Cleaner,
    CleanResult,
    ParsedFile,
    Replacement,
    TextPart,
    replace_in,
)
from sanitize.context import Context
from sanitize.report import MetadataItem

BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode(data: bytes) -> tuple[str, str]:
    """The text of a text file, and the encoding to write it back with."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


class TextFile(ParsedFile):
    can_redact = True

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self.text, self.encoding = decode(data)

    def items(self) -> list[MetadataItem]:
        return []

    def clean(self) -> CleanResult:
        return CleanResult(self.data)

    def text_parts(self) -> list[TextPart]:
        return [TextPart("", self.text)]

    def redact(self, replacements: Sequence[Sequence[Replacement]]) -> bytes:
        return replace_in(self.text, replacements[0]).encode(self.encoding)


class TextCleaner(Cleaner):
    name = "text"
    kinds = frozenset({"text"})

    def open(self, data: bytes, kind: str, context: Context) -> TextFile:
        return TextFile(data, kind, context)
