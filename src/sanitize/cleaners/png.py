"""PNG: keep only the chunks needed to display the image; copy them byte for byte."""

from __future__ import annotations

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, ParsedFile, WalkedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats.chunks import Chunk, inflate_capped, png_chunk, png_chunks
from sanitize.formats.tiff_ifd import build_orientation_exif, summarize_exif
from sanitize.formats.values import bytes_text
from sanitize.formats.xmp import xmp_orientation, xmp_properties
from sanitize.report import MetadataItem

DISPLAY_CHUNKS = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"sBIT",
    b"pHYs",
    b"acTL",
    b"fcTL",
    b"fdAT",
    b"cICP",
    b"mDCV",
    b"cLLI",  # HDR colour signalling: needed for colours to stay right
}
PIXEL_CHUNKS = {b"IHDR", b"PLTE", b"IDAT", b"tRNS", b"acTL", b"fcTL", b"fdAT"}


def _text(type_: bytes, payload: bytes) -> tuple[str, bytes | None]:
    """A text chunk's keyword and text (None when its compressed text is unreadable)."""
    keyword, _, rest = payload.partition(b"\x00")
    name = bytes_text(keyword) or "Text"
    try:
        if type_ == b"tEXt":
            text = rest
        elif type_ == b"zTXt":
            text = inflate_capped(rest[1:])
        else:  # iTXt: flag, method, language\0, translated keyword\0, text
            compressed = rest[:1] == b"\x01"
            _language, _, rest2 = rest[2:].partition(b"\x00")
            _translated, _, text = rest2.partition(b"\x00")
            if compressed:
                text = inflate_capped(text)
    except (CorruptFileError, LimitExceededError):
        return name, None
    return name, text


def _text_items(type_: bytes, payload: bytes) -> list[MetadataItem]:
    name, text = _text(type_, payload)
    if text is None:
        return [MetadataItem(f"PNG:{type_.decode()}", name, "<unreadable compressed text>")]
    if name == "XML:com.adobe.xmp":
        return [MetadataItem("XMP", f, v) for f, v in xmp_properties(text)]
    return [MetadataItem(f"PNG:{type_.decode()}", name, bytes_text(text))]


def _chunk_items(type_: bytes, payload: bytes) -> list[MetadataItem]:
    if type_ in (b"tEXt", b"zTXt", b"iTXt"):
        return _text_items(type_, payload)
    if type_ == b"eXIf":
        return [MetadataItem(f"EXIF:{g}", f, v) for g, f, v in summarize_exif(payload).items]
    if type_ == b"tIME" and len(payload) == 7:
        year = int.from_bytes(payload[:2], "big")
        month, day, hour, minute, second = payload[2:]
        stamp = f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"
        return [MetadataItem("PNG:tIME", "ModifyDate", stamp)]
    return [MetadataItem(f"PNG:{bytes_text(type_)}", "Chunk", f"<{len(payload)} bytes>")]


def _xmp_orientation(data: bytes, chunks: list[Chunk]) -> int | None:
    """The orientation of the first XMP packet, for a PNG whose eXIf gives none."""
    for chunk in chunks:
        if chunk.type in (b"tEXt", b"zTXt", b"iTXt"):
            name, text = _text(chunk.type, data[chunk.data_start : chunk.data_end])
            if name == "XML:com.adobe.xmp" and text is not None:
                return xmp_orientation(text)
    return None


def _canonical_exif(payload: bytes) -> bytes | None:
    """The Orientation-only EXIF that cleaning writes for this eXIf payload, if any."""
    orientation = summarize_exif(payload).orientation
    if orientation and 2 <= orientation <= 8:
        return build_orientation_exif(orientation)
    return None


class PngFile(WalkedFile):
    """One walk over the chunks lists what goes and assembles what stays."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        chunks, end = png_chunks(data)
        # What verify compares: the chunks that decode to pixels, byte for byte.
        self.pixels = [data[c.start : c.end] for c in chunks if c.type in PIXEL_CHUNKS]
        self._items = []
        self._notes = []
        first_exif = next((c for c in chunks if c.type == b"eXIf"), None)
        self.orientation = (
            summarize_exif(data[first_exif.data_start : first_exif.data_end]).orientation
            if first_exif
            else None
        )
        # Viewers that honour an orientation only found in XMP would show the image
        # turned once the XMP goes: it moves to a minimal eXIf, the form PNG readers
        # (browsers among them) take. EXIF, when it names one, wins as it does for them.
        carried = None
        if self.orientation is None:
            carried = _xmp_orientation(data, chunks)
            self.orientation = carried
        parts = [data[:8]]
        exif_done = False
        for chunk in chunks:
            if chunk.type == b"IDAT" and carried and carried != 1:
                # eXIf must come before the image data: written once, here.
                parts.append(png_chunk(b"eXIf", build_orientation_exif(carried)))
                carried = None
                self._notes.append(
                    f"kept the XMP Orientation={self.orientation} as a minimal eXIf chunk "
                    "so the image displays upright"
                )
            if chunk.type in DISPLAY_CHUNKS:
                parts.append(data[chunk.start : chunk.end])
                continue
            payload = data[chunk.data_start : chunk.data_end]
            if chunk.type == b"eXIf":
                minimal = _canonical_exif(payload)
                # Only the first eXIf chunk's Orientation is kept, rewritten canonically.
                if not exif_done:
                    exif_done = True
                    if minimal:
                        parts.append(png_chunk(b"eXIf", minimal))
                        self._notes.append("kept EXIF Orientation so the image displays upright")
                if payload == minimal:
                    continue  # exactly what cleaning writes: nothing to report
            self._items.extend(_chunk_items(chunk.type, payload))
        if end < len(data):
            self._items.append(
                MetadataItem("Trailer", "DataAfterIEND", f"<{len(data) - end} bytes>")
            )
            self._notes.append(f"removed {len(data) - end} bytes after the end of the image")
        self._output = b"".join(parts)

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, PngFile):
            raise VerificationError("the cleaned file is not a PNG")
        if self.pixels != cleaned.pixels:
            raise VerificationError("PNG image data changed during cleaning")
        if self.orientation not in (None, 1) and self.orientation != cleaned.orientation:
            raise VerificationError("PNG orientation was lost")


class PngCleaner(Cleaner):
    name = "png"
    kinds = catalog.kinds_of("png")
    version = "2"  # gain maps, cut files, broken tags, XMP orientation, title rule

    def open(self, data: bytes, kind: str, context: Context) -> PngFile:
        return PngFile(data, kind, context)
