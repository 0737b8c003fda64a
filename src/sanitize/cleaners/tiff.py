"""TIFF: rewrite each page with only the tags needed to decode it and show its colours.

Strip and tile data are copied byte for byte; only their offsets change. Reduced-
resolution pages (thumbnails, which may show the image before a crop) are dropped.
"""

from __future__ import annotations

import struct

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile, WalkedFile
from sanitize.context import PARSE_ERRORS, Context
from sanitize.errors import (
    CorruptFileError,
    SanitizeError,
    UnsupportedVariantError,
    VerificationError,
)
from sanitize.formats.iptc import iim_records, photoshop_resources
from sanitize.formats.tiff_ifd import (
    EXIF_IFD,
    GPS_IFD,
    Entry,
    TiffReader,
    tag_name,
)
from sanitize.formats.xmp import xmp_properties
from sanitize.report import MetadataItem

NEW_SUBFILE_TYPE = 254
STRIP_OFFSETS, STRIP_BYTE_COUNTS = 273, 279
TILE_OFFSETS, TILE_BYTE_COUNTS = 324, 325
DATA_TAGS = {STRIP_OFFSETS: STRIP_BYTE_COUNTS, TILE_OFFSETS: TILE_BYTE_COUNTS}
DECODE_TAGS = {
    254,
    255,
    256,
    257,
    258,
    259,
    262,
    263,
    266,
    273,
    274,
    277,
    278,
    279,
    282,
    283,
    284,
    290,
    291,
    292,  # T4Options and T6Options: how fax pages are coded
    293,
    296,
    301,
    317,
    318,
    319,
    320,
    322,
    323,
    324,
    325,
    332,
    338,
    339,
    340,
    341,
    347,
    529,
    530,
    531,
    532,
    34675,  # ICC profile
}
# Without these the pixels cannot be decoded (or decode wrong): a broken one stops
# cleaning. The other kept tags (resolution, orientation, colour description) improve
# the display; a broken one is dropped, as ExifTool and libtiff skip it when reading.
ESSENTIAL_TAGS = {
    256,
    257,
    258,
    259,
    262,
    266,
    273,
    277,
    278,
    279,
    284,
    292,
    293,
    317,
    320,
    322,
    323,
    324,
    325,
    338,
    339,
    340,
    341,
    347,
    529,
    530,
    531,
    532,
}
XMP_TAG, IPTC_TAG, PHOTOSHOP_TAG = 700, 33723, 34377
# What can stop the rewrite of a file whose items could be listed: clean() raises it.
CLEAN_ERRORS: tuple[type[BaseException], ...] = (SanitizeError, *PARSE_ERRORS)


def _is_thumbnail(entries: dict[int, Entry], order: str) -> bool:
    entry = entries.get(NEW_SUBFILE_TYPE)
    return bool(entry and entry.numbers(order) and int(entry.numbers(order)[0]) & 1)


def _pages(reader: TiffReader) -> tuple[list[dict[int, Entry]], list[dict[int, Entry]]]:
    chain = reader.chain()
    if not chain:
        raise CorruptFileError("TIFF has no image directory")
    pages = [ifd for ifd in chain if not _is_thumbnail(ifd, reader.order)] or chain[:1]
    thumbnails = [ifd for ifd in chain if ifd not in pages]
    return pages, thumbnails


def _strips(reader: TiffReader, entries: dict[int, Entry]) -> list[tuple[int, bytes]]:
    """(offsets tag, data) for every strip or tile of a page."""
    found = []
    for offsets_tag, counts_tag in DATA_TAGS.items():
        if offsets_tag not in entries:
            continue
        if counts_tag not in entries:
            raise CorruptFileError("TIFF page has offsets but no byte counts")
        offsets = [int(v) for v in entries[offsets_tag].numbers(reader.order)]
        counts = [int(v) for v in entries[counts_tag].numbers(reader.order)]
        if len(offsets) != len(counts):
            raise CorruptFileError("TIFF strip offsets and byte counts disagree")
        for offset, count in zip(offsets, counts, strict=True):
            if offset + count > len(reader.data):
                raise CorruptFileError("TIFF image data points outside the file")
            found.append((offsets_tag, reader.data[offset : offset + count]))
    if not found:
        raise CorruptFileError("TIFF page has no image data")
    return found


def _describe(reader: TiffReader, location: str, entries: dict[int, Entry]) -> list[MetadataItem]:
    items: list[MetadataItem] = []
    for tag, entry in sorted(entries.items()):
        if tag in DECODE_TAGS:
            continue
        if tag == XMP_TAG:
            items.extend(MetadataItem("XMP", f, v) for f, v in xmp_properties(entry.raw))
        elif tag == IPTC_TAG:
            items.extend(MetadataItem("IPTC", f, v) for f, v in iim_records(entry.raw))
        elif tag == PHOTOSHOP_TAG:
            items.extend(MetadataItem(loc, f, v) for loc, f, v in photoshop_resources(entry.raw))
        elif tag in (EXIF_IFD, GPS_IFD):
            group = "ExifIFD" if tag == EXIF_IFD else "GPS"
            sub = reader.sub_ifd(entries, tag)
            for sub_tag, sub_entry in sorted((sub or {}).items()):
                value = sub_entry.render(reader.order)
                items.append(MetadataItem(f"EXIF:{group}", tag_name(sub_tag, group), value))
        else:
            items.append(MetadataItem(location, tag_name(tag, "IFD0"), entry.render(reader.order)))
    return items


def _write_ifd(out: bytearray, entries: dict[int, Entry], order: str) -> int:
    """Append an IFD and its out-of-line values; return where its next pointer sits."""
    start = len(out)
    values_at = start + 2 + 12 * len(entries) + 4
    table = bytearray(struct.pack(order + "H", len(entries)))
    extra = bytearray()
    for tag in sorted(entries):
        entry = entries[tag]
        table += struct.pack(order + "HHI", tag, entry.type, entry.count)
        if len(entry.raw) <= 4:
            table += entry.raw.ljust(4, b"\x00")
        else:
            table += struct.pack(order + "I", values_at + len(extra))
            extra += entry.raw
            if len(extra) % 2:
                extra.append(0)
    next_pointer = len(out) + len(table)
    table += b"\x00\x00\x00\x00"
    out += table + extra
    return next_pointer


class TiffFile(WalkedFile):
    """One read of the directories lists what goes, then rewrites the pages from it."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        reader = TiffReader(data)
        self.order = reader.order
        pages, thumbnails = _pages(reader)
        self._items = []
        for number, entries in enumerate(pages):
            self._items.extend(_describe(reader, f"TIFF:IFD{number}", entries))
        for entries in thumbnails:
            width = entries.get(256)
            size = width.render(reader.order) if width else "?"
            self._items.append(MetadataItem("TIFF", "ReducedResolutionImage", f"width {size}"))
        self._notes = []
        if thumbnails:
            self._notes.append(f"removed {len(thumbnails)} reduced-resolution (thumbnail) image(s)")
        if reader.broken_link:
            self._notes.append(
                f"ignored the directories after a broken link ({reader.broken_link}), "
                "as TIFF readers do"
            )
        # Pages that cannot be rewritten (a strip outside the file, old-style JPEG) stop
        # cleaning, not listing: the error is kept for clean() and verify() to raise, as
        # inspecting such a file always worked.
        self._error = None
        self._output = b""
        self.image_data: list[bytes] = []  # every strip and tile of every page, in order
        try:
            self._output = self._rewrite(reader, pages)
        except CLEAN_ERRORS as exc:
            self._error = exc

    def _rewrite(self, reader: TiffReader, pages: list[dict[int, Entry]]) -> bytes:
        order = self.order
        out = bytearray(self.data[:4] + b"\x00\x00\x00\x00")
        pointer_at = 4  # where the offset of the next IFD must be written
        for number, entries in enumerate(pages, 1):
            for tag in (256, 257):
                if tag not in entries:
                    raise CorruptFileError(f"TIFF page {number} has no {tag_name(tag, 'IFD0')}")
            if entries.get(259) and entries[259].numbers(order)[:1] == [6]:
                raise UnsupportedVariantError("old-style JPEG-in-TIFF is not supported")
            kept = {tag: e for tag, e in entries.items() if tag in DECODE_TAGS}
            for tag, entry in sorted(kept.items()):
                if not entry.outside:
                    continue
                name = tag_name(tag, "IFD0")
                if tag in ESSENTIAL_TAGS:
                    raise CorruptFileError(f"TIFF tag {tag} ({name}) points outside the file")
                del kept[tag]
                self._notes.append(f"dropped TIFF tag {name}: its value points outside the file")
            new_offsets: dict[int, list[int]] = {}
            for offsets_tag, block in _strips(reader, entries):
                self.image_data.append(block)
                if len(out) % 2:
                    out.append(0)
                new_offsets.setdefault(offsets_tag, []).append(len(out))
                out += block
            for tag, offsets in new_offsets.items():
                raw = struct.pack(f"{order}{len(offsets)}I", *offsets)
                kept[tag] = Entry(tag, 4, len(offsets), raw)
            if len(out) % 2:
                out.append(0)
            struct.pack_into(order + "I", out, pointer_at, len(out))
            pointer_at = _write_ifd(out, kept, order)
        return bytes(out)

    def _checked(self) -> None:
        if self._error is not None:
            raise self._error

    def clean(self) -> CleanResult:
        self._checked()
        return CleanResult(self._output, list(self._notes))

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, TiffFile):
            raise VerificationError("the cleaned file is not a TIFF")
        self._checked()
        cleaned._checked()
        if self.image_data != cleaned.image_data:
            raise VerificationError("TIFF image data changed during cleaning")


class TiffCleaner(Cleaner):
    name = "tiff"
    kinds = catalog.kinds_of("tiff")
    version = "2"  # gain maps, cut files, broken tags, XMP orientation, title rule

    def open(self, data: bytes, kind: str, context: Context) -> TiffFile:
        return TiffFile(data, kind, context)
