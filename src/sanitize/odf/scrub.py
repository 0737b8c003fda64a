"""Run every OpenDocument removal over a package, recording each thing removed.

One walk does both: ``items()`` lists what it recorded, ``clean()`` writes what it left,
so the listing and the output cannot disagree. A package holds one document at its root
and may hold embedded documents ("Object 1/", a chart or a spreadsheet in a slide): each
is scrubbed the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from sanitize.errors import UnsupportedVariantError
from sanitize.formats.values import short_text
from sanitize.formats.xmldoc import clean_member, note_kept
from sanitize.formats.zipsafe import ZipDocument
from sanitize.odf.names import (
    ANNOTATION_ENDS,
    ANNOTATIONS,
    CHANGE_MARKS,
    CONFIG,
    CONTENT,
    DC,
    DRAW,
    MANIFEST,
    MANIFEST_XML,
    META,
    META_XML,
    NOTES,
    OFFICE,
    OFFICEOOO,
    PARAGRAPHS,
    PRESENTATION,
    REMOVED_FILES,
    REMOVED_FOLDERS,
    REMOVED_SETTINGS,
    SCRIPT,
    SETTINGS,
    SIGNATURES,
    STREAMS,
    STYLE,
    STYLES,
    TABLE,
    TEXT,
    TRACKED_CHANGES,
    XLINK,
    q,
)
from sanitize.options import Options
from sanitize.report import MetadataItem
from sanitize.xmlsafe import drop, text_of

if TYPE_CHECKING:
    from sanitize.context import Context

Record = Callable[[str, str], None]  # (field, value)
MAX_ITEMS_PER_PART = 200
# A value that names a place on someone's disk: "file:///home/jdupont/...", "C:\Users\...".
LOCAL_PATH = re.compile(r"^(file:|/(home|Users)/|[A-Za-z]:[\\/]|\\\\)", re.IGNORECASE)
_RSID = etree.XPath(
    "//@*[namespace-uri()=$ooo and (local-name()='rsid' or local-name()='paragraph-rsid')]"
)


def paragraph_text(element: etree._Element) -> str:
    return " ".join(t for p in element.iter(*PARAGRAPHS) if (t := text_of(p)))


def document_roots(members: Iterable[str]) -> list[str]:
    """ "" for the package's own document, "Object 1/"... for embedded ones."""
    roots = set()
    for name in members:
        folder, _, stream = name.rpartition("/")
        if stream in (CONTENT, STYLES):
            roots.add(f"{folder}/" if folder else "")
    return sorted(roots, key=lambda r: (r.count("/"), r))


def manifest_paths(document: ZipDocument) -> dict[str, etree._Element]:
    if MANIFEST_XML not in document.members:
        return {}
    root = document.xml(MANIFEST_XML)
    if root.find(f".//{q(MANIFEST, 'encryption-data')}") is not None:
        raise UnsupportedVariantError(
            "password-protected OpenDocument file: open it, remove the password, save, "
            "then clean it"
        )
    return {
        entry.get(q(MANIFEST, "full-path"), ""): entry
        for entry in root.iter(q(MANIFEST, "file-entry"))
    }


@dataclass
class OdfScrub:
    document: ZipDocument
    roots: list[str]
    options: Options
    context: Context
    items: list[MetadataItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def record(self, location: str, name: str, value: str) -> None:
        self.items.append(MetadataItem(location, name, short_text(value)))

    def run(self) -> None:
        listed = manifest_paths(self.document)
        self._remove_members()
        self._remove_unlisted(listed)
        for root in self.roots:
            self._meta(root + META_XML)
            self._settings(root + SETTINGS)
            for stream in (CONTENT, STYLES):
                self._content(root + stream)
        self._fix_manifest()
        self._clean_embedded()

    # -- members removed whole ------------------------------------------------------------
    def _remove_members(self) -> None:
        grouped: dict[tuple[str, str], int] = {}
        macros = False
        for name in sorted(self.document.members):
            size = len(self.document.members[name])
            if name in SIGNATURES:
                self.record(name, "DigitalSignature", _signer(self.document.members[name]))
                self.notes.append(
                    "digital signature removed: it names the signer and no longer matches"
                )
                self.document.remove(name)
                continue
            for root in self.roots:
                if not name.startswith(root):
                    continue
                relative = name[len(root) :]
                folder = next((f for f in REMOVED_FOLDERS if relative.startswith(f)), None)
                if folder is not None:
                    kind = REMOVED_FOLDERS[folder]
                    if kind == "Macro":
                        macros = True
                        self.record(name, kind, f"<{size} bytes>")
                    elif kind == "Thumbnail":
                        self.record(name, kind, f"<{size} bytes>")
                    else:
                        key = (root + folder, kind)
                        grouped[key] = grouped.get(key, 0) + 1
                elif relative in REMOVED_FILES:
                    self.record(name, REMOVED_FILES[relative], f"<{size} bytes>")
                else:
                    continue
                self.document.remove(name)
                break
        for (folder, kind), count in sorted(grouped.items()):
            self.record(folder, kind, f"{count} file(s)")
        if macros:
            self.notes.append("macros removed: the cleaned document no longer runs them")

    def _remove_unlisted(self, listed: dict[str, etree._Element]) -> None:
        """Members the manifest does not list are not part of the document (leftovers of
        a tool, hidden system files): LibreOffice would call the package broken."""
        if not listed:
            return
        for name in sorted(self.document.members):
            if name in ("mimetype", MANIFEST_XML) or name in listed:
                continue
            if any(name == root + stream for root in self.roots for stream in STREAMS):
                continue  # a document stream is needed even when the manifest forgot it
            self.record(name, "UnlistedMember", f"<{len(self.document.members[name])} bytes>")
            self.document.remove(name)

    # -- meta.xml and settings.xml -------------------------------------------------------------
    def _meta(self, name: str) -> None:
        if name not in self.document.members:
            return
        root = self.document.xml(name)
        self._comments(name, root)
        for meta in root.iter(q(OFFICE, "meta")):
            for child in list(meta):
                if not isinstance(child.tag, str):
                    continue
                tag = etree.QName(child)
                if tag.text == q(META, "document-statistic"):
                    continue  # counts of pages, words and tables: nothing personal
                label = tag.localname
                value = text_of(child)
                if tag.text == q(META, "user-defined"):
                    label = f"user-defined {child.get(q(META, 'name'), '')}".strip()
                elif tag.text == q(META, "template"):
                    value = child.get(q(XLINK, "href"), "") or child.get(q(XLINK, "title"), "")
                if not value.strip():
                    value = " ".join(str(v) for v in child.attrib.values()) or "empty"
                self.record(name, label, value)
                meta.remove(child)

    def _settings(self, name: str) -> None:
        if name not in self.document.members:
            return
        root = self.document.xml(name)
        self._comments(name, root)
        for item in list(root.iter(q(CONFIG, "config-item"))):
            key = item.get(q(CONFIG, "name"), "")
            value = item.text or ""
            # An empty entry names nothing: left alone, so it is not reported either.
            if value.strip() and (key in REMOVED_SETTINGS or LOCAL_PATH.match(value.strip())):
                shown = f"<{len(value)} characters>" if key == "PrinterSetup" else value
                self.record(name, key, shown)
                drop(item)

    # -- content.xml and styles.xml ------------------------------------------------------------
    def _content(self, name: str) -> None:
        if name not in self.document.members:
            return
        root = self.document.xml(name)
        count = [0]

        def record(field: str, value: str) -> None:
            if count[0] < MAX_ITEMS_PER_PART:
                self.record(name, field, value)
            count[0] += 1

        self._comments(name, root)
        for annotation in list(root.iter(*ANNOTATIONS)):
            creator = annotation.findtext(q(DC, "creator")) or ""
            date = annotation.findtext(q(DC, "date")) or ""
            who = ", ".join(v for v in (creator, date) if v)
            text = paragraph_text(annotation)
            record("Comment", f"{who}: {text}" if who and text else who or text or "empty")
            drop(annotation)
        for end in list(root.iter(*ANNOTATION_ENDS)):
            drop(end)
        for tracked in list(root.iter(*TRACKED_CHANGES)):
            for region in tracked:
                if isinstance(region.tag, str):
                    record("TrackedChange", _change(region))
            drop(tracked)
        marks = list(root.iter(*CHANGE_MARKS))
        for mark in marks:
            drop(mark)
        if marks:
            record("ChangeMarks", f"{len(marks)} mark(s)")
        found = _RSID(root, ooo=OFFICEOOO)
        removed = 0
        for value in found if isinstance(found, list) else ():
            owner = value.getparent() if isinstance(value, etree._ElementUnicodeResult) else None
            if owner is not None and isinstance(value, etree._ElementUnicodeResult):
                owner.attrib.pop(str(value.attrname), "")
                removed += 1
        if removed:
            record("RevisionIdentifiers", f"{removed} rsid value(s)")
        self._scripts(root, record)
        # Speaker notes live in content.xml; styles.xml only holds the notes page layout.
        if name.endswith(CONTENT) and not self.options.keep_notes:
            for notes in list(root.iter(NOTES)):
                text = paragraph_text(notes)
                if text.strip():
                    record("SpeakerNotes", text)
                    drop(notes)
        if name.endswith(CONTENT):
            self._hidden(name, root)
            self._local_links(name, root)

    def _comments(self, name: str, root: etree._Element) -> None:
        found = list(root.iter(etree.Comment))
        for comment in found:
            self.record(name, "XmlComment", comment.text or "")
            drop(comment)

    def _scripts(self, root: etree._Element, record: Record) -> None:
        """Event bindings that call macros and inline scripts: the macros are gone."""
        for script in list(root.iter(q(OFFICE, "script"))):
            language = script.get(q(SCRIPT, "language"), "")
            record("Script", language or "present")
            drop(script)
        listeners = list(root.iter(q(SCRIPT, "event-listener")))
        for listener in listeners:
            drop(listener)
        if listeners:
            record("MacroBinding", f"{len(listeners)} event(s) bound to macros")
        # Innermost first: office:scripts holds the office:event-listeners emptied above.
        holders = list(root.iter(q(OFFICE, "event-listeners"), q(OFFICE, "scripts")))
        for holder in reversed(holders):
            if len(holder) == 0 and not (holder.text or "").strip():
                drop(holder)

    def _hidden(self, name: str, root: etree._Element) -> None:
        """Content a reader does not see is kept (it is the author's), but said."""
        where = name[: -len(CONTENT)] or ""
        fields = len(list(root.iter(q(TEXT, "hidden-text"), q(TEXT, "hidden-paragraph"))))
        if fields:
            self.notes.append(f"{where}{fields} conditionally hidden text field(s) kept")
        sections = [
            s.get(q(TEXT, "name"), "?")
            for s in root.iter(q(TEXT, "section"))
            if s.get(q(TEXT, "display")) in ("none", "condition")
        ]
        if sections:
            self.notes.append(f"{where}hidden section(s) kept: {', '.join(sections[:5])}")
        hidden_styles: set[str] = set()
        hidden_text_styles = 0
        for style in root.iter(q(STYLE, "style")):
            style_name = style.get(q(STYLE, "name"), "")
            for props in style:
                if props.get(q(TABLE, "display")) == "false":
                    hidden_styles.add(style_name)
                if props.get(q(PRESENTATION, "visibility")) == "hidden":
                    hidden_styles.add(style_name)
                if props.get(q(TEXT, "display")) == "none":
                    hidden_text_styles += 1
        for table in root.iter(q(TABLE, "table")):
            if table.get(q(TABLE, "style-name")) in hidden_styles:
                self.notes.append(
                    f"hidden sheet kept, check it before publishing: {table.get(q(TABLE, 'name'))}"
                )
        for number, page in enumerate(root.iter(q(DRAW, "page")), 1):
            if page.get(q(DRAW, "style-name")) in hidden_styles:
                self.notes.append(f"{where}hidden slide kept, check it before publishing: {number}")
        collapsed = sum(
            1
            for element in root.iter(q(TABLE, "table-row"), q(TABLE, "table-column"))
            if element.get(q(TABLE, "visibility")) == "collapse"
        )
        if collapsed:
            self.notes.append(f"{where}{collapsed} hidden row or column group(s) kept")
        if hidden_text_styles:
            self.notes.append(
                f"{where}text formatted as hidden kept ({hidden_text_styles} style(s))"
            )

    def _local_links(self, name: str, root: etree._Element) -> None:
        links = sorted(
            {
                href
                for element in root.iter()
                if (href := element.get(q(XLINK, "href"), "")) and LOCAL_PATH.match(href)
            }
        )
        for href in links[:5]:
            self.notes.append(f"{name}: link to a file on a disk kept: {short_text(href, 120)}")

    # -- manifest and embedded files -------------------------------------------------------------
    def _fix_manifest(self) -> None:
        if MANIFEST_XML not in self.document.members:
            return
        members = self.document.members
        root = self.document.xml(MANIFEST_XML)
        for entry in list(root.iter(q(MANIFEST, "file-entry"))):
            path = entry.get(q(MANIFEST, "full-path"), "")
            if path == "/" or path in members:
                continue
            if path.endswith("/") and any(name.startswith(path) for name in members):
                continue
            if path.endswith("/") and path in self.roots:
                continue
            drop(entry)

    def _clean_embedded(self) -> None:
        skipped: list[str] = []
        for name in sorted(self.document.members):
            if name == "mimetype" or name.startswith("META-INF/") or name.endswith(".rdf"):
                continue
            if any(name == root + stream for root in self.roots for stream in STREAMS):
                continue
            if not clean_member(self.context, self.document.members, name, self.items, self.notes):
                skipped.append(name)
        note_kept(skipped, self.notes)


def _change(region: etree._Element) -> str:
    """ "deletion by Jane, 2024-05-01: the deleted words" for one tracked change."""
    info = region.find(f".//{q(OFFICE, 'change-info')}")
    creator = info.findtext(q(DC, "creator")) if info is not None else None
    date = info.findtext(q(DC, "date")) if info is not None else None
    kinds = [etree.QName(c).localname for c in region if isinstance(c.tag, str)]
    kind = kinds[0] if etree.QName(region).localname == "changed-region" and kinds else ""
    kind = kind or etree.QName(region).localname
    who = ", ".join(v for v in (creator, date) if v)
    text = ""
    for gone in region.iter(q(TEXT, "deletion"), q(TABLE, "previous"), q(TABLE, "deletion")):
        text = paragraph_text(gone)
    label = f"{kind} by {who}" if who else kind
    return f"{label}: {text}" if text else label


def _signer(data: bytes) -> str:
    match = re.search(rb"<[\w:]*X509SubjectName>([^<]{1,300})<", data)
    return match.group(1).decode("utf-8", "replace") if match else f"<{len(data)} bytes>"
