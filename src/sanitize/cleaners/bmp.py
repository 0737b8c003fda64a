"""BMP: there is little to remove. Data after the pixel array goes, stray bytes in the
reserved header fields and in the gap before the pixels are zeroed; headers, palette,
pixels and an embedded ICC colour profile (V5 headers) stay byte for byte.

BMP has no standard metadata fields: no author, no date, no camera. What can hide in one
is appended data (a file glued after the image), non-zero "reserved" fields, and bytes in
the gap between the palette and the pixel array. A V5 header may link to a colour profile
by file name instead of embedding it: that path is shown as a remark, not changed (the
colours depend on it).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, ParsedFile, WalkedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.values import bytes_text
from sanitize.report import MetadataItem

FILE_HEADER = 14
# Sizes of the DIB headers in use: OS/2 core (12), Windows 3 (40), Adobe's V2/V3 (52, 56),
# OS/2 2.x (16, 64), V4 (108), V5 (124).
HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
MAX_DIMENSION = 1 << 20
MAX_PADDING = 4
PROFILE_LINKED = 0x4C494E4B  # 'LINK'
PROFILE_EMBEDDED = 0x4D424544  # 'MBED'
BI_BITFIELDS, BI_ALPHABITFIELDS = 3, 6


@dataclass(frozen=True)
class Layout:
    header_size: int
    pixel_start: int
    pixel_end: int
    profile: tuple[int, int] | None  # (start, end) of a V5 profile (embedded or linked)
    profile_linked: bool
    headers_end: int  # end of the DIB header, bit masks and palette


def parse(data: bytes) -> Layout:
    if len(data) < FILE_HEADER + 4 or not data.startswith(b"BM"):
        raise CorruptFileError("not a BMP file")
    (pixel_start,) = struct.unpack_from("<I", data, 10)
    (header_size,) = struct.unpack_from("<I", data, 14)
    if header_size not in HEADER_SIZES:
        raise CorruptFileError(f"unknown BMP header size {header_size}")
    if FILE_HEADER + header_size > len(data):
        raise CorruptFileError("BMP header is cut short")
    if header_size == 12:
        width, height, _, bits = struct.unpack_from("<HhHH", data, 18)
        compression, image_size, colors = 0, 0, 0
        palette_entry = 3
    else:
        width, height, _, bits = struct.unpack_from("<iiHH", data, 18)
        compression, image_size, colors = 0, 0, 0
        if header_size >= 40:  # the 16-byte OS/2 header stops before these fields
            compression, image_size = struct.unpack_from("<II", data, 30)
            (colors,) = struct.unpack_from("<I", data, 46)
        palette_entry = 4
    if not (0 < width <= MAX_DIMENSION and 0 < abs(height) <= MAX_DIMENSION):
        raise CorruptFileError("BMP dimensions are out of range")
    if bits not in (1, 2, 4, 8, 16, 24, 32, 64):
        raise CorruptFileError(f"BMP bit depth {bits} is not valid")
    headers_end = FILE_HEADER + header_size
    if header_size == 40 and compression in (BI_BITFIELDS, BI_ALPHABITFIELDS):
        headers_end += 12 if compression == BI_BITFIELDS else 16
    if bits <= 8:
        headers_end += palette_entry * (colors or (1 << bits))
    elif colors:
        headers_end += palette_entry * colors
    if compression in (0, BI_BITFIELDS, BI_ALPHABITFIELDS, 11, 12, 13):
        size = (bits * width + 31) // 32 * 4 * abs(height)
    else:  # RLE, JPEG or PNG payloads: only the header knows their size
        size = image_size
        if size == 0:
            raise CorruptFileError("compressed BMP without an image size")
    if pixel_start < FILE_HEADER + header_size or pixel_start + size > len(data):
        raise CorruptFileError("BMP pixel array lies outside the file")
    # A palette that claims more entries than fit before the pixels: trust the offset.
    headers_end = min(headers_end, pixel_start)
    profile = None
    linked = False
    if header_size == 124:
        cs_type, profile_offset, profile_size = (
            struct.unpack_from("<I", data, FILE_HEADER + 56)[0],
            *struct.unpack_from("<II", data, FILE_HEADER + 112),
        )
        if cs_type in (PROFILE_LINKED, PROFILE_EMBEDDED) and profile_size:
            start = FILE_HEADER + profile_offset
            if start < FILE_HEADER + header_size or start + profile_size > len(data):
                raise CorruptFileError("BMP colour profile lies outside the file")
            profile = (start, start + profile_size)
            linked = cs_type == PROFILE_LINKED
    return Layout(header_size, pixel_start, pixel_start + size, profile, linked, headers_end)


class BmpFile(WalkedFile):
    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self.layout = layout = parse(data)
        end = max(layout.pixel_end, layout.profile[1] if layout.profile else 0)
        if len(data) - end <= MAX_PADDING and not data[end:].strip(b"\x00"):
            end = len(data)  # a writer's zero padding to a 4-byte boundary, not hidden data
        self._items = []
        output = bytearray(data[:end])
        if data[6:10] != b"\x00\x00\x00\x00":
            self._items.append(MetadataItem("BMP", "Reserved", data[6:10].hex()))
            output[6:10] = bytes(4)
        # Bytes between the headers (with palette) and the pixels, and between the pixels
        # and the profile, are never read by a decoder: zeroed, so nothing hides there.
        gaps = [(layout.headers_end, layout.pixel_start)]
        if layout.profile:
            gaps.append((layout.pixel_end, layout.profile[0]))
        for start, stop in gaps:
            if stop > start and data[start:stop].strip(b"\x00"):
                self._items.append(MetadataItem("BMP", "UnusedBytes", f"<{stop - start} bytes>"))
                output[start:stop] = bytes(stop - start)
        self._notes = []
        if end < len(data):
            self._items.append(
                MetadataItem("Trailer", "DataAfterImage", f"<{len(data) - end} bytes>")
            )
            self._notes.append(f"removed {len(data) - end} bytes after the image")
        if end < len(data):
            struct.pack_into("<I", output, 2, len(output))  # the file size field
        self._output = bytes(output)

    def essence(self) -> list[bytes]:
        """What a decoder reads: DIB header, masks, palette, pixels, colour profile."""
        layout = self.layout
        parts = [
            self.data[FILE_HEADER - 4 : layout.headers_end],
            self.data[layout.pixel_start : layout.pixel_end],
        ]
        if layout.profile:
            parts.append(self.data[layout.profile[0] : layout.profile[1]])
        return parts

    def remarks(self) -> list[str]:
        profile = self.layout.profile
        if profile and self.layout.profile_linked:
            path = bytes_text(self.data[profile[0] : profile[1]])
            return [f"kept a link to a colour profile file (it may name a user): {path}"]
        return []

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, BmpFile) or self.essence() != cleaned.essence():
            raise VerificationError("BMP headers, palette, pixels or profile changed")


class BmpCleaner(Cleaner):
    name = "bmp"
    kinds = catalog.kinds_of("bmp")

    def open(self, data: bytes, kind: str, context: Context) -> BmpFile:
        return BmpFile(data, kind, context)
