"""OpenDocument: ODT, ODS, ODP, ODG and their templates (OTT, OTS, OTP, OTG)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sanitize import catalog, filetype
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.xmldoc import XmlDocumentFile
from sanitize.formats.zipsafe import ZipDocument, first_member_stored, read_members

if TYPE_CHECKING:
    from sanitize.formats.xmltext import TextMap
    from sanitize.odf.scrub import OdfScrub

MIMETYPE = "mimetype"


def write_package(document: ZipDocument) -> bytes:
    # The specification wants "mimetype" first and stored: readers sniff it at offset 38.
    return document.write(first=[MIMETYPE], stored=frozenset({MIMETYPE}))


class OdfFile(XmlDocumentFile["OdfScrub"]):
    """The package is read once. Text maps and the verification signature are taken
    first, from the document as the author left it; the removal walk then runs once and
    records what it removes, so the listing and the output come from the same walk."""

    def __init__(self, data: bytes, kind: str, context: Context):
        from sanitize.odf.scrub import document_roots

        super().__init__(data, kind, context)
        members = read_members(data, self.options.max_inflated_size, "OpenDocument package")
        if MIMETYPE not in members:
            raise CorruptFileError("not an OpenDocument package: the mimetype member is missing")
        self.document = ZipDocument(members)
        self.roots = document_roots(members)
        if "" not in self.roots:
            raise CorruptFileError("not an OpenDocument package: content.xml is missing")
        self._signature: dict[str, tuple[str, int, int, int]] | None = None

    def _build_text_maps(self) -> list[TextMap]:
        from sanitize.odf.text import text_maps

        return text_maps(self.document, self.roots, self.kind)

    def signature(self) -> dict[str, tuple[str, int, int, int]]:
        if self._signature is None:
            from sanitize.odf.text import signature

            self._signature = signature(self.document, self.roots, self.options.keep_notes)
        return self._signature

    def _build_scrub(self) -> OdfScrub:
        from sanitize.odf.scrub import OdfScrub

        self.signature()  # before the walk changes the document
        return OdfScrub(self.document, self.roots, self.options, self.context)

    def clean(self) -> CleanResult:
        scrub = self._scrubbed()
        notes = list(scrub.notes)
        if self.kind in ("odp", "otp") and self.options.keep_notes:
            notes.append("speaker notes kept (--keep-notes)")
        return CleanResult(write_package(scrub.document), notes)

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, OdfFile) or filetype.detect(cleaned.data) != self.kind:
            raise VerificationError(f"cleaned file is no longer a valid {self.kind.upper()}")
        if not first_member_stored(cleaned.data, MIMETYPE):
            raise VerificationError("the mimetype member is not first and stored")
        mine = self._scrubbed().document.members
        theirs = cleaned.document.members
        if set(mine) != set(theirs):
            raise VerificationError("the cleaned package does not hold the expected members")
        for name, data in mine.items():
            if not self.document.parsed(name) and theirs[name] != data:
                raise VerificationError(f"{name} differs from its cleaned version")
        before, after = self.signature(), cleaned.signature()
        for name, (text, pages, sheets, pictures) in before.items():
            if name not in after:
                raise VerificationError(f"{name} is missing from the cleaned document")
            if after[name][0] != text:
                raise VerificationError(f"the visible text of {name} changed")
            if after[name][1:] != (pages, sheets, pictures):
                raise VerificationError(
                    f"{name}: pages, sheets or pictures changed "
                    f"({(pages, sheets, pictures)} -> {after[name][1:]})"
                )

    def _write_redacted(self, changed: list[int]) -> bytes:
        return write_package(self.document)


class OdfCleaner(Cleaner):
    name = "odf"
    kinds = catalog.kinds_of("odf")

    def open(self, data: bytes, kind: str, context: Context) -> OdfFile:
        return OdfFile(data, kind, context)
