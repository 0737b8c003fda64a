"""The visible text of DOCX, PPTX and XLSX packages, as text maps (see formats.xmltext).

Word: the body, headers, footers, footnotes, endnotes and comments, a paragraph per
piece. PowerPoint: each slide and its speaker notes, in slide order. Excel: each sheet's
cells, labelled ``Sheet!B4``; a number cell whose value is replaced becomes a text cell.
"""

from __future__ import annotations

import posixpath
import re

from lxml import etree

from sanitize.formats.xmltext import Piece, Slot, TextMap
from sanitize.ooxml.names import SHEET_KINDS, SLIDE_KINDS, WORD_KINDS
from sanitize.ooxml.names import R as R_NS
from sanitize.ooxml.package import Package, resolve_target

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
WORD_PARTS = (
    "word/document.xml",
    "word/header",
    "word/footer",
    "word/footnotes.xml",
    "word/endnotes.xml",
    "word/comments.xml",
)


def text_maps(package: Package, kind: str) -> list[TextMap]:
    if kind in WORD_KINDS:
        return _word(package)
    if kind in SLIDE_KINDS:
        return _slides(package)
    if kind in SHEET_KINDS:
        return _sheets(package)
    return []


def _paragraphs(root: etree._Element, paragraph_tag: str, text_tag: str, where: str) -> TextMap:
    """One piece per paragraph, made of its own text runs (a paragraph nested in a text
    box is a piece of its own)."""
    text_map = TextMap(where, preserve_space=frozenset({f"{W}t"}))
    for paragraph in root.iter(paragraph_tag):
        slots = []
        for node in paragraph.iter(text_tag):
            owner = node.getparent()
            while owner is not None and owner.tag != paragraph_tag:
                owner = owner.getparent()
            if owner is paragraph:
                slots.append(Slot(node))
        text_map.add(slots)
    return text_map


def _word(package: Package) -> list[TextMap]:
    names = [n for n in package.parts if n.startswith(WORD_PARTS) and n.endswith(".xml")]
    names.sort(key=lambda n: (next(i for i, p in enumerate(WORD_PARTS) if n.startswith(p)), n))
    maps = [_paragraphs(package.xml(n), f"{W}p", f"{W}t", n) for n in names]
    return [m for m in maps if m.pieces]


def _number(name: str) -> int:
    match = re.search(r"(\d+)\.xml$", name)
    return int(match.group(1)) if match else 0


def _slides(package: Package) -> list[TextMap]:
    maps = []
    slides = sorted(
        (n for n in package.parts if re.match(r"ppt/slides/slide\d+\.xml$", n)), key=_number
    )
    for name in slides:
        number = _number(name)
        maps.append(_paragraphs(package.xml(name), f"{A}p", f"{A}t", f"slide {number}"))
        for rel in package.relationships(name):
            if rel.kind == "notesSlide" and not rel.external:
                notes = posixpath.normpath(posixpath.join(posixpath.dirname(name), rel.target))
                if notes in package.parts:
                    maps.append(
                        _paragraphs(
                            package.xml(notes), f"{A}p", f"{A}t", f"notes of slide {number}"
                        )
                    )
    return [m for m in maps if m.pieces]


def _to_text_cell(piece: Piece) -> None:
    """A number cell that now holds a replacement becomes an inline-string cell."""
    value = piece.slots[0].element
    cell = value.getparent()
    if cell is None:
        return
    for child in list(cell):
        if child.tag in (f"{S}v", f"{S}f", f"{S}is"):
            cell.remove(child)
    cell.set("t", "inlineStr")
    inline = etree.SubElement(cell, f"{S}is")
    etree.SubElement(inline, f"{S}t").text = value.text or ""


def _sheets(package: Package) -> list[TextMap]:
    shared: list[list[Slot]] = []
    if "xl/sharedStrings.xml" in package.parts:
        for item in package.xml("xl/sharedStrings.xml").iter(f"{S}si"):
            shared.append([Slot(t) for t in item.iter(f"{S}t")])
    workbook = package.xml("xl/workbook.xml")
    targets = {
        rel.id: resolve_target("xl/workbook.xml", rel.target)
        for rel in package.relationships("xl/workbook.xml")
        if not rel.external
    }
    maps = []
    for sheet in workbook.iter(f"{S}sheet"):
        name = targets.get(sheet.get(f"{{{R_NS}}}id") or "")
        if not name or name not in package.parts:
            continue
        title = sheet.get("name") or name
        text_map = TextMap(title)
        for cell in package.xml(name).iter(f"{S}c"):
            label = f"{title}!{cell.get('r')}"
            cell_type = cell.get("t")
            value = cell.find(f"{S}v")
            if cell_type == "s" and value is not None and (value.text or "").strip().isdigit():
                index = int((value.text or "").strip())
                if index < len(shared):
                    text_map.add(shared[index], label)
            elif cell_type == "inlineStr":
                text_map.add([Slot(t) for t in cell.iter(f"{S}t")], label)
            elif value is not None and cell_type in (None, "n", "str"):
                text_map.add([Slot(value)], label, _to_text_cell)
        if text_map.pieces:
            maps.append(text_map)
    return maps
