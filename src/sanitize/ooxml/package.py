"""Read an OOXML zip package safely, edit its parts and relationships, write it back."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from lxml import etree

from sanitize.errors import CorruptFileError
from sanitize.formats.zipsafe import read_members, write_members
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


@dataclass
class Package:
    parts: dict[str, bytes]
    _xml: dict[str, etree._Element] = field(default_factory=dict)

    @classmethod
    def read(cls, data: bytes, max_inflated: int) -> Package:
        parts = read_members(data, max_inflated)
        if CONTENT_TYPES not in parts:
            raise CorruptFileError("not an Office document: [Content_Types].xml is missing")
        return cls(parts)

    # XML parts are parsed once, edited in place, and serialised on write.
    def xml(self, name: str) -> etree._Element:
        if name not in self._xml:
            self._xml[name] = parse_xml(self.parts[name], name)
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
            if etree.QName(element).localname != "Relationship":
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
                self.parts[name] = serialize(root)
        return write_members(self.parts, first=[CONTENT_TYPES])
