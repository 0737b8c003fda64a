"""PBM, PGM, PPM, PAM (netpbm, P1 to P7): header comments go, pixels stay byte for byte.

Netpbm has no metadata fields; its only free text is ``#`` comments in the header, where
GIMP, ImageMagick and scanners write "# Created by GIMP version..." or a file path. When a
header has comments it is written again without them (same numbers, one per line);
the raster is copied as it is. Data after the last image is removed.
"""

from __future__ import annotations

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, ParsedFile, WalkedFile
from sanitize.context import Context
from sanitize.errors import VerificationError
from sanitize.formats import netpbm
from sanitize.formats.values import bytes_text
from sanitize.report import MetadataItem


def _header(image: netpbm.Image) -> bytes:
    if image.magic == b"P7":
        return b"P7\n" + b"".join(line.strip(netpbm.WHITESPACE) + b"\n" for line in image.pam_lines)
    numbers = image.numbers
    text = f"{numbers['width']} {numbers['height']}\n"
    if "maxval" in numbers:
        text += f"{numbers['maxval']}\n"
    # A binary raster starts right after one whitespace byte (the newline above); a plain
    # raster's own leading whitespace is part of what is copied.
    return image.magic + b"\n" + text.encode("ascii").rstrip(b"\n" if image.plain else b"")


class NetpbmFile(WalkedFile):
    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self.images, end = netpbm.parse(data)
        self._items = []
        parts: list[bytes] = []
        position = 0
        for number, image in enumerate(self.images, 1):
            parts.append(data[position : image.start])  # whitespace between images
            where = "netpbm" if len(self.images) == 1 else f"netpbm image {number}"
            for comment in image.comments:
                self._items.append(MetadataItem(where, "Comment", bytes_text(comment.strip())))
            if image.comments:
                parts.append(_header(image))
            else:
                parts.append(data[image.start : image.header_end])
            parts.append(data[image.header_end : image.end])
            position = image.end
        parts.append(data[position:end])
        self._notes = []
        if end < len(data):
            self._items.append(
                MetadataItem("Trailer", "DataAfterLastImage", f"<{len(data) - end} bytes>")
            )
            self._notes.append(f"removed {len(data) - end} bytes after the last image")
        self._output = b"".join(parts)

    def rasters(self) -> list[tuple[bytes, dict[str, int], bytes]]:
        found = []
        for image in self.images:
            raster = self.data[image.header_end : image.end]
            # A plain raster's leading whitespace is layout; a binary one is all pixels.
            found.append((image.magic, image.numbers, raster.strip() if image.plain else raster))
        return found

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, NetpbmFile) or self.rasters() != cleaned.rasters():
            raise VerificationError("netpbm pixels or dimensions changed during cleaning")


class NetpbmCleaner(Cleaner):
    name = "netpbm"
    kinds = catalog.kinds_of("netpbm")

    def open(self, data: bytes, kind: str, context: Context) -> NetpbmFile:
        return NetpbmFile(data, kind, context)
