"""List the properties of an XMP packet without trusting it."""

from __future__ import annotations

from lxml import etree

from sanitize.errors import CorruptFileError
from sanitize.formats.values import short_text
from sanitize.xmlsafe import as_text, attributes_of, parse_xml, texts_of

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
MAX_ITEMS = 500


def _qualified(element_or_name: str, nsmap: dict[str | None, str]) -> str:
    name = etree.QName(element_or_name)
    prefix = next((p for p, uri in nsmap.items() if uri == name.namespace and p), None)
    return f"{prefix}:{name.localname}" if prefix else name.localname


def xmp_properties(packet: bytes) -> list[tuple[str, str]]:
    """Return (property, value) pairs; an unreadable packet is one opaque item."""
    start = packet.find(b"<")
    try:
        root = parse_xml(packet[start:] if start >= 0 else packet, "XMP")
    except CorruptFileError:
        return [("XMPPacket", f"<{len(packet)} bytes, unreadable>")]
    found: list[tuple[str, str]] = []
    for description in root.iter(f"{{{RDF}}}Description"):
        nsmap = description.nsmap
        for name, value in attributes_of(description):
            if etree.QName(name).namespace != RDF:
                found.append((_qualified(name, nsmap), short_text(value)))
        for child in description:
            if not isinstance(child.tag, str):
                continue
            texts = [t.strip() for t in texts_of(child) if t.strip()]
            value = "; ".join(texts)
            if not value:
                value = "; ".join(f"{k}={v}" for k, v in attributes_of(child)) or "<empty>"
            found.append((_qualified(as_text(child.tag), child.nsmap), short_text(value)))
        if len(found) > MAX_ITEMS:
            break
    if not found:
        found.append(("XMPPacket", f"<{len(packet)} bytes>"))
    return found[:MAX_ITEMS]


TIFF_NS = "http://ns.adobe.com/tiff/1.0/"


def xmp_orientation(packet: bytes) -> int | None:
    """The ``tiff:Orientation`` an XMP packet gives (1-8), if any and readable."""
    start = packet.find(b"<")
    try:
        root = parse_xml(packet[start:] if start >= 0 else packet, "XMP")
    except CorruptFileError:
        return None
    for description in root.iter(f"{{{RDF}}}Description"):
        value = description.get(f"{{{TIFF_NS}}}Orientation")
        if value is None:
            child = description.find(f"{{{TIFF_NS}}}Orientation")
            value = "".join(texts_of(child)) if child is not None else None
        if value is not None:
            value = value.strip()
            return int(value) if value in ("1", "2", "3", "4", "5", "6", "7", "8") else None
    return None
