"""JPEG: drop every metadata segment, copy the compressed image byte for byte.

Kept: ICC profile (APP2 ICC_PROFILE), Adobe APP14 (colour transform), the JFIF header
without its thumbnail, and a minimal EXIF holding only Orientation when it is not 1, so
that phone photos still display upright.
"""

from __future__ import annotations

import struct

from sanitize.cleaners.base import Cleaner, CleanResult
from sanitize.errors import VerificationError
from sanitize.formats import jpeg_segments as jp
from sanitize.formats.iptc import photoshop_resources
from sanitize.formats.tiff_ifd import build_orientation_exif, summarize_exif
from sanitize.formats.values import bytes_text
from sanitize.formats.xmp import xmp_properties
from sanitize.options import Options
from sanitize.report import MetadataItem

EXIF_ID = b"Exif\x00\x00"
XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\x00"
ICC_ID = b"ICC_PROFILE\x00"
JFIF_ID = b"JFIF\x00"
ADOBE_ID = b"Adobe"
PHOTOSHOP_ID = b"Photoshop 3.0\x00"


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _jfif_without_thumbnail(payload: bytes) -> bytes:
    return payload[:12] + b"\x00\x00" if len(payload) >= 14 else payload


def minimal_exif_segment(orientation: int | None) -> bytes:
    if orientation is None or not 2 <= orientation <= 8:
        return b""
    return _segment(0xE1, EXIF_ID + build_orientation_exif(orientation))


def _first_orientation(data: bytes, layout: jp.JpegLayout) -> int | None:
    for seg in layout.segments:
        payload = seg.payload(data)
        if seg.marker == 0xE1 and payload.startswith(EXIF_ID):
            return summarize_exif(payload[len(EXIF_ID) :]).orientation
    return None


def _is_kept(marker: int, payload: bytes) -> bool:
    return (
        (marker == 0xE2 and payload.startswith(ICC_ID))
        or (marker == 0xEE and payload.startswith(ADOBE_ID))
        or (marker == 0xE0 and payload.startswith(JFIF_ID))
    )


def describe_segment(marker: int, payload: bytes) -> list[MetadataItem]:
    """What one APPn/COM segment carries that cleaning removes."""
    if marker == 0xFE:
        return [MetadataItem("Comment", "Comment", bytes_text(payload))]
    if marker == 0xE0 and payload.startswith(JFIF_ID):
        if len(payload) >= 14 and (payload[12] or payload[13]):
            return [MetadataItem("JFIF", "ThumbnailImage", f"{payload[12]}x{payload[13]}")]
        return []
    if _is_kept(marker, payload):
        return []
    if marker == 0xE1 and payload.startswith(EXIF_ID):
        summary = summarize_exif(payload[len(EXIF_ID) :])
        return [MetadataItem(f"EXIF:{g}", f, v) for g, f, v in summary.items]
    if marker == 0xE1 and payload.startswith(XMP_ID):
        return [MetadataItem("XMP", f, v) for f, v in xmp_properties(payload[len(XMP_ID) :])]
    if marker == 0xE1 and payload.startswith(XMP_EXT_ID):
        return [MetadataItem("XMP", "ExtendedXMP", f"<{len(payload)} bytes>")]
    if marker == 0xED and payload.startswith(PHOTOSHOP_ID):
        return [MetadataItem(loc, f, v) for loc, f, v in photoshop_resources(payload[14:])]
    if marker == 0xE2 and payload.startswith(b"MPF\x00"):
        return [MetadataItem("MPF", "MultiPictureFormat", f"<{len(payload)} bytes>")]
    if marker == 0xEB and (b"jumb" in payload[:64] or payload[:2] == b"JP"):
        return [MetadataItem("JUMBF", "C2PA/JUMBF", f"<{len(payload)} bytes>")]
    identifier = payload[:32].split(b"\x00", 1)[0]
    label = bytes_text(identifier) if identifier else "Data"
    return [MetadataItem(f"APP{marker - 0xE0}", label, f"<{len(payload)} bytes>")]


class JpegCleaner(Cleaner):
    name = "jpeg"
    kinds = frozenset({"jpeg"})

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        layout = jp.parse(data)
        items: list[MetadataItem] = []
        exif_seen = False
        for seg in layout.segments:
            if not seg.is_metadata:
                continue
            payload = seg.payload(data)
            if seg.marker == 0xE1 and payload.startswith(EXIF_ID):
                # Only the first EXIF block's Orientation is honoured and kept.
                if exif_seen:
                    items.append(MetadataItem("EXIF", "ExtraExifBlock", f"<{len(payload)} bytes>"))
                    continue
                exif_seen = True
            items.extend(describe_segment(seg.marker, payload))
        trailing = len(data) - layout.end_of_image
        if trailing > 0:
            items.append(MetadataItem("Trailer", "DataAfterEndOfImage", f"<{trailing} bytes>"))
        return items

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        layout = jp.parse(data)
        orientation = _first_orientation(data, layout)
        parts = [b"\xff\xd8"]
        exif_written = False
        jfif_written = False
        for seg in layout.segments:
            if not seg.is_metadata:
                if not exif_written:  # EXIF goes before the first non-metadata segment
                    parts.append(minimal_exif_segment(orientation))
                    exif_written = True
                parts.append(data[seg.start : seg.end])
                continue
            payload = seg.payload(data)
            if seg.marker == 0xE0 and payload.startswith(JFIF_ID):
                if not jfif_written:
                    parts.append(_segment(0xE0, _jfif_without_thumbnail(payload)))
                    jfif_written = True
            elif _is_kept(seg.marker, payload):
                parts.append(data[seg.start : seg.end])
        parts.append(b"\xff\xd9")
        notes = []
        trailing = len(data) - layout.end_of_image
        if trailing > 0:
            notes.append(f"removed {trailing} bytes after the end of the image")
        if orientation and orientation != 1:
            notes.append(f"kept Orientation={orientation} so the photo displays upright")
        return CleanResult(b"".join(parts), notes)

    def verify(self, original: bytes, cleaned: bytes, kind: str, options: Options) -> None:
        before = jp.parse(original)
        after = jp.parse(cleaned)
        if jp.image_essence(original, before) != jp.image_essence(cleaned, after):
            raise VerificationError("JPEG image data changed during cleaning")
        if _first_orientation(original, before) not in (None, 1) and _first_orientation(
            original, before
        ) != _first_orientation(cleaned, after):
            raise VerificationError("JPEG orientation was lost")
