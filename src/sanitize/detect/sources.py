"""The text of each kind of file, in parts that say where they come from."""

from __future__ import annotations

import bisect
import posixpath
import re
from dataclasses import dataclass, field

from lxml import etree

from sanitize.errors import SanitizeError
from sanitize.ooxml.package import resolve_target

TEXT_KINDS = {"text"}
DOCUMENT_KINDS = {"docx", "pptx", "xlsx", "pdf"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass
class TextPart:
    where: str  # "" for a whole text file, else "page 2", "slide 3", "word/footer1.xml"...
    text: str
    # For parts made of many small pieces (spreadsheet cells): (offset, label), sorted.
    labels: list[tuple[int, str]] = field(default_factory=list)

    def label_at(self, offset: int) -> str:
        if not self.labels:
            return self.where
        index = bisect.bisect_right([o for o, _ in self.labels], offset) - 1
        return self.labels[max(index, 0)][1]


def decode(data: bytes) -> tuple[str, str]:
    """The text of a text file, and the encoding to write it back with."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def parts_of(kind: str, data: bytes, max_inflated: int) -> list[TextPart]:
    if kind in TEXT_KINDS:
        return [TextPart("", decode(data)[0])]
    if kind == "pdf":
        return _pdf(data)
    if kind in ("docx", "pptx", "xlsx"):
        from sanitize.ooxml.package import Package

        package = Package.read(data, max_inflated)
        return {"docx": _docx, "pptx": _pptx, "xlsx": _xlsx}[kind](package)
    return []


def paragraph_text(paragraph: etree._Element, text_tag: str) -> str:
    pieces = []
    for node in paragraph.iter(text_tag, f"{W}tab", f"{W}br", f"{A}br"):
        if node.tag == text_tag:
            pieces.append(node.text or "")
        else:
            pieces.append("\t" if node.tag.endswith("tab") else "\n")
    return "".join(pieces)


def _docx(package) -> list[TextPart]:  # type: ignore[no-untyped-def]
    parts = []
    order = (
        "word/document.xml",
        "word/header",
        "word/footer",
        "word/footnotes.xml",
        "word/endnotes.xml",
        "word/comments.xml",
    )
    names = sorted(n for n in package.parts if n.startswith(order) and n.endswith(".xml"))
    names.sort(key=lambda n: next(i for i, prefix in enumerate(order) if n.startswith(prefix)))
    for name in names:
        root = package.xml(name)
        text = "\n".join(paragraph_text(p, f"{W}t") for p in root.iter(f"{W}p"))
        if text.strip():
            parts.append(TextPart(name, text))
    return parts


def _slide_number(name: str) -> int:
    match = re.search(r"(\d+)\.xml$", name)
    return int(match.group(1)) if match else 0


def _pptx(package) -> list[TextPart]:  # type: ignore[no-untyped-def]
    parts = []
    slides = sorted(
        (n for n in package.parts if re.match(r"ppt/slides/slide\d+\.xml$", n)), key=_slide_number
    )
    for name in slides:
        root = package.xml(name)
        text = "\n".join(paragraph_text(p, f"{A}t") for p in root.iter(f"{A}p"))
        if text.strip():
            parts.append(TextPart(f"slide {_slide_number(name)}", text))
        for rel in package.relationships(name):
            if rel.kind == "notesSlide":
                notes = posixpath.normpath(posixpath.join(posixpath.dirname(name), rel.target))
                if notes in package.parts:
                    body = "\n".join(
                        paragraph_text(p, f"{A}t") for p in package.xml(notes).iter(f"{A}p")
                    )
                    if body.strip():
                        parts.append(TextPart(f"notes of slide {_slide_number(name)}", body))
    return parts


def _xlsx(package) -> list[TextPart]:  # type: ignore[no-untyped-def]
    shared: list[str] = []
    if "xl/sharedStrings.xml" in package.parts:
        shared = [
            "".join(si.itertext()) for si in package.xml("xl/sharedStrings.xml").iter(f"{S}si")
        ]
    workbook = package.xml("xl/workbook.xml")
    targets = {
        rel.id: resolve_target("xl/workbook.xml", rel.target)
        for rel in package.relationships("xl/workbook.xml")
    }
    parts = []
    for sheet in workbook.iter(f"{S}sheet"):
        rid = sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        name = targets.get(rid or "")
        if not name or name not in package.parts:
            continue
        lines, labels, offset = [], [], 0
        for cell in package.xml(name).iter(f"{S}c"):
            kind = cell.get("t")
            value = cell.find(f"{S}v")
            if kind == "s" and value is not None and (value.text or "").isdigit():
                index = int(value.text)
                text = shared[index] if index < len(shared) else ""
            elif kind == "inlineStr":
                text = (
                    "".join(cell.find(f"{S}is").itertext())
                    if cell.find(f"{S}is") is not None
                    else ""
                )
            else:
                text = value.text if value is not None and value.text else ""
            if not text.strip():
                continue
            labels.append((offset, f"{sheet.get('name')}!{cell.get('r')}"))
            lines.append(text)
            offset += len(text) + 1
        if lines:
            parts.append(TextPart(sheet.get("name") or name, "\n".join(lines), labels))
    return parts


def _pdf(data: bytes) -> list[TextPart]:
    from sanitize.pdf.document import open_pdf

    reader, _ = open_pdf(data)
    parts = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # a page pypdf cannot read is reported, not skipped silently
            raise SanitizeError(f"cannot read the text of page {number}: {exc}") from exc
        if text.strip():
            parts.append(TextPart(f"page {number}", text))
    return parts
