"""Replace findings in the text of Office documents, keeping each run's formatting.

A finding may span several runs: its replacement goes into the run where it starts and
the rest of it is cut from the following runs, so bold stays bold and links stay links.
"""

from __future__ import annotations

import re

from lxml import etree

from sanitize.cleaners.base import Scanner
from sanitize.detect.rewrite import replacement
from sanitize.ooxml.package import Package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _parts(package: Package, kind: str) -> list[tuple[str, str, str]]:
    """(part name, paragraph tag, text tag) for every part whose text is shown."""
    names = sorted(package.parts)
    if kind == "docx":
        prefixes = (
            "word/document.xml",
            "word/header",
            "word/footer",
            "word/footnotes.xml",
            "word/endnotes.xml",
        )
        return [
            (n, f"{W}p", f"{W}t") for n in names if n.startswith(prefixes) and n.endswith(".xml")
        ]
    if kind == "pptx":
        pattern = re.compile(r"ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml$")
        return [(n, f"{A}p", f"{A}t") for n in names if pattern.match(n)]
    found = [(n, f"{S}si", f"{S}t") for n in names if n == "xl/sharedStrings.xml"]
    found += [(n, f"{S}is", f"{S}t") for n in names if re.match(r"xl/worksheets/sheet\d+\.xml$", n)]
    return found


def _text_nodes(
    paragraph: etree._Element, paragraph_tag: str, text_tag: str
) -> list[etree._Element]:
    """The paragraph's own text nodes (not those of paragraphs nested in text boxes)."""
    nodes = []
    for node in paragraph.iter(text_tag):
        owner = node.getparent()
        while owner is not None and owner.tag != paragraph_tag:
            owner = owner.getparent()
        if owner is paragraph:
            nodes.append(node)
    return nodes


def redact_package(package: Package, kind: str, scan: Scanner) -> int:
    """Redact every paragraph in place; returns the number of replacements."""
    paragraphs: list[list[etree._Element]] = []
    for name, paragraph_tag, text_tag in _parts(package, kind):
        for paragraph in package.xml(name).iter(paragraph_tag):
            nodes = _text_nodes(paragraph, paragraph_tag, text_tag)
            if any(node.text for node in nodes):
                paragraphs.append(nodes)
    texts = ["".join(node.text or "" for node in nodes) for nodes in paragraphs]
    count = 0
    for nodes, spans in zip(paragraphs, scan(texts), strict=True):
        for span in sorted(spans, key=lambda s: s.start, reverse=True):
            _replace(nodes, span.start, span.end, replacement(span))
            count += 1
    return count


def _replace(nodes: list[etree._Element], start: int, end: int, new: str) -> None:
    offset = 0
    placed = False
    for node in nodes:
        text = node.text or ""
        node_start, node_end = offset, offset + len(text)
        offset = node_end
        if node_end <= start or node_start >= end:
            continue
        cut_from, cut_to = max(start, node_start) - node_start, min(end, node_end) - node_start
        insert = "" if placed else new
        node.text = text[:cut_from] + insert + text[cut_to:]
        node.set(XML_SPACE, "preserve") if node.tag == f"{W}t" else None
        placed = True
