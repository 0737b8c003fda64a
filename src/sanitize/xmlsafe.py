"""Parse untrusted XML: no entity expansion, no DTD loading, no network."""

from __future__ import annotations

import re

from lxml import etree

from sanitize.errors import CorruptFileError

_INTERNAL_SUBSET = re.compile(rb"<!doctype[^>\[]*\[", re.IGNORECASE)


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
    # An internal DTD subset ("<!DOCTYPE x [ ... ]>") is where entities are declared; a
    # "[" elsewhere in the first lines (text, a CSS selector) is not one.
    if b"<!entity" in data.lower() or _INTERNAL_SUBSET.search(data[:4096]):
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
