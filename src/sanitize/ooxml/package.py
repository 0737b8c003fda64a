"""Read an OOXML zip package safely, edit its parts and relationships, write it back."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from sanitize.errors import CorruptFileError, LimitExceededError
from sanitize.xmlsafe import parse_xml, serialize

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "[Content_Types].xml"
MAX_MEMBERS = 20_000
MAX_RATIO = 200  # inflated/compressed beyond this, for members over MAX_RATIO_FREE bytes
MAX_RATIO_FREE = 10 * 1024**2
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _check_name(name: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
        raise CorruptFileError(f"zip member with an unsafe path: {name!r}")


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
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError) as exc:
            raise CorruptFileError(f"not a readable zip package: {exc}") from exc
        with archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise LimitExceededError("zip package has too many members")
            parts: dict[str, bytes] = {}
            budget = max_inflated
            for info in infos:
                if info.is_dir():
                    continue
                _check_name(info.filename)
                if info.flag_bits & 0x1:
                    raise CorruptFileError("zip package has encrypted members")
                if info.filename in parts:
                    raise CorruptFileError(f"zip member appears twice: {info.filename}")
                if info.file_size > budget:
                    raise LimitExceededError("zip package inflates past the size cap (zip bomb?)")
                if info.file_size > MAX_RATIO_FREE and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise LimitExceededError(
                        f"zip member {info.filename} inflates "
                        f"{info.file_size // max(info.compress_size, 1)}x (zip bomb?)"
                    )
                try:
                    with archive.open(info) as member:
                        content = member.read(budget + 1)
                except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                    raise CorruptFileError(f"broken zip member {info.filename}: {exc}") from exc
                except Exception as exc:  # zlib.error and friends from a corrupt stream
                    raise CorruptFileError(f"broken zip member {info.filename}: {exc}") from exc
                budget -= len(content)
                if budget < 0:
                    raise LimitExceededError("zip package inflates past the size cap (zip bomb?)")
                parts[info.filename] = content
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
        buffer = io.BytesIO()
        order = [CONTENT_TYPES] + sorted(n for n in self.parts if n != CONTENT_TYPES)
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in order:
                info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 0
                info.external_attr = 0
                archive.writestr(info, self.parts[name], compresslevel=6)
        return buffer.getvalue()
