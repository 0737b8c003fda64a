"""Parse untrusted XML: no entity expansion, no DTD loading, no network."""

from __future__ import annotations

from lxml import etree

from sanitize.errors import CorruptFileError


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes, what: str = "XML") -> etree._Element:
    """Parse ``data``; a DOCTYPE declaring entities is refused outright."""
    head = data[:4096].lower()
    if b"<!entity" in data.lower() or (b"<!doctype" in head and b"[" in head):
        raise CorruptFileError(f"{what} declares entities (refused: possible entity bomb)")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CorruptFileError(f"{what} is not well-formed XML: {exc}") from exc
    if root is None:
        raise CorruptFileError(f"{what} is empty")
    return root


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
