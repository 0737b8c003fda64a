"""The visible text of OpenDocument files, as text maps (see formats.xmltext), and the
signature that verification compares.

Text documents: a piece per paragraph or heading of ``content.xml``, and of the headers
and footers in ``styles.xml``. Spreadsheets: a part per sheet, each cell's paragraphs
labelled ``Sheet!B4``; a number, date or formula cell whose text is replaced becomes a
text cell (its cached value would otherwise show again). Presentations and drawings: a
part per slide (``slide 3``) or page (``page 3``), speaker notes apart. A paragraph that
holds other paragraphs (a comment, a footnote, a text box anchored in it) keeps its own
text only; the nested ones are pieces of their own.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from sanitize.formats.xmltext import Piece, TextMap, own_slots, visible_text
from sanitize.formats.zipsafe import ZipDocument
from sanitize.odf.names import (
    ANNOTATIONS,
    CALCEXT,
    CONTENT,
    DRAW,
    NOTES,
    OFFICE,
    PARAGRAPHS,
    SCRIPT,
    STYLES,
    TABLE,
    TRACKED_CHANGES,
    q,
)

CELL = q(TABLE, "table-cell")
COVERED = q(TABLE, "covered-table-cell")
ROW = q(TABLE, "table-row")
# What a reader never sees as text: removed by cleaning, so left out of the signature.
UNSEEN = (*ANNOTATIONS, *TRACKED_CHANGES, q(OFFICE, "scripts"), q(SCRIPT, "event-listener"))
# Values a non-text cell carries besides its displayed paragraphs.
VALUE_ATTRIBUTES = (
    q(OFFICE, "value"),
    q(OFFICE, "date-value"),
    q(OFFICE, "time-value"),
    q(OFFICE, "boolean-value"),
    q(OFFICE, "currency"),
    q(TABLE, "formula"),
)


def _holders(root: etree._Element) -> set[etree._Element]:
    """Elements that contain a paragraph (besides paragraphs): boundaries of pieces.
    (Sets hold the elements themselves, not their id(): lxml makes a new proxy object
    for a node once the old one is gone, and an id can then be reused.)"""
    found: set[etree._Element] = set()
    for paragraph in root.iter(*PARAGRAPHS):
        parent = paragraph.getparent()
        while parent is not None and parent not in found:
            found.add(parent)
            parent = parent.getparent()
    return found


def _paragraph_map(
    elements: list[etree._Element],
    where: str,
    labels: dict[etree._Element, str] | None = None,
    exclude: tuple[str, ...] = (),
) -> TextMap:
    text_map = TextMap(where)
    holders: set[etree._Element] = set()

    def boundary(child: etree._Element) -> bool:
        return child.tag in PARAGRAPHS or child in holders

    for element in elements:
        holders = _holders(element)
        left_out = (
            {p for e in element.iter(*exclude) for p in e.iter(*PARAGRAPHS)} if exclude else set()
        )
        for paragraph in element.iter(*PARAGRAPHS):
            if paragraph in left_out:
                continue
            slots = own_slots(paragraph, boundary)
            label: str = ""
            on_change: Callable[[Piece], None] | None = None
            if labels is not None:
                label, on_change = _cell_label(paragraph, labels)
            text_map.add(slots, label, on_change)
    return text_map


def text_maps(document: ZipDocument, roots: list[str], kind: str) -> list[TextMap]:
    maps: list[TextMap] = []
    for root in roots:
        name = root + CONTENT
        if name in document.members:
            body = document.xml(name).find(q(OFFICE, "body"))
            if body is not None:
                maps.extend(_body_maps(body, root, kind if not root else ""))
        styles = root + STYLES
        if styles in document.members:
            master = document.xml(styles).find(q(OFFICE, "master-styles"))
            if master is not None:
                maps.append(_paragraph_map([master], styles))
    return [m for m in maps if m.pieces]


def _body_maps(body: etree._Element, root: str, kind: str) -> list[TextMap]:
    spreadsheet = body.find(q(OFFICE, "spreadsheet"))
    if spreadsheet is not None:
        maps = []
        for table in spreadsheet.iter(q(TABLE, "table")):
            if table.getparent() is not spreadsheet:
                continue
            title = table.get(q(TABLE, "name")) or "sheet"
            maps.append(_paragraph_map([table], f"{root}{title}", _cell_labels(table, title)))
        return maps
    pages = list(body.iter(q(DRAW, "page")))
    if pages:
        word = "slide" if kind in ("odp", "otp") else "page"
        maps = []
        for number, page in enumerate(pages, 1):
            maps.append(_paragraph_map([page], f"{root}{word} {number}", exclude=(NOTES,)))
            notes = list(page.iter(NOTES))
            if notes:
                maps.append(_paragraph_map(notes, f"{root}notes of {word} {number}"))
        return maps
    return [_paragraph_map([body], root + CONTENT)]


def column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _repeat(element: etree._Element, attribute: str) -> int:
    try:
        return max(1, min(int(element.get(q(TABLE, attribute), "1")), 1 << 20))
    except ValueError:
        return 1


def _cell_labels(table: etree._Element, title: str) -> dict[etree._Element, str]:
    """Each cell element's address ("Sheet1!C7"), counting repeated rows and columns."""
    labels: dict[etree._Element, str] = {}
    row_number = 0
    for row in table.iter(ROW):
        owner = row.getparent()
        while owner is not None and owner.tag != q(TABLE, "table"):
            owner = owner.getparent()
        if owner is not table:
            continue  # a row of a table nested in a cell
        column = 0
        for cell in row:
            if cell.tag not in (CELL, COVERED):
                continue
            labels[cell] = f"{title}!{column_name(column)}{row_number + 1}"
            column += _repeat(cell, "number-columns-repeated")
        row_number += _repeat(row, "number-rows-repeated")
    return labels


def _cell_label(
    paragraph: etree._Element, labels: dict[etree._Element, str]
) -> tuple[str, Callable[[Piece], None] | None]:
    parent = paragraph.getparent()
    comment = False
    while parent is not None and parent not in labels:
        comment = comment or parent.tag in ANNOTATIONS
        parent = parent.getparent()
    if parent is None:
        return "", None
    label = labels[parent] + (" comment" if comment else "")
    direct = paragraph.getparent() is parent
    return label, (_to_text_cell if direct else None)


def _to_text_cell(piece: Piece) -> None:
    """A number, date or formula cell whose shown text was replaced becomes a text cell:
    LibreOffice shows a number cell's value, not its cached text."""
    cell = piece.slots[0].element.getparent()
    if cell is None or cell.get(q(OFFICE, "value-type"), "string") == "string":
        return
    for attribute in VALUE_ATTRIBUTES:
        cell.attrib.pop(attribute, "")
    cell.set(q(OFFICE, "value-type"), "string")
    if cell.get(q(CALCEXT, "value-type")) is not None:
        cell.set(q(CALCEXT, "value-type"), "string")


def signature(
    document: ZipDocument, roots: list[str], keep_notes: bool
) -> dict[str, tuple[str, int, int, int]]:
    """Per content and styles stream: the text a reader sees (comments, tracked deletions
    and, unless kept, speaker notes left out, as cleaning removes them), and the number
    of pages or slides, sheets and pictures."""
    skip = UNSEEN if keep_notes else (*UNSEEN, NOTES)
    found = {}
    for root in roots:
        for stream in (CONTENT, STYLES):
            name = root + stream
            if name not in document.members:
                continue
            tree = document.xml(name)
            text = " ".join("".join(visible_text(tree, skip)).split())
            found[name] = (
                text,
                sum(1 for _ in tree.iter(q(DRAW, "page"))),
                sum(1 for _ in tree.iter(q(TABLE, "table"))),
                sum(1 for _ in tree.iter(q(DRAW, "image"))),
            )
    return found
