"""A bounded reader for TIFF image file directories (TIFF files and EXIF blocks)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from sanitize.errors import CorruptFileError, LimitExceededError, UnsupportedVariantError
from sanitize.formats.values import bytes_text, short_text

TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
MAX_IFDS = 256
MAX_ENTRIES = 4096

ORIENTATION = 0x0112
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
INTEROP_IFD = 0xA005


@dataclass(frozen=True)
class Entry:
    tag: int
    type: int
    count: int
    raw: bytes  # the value bytes, in the file's byte order
    # The value's offset points past the end of the data (a writer's bug, or a cut file):
    # ``raw`` is empty. ExifTool and libtiff read the rest of the directory and ignore the
    # tag; whoever copies a tag decides whether the image can do without it.
    outside: bool = False

    def numbers(self, order: str) -> list[float]:
        if self.outside:
            return []
        size = TYPE_SIZES[self.type]
        if self.type in (5, 10):
            rational = "I" if self.type == 5 else "i"
            pairs = struct.unpack(f"{order}{2 * self.count}{rational}", self.raw)
            return [a / b if b else 0.0 for a, b in zip(pairs[::2], pairs[1::2], strict=True)]
        fmt = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 11: "f", 12: "d", 13: "I"}.get(
            self.type
        )
        if fmt is None:
            return []
        return list(struct.unpack(f"{order}{len(self.raw) // size}{fmt}", self.raw))

    def render(self, order: str) -> str:
        if self.outside:
            return "<value outside the file>"
        if self.type in (2, 7):
            # EXIF text fields of type UNDEFINED start with an 8-byte character-code header.
            for header in (b"ASCII\x00\x00\x00", b"UNICODE\x00", b"\x00" * 8):
                if self.type == 7 and self.raw.startswith(header):
                    body = self.raw[8:]
                    if header == b"UNICODE\x00":
                        return short_text(body.decode("utf-16", "replace"))
                    return bytes_text(body)
            return bytes_text(self.raw)
        values = self.numbers(order)
        if len(values) > 16:
            return f"<{len(values)} values>"
        return short_text(" ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values))


class TiffReader:
    """Reads IFDs from a classic TIFF structure held in ``data``."""

    def __init__(self, data: bytes):
        if len(data) < 8:
            raise CorruptFileError("TIFF header is truncated")
        if data[:2] == b"II":
            self.order = "<"
        elif data[:2] == b"MM":
            self.order = ">"
        else:
            raise CorruptFileError("bad TIFF byte-order mark")
        magic = struct.unpack(self.order + "H", data[2:4])[0]
        if magic == 43:
            raise UnsupportedVariantError("BigTIFF is not supported")
        if magic != 42:
            raise CorruptFileError("bad TIFF magic number")
        self.data = data
        self.first_ifd = self._u32(4)
        self._seen: set[int] = set()
        # Why the chain of directories stopped early, if it did (see ``chain``).
        self.broken_link = ""

    def _u16(self, offset: int) -> int:
        value: int = struct.unpack_from(self.order + "H", self.data, offset)[0]
        return value

    def _u32(self, offset: int) -> int:
        value: int = struct.unpack_from(self.order + "I", self.data, offset)[0]
        return value

    def read_ifd(self, offset: int) -> tuple[dict[int, Entry], int]:
        """Return the entries of the IFD at ``offset`` and the offset of the next IFD."""
        if offset in self._seen:
            raise CorruptFileError("TIFF directories form a loop")
        if len(self._seen) >= MAX_IFDS:
            raise LimitExceededError("too many TIFF directories")
        self._seen.add(offset)
        if offset < 8 or offset + 2 > len(self.data):
            raise CorruptFileError("TIFF directory offset is outside the file")
        count = self._u16(offset)
        if count > MAX_ENTRIES or offset + 2 + 12 * count + 4 > len(self.data):
            raise CorruptFileError("TIFF directory is truncated")
        entries: dict[int, Entry] = {}
        for index in range(count):
            base = offset + 2 + 12 * index
            tag, type_, value_count = struct.unpack_from(self.order + "HHI", self.data, base)
            size = TYPE_SIZES.get(type_)
            if size is None:
                continue  # unknown type: readers must skip it, and we never copy it
            length = size * value_count
            if length <= 4:
                raw = self.data[base + 8 : base + 8 + length]
            else:
                start = self._u32(base + 8)
                if start + length > len(self.data):
                    entries[tag] = Entry(tag, type_, value_count, b"", outside=True)
                    continue
                raw = self.data[start : start + length]
            entries[tag] = Entry(tag, type_, value_count, raw)
        return entries, self._u32(offset + 2 + 12 * count)

    def chain(self) -> list[dict[int, Entry]]:
        """Every IFD of the main chain (pages, then an EXIF thumbnail's IFD1)."""
        ifds: list[dict[int, Entry]] = []
        offset = self.first_ifd
        while offset:
            try:
                entries, offset = self.read_ifd(offset)
            except CorruptFileError as exc:
                if not ifds:
                    raise
                # A link to a further directory that is not one (past the end, a loop,
                # garbage): libtiff and ExifTool stop there and show the pages read so
                # far. Nothing behind it is copied, so nothing hidden there survives.
                self.broken_link = str(exc)
                break
            ifds.append(entries)
        return ifds

    def sub_ifd(self, entries: dict[int, Entry], tag: int) -> dict[int, Entry] | None:
        entry = entries.get(tag)
        if entry is None or entry.type not in (4, 13) or not entry.raw:
            return None
        offset = struct.unpack(self.order + "I", entry.raw[:4])[0]
        return self.read_ifd(offset)[0]


def tag_name(tag: int, group: str) -> str:
    import piexif  # its tag tables name EXIF fields the way ExifTool users know them

    table = {"IFD0": "0th", "IFD1": "1st", "ExifIFD": "Exif", "GPS": "GPS", "Interop": "Interop"}
    info = piexif.TAGS.get(table.get(group, "0th"), {}).get(tag)
    if info is None:
        for ifd in ("0th", "Exif", "GPS", "Interop"):
            info = piexif.TAGS[ifd].get(tag)
            if info:
                break
    return info["name"] if info else f"Tag0x{tag:04X}"


def build_orientation_exif(orientation: int) -> bytes:
    """A TIFF structure holding only the Orientation tag (little-endian, canonical)."""
    return (
        b"II*\x00"
        + struct.pack("<I", 8)
        + struct.pack("<H", 1)
        + struct.pack("<HHIHH", ORIENTATION, 3, 1, orientation, 0)
        + struct.pack("<I", 0)
    )


@dataclass
class ExifSummary:
    items: list[tuple[str, str, str]]  # (group, field, value), Orientation excluded
    orientation: int | None


def summarize_exif(tiff: bytes) -> ExifSummary:
    """List the fields of an EXIF block; Orientation is returned apart since we keep it."""
    try:
        reader = TiffReader(tiff)
        chain = reader.chain()
    except (CorruptFileError, UnsupportedVariantError, LimitExceededError, struct.error):
        return ExifSummary([("EXIF", "UnreadableExif", f"<{len(tiff)} bytes>")], None)
    items: list[tuple[str, str, str]] = []
    orientation = None
    groups: list[tuple[str, dict[int, Entry]]] = []
    if chain:
        groups.append(("IFD0", chain[0]))
    for extra in chain[1:]:
        groups.append(("IFD1", extra))
    index = 0
    while index < len(groups):
        group, entries = groups[index]
        index += 1
        for tag, entry in sorted(entries.items()):
            if group == "IFD0" and tag == ORIENTATION:
                values = entry.numbers(reader.order)
                orientation = int(values[0]) if values else None
                continue
            if tag in (EXIF_IFD, GPS_IFD, INTEROP_IFD):
                sub_group = {EXIF_IFD: "ExifIFD", GPS_IFD: "GPS", INTEROP_IFD: "Interop"}[tag]
                try:
                    sub = reader.sub_ifd(entries, tag)
                except (CorruptFileError, LimitExceededError, struct.error):
                    sub = None
                    items.append((sub_group, "UnreadableDirectory", "<corrupt>"))
                if sub is not None:
                    groups.append((sub_group, sub))
                continue
            try:
                value = entry.render(reader.order)
            except struct.error:
                value = f"<{len(entry.raw)} bytes>"
            items.append((group, tag_name(tag, group), value))
    return ExifSummary(items, orientation)
