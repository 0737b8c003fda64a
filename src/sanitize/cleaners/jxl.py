"""JPEG XL: the container's metadata boxes go; the codestream stays byte for byte.

Removed: ``Exif``, ``xml `` (XMP), ``jumb`` (JUMBF, C2PA), ``brob`` boxes (Brotli-compressed
copies of those, as ``cjxl`` writes them), unknown boxes, and ``jbrd``. The JPEG
reconstruction box ``jbrd`` holds the source JPEG's own markers (its comments and APPn
segments, Brotli-compressed, unseen by ExifTool) and needs the removed Exif/XMP boxes to
rebuild the JPEG anyway: without it the image decodes to the very same pixels, but
``djxl`` can no longer give back the original JPEG file byte for byte.

Kept: the signature, ``ftyp``, the codestream (``jxlc`` or its ``jxlp`` parts), the level
(``jxll``), the frame index (``jxli``) and an HDR gain map (``jhgm``). Nothing is lost by
dropping EXIF: a JPEG XL image's orientation lives in the codestream header, not in EXIF.
A bare codestream (no container) carries no metadata at all.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, ParsedFile, WalkedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats.tiff_ifd import summarize_exif
from sanitize.formats.xmp import xmp_properties
from sanitize.report import MetadataItem

SIGNATURE = b"\x00\x00\x00\x0cJXL \r\n\x87\n"
CODESTREAM = b"\xff\x0a"
KEPT = frozenset({b"JXL ", b"ftyp", b"jxlc", b"jxlp", b"jxll", b"jxli", b"jhgm"})
MAX_BOXES = 100_000


@dataclass(frozen=True)
class JxlBox:
    type: bytes
    start: int
    payload_start: int
    end: int


def boxes(data: bytes) -> list[JxlBox]:
    found: list[JxlBox] = []
    position = 0
    while position < len(data):
        if position + 8 > len(data):
            raise CorruptFileError(f"JPEG XL box header cut short at byte {position}")
        size, box_type = struct.unpack_from(">I4s", data, position)
        header = 8
        if size == 1:
            if position + 16 > len(data):
                raise CorruptFileError("JPEG XL box header cut short")
            (size,) = struct.unpack_from(">Q", data, position + 8)
            header = 16
        elif size == 0:  # the last box runs to the end of the file
            size = len(data) - position
        if size < header or position + size > len(data):
            raise CorruptFileError(f"JPEG XL box {box_type!r} has a bad size")
        found.append(JxlBox(box_type, position, position + header, position + size))
        if len(found) > MAX_BOXES:
            raise LimitExceededError("JPEG XL file holds too many boxes")
        position += size
    return found


def _describe(box: JxlBox, payload: bytes) -> list[MetadataItem]:
    label = box.type.decode("latin-1").strip()
    if box.type == b"Exif" and len(payload) > 4:
        # The payload opens with the offset of the TIFF header (usually 0).
        (offset,) = struct.unpack_from(">I", payload)
        summary = summarize_exif(payload[4 + min(offset, len(payload) - 4) :])
        return [MetadataItem(f"EXIF:{g}", f, v) for g, f, v in summary.items] or [
            MetadataItem("JXL", "Exif", f"<{len(payload)} bytes>")
        ]
    if box.type == b"xml ":
        return [MetadataItem("XMP", f, v) for f, v in xmp_properties(payload)]
    if box.type == b"jumb":
        return [MetadataItem("JUMBF", "C2PA/JUMBF", f"<{len(payload)} bytes>")]
    if box.type == b"brob" and len(payload) >= 4:
        inner = payload[:4].decode("latin-1").strip()
        return [MetadataItem("JXL", f"brob({inner})", f"<{len(payload) - 4} bytes, compressed>")]
    if box.type == b"jbrd":
        field = "JPEGReconstruction"
        return [MetadataItem("JXL", field, f"<{len(payload)} bytes: source JPEG's markers>")]
    return [MetadataItem("JXL", label or "box", f"<{len(payload)} bytes>")]


class JxlFile(WalkedFile):
    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self.bare = data.startswith(CODESTREAM)
        self._items = []
        self._notes = []
        if self.bare:
            self.boxes: list[JxlBox] = []
            self._output = data
            return
        if not data.startswith(SIGNATURE):
            raise CorruptFileError("not a JPEG XL file")
        self.boxes = boxes(data)
        if not any(b.type in (b"jxlc", b"jxlp") for b in self.boxes):
            raise CorruptFileError("JPEG XL container without a codestream box")
        parts = []
        for box in self.boxes:
            if box.type in KEPT:
                parts.append(data[box.start : box.end])
                continue
            self._items.extend(_describe(box, data[box.payload_start : box.end]))
            if box.type == b"jbrd":
                self._notes.append(
                    "removed the JPEG reconstruction data: the image is unchanged, but it "
                    "can no longer be turned back into the original JPEG file"
                )
        self._output = b"".join(parts)

    def essence(self) -> list[tuple[bytes, bytes]]:
        """The kept boxes, whole (a bare codestream is one part)."""
        if self.bare:
            return [(b"codestream", self.data)]
        return [(b.type, self.data[b.start : b.end]) for b in self.boxes if b.type in KEPT]

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, JxlFile) or self.essence() != cleaned.essence():
            raise VerificationError("JPEG XL codestream changed during cleaning")


class JxlCleaner(Cleaner):
    name = "jxl"
    kinds = catalog.kinds_of("jxl")

    def open(self, data: bytes, kind: str, context: Context) -> JxlFile:
        return JxlFile(data, kind, context)
