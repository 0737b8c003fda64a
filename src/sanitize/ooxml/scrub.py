"""Run every OOXML removal over a package, recording each thing removed.

Inspecting and cleaning are the same walk: ``inspect`` runs it on a throwaway copy and
keeps the record, ``clean`` keeps the package. So the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from sanitize.errors import SanitizeError, VerificationError
from sanitize.formats.ole import is_ole, scrub_ole, vba_modules
from sanitize.formats.values import short_text
from sanitize.formats.xmldoc import clean_member, note_kept
from sanitize.ooxml.hidden import HiddenSheets, hidden_slides, neutral_picture_names
from sanitize.ooxml.names import (
    COMMENT_KINDS,
    CT,
    EMBEDDING_FOLDERS,
    MEDIA_FOLDERS,
    NOTES_KIND,
    REMOVED_KINDS,
    P,
    R,
    S,
    W,
    q,
)
from sanitize.ooxml.package import CONTENT_TYPES, Package, rels_path, resolve_target
from sanitize.ooxml.sheets_slides import scrub_sheet_part, scrub_slide_part
from sanitize.ooxml.word import scrub_word_part
from sanitize.options import Options
from sanitize.report import MetadataItem
from sanitize.xmlsafe import attribute_results, text_of, texts_of

if TYPE_CHECKING:
    from sanitize.context import Context

# Elements that exist only to point at a relationship: removed when it is gone.
REFERENCE_ELEMENTS = {
    "legacyDrawing",
    "legacyDrawingHF",
    "attachedTemplate",
    "dataSource",
    "headerSource",
    "commentAuthorLst",
    "sld",  # a custom show's reference to a removed slide
    "sldId",
}
MAX_ITEMS_PER_PART = 200
_RELATIONSHIP_ATTRIBUTES = etree.XPath("//@*[namespace-uri()=$r]")


@dataclass
class Scrub:
    package: Package
    options: Options
    context: Context
    items: list[MetadataItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def record(self, location: str, name: str, value: str) -> None:
        self.items.append(MetadataItem(location, name, short_text(value)))

    def run(self) -> None:
        self.notes.extend(self.package.notes)
        self._reachable_before = self.package.reachable()
        self._hidden_content()
        self._remove_related_parts()
        self._remove_unreachable_parts()
        self._empty_core_properties()
        for name in sorted(self.package.parts):
            if self.package.is_xml(name) and not name.endswith(".rels") and name != CONTENT_TYPES:
                self._scrub_xml(name)
        self.package.drop_missing_targets()  # links to the parts removed above
        self._drop_dangling_references()
        self._fix_content_types()
        self._report_macros()
        self._clean_media()

    # -- hidden slides and sheets --------------------------------------------------------
    def _hidden_content(self) -> None:
        main = self.package.main_part()
        if main not in self.package.parts:
            return
        kind = etree.QName(self.package.xml(main)).localname
        keep = self.options.keep_hidden

        def record(location: str, name: str, value: str) -> None:
            self.record(location, name, value)

        if kind == "presentation":
            found = hidden_slides(self.package, main, not keep, record)
            if keep and found:
                self.notes.append(f"hidden slides kept (--keep-hidden): {', '.join(found)}")
        elif kind == "workbook":
            sheets = HiddenSheets(self.package, main, record, self.notes)
            if keep:
                for sheet in sheets.names():
                    self.notes.append(f"hidden sheet kept (--keep-hidden): {sheet}")
            else:
                sheets.run()

    # -- macros ----------------------------------------------------------------------------
    def _report_macros(self) -> None:
        for source in sorted(self.package.sources()):
            for rel in self.package.relationships(source):
                target = resolve_target(source, rel.target)
                if rel.external or rel.kind != "vbaProject" or target not in self.package.parts:
                    continue
                modules = vba_modules(self.package.parts[target])
                listed = f" (modules: {', '.join(modules[:8])})" if modules else ""
                self.notes.append(
                    f"macros kept: VBA project {target}{listed}; check them before publishing. "
                    "Its code, references and project description are not edited (they can "
                    "name paths on the author's computer)"
                )
                self._clean_ole(target)
                for signed in self.package.relationships(target):
                    if "Signature" in signed.kind:
                        self.notes.append(
                            f"{target}: the macros' digital signature names its signer"
                        )

    # -- parts reached through relationships -------------------------------------------
    def _removed_kinds(self) -> set[str]:
        kinds = set(REMOVED_KINDS)
        if not self.options.keep_notes:
            kinds.add(NOTES_KIND)
        return kinds

    def _remove_related_parts(self) -> None:
        kinds = self._removed_kinds()
        for source in sorted(self.package.sources()):
            if source and source not in self.package.parts:
                continue
            relationships = self.package.relationships(source)
            had_comments = any(rel.kind in COMMENT_KINDS for rel in relationships)
            dropped = set()
            for rel in relationships:
                if rel.kind in kinds or (had_comments and rel.kind == "vmlDrawing"):
                    dropped.add(rel.id)
                    if rel.external:
                        self.record(source or "package", rel.kind, rel.target)
                        continue
                    target = resolve_target(source, rel.target)
                    if target in self.package.parts:
                        self._describe_part(target, rel.kind)
                        self.package.remove(target)
            self.package.drop_relationships(source, dropped)

    def _describe_part(self, name: str, kind: str) -> None:
        data = self.package.parts[name]
        if not self.package.is_xml(name):
            self.record(name, kind, f"<{len(data)} bytes>")
            return
        try:
            root = self.package.xml(name)
        except SanitizeError:
            self.record(name, kind, f"<{len(data)} bytes, unreadable>")
            return
        if kind == NOTES_KIND:
            text = " ".join(t for t in texts_of(root) if t.strip())
            self.record(name, "SpeakerNotes", text or "empty notes")
            return
        children = [c for c in root.iter() if isinstance(c.tag, str) and c is not root]
        described = 0
        for child in root:
            if not isinstance(child.tag, str):
                continue
            label = child.get("name") or child.get("author") or child.get(q(W, "author")) or ""
            text = " ".join(t.strip() for t in texts_of(child) if t.strip())
            if label or text:
                value = f"{label}: {text}" if label and text else label or text
                self.record(name, etree.QName(child).localname, value)
                described += 1
            if described >= MAX_ITEMS_PER_PART:
                break
        if not described:
            self.record(name, kind, f"{len(children)} element(s)")

    def _remove_unreachable_parts(self) -> None:
        reachable = self.package.reachable()
        for name in sorted(self.package.parts):
            if name == CONTENT_TYPES or name.endswith(".rels") or name in reachable:
                continue
            if name not in self._reachable_before:  # not left behind by our own removals
                self.record(name, "UnreferencedPart", f"<{len(self.package.parts[name])} bytes>")
            self.package.remove(name)
        # Relationship parts whose source is gone.
        for name in sorted(self.package.parts):
            if name.endswith(".rels") and name != "_rels/.rels":
                from sanitize.ooxml.package import source_of

                if source_of(name) not in self.package.parts:
                    del self.package.parts[name]
                    self.package._xml.pop(name, None)

    def _empty_core_properties(self) -> None:
        for rel in self.package.relationships(""):
            if rel.kind != "core-properties":
                continue
            name = resolve_target("", rel.target)
            if name not in self.package.parts:
                continue
            root = self.package.xml(name)
            for child in list(root):
                if isinstance(child.tag, str):
                    self.record(name, etree.QName(child).localname, text_of(child))
                root.remove(child)

    # -- XML content ---------------------------------------------------------------------
    def _scrub_xml(self, name: str) -> None:
        try:
            root = self.package.xml(name)
        except SanitizeError:
            if name.endswith(".vml"):
                return  # legacy VML is not always well-formed XML; it holds shapes only
            raise

        def record(field: str, value: str) -> None:
            self.record(name, field, value)

        neutral_picture_names(root, record)
        namespace = etree.QName(root).namespace
        if namespace == W:
            scrub_word_part(root, record)
        elif namespace == S:
            scrub_sheet_part(root, record)
        elif namespace == P:
            scrub_slide_part(root, record)
        else:
            scrub_slide_part(root, record)  # charts and drawings carry creationIds too

    def _drop_dangling_references(self) -> None:
        for name in sorted(self.package.parts):
            if not self.package.is_xml(name) or name.endswith(".rels") or name == CONTENT_TYPES:
                continue
            ids = {rel.id for rel in self.package.relationships(name)}
            try:
                root = self.package.xml(name)
            except SanitizeError:
                continue
            for value in attribute_results(_RELATIONSHIP_ATTRIBUTES, root, r=R):
                element = value.getparent()
                if str(value) in ids or element is None or value.attrname is None:
                    continue
                if etree.QName(element).localname in REFERENCE_ELEMENTS:
                    parent = element.getparent()
                    if parent is not None:
                        parent.remove(element)
                elif value.attrname in element.attrib:
                    del element.attrib[value.attrname]

    def _fix_content_types(self) -> None:
        root = self.package.content_types()
        for override in list(root.iter(q(CT, "Override"))):
            if override.get("PartName", "").lstrip("/") not in self.package.parts:
                root.remove(override)

    # -- embedded media and documents ----------------------------------------------------
    def _clean_media(self) -> None:
        skipped: list[str] = []
        for name in sorted(self.package.parts):
            if not name.startswith(MEDIA_FOLDERS + EMBEDDING_FOLDERS):
                continue
            if is_ole(self.package.parts[name]):
                self._clean_ole(name)
                continue
            if not clean_member(self.context, self.package.parts, name, self.items, self.notes):
                skipped.append(name.rsplit("/", 1)[-1])
        note_kept(skipped, self.notes)

    def _clean_ole(self, name: str) -> None:
        """An OLE object (a legacy .doc/.xls, an embedded object, a VBA project): its
        property streams are emptied, or reported when that cannot be done safely."""
        try:
            result = scrub_ole(self.package.parts[name])
        except SanitizeError as exc:
            self.notes.append(f"{name}: its document properties cannot be removed ({exc})")
            return
        for stream, field_name, value in result.items:
            self.items.append(MetadataItem(f"{name}:{stream.lstrip(chr(5))}", field_name, value))
        self.package.parts[name] = result.data
        self.notes.extend(f"{name}: {note}" for note in result.notes)


def verify_package(package: Package) -> None:
    """Every internal relationship points at a part that exists."""
    for source in package.sources():
        for rel in package.relationships(source):
            if not rel.external and resolve_target(source, rel.target) not in package.parts:
                raise VerificationError(
                    f"dangling relationship {rel.id} in {rels_path(source) or '_rels/.rels'}"
                )
