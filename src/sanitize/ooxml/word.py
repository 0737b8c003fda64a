"""WordprocessingML: comments' anchors, tracked changes, hidden text, identifiers."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from sanitize.formats.values import short_text
from sanitize.ooxml.names import W14, W15, W, q
from sanitize.xmlsafe import attribute_results, text_of

Record = Callable[[str, str], None]  # (field, value)

CHANGE_RECORDS = (
    "rPrChange",
    "pPrChange",
    "sectPrChange",
    "tblPrChange",
    "trPrChange",
    "tcPrChange",
    "tblGridChange",
    "tblPrExChange",
    "numberingChange",
)
RANGE_MARKERS = (
    "moveFromRangeStart",
    "moveFromRangeEnd",
    "moveToRangeStart",
    "moveToRangeEnd",
    "customXmlInsRangeStart",
    "customXmlInsRangeEnd",
    "customXmlDelRangeStart",
    "customXmlDelRangeEnd",
    "customXmlMoveFromRangeStart",
    "customXmlMoveFromRangeEnd",
    "customXmlMoveToRangeStart",
    "customXmlMoveToRangeEnd",
)
SETTINGS_REMOVED = (
    q(W, "attachedTemplate"),
    q(W, "docVars"),
    q(W, "rsids"),
    q(W, "mailMerge"),
    q(W14, "docId"),
    q(W15, "docId"),
)
FALSE_VALUES = {"0", "false", "off"}


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _unwrap(element: etree._Element) -> None:
    """Replace ``element`` by its children (accepting an insertion)."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _text(element: etree._Element) -> str:
    return short_text(text_of(element), 120)


def _change_label(element: etree._Element) -> str:
    author = element.get(q(W, "author"), "")
    date = element.get(q(W, "date"), "")
    return ", ".join(v for v in (author, date) if v)


def _is_mark(element: etree._Element) -> bool:
    """An ins/del inside run properties marks a paragraph mark, not content."""
    parent = element.getparent()
    return parent is not None and etree.QName(parent).localname == "rPr"


def scrub_comment_anchors(root: etree._Element, record: Record) -> None:
    anchors = list(
        root.iter(q(W, "commentRangeStart"), q(W, "commentRangeEnd"), q(W, "commentReference"))
    )
    for element in anchors:
        parent = element.getparent()
        _remove(element)
        # The run that held only a comment reference goes too.
        if (
            parent is not None
            and etree.QName(parent).localname == "r"
            and all(etree.QName(child).localname == "rPr" for child in parent)
        ):
            _remove(parent)
    if anchors:
        record("CommentAnchors", f"{len(anchors)} anchor(s)")


def accept_tracked_changes(root: etree._Element, record: Record) -> None:
    for element in list(root.iter(q(W, "del"), q(W, "moveFrom"))):
        if not _is_mark(element):
            label = "TrackedDeletion" if etree.QName(element).localname == "del" else "TrackedMove"
            record(label, f"{_change_label(element)}: {_text(element)}")
        else:
            record("TrackedChangeMark", _change_label(element))
        _remove(element)
    for element in list(root.iter(q(W, "ins"), q(W, "moveTo"))):
        if _is_mark(element):
            record("TrackedChangeMark", _change_label(element))
            _remove(element)
        else:
            record("TrackedInsertion", f"{_change_label(element)}: {_text(element)}")
            _unwrap(element)
    for name in CHANGE_RECORDS:
        for element in list(root.iter(q(W, name))):
            record("FormattingChange", _change_label(element))
            _remove(element)
    for name in (*RANGE_MARKERS, "cellIns", "cellDel", "cellMerge"):
        for element in list(root.iter(q(W, name))):
            _remove(element)


def remove_hidden_text(root: etree._Element, record: Record) -> None:
    for vanish in list(root.iter(q(W, "vanish"), q(W, "specVanish"))):
        if vanish.get(q(W, "val"), "true").lower() in FALSE_VALUES:
            continue
        properties = vanish.getparent()
        run = properties.getparent() if properties is not None else None
        if run is not None and etree.QName(run).localname == "r":
            record("HiddenText", _text(run))
            _remove(run)
        elif run is not None and etree.QName(run).localname == "pPr":
            record("HiddenParagraphMark", "hidden paragraph mark")
            _remove(vanish)


# XPath walks the attributes in C; a Python loop over every attribute is 10x slower.
_IDENTIFIER_ATTRIBUTES = etree.XPath(
    "//@*[(namespace-uri()=$w and starts-with(local-name(), 'rsid'))"
    " or (namespace-uri()=$w14 and (local-name()='paraId' or local-name()='textId'))]"
)


def delete_attributes(found: list[etree._ElementUnicodeResult]) -> int:
    """Delete the attributes an XPath attribute query returned."""
    for value in found:
        element = value.getparent()
        if element is not None and value.attrname is not None and value.attrname in element.attrib:
            del element.attrib[value.attrname]
    return len(found)


def remove_identifiers(root: etree._Element, record: Record) -> None:
    count = delete_attributes(attribute_results(_IDENTIFIER_ATTRIBUTES, root, w=W, w14=W14))
    for element in list(root.iter(q(W, "rsid"), q(W, "nsid"), q(W, "tmpl"))):
        _remove(element)
        count += 1
    if count:
        record("RevisionIdentifiers", f"{count} rsid/nsid/paraId value(s)")


def scrub_settings(root: etree._Element, record: Record) -> None:
    for element in list(root.iter(*SETTINGS_REMOVED)):
        name = etree.QName(element).localname
        if name == "docVars":
            for variable in element:
                record(
                    "DocumentVariable", f"{variable.get(q(W, 'name'))}={variable.get(q(W, 'val'))}"
                )
        elif name == "rsids":
            pass  # counted with the other identifiers
        else:
            value = (
                element.get(q(W, "val"))
                or element.get(q(W14, "val"))
                or element.get(q(W15, "val"))
                or ""
            )
            record(name, value or "present")
        _remove(element)


def scrub_word_part(root: etree._Element, record: Record) -> None:
    scrub_comment_anchors(root, record)
    accept_tracked_changes(root, record)
    remove_hidden_text(root, record)
    if etree.QName(root).localname == "settings":
        scrub_settings(root, record)
    remove_identifiers(root, record)
    for binding in list(root.iter(q(W, "dataBinding"))):
        _remove(binding)  # bindings to customXml parts, which are removed
