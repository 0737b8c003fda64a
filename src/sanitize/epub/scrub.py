"""Run every EPUB removal over a publication, recording each thing removed.

What identifies a person goes: creators, contributors, publisher, rights statement and
dates in the package metadata (with the metadata that refines them), store and library
bookkeeping (calibre, iTunes), ``<meta name="author|generator...">`` and comments in
every document, signatures. What a reader needs stays: title, language, description,
subjects, cover, reading order, and an identifier, since EPUB requires one. An ISBN or a
DOI names the book, not a person, and is kept; any other unique identifier (calibre and
Sigil write a UUID, which ties the file to the author's library) is replaced by a UUID
derived from the book's text, so cleaning the same book always gives the same one; the
NCX ``dtb:uid`` is set to match.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from sanitize.epub.package import (
    CONTAINER,
    DC,
    DOCUMENT_TYPES,
    NCX,
    OPF,
    Rendition,
    local,
    resolve,
)
from sanitize.errors import UnsupportedVariantError
from sanitize.formats.values import short_text
from sanitize.formats.xmldoc import clean_member, note_kept
from sanitize.formats.zipsafe import ZipDocument
from sanitize.report import MetadataItem
from sanitize.xmlsafe import drop

if TYPE_CHECKING:
    from sanitize.context import Context

Record = Callable[[str, str], None]
MAX_ITEMS_PER_PART = 200
# Dublin Core elements that name people or dates (dc:source often is a path on a disk).
REMOVED_DC = {"creator", "contributor", "publisher", "rights", "date", "source"}
# EPUB 3 metadata properties of the same kind.
REMOVED_PROPERTIES = {
    "dcterms:creator",
    "dcterms:contributor",
    "dcterms:publisher",
    "dcterms:rights",
    "dcterms:rightsHolder",
    "dcterms:date",
    "dcterms:created",
    "dcterms:issued",
    "dcterms:dateCopyrighted",
    "dcterms:source",
}
# EPUB 2 <meta name=... content=...> kept: they drive how readers display the book.
KEPT_META_NAMES = {
    "cover",
    "primary-writing-mode",
    "fixed-layout",
    "original-resolution",
    "orientation-lock",
    "book-type",
    "RegionMagnification",
    "zero-gutter",
    "zero-margin",
}
KEPT_NCX_META = {"dtb:uid", "dtb:depth", "dtb:totalPageCount", "dtb:maxPageNumber"}
KEPT_HTML_META = {"viewport"}  # fixed-layout pages need their size
# EPUB 3 requires dcterms:modified: it is set to this fixed date instead of removed.
FIXED_MODIFIED = "2000-01-01T00:00:00Z"
# Store and library leftovers, never part of the publication.
BOOKKEEPING = {
    "META-INF/calibre_bookmarks.txt": "CalibreBookmarks",
    "iTunesMetadata.plist": "iTunesMetadata",
    "iTunesMetadata-original.plist": "iTunesMetadata",
    "iTunesArtwork": "iTunesArtwork",
    "META-INF/metadata.xml": "ContainerMetadata",
    "META-INF/signatures.xml": "DigitalSignature",
}
KEPT_META_INF = {
    CONTAINER,
    "META-INF/encryption.xml",
    "META-INF/manifest.xml",
    "META-INF/com.apple.ibooks.display-options.xml",
}
# Font obfuscation (IDPF, Adobe) hides fonts from copying; it is not DRM on the text.
FONT_OBFUSCATION = {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
ISBN = re.compile(r"^(urn:isbn:|isbn:?\s*)?(97[89][\d-]{10,14}|[\d-]{9,12}[\dXx])$", re.I)
DOI = re.compile(r"^(urn:doi:|doi:\s*|https?://(dx\.)?doi\.org/)?10\.\d{4,9}/\S+$", re.I)


def public_identifier(value: str) -> bool:
    """An ISBN or a DOI: it names the book, not who made the file."""
    value = value.strip()
    if ISBN.match(value):
        digits = re.sub(r"[^\dXx]", "", value.split(":")[-1])
        return len(digits) in (10, 13)
    return bool(DOI.match(value))


def derived_identifier(texts: list[str]) -> str:
    digest = hashlib.sha256("\n\x00".join(texts).encode()).hexdigest()
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'sanitize:epub:' + digest)}"


@dataclass
class EpubScrub:
    document: ZipDocument
    renditions: list[Rendition]
    texts: list[str]  # the spine documents' visible text, for the derived identifier
    context: Context
    items: list[MetadataItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)  # parsed members to serialise again

    def record(self, location: str, name: str, value: str) -> None:
        self.items.append(MetadataItem(location, name, short_text(value)))

    def recorder(self, name: str) -> Record:
        count = [0]

        def record(field: str, value: str) -> None:
            self.changed.add(name)
            if count[0] < MAX_ITEMS_PER_PART:
                self.record(name, field, value)
            count[0] += 1

        return record

    def run(self) -> None:
        self._refuse_drm()
        self._remove_members()
        for rendition in self.renditions:
            uid = self._package_metadata(rendition)
            if rendition.toc in self.document.members:
                self._ncx(rendition.toc, uid)
            for item in list(rendition.items.values()):
                if item.media_type in DOCUMENT_TYPES and item.name in self.document.members:
                    self._document(item.name)
            self._drop_missing_items(rendition)
        self._clean_embedded()

    # -- members --------------------------------------------------------------------------------
    def _refuse_drm(self) -> None:
        if "META-INF/rights.xml" in self.document.members:
            raise UnsupportedVariantError("EPUB protected by DRM (META-INF/rights.xml)")
        name = "META-INF/encryption.xml"
        if name not in self.document.members:
            return
        for method in self.document.xml(name).iter():
            algorithm = method.get("Algorithm") if local(method) == "EncryptionMethod" else None
            if algorithm and algorithm not in FONT_OBFUSCATION:
                raise UnsupportedVariantError("EPUB with encrypted content (DRM): not supported")

    def _remove_members(self) -> None:
        listed = {item.name for r in self.renditions for item in r.items.values()}
        package_documents = {r.opf for r in self.renditions}
        for name in sorted(self.document.members):
            size = len(self.document.members[name])
            base = name.rsplit("/", 1)[-1]
            if name in BOOKKEEPING:
                self.record(name, BOOKKEEPING[name], f"<{size} bytes>")
                if BOOKKEEPING[name] == "DigitalSignature":
                    self.notes.append(
                        "digital signature removed: it names the signer and no longer matches"
                    )
            elif base in (".DS_Store", "Thumbs.db", "desktop.ini") or name.startswith("__MACOSX/"):
                self.record(name, "SystemFile", f"<{size} bytes>")
            elif name.startswith("META-INF/"):
                if name in KEPT_META_INF:
                    continue
                self.record(name, "UnlistedMember", f"<{size} bytes>")
            elif name == "mimetype" or name in listed or name in package_documents:
                continue
            else:
                # Not in the manifest: not part of the book (a source file, a leftover).
                self.record(name, "UnlistedMember", f"<{size} bytes>")
            self.document.remove(name)

    # -- package document --------------------------------------------------------------------
    def _package_metadata(self, rendition: Rendition) -> str:
        """Scrub the OPF metadata; return the book's unique identifier after cleaning."""
        name = rendition.opf
        record = self.recorder(name)
        root = rendition.root
        self._comments(root, record)
        metadata = rendition.metadata
        if metadata is None:
            return ""
        uid_id = root.get("unique-identifier", "")
        derived = derived_identifier(self.texts)
        removed_ids: set[str] = set()
        uid = ""
        for element in list(metadata.iter()):
            if not isinstance(element.tag, str) or element is metadata:
                continue
            tag = etree.QName(element)
            text = (element.text or "").strip()
            if tag.namespace == DC and tag.localname in REMOVED_DC:
                role = element.get(f"{{{OPF}}}role", "")
                record(tag.localname, f"{text} ({role})" if role else text or "empty")
                removed_ids.add(element.get("id", ""))
                drop(element, keep_blank_tail=False)
            elif tag.namespace == DC and tag.localname == "identifier":
                is_uid = element.get("id") == uid_id and bool(uid_id)
                if public_identifier(text) or (is_uid and text == derived):
                    uid = text if is_uid else uid
                elif is_uid:
                    record(
                        "identifier", f"{text} (replaced by an identifier derived from the text)"
                    )
                    element.text = derived
                    element.attrib.pop(f"{{{OPF}}}scheme", "")
                    removed_ids.add(uid_id)  # what refined the old value no longer applies
                    uid = derived
                else:
                    record("identifier", text or "empty")
                    removed_ids.add(element.get("id", ""))
                    drop(element, keep_blank_tail=False)
            elif tag.localname == "meta":
                self._meta(element, record, removed_ids)
            elif tag.localname == "link":
                rel = element.get("rel", "")
                if "record" in rel or "signature" in rel:
                    href = element.get("href", "")
                    record(f"link {rel}", href)
                    target = resolve(name, href)
                    if target in self.document.members:
                        self.document.remove(target)
                    drop(element, keep_blank_tail=False)
        # Metadata refining what was removed ("role", "file-as" of a creator): second pass,
        # as EPUB allows the refining meta before the element it refines.
        removed_ids.discard("")
        for element in list(metadata.iter(f"{{{OPF}}}meta")):
            refines = element.get("refines", "").lstrip("#")
            if refines and refines in removed_ids:
                record(element.get("property", "meta"), (element.text or "").strip())
                drop(element, keep_blank_tail=False)
        return uid

    def _meta(self, element: etree._Element, record: Record, removed_ids: set[str]) -> None:
        name = element.get("name")
        prop = element.get("property")
        if name is not None:
            if name not in KEPT_META_NAMES:
                record(name, element.get("content", ""))
                removed_ids.add(element.get("id", ""))
                drop(element, keep_blank_tail=False)
        elif prop is not None:
            value = (element.text or "").strip()
            if prop == "dcterms:modified" and not element.get("refines"):
                if value != FIXED_MODIFIED:
                    record(prop, f"{value} (set to {FIXED_MODIFIED}: EPUB 3 requires it)")
                    element.text = FIXED_MODIFIED
            elif prop in REMOVED_PROPERTIES or prop.startswith(("calibre:", "calibre-")):
                record(prop, value)
                removed_ids.add(element.get("id", ""))
                drop(element, keep_blank_tail=False)

    def _ncx(self, name: str, uid: str) -> None:
        root = self.document.xml(name)
        record = self.recorder(name)
        self._comments(root, record)
        head = root.find(f"{{{NCX}}}head")
        for meta in list(head.iter(f"{{{NCX}}}meta") if head is not None else ()):
            key = meta.get("name", "")
            if key == "dtb:uid":
                if uid and meta.get("content") != uid:
                    record(key, f"{meta.get('content', '')} (set to the package identifier)")
                    meta.set("content", uid)
            elif key not in KEPT_NCX_META:
                record(key, meta.get("content", ""))
                drop(meta, keep_blank_tail=False)
        for author in list(root.iter(f"{{{NCX}}}docAuthor")):
            record("docAuthor", " ".join(str(t) for t in author.itertext()))
            drop(author, keep_blank_tail=False)

    # -- content documents -------------------------------------------------------------------
    def _document(self, name: str) -> None:
        root = self.document.xml(name)
        record = self.recorder(name)
        self._comments(root, record)
        for element in list(root.iter()):
            if local(element) != "meta":
                continue
            key = element.get("name")
            if key is not None and key.lower() not in KEPT_HTML_META:
                record(f"meta {key}", element.get("content", ""))
                drop(element, keep_blank_tail=False)

    def _comments(self, root: etree._Element, record: Record) -> None:
        # Comments before or after the root element are recorded only: the document is
        # written from its root element (and DOCTYPE), which leaves them out.
        outside = [*root.itersiblings(preceding=True), *root.itersiblings()]
        for node in [*root.iter(etree.Comment), *outside]:
            if isinstance(node, etree._Comment):
                record("XmlComment", node.text or "")
                if node.getparent() is not None:
                    drop(node, keep_blank_tail=False)

    def _drop_missing_items(self, rendition: Rendition) -> None:
        """Manifest items (and guide references) whose member was removed."""
        for item in list(rendition.items.values()):
            if item.name and item.name not in self.document.members:
                drop(item.element, keep_blank_tail=False)
                del rendition.items[item.id]
                self.changed.add(rendition.opf)
        guide = rendition.root.find(f"{{{OPF}}}guide")
        for reference in list(guide if guide is not None else ()):
            target = resolve(rendition.opf, reference.get("href", ""))
            if target and target not in self.document.members:
                drop(reference, keep_blank_tail=False)

    def _clean_embedded(self) -> None:
        skipped: list[str] = []
        media = {
            item.name
            for r in self.renditions
            for item in r.items.values()
            if item.media_type.startswith(("image/", "audio/", "video/"))
        }
        for name in sorted(media):
            if name not in self.document.members:
                continue
            if not clean_member(self.context, self.document.members, name, self.items, self.notes):
                skipped.append(name)
        note_kept(skipped, self.notes)


def refresh_identifier(
    document: ZipDocument, renditions: list[Rendition], texts: list[str]
) -> set[str]:
    """After redaction changed the text: a derived identifier is derived again (from the
    new text), so the redacted book is as clean as the cleaned one. Returns the members
    changed."""
    changed: set[str] = set()
    derived = derived_identifier(texts)
    for rendition in renditions:
        uid_id = rendition.root.get("unique-identifier", "")
        for element in rendition.root.iter(f"{{{DC}}}identifier"):
            value = (element.text or "").strip()
            is_uid = element.get("id") == uid_id and bool(uid_id)
            if is_uid and not public_identifier(value) and value != derived:
                element.text = derived
                changed.add(rendition.opf)
        if rendition.opf in changed and rendition.toc in document.members:
            for meta in document.xml(rendition.toc).iter(f"{{{NCX}}}meta"):
                if meta.get("name") == "dtb:uid":
                    meta.set("content", derived)
                    changed.add(rendition.toc)
    return changed
