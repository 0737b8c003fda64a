"""WebP (lossy, lossless, animated): drop EXIF, XMP and unknown chunks; fix VP8X flags."""

from __future__ import annotations

import struct

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, ParsedFile, WalkedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.chunks import riff_chunk, riff_chunks
from sanitize.formats.tiff_ifd import build_orientation_exif, summarize_exif
from sanitize.formats.values import bytes_text
from sanitize.formats.xmp import xmp_properties
from sanitize.report import MetadataItem

IMAGE_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
FLAG_EXIF = 0x08
FLAG_XMP = 0x04


def _exif_tiff(payload: bytes) -> bytes:
    # Some writers keep JPEG's "Exif\0\0" prefix in the WebP chunk.
    return payload[6:] if payload.startswith(b"Exif\x00\x00") else payload


def _minimal_exif(payload: bytes) -> bytes | None:
    orientation = summarize_exif(_exif_tiff(payload)).orientation
    if orientation and 2 <= orientation <= 8:
        return build_orientation_exif(orientation)
    return None


class WebpFile(WalkedFile):
    """One walk over the chunks lists what goes and assembles what stays."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        chunks, riff_end = riff_chunks(data, b"WEBP")
        # What verify compares: the coded image chunks, byte for byte (VP8X's flags change).
        coded = IMAGE_CHUNKS - {b"VP8X"}
        self.image = [data[c.start : c.data_end] for c in chunks if c.type in coded]
        self._items = []
        self._notes = []
        body: list[bytes] = []
        minimal_exif: bytes | None = None
        for chunk in chunks:
            payload = data[chunk.data_start : chunk.data_end]
            if chunk.type in IMAGE_CHUNKS:
                body.append(riff_chunk(chunk.type, payload))
            elif chunk.type == b"EXIF":
                minimal = _minimal_exif(payload)
                if minimal_exif is None:  # the first EXIF with a usable Orientation wins
                    minimal_exif = minimal
                if payload != minimal:
                    summary = summarize_exif(_exif_tiff(payload))
                    self._items.extend(MetadataItem(f"EXIF:{g}", f, v) for g, f, v in summary.items)
            elif chunk.type == b"XMP ":
                self._items.extend(MetadataItem("XMP", f, v) for f, v in xmp_properties(payload))
            else:
                label = f"WebP:{bytes_text(chunk.type)}"
                self._items.append(MetadataItem(label, "Chunk", f"<{len(payload)} bytes>"))
        # A broken VP8X header only stops cleaning: the items above can still be listed.
        self._error = None
        if body and body[0][:4] == b"VP8X":
            header = bytearray(body[0])
            if len(header) < 18:
                self._error = CorruptFileError("truncated VP8X chunk")
            else:
                flags = header[8] & ~(FLAG_EXIF | FLAG_XMP)
                if minimal_exif:
                    flags |= FLAG_EXIF
                    body.append(riff_chunk(b"EXIF", minimal_exif))
                    self._notes.append("kept EXIF Orientation so the image displays upright")
                header[8] = flags
                body[0] = bytes(header)
        elif minimal_exif:
            self._notes.append("dropped Orientation: a simple WebP cannot carry EXIF")
        if riff_end < len(data):
            self._items.append(
                MetadataItem("Trailer", "DataAfterRIFF", f"<{len(data) - riff_end} bytes>")
            )
            self._notes.append(f"removed {len(data) - riff_end} bytes after the end of the image")
        payload = b"WEBP" + b"".join(body)
        self._output = b"RIFF" + struct.pack("<I", len(payload)) + payload

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, WebpFile):
            raise VerificationError("the cleaned file is not a WebP")
        if self.image != cleaned.image:
            raise VerificationError("WebP image data changed during cleaning")


class WebpCleaner(Cleaner):
    name = "webp"
    kinds = catalog.kinds_of("webp")

    def open(self, data: bytes, kind: str, context: Context) -> WebpFile:
        return WebpFile(data, kind, context)
