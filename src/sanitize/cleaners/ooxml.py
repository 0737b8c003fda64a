"""DOCX, XLSX and PPTX: one cleaner for the three Office Open XML formats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sanitize import catalog, filetype
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile, Replacement, TextPart
from sanitize.context import Context
from sanitize.errors import VerificationError
from sanitize.ooxml.names import SLIDE_KINDS
from sanitize.report import MetadataItem

if TYPE_CHECKING:
    from sanitize.formats.xmltext import TextMap
    from sanitize.ooxml.scrub import Scrub


class OoxmlFile(ParsedFile):
    """The package is read once. Its text is mapped first (the scan sees what the author
    wrote, comments included); the removal walk then runs once, recording each thing it
    removes, so the listing and the cleaned package come from the same walk."""

    can_redact = True

    def __init__(self, data: bytes, kind: str, context: Context):
        from sanitize.ooxml.package import Package

        super().__init__(data, kind, context)
        self.package = Package.read(data, self.options.max_inflated_size, kind)
        self._maps: list[TextMap] | None = None
        self._scrub: Scrub | None = None

    def _text_maps(self) -> list[TextMap]:
        if self._maps is None:
            from sanitize.ooxml.text import text_maps

            self._maps = text_maps(self.package, self.kind)
        return self._maps

    def _scrubbed(self) -> Scrub:
        if self._scrub is None:
            from sanitize.ooxml.scrub import Scrub

            self._text_maps()  # before the walk changes the package
            self._scrub = Scrub(self.package, self.options, self.context)
            self._scrub.run()
        return self._scrub

    def items(self) -> list[MetadataItem]:
        return list(self._scrubbed().items)

    def remarks(self) -> list[str]:
        return list(self._scrubbed().notes)

    def clean(self) -> CleanResult:
        from sanitize.ooxml.scrub import verify_package

        scrub = self._scrubbed()
        verify_package(scrub.package)
        notes = list(scrub.notes)
        if self.kind in SLIDE_KINDS and self.options.keep_notes:
            notes.append("speaker notes kept (--keep-notes)")
        return CleanResult(scrub.package.write(), notes)

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, OoxmlFile) or filetype.detect(cleaned.data) != self.kind:
            raise VerificationError(f"cleaned file is no longer a valid {self.kind.upper()}")

    def text_parts(self) -> list[TextPart]:
        return [text_map.part() for text_map in self._text_maps()]

    def redact(self, replacements: Sequence[Sequence[Replacement]]) -> bytes:
        if self._scrub is not None:
            raise VerificationError("redaction applies to an unscrubbed package")
        edited: dict[int, int] = {}
        for text_map, found in zip(self._text_maps(), replacements, strict=True):
            text_map.apply(found, edited)
        return self.package.write()


class OoxmlCleaner(Cleaner):
    name = "ooxml"
    kinds = catalog.kinds_of("ooxml")

    def open(self, data: bytes, kind: str, context: Context) -> OoxmlFile:
        return OoxmlFile(data, kind, context)
