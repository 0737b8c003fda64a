"""DOCX, XLSX and PPTX: one cleaner for the three Office Open XML formats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sanitize import catalog, filetype
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import VerificationError
from sanitize.formats.xmldoc import XmlDocumentFile
from sanitize.ooxml.names import SLIDE_KINDS

if TYPE_CHECKING:
    from sanitize.formats.xmltext import TextMap
    from sanitize.ooxml.scrub import Scrub


class OoxmlFile(XmlDocumentFile["Scrub"]):
    """The package is read once. Its text is mapped first (the scan sees what the author
    wrote, comments included); the removal walk then runs once, recording each thing it
    removes, so the listing and the cleaned package come from the same walk."""

    noun = "package"

    def __init__(self, data: bytes, kind: str, context: Context):
        from sanitize.ooxml.package import Package

        super().__init__(data, kind, context)
        self.package = Package.read(data, self.options.max_inflated_size, kind)

    def _build_text_maps(self) -> list[TextMap]:
        from sanitize.ooxml.text import text_maps

        return text_maps(self.package, self.kind)

    def _build_scrub(self) -> Scrub:
        from sanitize.ooxml.scrub import Scrub

        return Scrub(self.package, self.options, self.context)

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

    def _write_redacted(self, changed: list[int]) -> bytes:
        return self.package.write()


class OoxmlCleaner(Cleaner):
    name = "ooxml"
    kinds = catalog.kinds_of("ooxml")

    def open(self, data: bytes, kind: str, context: Context) -> OoxmlFile:
        return OoxmlFile(data, kind, context)
