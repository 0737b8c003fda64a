"""An EPUB's structure: the container, its package documents (OPF), their manifests and
spines, and the visible text of the spine documents.

Every name is resolved to a member of the zip (``hrefs`` are relative to the OPF and may
be percent-encoded), so the cleaner can tell which members belong to the publication.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import unquote, urldefrag

from lxml import etree

from sanitize.errors import CorruptFileError
from sanitize.formats.xmltext import TextMap, own_slots, visible_text
from sanitize.formats.zipsafe import ZipDocument

CONTAINER = "META-INF/container.xml"
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
XHTML = "http://www.w3.org/1999/xhtml"
DOCUMENT_TYPES = ("application/xhtml+xml", "text/html", "application/x-dtbook+xml")
NCX_TYPE = "application/x-dtbncx+xml"
# Elements that make a piece of text of their own (a paragraph, a heading, a cell...).
BLOCKS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li dt dd td th caption figcaption blockquote pre div section "
    "article aside header footer nav address body main figure table tr ul ol dl".split()
)
UNSEEN = frozenset({"script", "style", "head", "template"})


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def resolve(base: str, href: str) -> str:
    """The member an ``href`` found in member ``base`` points at ("" if outside)."""
    path = unquote(urldefrag(href).url)
    if not path or "://" in path or path.startswith(("data:", "mailto:")):
        return ""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
    return "" if joined.startswith("../") else joined.lstrip("/")


@dataclass
class Item:
    id: str
    name: str  # the zip member
    media_type: str
    element: etree._Element


@dataclass
class Rendition:
    """One package document (most EPUBs have one)."""

    opf: str
    root: etree._Element
    items: dict[str, Item] = field(default_factory=dict)
    spine: list[str] = field(default_factory=list)  # members, in reading order
    toc: str = ""  # the NCX member, if any

    @property
    def metadata(self) -> etree._Element | None:
        return self.root.find(f"{{{OPF}}}metadata")


def renditions(document: ZipDocument) -> list[Rendition]:
    if CONTAINER not in document.members:
        raise CorruptFileError("not an EPUB: META-INF/container.xml is missing")
    paths = [
        element.get("full-path", "")
        for element in document.xml(CONTAINER).iter(f"{{{CONTAINER_NS}}}rootfile")
        if element.get("media-type", "application/oebps-package+xml")
        == "application/oebps-package+xml"
    ]
    found = []
    for path in paths:
        name = resolve("", path)
        if name not in document.members:
            raise CorruptFileError(f"not an EPUB: the package document {path!r} is missing")
        root = document.xml(name)
        if local(root) != "package":
            raise CorruptFileError(f"{name} is not an EPUB package document")
        rendition = Rendition(name, root)
        manifest = root.find(f"{{{OPF}}}manifest")
        for element in manifest.iter(f"{{{OPF}}}item") if manifest is not None else ():
            member = resolve(name, element.get("href", ""))
            item = Item(element.get("id", ""), member, element.get("media-type", ""), element)
            rendition.items[item.id] = item
            if item.media_type == NCX_TYPE:
                rendition.toc = rendition.toc or member
        spine = root.find(f"{{{OPF}}}spine")
        if spine is not None:
            toc = rendition.items.get(spine.get("toc", ""))
            if toc is not None:
                rendition.toc = toc.name
            for itemref in spine.iter(f"{{{OPF}}}itemref"):
                entry = rendition.items.get(itemref.get("idref", ""))
                if entry is not None:
                    rendition.spine.append(entry.name)
        found.append(rendition)
    if not found:
        raise CorruptFileError("not an EPUB: the container names no package document")
    return found


def spine_documents(document: ZipDocument, found: list[Rendition]) -> list[str]:
    names: list[str] = []
    for rendition in found:
        types = {item.name: item.media_type for item in rendition.items.values()}
        for name in rendition.spine:
            if types.get(name) in DOCUMENT_TYPES and name in document.members and name not in names:
                names.append(name)
    return names


def _body(root: etree._Element) -> etree._Element:
    for element in root:
        if local(element) == "body":
            return element
    return root


def text_map(root: etree._Element, where: str) -> TextMap:
    """A piece per block (paragraph, heading, list item, cell...), each made of its own
    text only: a block inside it is a piece of its own, scripts and styles are left out."""
    text = TextMap(where)

    def boundary(child: etree._Element) -> bool:
        return local(child) in BLOCKS or local(child) in UNSEEN

    for element in _body(root).iter():
        if local(element) in BLOCKS and not any(
            local(a) in UNSEEN for a in element.iterancestors()
        ):
            text.add(own_slots(element, boundary))
    return text


def signature(root: etree._Element) -> tuple[str, int]:
    """What a reader sees of a spine document: its text, and how many pictures."""
    body = _body(root)
    skip = tuple(element.tag for element in body.iter() if local(element) in UNSEEN)
    words = " ".join("".join(visible_text(body, skip)).split())
    pictures = sum(1 for element in body.iter() if local(element) in ("img", "image"))
    return words, pictures
