"""HDR gain maps in JPEG: the MPF index and the XMP fields that bind a gain map.

An HDR photo from a recent phone (Google's Ultra HDR, Adobe's gain map, Apple's HDR
JPEG) is an ordinary JPEG followed by a second, small JPEG: the gain map. The Multi-
Picture Format index (APP2 "MPF\\0", CIPA DC-007) of the first image says where the
second one starts; XMP fields in the ``hdrgm`` (Adobe), ``HDRGainMap``/``apdi`` (Apple)
namespaces and the container directory (Google) say how to apply it, and ISO 21496-1
(APP2 "urn:iso:std:iso:ts:21496:-1") says the same in binary.

Cleaning keeps exactly those fields, rebuilt from validated values (numbers, booleans,
one URN), so no free text can ride along; everything else in the two XMP packets goes.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from lxml import etree

from sanitize.errors import CorruptFileError, LimitExceededError, UnsupportedVariantError
from sanitize.formats import jpeg_segments
from sanitize.formats.tiff_ifd import TiffReader
from sanitize.formats.values import short_text
from sanitize.xmlsafe import as_text, attributes_of, parse_xml, texts_of

# The APP2 identifiers live with the JPEG walk, which tells them without this module.
MPF_ID = jpeg_segments.MPF_ID
ISO_GAIN_MAP_ID = jpeg_segments.ISO_GAIN_MAP_ID
MAX_ISO_GAIN_MAP = jpeg_segments.MAX_ISO_GAIN_MAP

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
HDRGM = "http://ns.adobe.com/hdr-gain-map/1.0/"
APPLE_GAIN_MAP = "http://ns.apple.com/HDRGainMap/1.0/"
APDI = "http://ns.apple.com/pixeldatainfo/1.0/"
CONTAINER = "http://ns.google.com/photos/1.0/container/"
ITEM = "http://ns.google.com/photos/1.0/container/item/"
PREFIXES = {
    HDRGM: "hdrgm",
    APPLE_GAIN_MAP: "HDRGainMap",
    APDI: "apdi",
    CONTAINER: "Container",
    ITEM: "Item",
}

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_BOOLEAN = re.compile(r"^(?:True|False|true|false)$")
_APPLE_AUX_TYPE = re.compile(r"^urn:com:apple:photo:\d{4}:aux:[a-z]+$")

# (namespace, name) -> the pattern its every value must match to be kept.
BINDING_FIELDS: dict[tuple[str, str], re.Pattern[str]] = {
    (HDRGM, "Version"): _NUMBER,
    (HDRGM, "BaseRenditionIsHDR"): _BOOLEAN,
    (HDRGM, "GainMapMin"): _NUMBER,
    (HDRGM, "GainMapMax"): _NUMBER,
    (HDRGM, "Gamma"): _NUMBER,
    (HDRGM, "OffsetSDR"): _NUMBER,
    (HDRGM, "OffsetHDR"): _NUMBER,
    (HDRGM, "HDRCapacityMin"): _NUMBER,
    (HDRGM, "HDRCapacityMax"): _NUMBER,
    (APPLE_GAIN_MAP, "HDRGainMapVersion"): _NUMBER,
    (APPLE_GAIN_MAP, "HDRGainMapHeadroom"): _NUMBER,
    (APDI, "AuxiliaryImageType"): _APPLE_AUX_TYPE,
    (APDI, "NativeFormat"): _NUMBER,
    (APDI, "StoredFormat"): _NUMBER,
}
# In the primary image only the version is needed: it tells readers a gain map follows.
PRIMARY_FIELDS = {(HDRGM, "Version"), (APPLE_GAIN_MAP, "HDRGainMapVersion")}
MAX_VALUES = 16  # multi-channel values have three


@dataclass
class XmpSplit:
    """An XMP packet sorted into the gain-map fields kept and the rest, removed."""

    kept: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (property, value)
    has_directory: bool = False  # a Google container directory (rebuilt, not copied)

    @property
    def names_gain_map(self) -> bool:
        """Whether the fields say this image is, or carries, a gain map."""
        aux = self.kept.get((APDI, "AuxiliaryImageType"), [""])[0]
        return (
            (HDRGM, "Version") in self.kept
            or (APPLE_GAIN_MAP, "HDRGainMapVersion") in self.kept
            or aux.endswith(":hdrgainmap")
        )


def _qualified(name: etree.QName, nsmap: dict[str | None, str]) -> str:
    prefix = PREFIXES.get(name.namespace or "") or next(
        (p for p, uri in nsmap.items() if uri == name.namespace and p), None
    )
    return f"{prefix}:{name.localname}" if prefix else name.localname


def _values(element: etree._Element) -> list[str]:
    """A property's value: its text, or the items of the rdf:Seq/Bag/Alt it holds."""
    items = [li for li in element.iter(f"{{{RDF}}}li")]
    if items:
        return [" ".join(texts_of(li)).strip() for li in items]
    return [" ".join(texts_of(element)).strip()]


def split_xmp(packet: bytes, allowed: set[tuple[str, str]] | None = None) -> XmpSplit | None:
    """Sort ``packet``'s properties; ``allowed`` narrows the fields that may be kept.
    None when the packet cannot be read (then all of it goes)."""
    start = packet.find(b"<")
    try:
        root = parse_xml(packet[start:] if start >= 0 else packet, "XMP")
    except CorruptFileError:
        return None
    fields = set(BINDING_FIELDS) if allowed is None else allowed & set(BINDING_FIELDS)
    split = XmpSplit()

    def consider(name: etree.QName, values: list[str], nsmap: dict[str | None, str]) -> None:
        key = (name.namespace or "", name.localname)
        pattern = BINDING_FIELDS.get(key)
        if (
            key in fields
            and pattern is not None
            and key not in split.kept
            and 0 < len(values) <= MAX_VALUES
            and all(pattern.match(v) for v in values)
        ):
            split.kept[key] = values
            return
        shown = "; ".join(v for v in values if v) or "<empty>"
        split.removed.append((_qualified(name, nsmap), short_text(shown)))

    for description in root.iter(f"{{{RDF}}}Description"):
        nsmap = description.nsmap
        for attribute, value in attributes_of(description):
            name = etree.QName(attribute)
            if name.namespace != RDF:
                consider(name, [value.strip()], nsmap)
        for child in description:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(as_text(child.tag))
            if (name.namespace, name.localname) == (CONTAINER, "Directory"):
                split.has_directory = True  # rebuilt from the images actually written
                continue
            consider(name, _values(child), child.nsmap)
    return split


@dataclass(frozen=True)
class DirectoryItem:
    semantic: str  # "Primary" or "GainMap"
    length: int | None  # bytes of the item (not given for the primary)


def build_xmp(kept: dict[tuple[str, str], list[str]], directory: list[DirectoryItem]) -> bytes:
    """A minimal packet holding ``kept`` (values already validated) and a container
    directory, in one canonical form: cleaning its own output gives the same bytes."""
    used = sorted({ns for ns, _ in kept} | ({CONTAINER, ITEM} if directory else set()))
    declarations = "".join(f' xmlns:{PREFIXES[ns]}="{ns}"' for ns in used)
    attributes = ""
    children = ""
    for (ns, name), values in sorted(kept.items()):
        qualified = f"{PREFIXES[ns]}:{name}"
        if len(values) == 1:
            attributes += f' {qualified}="{values[0]}"'
        else:
            items = "".join(f"<rdf:li>{v}</rdf:li>" for v in values)
            children += f"<{qualified}><rdf:Seq>{items}</rdf:Seq></{qualified}>"
    if directory:
        entries = ""
        for item in directory:
            length = f' Item:Length="{item.length}"' if item.length is not None else ""
            entries += (
                '<rdf:li rdf:parseType="Resource"><Container:Item '
                f'Item:Semantic="{item.semantic}" Item:Mime="image/jpeg"{length}/></rdf:li>'
            )
        children += f"<Container:Directory><rdf:Seq>{entries}</rdf:Seq></Container:Directory>"
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        f'<rdf:RDF xmlns:rdf="{RDF}">'
        f'<rdf:Description rdf:about=""{declarations}{attributes}>{children}</rdf:Description>'
        "</rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


@dataclass(frozen=True)
class MpEntry:
    attribute: int  # flags, image format and type (CIPA DC-007 5.2.3.3.1)
    size: int
    offset: int  # from the MPF header (the byte after "MPF\0"); 0 for the first image


@dataclass
class MpIndex:
    entries: list[MpEntry]
    extra: list[tuple[str, str]]  # fields beyond the index, which cleaning drops


MPF_TAG_NAMES = {
    0xB003: "ImageUIDList",
    0xB004: "TotalFrames",
}
MPF_VERSION, NUMBER_OF_IMAGES, MP_ENTRY = 0xB000, 0xB001, 0xB002
MAX_MP_ENTRIES = 64


def parse_mpf(payload: bytes) -> MpIndex | None:
    """The MP index of an APP2 "MPF\\0" payload, or None if it cannot be read."""
    try:
        reader = TiffReader(payload[len(MPF_ID) :])
        entries, next_ifd = reader.read_ifd(reader.first_ifd)
    except (CorruptFileError, UnsupportedVariantError, LimitExceededError, struct.error):
        return None
    table = entries.get(MP_ENTRY)
    if table is None or table.outside or len(table.raw) % 16:
        return None
    count = len(table.raw) // 16
    if not 0 < count <= MAX_MP_ENTRIES:
        return None
    found = []
    for index in range(count):
        attribute, size, offset, _, _ = struct.unpack_from(
            reader.order + "IIIHH", table.raw, 16 * index
        )
        found.append(MpEntry(attribute, size, offset))
    extra = [
        ("MPF", MPF_TAG_NAMES.get(tag, f"Tag0x{tag:04X}"))
        for tag in sorted(entries)
        if tag not in (MPF_VERSION, NUMBER_OF_IMAGES, MP_ENTRY)
    ]
    if next_ifd:
        extra.append(("MPF", "MPImageAttributes"))
    return MpIndex(found, extra)


def build_mpf(entries: list[MpEntry]) -> bytes:
    """An APP2 payload holding only the MP index (big-endian, as Ultra HDR writers do)."""
    ifd_entries = 3
    values_at = 8 + 2 + 12 * ifd_entries + 4
    out = bytearray(MPF_ID + b"MM\x00\x2a" + struct.pack(">I", 8))
    out += struct.pack(">H", ifd_entries)
    out += struct.pack(">HHI", MPF_VERSION, 7, 4) + b"0100"
    out += struct.pack(">HHII", NUMBER_OF_IMAGES, 4, 1, len(entries))
    out += struct.pack(">HHII", MP_ENTRY, 7, 16 * len(entries), values_at)
    out += struct.pack(">I", 0)  # no MP attribute IFD
    for entry in entries:
        out += struct.pack(">IIIHH", entry.attribute, entry.size, entry.offset, 0, 0)
    return bytes(out)


def mpf_size(count: int) -> int:
    """The length of ``build_mpf``'s payload for ``count`` images."""
    return len(MPF_ID) + 8 + 2 + 12 * 3 + 4 + 16 * count
