"""JPEG: drop every metadata segment, copy the compressed image byte for byte.

Kept: ICC profile (APP2 ICC_PROFILE), Adobe APP14 (colour transform), the JFIF header
without its thumbnail, and a minimal EXIF holding only Orientation when it is not 1, so
that phone photos still display upright.
"""

from __future__ import annotations

import struct

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import VerificationError
from sanitize.formats import jpeg_segments as jp
from sanitize.formats.iptc import photoshop_resources
from sanitize.formats.tiff_ifd import build_orientation_exif, summarize_exif
from sanitize.formats.values import bytes_text
from sanitize.formats.xmp import xmp_properties
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


class JpegFile(ParsedFile):
    """One walk over the segments lists what goes and assembles what stays."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self.layout = jp.parse(data)
        self.orientation = _first_orientation(data, self.layout)
        self._items: list[MetadataItem] = []
        parts = [b"\xff\xd8"]
        exif_seen = exif_written = jfif_written = False
        for seg in self.layout.segments:
            if not seg.is_metadata:
                if not exif_written:  # EXIF goes before the first non-metadata segment
                    parts.append(minimal_exif_segment(self.orientation))
                    exif_written = True
                parts.append(data[seg.start : seg.end])
                continue
            payload = seg.payload(data)
            if seg.marker == 0xE1 and payload.startswith(EXIF_ID):
                # Only the first EXIF block's Orientation is honoured and kept.
                if exif_seen:
                    self._items.append(
                        MetadataItem("EXIF", "ExtraExifBlock", f"<{len(payload)} bytes>")
                    )
                    continue
                exif_seen = True
            self._items.extend(describe_segment(seg.marker, payload))
            if seg.marker == 0xE0 and payload.startswith(JFIF_ID):
                if not jfif_written:
                    parts.append(_segment(0xE0, _jfif_without_thumbnail(payload)))
                    jfif_written = True
            elif _is_kept(seg.marker, payload):
                parts.append(data[seg.start : seg.end])
        parts.append(b"\xff\xd9")
        self._output = b"".join(parts)
        self._notes: list[str] = []
        trailing = len(data) - self.layout.end_of_image
        if trailing > 0:
            self._items.append(
                MetadataItem("Trailer", "DataAfterEndOfImage", f"<{trailing} bytes>")
            )
            self._notes.append(f"removed {trailing} bytes after the end of the image")
        if self.orientation and self.orientation != 1:
            self._notes.append(f"kept Orientation={self.orientation} so the photo displays upright")

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def clean(self) -> CleanResult:
        return CleanResult(self._output, list(self._notes))

    def essence(self) -> bytes:
        return jp.image_essence(self.data, self.layout)

    def verify(self, cleaned: ParsedFile) -> None:
        assert isinstance(cleaned, JpegFile)
        if self.essence() != cleaned.essence():
            raise VerificationError("JPEG image data changed during cleaning")
        if self.orientation not in (None, 1) and self.orientation != cleaned.orientation:
            raise VerificationError("JPEG orientation was lost")


class JpegCleaner(Cleaner):
    name = "jpeg"
    kinds = catalog.kinds_of("jpeg")

    def open(self, data: bytes, kind: str, context: Context) -> JpegFile:
        return JpegFile(data, kind, context)
