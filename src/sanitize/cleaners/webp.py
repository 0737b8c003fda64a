"""WebP (lossy, lossless, animated): drop EXIF, XMP and unknown chunks; fix VP8X flags."""

from __future__ import annotations

import struct

from sanitize.cleaners.base import Cleaner, CleanResult
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.chunks import riff_chunk, riff_chunks
from sanitize.formats.tiff_ifd import build_orientation_exif, summarize_exif
from sanitize.formats.values import bytes_text
from sanitize.formats.xmp import xmp_properties
from sanitize.options import Options
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


class WebpCleaner(Cleaner):
    name = "webp"
    kinds = frozenset({"webp"})

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        chunks, riff_end = riff_chunks(data, b"WEBP")
        items: list[MetadataItem] = []
        for chunk in chunks:
            payload = data[chunk.data_start : chunk.data_end]
            if chunk.type in IMAGE_CHUNKS:
                continue
            if chunk.type == b"EXIF":
                if payload != _minimal_exif(payload):
                    summary = summarize_exif(_exif_tiff(payload))
                    items.extend(MetadataItem(f"EXIF:{g}", f, v) for g, f, v in summary.items)
            elif chunk.type == b"XMP ":
                items.extend(MetadataItem("XMP", f, v) for f, v in xmp_properties(payload))
            else:
                label = f"WebP:{bytes_text(chunk.type)}"
                items.append(MetadataItem(label, "Chunk", f"<{len(payload)} bytes>"))
        if riff_end < len(data):
            items.append(
                MetadataItem("Trailer", "DataAfterRIFF", f"<{len(data) - riff_end} bytes>")
            )
        return items

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        chunks, riff_end = riff_chunks(data, b"WEBP")
        body: list[bytes] = []
        minimal_exif = None
        for chunk in chunks:
            if chunk.type in IMAGE_CHUNKS:
                body.append(riff_chunk(chunk.type, data[chunk.data_start : chunk.data_end]))
            elif chunk.type == b"EXIF" and minimal_exif is None:
                minimal_exif = _minimal_exif(data[chunk.data_start : chunk.data_end])
        has_vp8x = bool(body) and body[0][:4] == b"VP8X"
        notes = []
        if has_vp8x:
            header = bytearray(body[0])
            if len(header) < 18:
                raise CorruptFileError("truncated VP8X chunk")
            flags = header[8] & ~(FLAG_EXIF | FLAG_XMP)
            if minimal_exif:
                flags |= FLAG_EXIF
                body.append(riff_chunk(b"EXIF", minimal_exif))
                notes.append("kept EXIF Orientation so the image displays upright")
            header[8] = flags
            body[0] = bytes(header)
        elif minimal_exif:
            notes.append("dropped Orientation: a simple WebP cannot carry EXIF")
        payload = b"WEBP" + b"".join(body)
        if riff_end < len(data):
            notes.append(f"removed {len(data) - riff_end} bytes after the end of the image")
        return CleanResult(b"RIFF" + struct.pack("<I", len(payload)) + payload, notes)

    def verify(self, original: bytes, cleaned: bytes, kind: str, options: Options) -> None:
        def image(data: bytes) -> list[bytes]:
            chunks, _ = riff_chunks(data, b"WEBP")
            kept = IMAGE_CHUNKS - {b"VP8X"}
            return [data[c.start : c.data_end] for c in chunks if c.type in kept]

        if image(original) != image(cleaned):
            raise VerificationError("WebP image data changed during cleaning")
