"""Parse untrusted XML: no entity expansion, no DTD loading, no network."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from lxml import etree

from sanitize.errors import CorruptFileError

_INTERNAL_SUBSET = re.compile(rb"<!doctype[^>\[]*\[", re.IGNORECASE)
# The encoding named by an XML declaration at the very start (after an optional BOM).
_DECLARED_ENCODING = re.compile(
    rb"^(?:\xef\xbb\xbf)?<\?xml\s[^>]*?encoding\s*=\s*[\"']([^\"']{1,40})[\"']"
)


def _parser(encoding: str | None = None) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        encoding=encoding,
    )


def _override_encoding(data: bytes) -> str | None:
    """UTF-8 when the declared encoding is unknown (a typo such as "UTF-9") and the bytes
    are valid UTF-8, as browsers read such a file; else None (the declaration is used).

    Only the character decoding changes: the entity and DTD refusal ran before this."""
    match = _DECLARED_ENCODING.match(data[:200])
    if match is None:
        return None
    try:
        codecs.lookup(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        pass
    else:
        return None  # a known encoding: the declaration stands
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # neither declared nor UTF-8: lxml's own error says why
    return "utf-8"


def parse_xml(data: bytes, what: str = "XML") -> etree._Element:
    """Parse ``data``; a DOCTYPE declaring entities is refused outright."""
    # An internal DTD subset ("<!DOCTYPE x [ ... ]>") is where entities are declared; a
    # "[" elsewhere in the first lines (text, a CSS selector) is not one.
    if b"<!entity" in data.lower() or _INTERNAL_SUBSET.search(data[:4096]):
        raise CorruptFileError(f"{what} declares entities (refused: possible entity bomb)")
    try:
        root = etree.fromstring(data, _parser(_override_encoding(data)))
    except etree.XMLSyntaxError as exc:
        raise CorruptFileError(f"{what} is not well-formed XML: {exc}") from exc
    if root is None:
        raise CorruptFileError(f"{what} is empty")
    return root


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# lxml-stubs type text, tags and attribute names and values as ``str | bytes``; the bytes
# arm is a Python 2 leftover (on Python 3 lxml returns ``str``). These helpers say ``str``
# once, here, instead of a cast at every use.


def as_text(value: str | bytes) -> str:
    """A text node, tag or attribute name or value from lxml, as ``str``."""
    return value if isinstance(value, str) else value.decode("utf-8")


def texts_of(element: etree._Element) -> Iterator[str]:
    """The text nodes of ``element`` and its descendants (``itertext()``), as ``str``."""
    return (as_text(t) for t in element.itertext())


def text_of(element: etree._Element, separator: str = "") -> str:
    """The text of ``element`` and its descendants, joined by ``separator``."""
    return separator.join(texts_of(element))


def attributes_of(element: etree._Element) -> list[tuple[str, str]]:
    """``element.attrib.items()`` as ``str`` pairs."""
    return [(as_text(name), as_text(value)) for name, value in element.attrib.items()]


def attribute_results(
    query: etree.XPath, root: etree._Element, **variables: str
) -> list[etree._ElementUnicodeResult]:
    """The attributes an XPath attribute query (``//@...``) selects, each knowing its element
    (``getparent()``) and its name (``attrname``)."""
    found = query(root, **variables)
    if not isinstance(found, list):
        raise TypeError(f"XPath {query.path!r} does not select attributes")
    results: list[etree._ElementUnicodeResult] = []
    for value in found:
        if not isinstance(value, etree._ElementUnicodeResult):
            raise TypeError(f"XPath {query.path!r} does not select attributes")
        results.append(value)
    return results


def drop(element: etree._Element, keep_blank_tail: bool = True) -> None:
    """Remove ``element`` but keep the text that follows it (lxml's ``remove`` takes the
    tail with the element: "see<change/> you" would lose " you"). ``keep_blank_tail``
    False lets a whitespace-only tail go with the element."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    if tail and (keep_blank_tail or tail.strip()):
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
