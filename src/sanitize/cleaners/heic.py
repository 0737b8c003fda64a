"""HEIC/HEIF and AVIF: remove EXIF and XMP items without touching the coded image.

The item declarations (iinf, iloc, iref, ipma) of metadata items are removed from the
``meta`` box and a ``free`` box takes up the bytes they used, so no offset in the file
moves; the metadata payloads themselves are overwritten with zeros. Orientation lives in
the image's own ``irot``/``imir`` properties, which are kept, so no EXIF is needed.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, ParsedFile, WalkedFile
from sanitize.context import PARSE_ERRORS, Context
from sanitize.errors import (
    CorruptFileError,
    SanitizeError,
    UnsupportedVariantError,
    VerificationError,
)
from sanitize.formats.isobmff import Box, Reader, box, boxes, free_box
from sanitize.formats.tiff_ifd import summarize_exif
from sanitize.formats.values import bytes_text
from sanitize.formats.xmp import xmp_orientation, xmp_properties
from sanitize.report import MetadataItem

METADATA_ITEM_TYPES = {b"Exif", b"mime", b"uri "}
ALLOWED_TOP_LEVEL = {b"ftyp", b"meta", b"mdat", b"free", b"skip"}
# What can stop the rewrite of a file whose items could be listed: clean() raises it.
CLEAN_ERRORS: tuple[type[BaseException], ...] = (SanitizeError, *PARSE_ERRORS)


@dataclass
class Item:
    id: int
    type: bytes
    content_type: bytes = b""
    method: int = 0
    extents: list[tuple[int, int]] = field(default_factory=list)  # absolute (offset, length)


@dataclass
class Meta:
    top: list[Box]  # the top-level boxes, up to where the HEIF boxes end
    box: Box
    children: list[Box]
    items: dict[int, Item]

    def child(self, type_: bytes) -> Box | None:
        return next((c for c in self.children if c.type == type_), None)


def _full_box_header(data: bytes, b: Box) -> tuple[int, int]:
    version = data[b.payload_start]
    flags = int.from_bytes(data[b.payload_start + 1 : b.payload_start + 4], "big")
    return version, flags


def _end(data: bytes) -> int:
    """Where the HEIF boxes end; phones may append a trailer (Samsung's "SEFT")."""
    from sanitize.formats.quicktime import movie_end

    return movie_end(data, anchor=b"meta")


def _parse_meta(data: bytes, end: int) -> Meta:
    top = boxes(data, 0, end)
    if not top or top[0].type != b"ftyp":
        raise CorruptFileError("not a HEIF file (no ftyp box)")
    if any(b.type == b"moov" for b in top):
        raise UnsupportedVariantError("HEIF image sequences are not supported")
    if any(b.type == b"mini" for b in top):
        # The low-overhead form packs EXIF, XMP and the image into one bit-coded box;
        # it is refused rather than passed on with its metadata.
        raise UnsupportedVariantError(
            "low-overhead HEIF/AVIF ('mini' box) is not supported yet: its metadata "
            "cannot be removed safely"
        )
    metas = [b for b in top if b.type == b"meta"]
    if len(metas) != 1:
        raise CorruptFileError("HEIF file must have exactly one meta box")
    meta_box = metas[0]
    children = boxes(data, meta_box.payload_start + 4, meta_box.end)
    meta = Meta(top, meta_box, children, {})
    iinf = meta.child(b"iinf")
    if iinf is not None:
        _parse_iinf(data, iinf, meta.items)
    iloc = meta.child(b"iloc")
    if iloc is not None:
        idat = meta.child(b"idat")
        _parse_iloc(data, iloc, meta.items, idat.payload_start if idat else None)
    return meta


def _parse_iinf(data: bytes, iinf: Box, items: dict[int, Item]) -> None:
    version, _ = _full_box_header(data, iinf)
    offset = iinf.payload_start + 4 + (2 if version == 0 else 4)
    for infe in boxes(data, offset, iinf.end):
        if infe.type != b"infe":
            continue
        reader = Reader(data, infe.payload_start, infe.end)
        infe_version = reader.uint(1)
        reader.take(3)
        if infe_version < 2:
            raise UnsupportedVariantError("HEIF item info version < 2 is not supported")
        item_id = reader.uint(2 if infe_version == 2 else 4)
        reader.take(2)
        item_type = reader.take(4)
        reader.cstring()  # item name
        content_type = reader.cstring() if item_type == b"mime" else b""
        items[item_id] = Item(item_id, item_type, content_type)


def _iloc_layout(data: bytes, iloc: Box) -> tuple[int, int, int, int, int, int]:
    version, _ = _full_box_header(data, iloc)
    sizes = data[iloc.payload_start + 4]
    more = data[iloc.payload_start + 5]
    offset_size, length_size = sizes >> 4, sizes & 15
    base_offset_size = more >> 4
    index_size = more & 15 if version in (1, 2) else 0
    return version, offset_size, length_size, base_offset_size, index_size, iloc.payload_start + 6


def _iloc_entries(
    data: bytes, iloc: Box
) -> list[tuple[int, int, int, list[tuple[int, int]], int, int]]:
    """(item id, method, base offset, [(extent offset, length)], start, end) per entry."""
    version, offset_size, length_size, base_size, index_size, pos = _iloc_layout(data, iloc)
    reader = Reader(data, pos, iloc.end)
    count = reader.uint(2 if version < 2 else 4)
    entries = []
    for _ in range(count):
        start = reader.pos
        item_id = reader.uint(2 if version < 2 else 4)
        method = reader.uint(2) & 15 if version in (1, 2) else 0
        reader.uint(2)  # data reference index
        base = reader.uint(base_size)
        extent_count = reader.uint(2)
        extents = []
        for _ in range(extent_count):
            reader.uint(index_size)
            extents.append((reader.uint(offset_size), reader.uint(length_size)))
        entries.append((item_id, method, base, extents, start, reader.pos))
    return entries


def _parse_iloc(data: bytes, iloc: Box, items: dict[int, Item], idat_start: int | None) -> None:
    for item_id, method, base, extents, _, _ in _iloc_entries(data, iloc):
        item = items.setdefault(item_id, Item(item_id, b"????"))
        item.method = method
        if method == 0:
            origin = base
        elif method == 1 and idat_start is not None:
            origin = idat_start + base
        else:
            continue  # item-offset construction refers to other items' data
        for offset, length in extents:
            item.extents.append((origin + offset, length))


def _payload(data: bytes, item: Item) -> bytes:
    parts = []
    for offset, length in item.extents:
        if offset + length > len(data):
            raise CorruptFileError(f"HEIF item {item.id} points outside the file")
        parts.append(data[offset : offset + length])
    return b"".join(parts)


def _is_metadata(item: Item) -> bool:
    return item.type in METADATA_ITEM_TYPES


def _describe(data: bytes, item: Item) -> list[MetadataItem]:
    payload = _payload(data, item)
    if not payload.strip(b"\x00"):
        return [MetadataItem("HEIF", f"Item{item.id}", f"<{bytes_text(item.type)} item, emptied>")]
    if item.type == b"Exif" and len(payload) > 4:
        skip = int.from_bytes(payload[:4], "big")
        tiff = payload[4 + skip :]
        tiff = tiff[6:] if tiff.startswith(b"Exif\x00\x00") else tiff
        return [MetadataItem(f"EXIF:{g}", f, v) for g, f, v in summarize_exif(tiff).items]
    if item.type == b"mime" and b"xml" in item.content_type:
        return [MetadataItem("XMP", f, v) for f, v in xmp_properties(payload)]
    label = bytes_text(item.content_type or item.type)
    return [MetadataItem("HEIF", f"{label} item", f"<{len(payload)} bytes>")]


def _rebuild_iinf(data: bytes, iinf: Box, drop: set[int], items: dict[int, Item]) -> bytes:
    version, _ = _full_box_header(data, iinf)
    header = data[iinf.payload_start : iinf.payload_start + 4]
    offset = iinf.payload_start + 4 + (2 if version == 0 else 4)
    kept = []
    for infe in boxes(data, offset, iinf.end):
        reader = Reader(data, infe.payload_start, infe.end)
        infe_version = reader.uint(1)
        reader.take(3)
        item_id = reader.uint(2 if infe_version == 2 else 4)
        if item_id not in drop:
            kept.append(data[infe.start : infe.end])
    count = struct.pack(">H" if version == 0 else ">I", len(kept))
    return box(b"iinf", header + count + b"".join(kept))


def _rebuild_iloc(data: bytes, iloc: Box, drop: set[int]) -> bytes:
    version, *_, pos = _iloc_layout(data, iloc)
    entries = _iloc_entries(data, iloc)
    kept = [data[start:end] for item_id, _, _, _, start, end in entries if item_id not in drop]
    count = struct.pack(">H" if version < 2 else ">I", len(kept))
    return box(b"iloc", data[iloc.payload_start : pos] + count + b"".join(kept))


def _rebuild_iref(data: bytes, iref: Box, drop: set[int]) -> bytes:
    version, _ = _full_box_header(data, iref)
    size = 2 if version == 0 else 4
    out = [data[iref.payload_start : iref.payload_start + 4]]
    for ref in boxes(data, iref.payload_start + 4, iref.end):
        reader = Reader(data, ref.payload_start, ref.end)
        source = reader.uint(size)
        targets = [reader.uint(size) for _ in range(reader.uint(2))]
        targets = [t for t in targets if t not in drop]
        if source in drop or not targets:
            continue
        payload = source.to_bytes(size, "big") + struct.pack(">H", len(targets))
        payload += b"".join(t.to_bytes(size, "big") for t in targets)
        out.append(box(ref.type, payload))
    return box(b"iref", b"".join(out))


def _rebuild_iprp(data: bytes, iprp: Box, drop: set[int]) -> bytes:
    parts = []
    for child in boxes(data, iprp.payload_start, iprp.end):
        if child.type != b"ipma":
            parts.append(data[child.start : child.end])
            continue
        version, flags = _full_box_header(data, child)
        reader = Reader(data, child.payload_start + 4, child.end)
        count = reader.uint(4)
        kept = []
        for _ in range(count):
            start = reader.pos
            item_id = reader.uint(2 if version < 1 else 4)
            associations = reader.uint(1)
            reader.take(associations * (2 if flags & 1 else 1))
            if item_id not in drop:
                kept.append(data[start : reader.pos])
        header = data[child.payload_start : child.payload_start + 4]
        parts.append(box(b"ipma", header + struct.pack(">I", len(kept)) + b"".join(kept)))
    return box(b"iprp", b"".join(parts))


class HeicFile(WalkedFile):
    """One parse of the boxes and items lists what goes, then rewrites ``meta`` from it."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        end = _end(data)
        self.meta = _parse_meta(data, end)
        self._items = []
        for item in self.meta.items.values():
            if _is_metadata(item):
                self._items.extend(_describe(data, item))
        foreign = [top for top in self.meta.top if top.type not in ALLOWED_TOP_LEVEL]
        for top in foreign:
            self._items.append(
                MetadataItem("HEIF", bytes_text(top.type), f"<{top.end - top.start} bytes>")
            )
        if end < len(data):
            self._items.append(
                MetadataItem("Trailer", "DataAfterLastBox", f"<{len(data) - end} bytes>")
            )
        # A meta box that cannot be rewritten stops cleaning, not listing: the error is
        # kept for clean() to raise, as inspecting such a file always worked.
        self._notes = []
        # HEIF readers (libheif, libavif, browsers, Apple's) orient an image by its irot/imir
        # properties, kept as they are, and ignore EXIF and XMP orientation: moving an XMP
        # orientation into irot would turn the picture for all of them. Say so instead.
        for item in self.meta.items.values():
            if item.type == b"mime" and b"xml" in item.content_type:
                orientation = xmp_orientation(_payload(data, item))
                if orientation and orientation != 1:
                    self._notes.append(
                        f"the XMP said Orientation={orientation}; HEIF readers follow the "
                        "image's own irot/imir properties (kept), so it displays as before"
                    )
                break
        self._output = b""
        self._error = None
        try:
            self._output = self._rewrite(foreign, end)
        except CLEAN_ERRORS as exc:
            self._error = exc

    def _rewrite(self, foreign: list[Box], end: int) -> bytes:
        data, meta = self.data, self.meta
        drop = {item.id for item in meta.items.values() if _is_metadata(item)}
        # Zero the payloads first (in mdat or idat), then rebuild meta from the zeroed copy.
        # Listing the items checked that every extent lies inside the file.
        scrubbed = bytearray(data)
        for item_id in drop:
            for offset, length in meta.items[item_id].extents:
                scrubbed[offset : offset + length] = b"\x00" * length
        source = bytes(scrubbed)
        out = bytearray(source)
        if drop:
            rebuilt: dict[bytes, Callable[[Box], bytes]] = {
                b"iinf": lambda b: _rebuild_iinf(source, b, drop, meta.items),
                b"iloc": lambda b: _rebuild_iloc(source, b, drop),
                b"iref": lambda b: _rebuild_iref(source, b, drop),
                b"iprp": lambda b: _rebuild_iprp(source, b, drop),
            }
            parts = [source[meta.box.start : meta.box.payload_start + 4]]
            for child in meta.children:
                rebuild = rebuilt.get(child.type)
                parts.append(rebuild(child) if rebuild else source[child.start : child.end])
            new_meta = b"".join(parts)
            slack = (meta.box.end - meta.box.start) - len(new_meta)
            if slack < 8:
                raise CorruptFileError("cannot rewrite the HEIF meta box in place")
            out[meta.box.start : meta.box.end] = new_meta + free_box(slack)
            self._notes.append(f"removed {len(drop)} metadata item(s) without re-encoding")
        for top in foreign:
            out[top.start : top.end] = free_box(top.end - top.start)
        if end < len(data):
            del out[end:]
            self._notes.append(f"removed {len(data) - end} bytes after the last box")
        return bytes(out)

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, HeicFile):
            raise VerificationError("the cleaned file is not a HEIF image")
        for item in self.meta.items.values():
            if _is_metadata(item):
                continue
            kept = cleaned.meta.items.get(item.id)
            if kept is None or _payload(self.data, item) != _payload(cleaned.data, kept):
                raise VerificationError(f"HEIF image item {item.id} changed during cleaning")


class HeicCleaner(Cleaner):
    name = "heic"
    kinds = catalog.kinds_of("heic")  # AVIF uses the same HEIF item structure

    def open(self, data: bytes, kind: str, context: Context) -> HeicFile:
        return HeicFile(data, kind, context)
