"""A sanitize plugin for ".note" files, the worked example of README's Plugins section.

A note starts with the line ``NOTE/1``, then ``Key: value`` header lines up to a blank
line, then the body. The header's ``Title`` is what a reader sees; every other header
(author, device, dates) is metadata. The body is text: sanitize scans it and, with
``clean --redact``, rewrites it through ``redact``.
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
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.report import MetadataItem

MAGIC = "NOTE/1"
KEPT_HEADERS = {"Title"}


class NoteFile(ParsedFile):
    can_redact = True

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:  # a parse error: reported as a malformed note
            raise CorruptFileError("a note must be UTF-8") from exc
        head, _, self.body = text.partition("\n\n")
        lines = head.split("\n")
        if lines[0] != MAGIC:
            raise CorruptFileError("not a note (no NOTE/1 line)")
        self.headers = [tuple(line.split(": ", 1)) for line in lines[1:] if ": " in line]

    def items(self) -> list[MetadataItem]:
        return [MetadataItem("Note", k, v) for k, v in self.headers if k not in KEPT_HEADERS]

    def clean(self) -> CleanResult:
        kept = [f"{k}: {v}" for k, v in self.headers if k in KEPT_HEADERS]
        return CleanResult(self._write(kept, self.body), ["kept the title"])

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, NoteFile) or cleaned.body != self.body:
            raise VerificationError("the note's body changed during cleaning")

    def text_parts(self) -> list[TextPart]:
        return [TextPart("body", self.body)]

    def redact(self, replacements: Sequence[Sequence[Replacement]]) -> bytes:
        headers = [f"{k}: {v}" for k, v in self.headers]
        return self._write(headers, replace_in(self.body, replacements[0]))

    @staticmethod
    def _write(headers: list[str], body: str) -> bytes:
        return "\n".join([MAGIC, *headers]).encode() + b"\n\n" + body.encode()


class NoteCleaner(Cleaner):
    name = "notes"
    kinds = frozenset({"note"})

    @classmethod
    def sniff(cls, data: bytes) -> str | None:
        return "note" if data.startswith(MAGIC.encode() + b"\n") else None

    def open(self, data: bytes, kind: str, context: Context) -> NoteFile:
        return NoteFile(data, kind, context)
