"""List Photoshop image resources and the IPTC-IIM records inside them."""

from __future__ import annotations

import struct

from sanitize.formats.values import bytes_text

IPTC_NAMES = {
    (2, 5): "ObjectName",
    (2, 25): "Keywords",
    (2, 40): "SpecialInstructions",
    (2, 55): "DateCreated",
    (2, 60): "TimeCreated",
    (2, 80): "By-line",
    (2, 85): "By-lineTitle",
    (2, 90): "City",
    (2, 92): "Sub-location",
    (2, 95): "Province-State",
    (2, 100): "Country-PrimaryLocationCode",
    (2, 101): "Country-PrimaryLocationName",
    (2, 105): "Headline",
    (2, 110): "Credit",
    (2, 115): "Source",
    (2, 116): "CopyrightNotice",
    (2, 118): "Contact",
    (2, 120): "Caption-Abstract",
    (2, 122): "Writer-Editor",
}
RESOURCE_NAMES = {
    0x0404: "IPTC-NAA",
    0x040C: "ThumbnailImage",
    0x0409: "ThumbnailImage",
    0x0422: "EXIFInfo",
    0x0424: "XMP",
    0x040F: "ICCProfile",
}


def iim_records(data: bytes) -> list[tuple[str, str]]:
    found = []
    pos = 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, dataset, length = (
            data[pos + 1],
            data[pos + 2],
            struct.unpack(">H", data[pos + 3 : pos + 5])[0],
        )
        pos += 5
        if length & 0x8000:  # extended dataset: the length's length follows
            size = length & 0x7FFF
            length = int.from_bytes(data[pos : pos + size], "big")
            pos += size
        value = data[pos : pos + length]
        pos += length
        if record == 1 and dataset == 90:
            continue  # coded character set, not user data
        name = IPTC_NAMES.get((record, dataset), f"IPTC{record}:{dataset}")
        found.append((name, bytes_text(value)))
    return found


def photoshop_resources(data: bytes) -> list[tuple[str, str, str]]:
    """(location, field, value) for each resource of an APP13 "Photoshop 3.0" payload."""
    found: list[tuple[str, str, str]] = []
    pos = data.find(b"8BIM")
    while pos >= 0 and pos + 12 <= len(data) and data[pos : pos + 4] == b"8BIM":
        resource_id = struct.unpack(">H", data[pos + 4 : pos + 6])[0]
        name_length = data[pos + 6]
        pos += 7 + name_length + ((name_length + 1) % 2)
        if pos + 4 > len(data):
            break
        size = struct.unpack(">I", data[pos : pos + 4])[0]
        pos += 4
        block = data[pos : pos + size]
        pos += size + (size % 2)
        if resource_id == 0x0404:
            found.extend(("IPTC", name, value) for name, value in iim_records(block))
        else:
            label = RESOURCE_NAMES.get(resource_id, f"Resource0x{resource_id:04X}")
            found.append(("Photoshop", label, f"<{len(block)} bytes>"))
    if not found:
        found.append(("Photoshop", "ImageResources", f"<{len(data)} bytes>"))
    return found
