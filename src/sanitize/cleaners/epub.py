"""EPUB 2 and 3 e-books."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from lxml import etree

from sanitize import catalog, filetype
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.xmldoc import XmlDocumentFile
from sanitize.formats.zipsafe import ZipDocument, first_member_stored, read_members

if TYPE_CHECKING:
    from sanitize.epub.package import Rendition
    from sanitize.epub.scrub import EpubScrub
    from sanitize.formats.xmltext import TextMap

MIMETYPE = "mimetype"
# Elements XHTML never leaves empty-tagged: "<script/>" or "<div/>" breaks HTML parsers.
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def render(name: str, root: etree._Element) -> bytes:
    """A member written from its root element, keeping its DOCTYPE; in XHTML, empty
    non-void elements keep an end tag."""
    if etree.QName(root).namespace == "http://www.w3.org/1999/xhtml":
        for element in root.iter():
            if (
                isinstance(element.tag, str)
                and element.text is None
                and len(element) == 0
                and etree.QName(element).localname not in VOID
            ):
                element.text = ""
    doctype = str(getattr(root.getroottree().docinfo, "doctype", "") or "")
    if doctype:
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=doctype))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


class EpubFile(XmlDocumentFile["EpubScrub"]):
    """The publication is read once; its text and signature are taken before the removal
    walk, which runs once and records what it removes."""

    noun = "book"

    def __init__(self, data: bytes, kind: str, context: Context):
        from sanitize.epub.package import renditions, spine_documents

        super().__init__(data, kind, context)
        members = read_members(data, self.options.max_inflated_size, "EPUB package")
        if MIMETYPE not in members:
            raise CorruptFileError("not an EPUB: the mimetype member is missing")
        self.document = ZipDocument(members)
        self.renditions: list[Rendition] = renditions(self.document)
        self.spine = spine_documents(self.document, self.renditions)
        self._signature: list[tuple[str, str, int]] | None = None

    def signature(self) -> list[tuple[str, str, int]]:
        """(member, visible text, pictures) of every spine document, in reading order."""
        if self._signature is None:
            from sanitize.epub.package import signature

            self._signature = [(name, *signature(self.document.xml(name))) for name in self.spine]
        return self._signature

    def _build_text_maps(self) -> list[TextMap]:
        from sanitize.epub.package import text_map

        return [
            text_map(self.document.xml(name), f"chapter {number} ({posixpath.basename(name)})")
            for number, name in enumerate(self.spine, 1)
        ]

    def _build_scrub(self) -> EpubScrub:
        from sanitize.epub.scrub import EpubScrub

        texts = [text for _, text, _ in self.signature()]
        return EpubScrub(self.document, self.renditions, texts, self.context)

    def _write(self, changed: set[str]) -> bytes:
        return self.document.write(
            first=[MIMETYPE], stored=frozenset({MIMETYPE}), render=render, only=changed
        )

    def clean(self) -> CleanResult:
        scrub = self._scrubbed()
        return CleanResult(self._write(scrub.changed), list(scrub.notes))

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, EpubFile) or filetype.detect(cleaned.data) != "epub":
            raise VerificationError("cleaned file is no longer a valid EPUB")
        if not first_member_stored(cleaned.data, MIMETYPE):
            raise VerificationError("the mimetype member is not first and stored")
        if cleaned.spine != self.spine:
            raise VerificationError("the reading order (spine) changed")
        for (name, text, pictures), (_, text2, pictures2) in zip(
            self.signature(), cleaned.signature(), strict=True
        ):
            if text != text2:
                raise VerificationError(f"the visible text of {name} changed")
            if pictures != pictures2:
                raise VerificationError(f"the pictures of {name} changed")
        mine, theirs = self._scrubbed().document.members, cleaned.document.members
        if set(mine) != set(theirs):
            raise VerificationError("the cleaned package does not hold the expected members")
        for name, data in mine.items():
            if not self.document.parsed(name) and theirs[name] != data:
                raise VerificationError(f"{name} differs from its cleaned version")

    def _write_redacted(self, changed: list[int]) -> bytes:
        names = {self.spine[index] for index in changed}
        if names:
            from sanitize.epub.package import signature
            from sanitize.epub.scrub import refresh_identifier

            texts = [signature(self.document.xml(name))[0] for name in self.spine]
            names |= refresh_identifier(self.document, self.renditions, texts)
        return self._write(names)


class EpubCleaner(Cleaner):
    name = "epub"
    kinds = catalog.kinds_of("epub")

    def open(self, data: bytes, kind: str, context: Context) -> EpubFile:
        return EpubFile(data, kind, context)
