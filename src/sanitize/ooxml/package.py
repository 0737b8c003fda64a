"""Read an OOXML zip package safely, edit its parts and relationships, write it back."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from lxml import etree

from sanitize import filetype
from sanitize.errors import CorruptFileError
from sanitize.formats.zipsafe import read_members, write_members
from sanitize.ooxml.names import STRICT_NAMESPACES
from sanitize.xmlsafe import parse_xml, serialize

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "[Content_Types].xml"


@dataclass
class Relationship:
    id: str
    type: str
    target: str
    external: bool

    @property
    def kind(self) -> str:
        return self.type.rstrip("/").rsplit("/", 1)[-1]


def rels_path(part: str) -> str:
    """The relationships part of ``part`` ("" for the package itself)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def source_of(rels: str) -> str:
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def resolve_target(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


# Namespace declarations of OOXML Strict parts, renamed both ways.
_DECLARATION = re.compile(rb"""(xmlns(?::[\w.-]+)?\s*=\s*)(["'])([^"']{1,200})\2""")
_TO_TRANSITIONAL = {k.encode(): v.encode() for k, v in STRICT_NAMESPACES.items()}
_TO_STRICT = {v: k for k, v in _TO_TRANSITIONAL.items()}


def _rename_namespaces(data: bytes, table: dict[bytes, bytes]) -> tuple[bytes, bool]:
    renamed = False

    def swap(match: re.Match[bytes]) -> bytes:
        nonlocal renamed
        new = table.get(match.group(3))
        if new is None:
            return match.group(0)
        renamed = True
        return match.group(1) + match.group(2) + new + match.group(2)

    return _DECLARATION.sub(swap, data), renamed


def _is_blank(data: bytes) -> bool:
    return not data.strip(b" \t\r\n\x00").removeprefix(b"\xef\xbb\xbf").strip()


@dataclass
class Package:
    parts: dict[str, bytes]
    _xml: dict[str, etree._Element] = field(default_factory=dict)
    #: What was repaired on reading, the way Word and LibreOffice repair it.
    notes: list[str] = field(default_factory=list)
    #: Parts written in OOXML Strict: read as Transitional, written back as Strict.
    strict: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, data: bytes, max_inflated: int, kind: str = "") -> Package:
        package = cls(read_members(data, max_inflated))
        package._tolerate(kind)
        return package

    # -- what Word and LibreOffice tolerate ----------------------------------------------
    def _tolerate(self, kind: str) -> None:
        blank = sorted(n for n, d in self.parts.items() if self.is_xml(n) and _is_blank(d))
        if CONTENT_TYPES in self.parts and _is_blank(self.parts[CONTENT_TYPES]):
            blank.append(CONTENT_TYPES)
        main = filetype.ooxml_main_part(self.parts.get("_rels/.rels", b""))
        if not main:
            if CONTENT_TYPES not in self.parts:
                raise CorruptFileError("not an Office document: [Content_Types].xml is missing")
            raise CorruptFileError("not an Office document: _rels/.rels names no main part")
        if main in blank or main not in self.parts:
            raise CorruptFileError(
                f"broken Office document: its main part {main} is missing or empty"
            )
        for name in blank:
            del self.parts[name]
        others = [n for n in blank if n != CONTENT_TYPES]
        if others:
            self.notes.append(f"empty part(s) treated as absent, as Word does: {', '.join(others)}")
        if CONTENT_TYPES not in self.parts:
            self.parts[CONTENT_TYPES] = self._rebuilt_content_types(main, kind)
            self.notes.append("[Content_Types].xml was missing: rebuilt from the parts")
        missing = self.drop_missing_targets()
        if missing:
            listed = ", ".join(sorted(set(missing))[:5])
            self.notes.append(
                f"dropped {len(missing)} relationship(s) to missing parts, as Word does: {listed}"
            )

    def drop_missing_targets(self) -> list[str]:
        """Drop the relationships whose target part is absent; return those targets."""
        missing: list[str] = []
        for source in sorted(self.sources()):
            if source and source not in self.parts:
                continue
            dropped = set()
            for rel in self.relationships(source):
                target = resolve_target(source, rel.target)
                if not rel.external and target not in self.parts:
                    dropped.add(rel.id)
                    missing.append(target)
            self.drop_relationships(source, dropped)
        return missing

    def _rebuilt_content_types(self, main: str, kind: str) -> bytes:
        main_type = filetype.OOXML_MAIN_TYPE.get(kind)
        if main_type is None:
            raise CorruptFileError("not an Office document: [Content_Types].xml is missing")
        root = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})  # type: ignore[dict-item]
        extensions = sorted({n.rsplit(".", 1)[-1].lower() for n in self.parts if "." in n})
        for extension in extensions:
            default = etree.SubElement(root, f"{{{CT_NS}}}Default")
            default.set("Extension", extension)
            default.set("ContentType", DEFAULT_TYPES.get(extension, "application/octet-stream"))
        overrides = {main: main_type}
        stack, seen = [""], {""}
        while stack:
            source = stack.pop()
            for rel in self.relationships(source):
                target = resolve_target(source, rel.target)
                if rel.external or target not in self.parts or target in seen:
                    continue
                seen.add(target)
                stack.append(target)
                content_type = part_type(target, rel.kind)
                if content_type and target not in overrides:
                    overrides[target] = content_type
        for name, content_type in sorted(overrides.items()):
            override = etree.SubElement(root, f"{{{CT_NS}}}Override")
            override.set("PartName", f"/{name}")
            override.set("ContentType", content_type)
        return serialize(root)

    def main_part(self) -> str:
        """The document's main part (``word/document.xml``...), as ``_rels/.rels`` names it."""
        for rel in self.relationships(""):
            if rel.kind == "officeDocument" and not rel.external:
                return resolve_target("", rel.target)
        return ""

    # XML parts are parsed once, edited in place, and serialised on write.
    def xml(self, name: str) -> etree._Element:
        if name not in self._xml:
            data = self.parts[name]
            if b"purl.oclc.org/ooxml/" in data[:8192]:
                data, renamed = _rename_namespaces(data, _TO_TRANSITIONAL)
                if renamed:
                    self.strict.add(name)
            self._xml[name] = parse_xml(data, name)
        return self._xml[name]

    def is_xml(self, name: str) -> bool:
        return name.endswith((".xml", ".rels", ".vml")) and name in self.parts

    def remove(self, name: str) -> None:
        self.parts.pop(name, None)
        self._xml.pop(name, None)
        self.parts.pop(rels_path(name), None)
        self._xml.pop(rels_path(name), None)

    def relationships(self, source: str) -> list[Relationship]:
        name = rels_path(source) if source else "_rels/.rels"
        if name not in self.parts:
            return []
        found = []
        for element in self.xml(name):
            if not isinstance(element.tag, str) or etree.QName(element).localname != "Relationship":
                continue
            found.append(
                Relationship(
                    element.get("Id", ""),
                    element.get("Type", ""),
                    element.get("Target", ""),
                    element.get("TargetMode") == "External",
                )
            )
        return found

    def drop_relationships(self, source: str, ids: set[str]) -> None:
        name = rels_path(source) if source else "_rels/.rels"
        if name not in self.parts or not ids:
            return
        root = self.xml(name)
        for element in list(root):
            if element.get("Id") in ids:
                root.remove(element)

    def sources(self) -> list[str]:
        """Every part that has relationships, "" standing for the package."""
        found = []
        for name in self.parts:
            if name == "_rels/.rels":
                found.append("")
            elif name.endswith(".rels") and "/_rels/" in f"/{name}":
                found.append(source_of(name))
        return found

    def reachable(self) -> set[str]:
        """Parts reachable from the package relationships."""
        seen: set[str] = set()
        stack = [""]
        while stack:
            source = stack.pop()
            for rel in self.relationships(source):
                if rel.external:
                    continue
                target = resolve_target(source, rel.target)
                if target in self.parts and target not in seen:
                    seen.add(target)
                    stack.append(target)
        return seen

    def content_types(self) -> etree._Element:
        return self.xml(CONTENT_TYPES)

    def write(self) -> bytes:
        for name, root in self._xml.items():
            if name in self.parts:
                data = serialize(root)
                if name in self.strict:
                    data, _ = _rename_namespaces(data, _TO_STRICT)
                self.parts[name] = data
        return write_members(self.parts, first=[CONTENT_TYPES])


# Content types for a rebuilt [Content_Types].xml: by extension, then by relationship.
_OFFICE = "application/vnd.openxmlformats-officedocument."
DEFAULT_TYPES = {
    "rels": "application/vnd.openxmlformats-package.relationships+xml",
    "xml": "application/xml",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "jpe": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "emf": "image/x-emf",
    "wmf": "image/x-wmf",
    "svg": "image/svg+xml",
    "bin": f"{_OFFICE}oleObject",
    "vml": f"{_OFFICE}vmlDrawing",
    "xlsx": f"{_OFFICE}spreadsheetml.sheet",
    "docx": f"{_OFFICE}wordprocessingml.document",
    "pptx": f"{_OFFICE}presentationml.presentation",
}
_LANGUAGES = {"word": "wordprocessingml", "xl": "spreadsheetml", "ppt": "presentationml"}
_LANGUAGE_PARTS = {
    "wordprocessingml": {
        "styles",
        "settings",
        "webSettings",
        "fontTable",
        "numbering",
        "footnotes",
        "endnotes",
        "header",
        "footer",
        "comments",
    },
    "spreadsheetml": {
        "worksheet",
        "sharedStrings",
        "styles",
        "calcChain",
        "table",
        "comments",
        "chartsheet",
        "externalLink",
        "pivotTable",
        "pivotCacheDefinition",
        "pivotCacheRecords",
        "queryTable",
        "connections",
        "volatileDependencies",
    },
    "presentationml": {
        "slide",
        "slideLayout",
        "slideMaster",
        "notesSlide",
        "notesMaster",
        "handoutMaster",
        "presProps",
        "viewProps",
        "tableStyles",
        "comments",
        "commentAuthors",
        "tags",
    },
}
_SHARED_PARTS = {
    "theme": f"{_OFFICE}theme+xml",
    "drawing": f"{_OFFICE}drawing+xml",
    "chart": f"{_OFFICE}drawingml.chart+xml",
    "extended-properties": f"{_OFFICE}extended-properties+xml",
    "extendedProperties": f"{_OFFICE}extended-properties+xml",
    "custom-properties": f"{_OFFICE}custom-properties+xml",
    "customProperties": f"{_OFFICE}custom-properties+xml",
    "core-properties": "application/vnd.openxmlformats-package.core-properties+xml",
    "vbaProject": "application/vnd.ms-office.vbaProject",
}


def part_type(name: str, kind: str) -> str | None:
    """The content type of a part reached through a relationship of ``kind``."""
    if kind in _SHARED_PARTS:
        return _SHARED_PARTS[kind]
    language = _LANGUAGES.get(name.split("/", 1)[0])
    if language and kind in _LANGUAGE_PARTS[language] and name.endswith(".xml"):
        return f"{_OFFICE}{language}.{kind}+xml"
    return None
