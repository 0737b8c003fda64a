"""Read the metadata of ISO BMFF / QuickTime files (MP4, MOV, M4A): user data, item lists,
header times, and the sample layout of chapter tracks."""

from __future__ import annotations

import bisect
import datetime
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from sanitize.errors import CorruptFileError, LimitExceededError
from sanitize.formats.isobmff import Box, Reader, boxes
from sanitize.formats.values import bytes_text, short_text

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"edts", b"mvex", b"moof", b"traf", b"stbl"}
TIMED_HEADERS = {b"mvhd", b"tkhd", b"mdhd"}
XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
EPOCH_1904 = datetime.datetime(1904, 1, 1, tzinfo=datetime.UTC)
MAX_DEPTH = 16


@dataclass(frozen=True)
class Located:
    box: Box
    path: tuple[bytes, ...]  # types of the enclosing boxes, outermost first

    @property
    def where(self) -> str:
        return "/".join(t.decode("latin-1") for t in (*self.path, self.box.type))


def movie_end(data: bytes, anchor: bytes = b"moov") -> int:
    """Where the last well-formed top-level box ends.

    Some phones append a trailer after the boxes (Samsung's "SEFT" block): bytes that are
    not a box, which no offset points into, and which cleaning cuts off.
    """
    pos, seen_movie = 0, False
    while pos + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, pos)
        if size == 1 and pos + 16 <= len(data):
            size = struct.unpack_from(">Q", data, pos + 8)[0]
        elif size == 0:
            size = len(data) - pos
        if (
            size < 8
            or pos + size > len(data)
            or not kind.isascii()
            or not kind.strip(b"\xa9 ").isalnum()
        ):
            if seen_movie:
                return pos
            raise CorruptFileError("truncated or broken box at the top level")
        seen_movie = seen_movie or kind == anchor
        pos += size
    return pos if pos == len(data) or seen_movie else len(data)


def walk(data: bytes, end: int | None = None) -> Iterator[Located]:
    """Every box, depth first, descending into the structural containers only."""

    def visit(start: int, end: int, path: tuple[bytes, ...]) -> Iterator[Located]:
        if len(path) > MAX_DEPTH:
            raise LimitExceededError("boxes are nested too deeply")
        for box in boxes(data, start, end):
            yield Located(box, path)
            if box.type in CONTAINERS:
                yield from visit(box.payload_start, box.end, (*path, box.type))

    yield from visit(0, len(data) if end is None else end, ())


def walk_from(data: bytes, container: Box) -> Iterator[Box]:
    """Every box below ``container`` (through structural containers), depth first."""
    stack = [(container, 0)]
    while stack:
        box, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LimitExceededError("boxes are nested too deeply")
        for child in boxes(data, box.payload_start, box.end):
            yield child
            if child.type in CONTAINERS:
                stack.append((child, depth + 1))


def header_times(data: bytes, box: Box) -> tuple[int, int, int, int]:
    """(offset, width, creation, modification) of a mvhd/tkhd/mdhd box's two time fields."""
    if box.end - box.payload_start < 12:
        raise CorruptFileError(f"truncated {box.type.decode()} box")
    version = data[box.payload_start]
    width = 8 if version == 1 else 4
    offset = box.payload_start + 4
    if offset + 2 * width > box.end:
        raise CorruptFileError(f"truncated {box.type.decode()} box")
    fmt = ">QQ" if width == 8 else ">II"
    created, modified = struct.unpack_from(fmt, data, offset)
    return offset, width, created, modified


def render_time(seconds: int) -> str:
    try:
        return (EPOCH_1904 + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")
    except OverflowError:
        return str(seconds)


def handler_type(data: bytes, hdlr: Box) -> bytes:
    """The handler of a track's media ('vide', 'soun', 'text', 'meta'...)."""
    return bytes(data[hdlr.payload_start + 8 : hdlr.payload_start + 12])


def _is_full_box(data: bytes, box: Box) -> bool:
    """iTunes meta boxes have version/flags; QuickTime ones start with a child box."""
    return data[box.payload_start + 4 : box.payload_start + 8] != b"hdlr"


def meta_items(data: bytes, meta: Box) -> list[tuple[str, str]]:
    """(key, value) pairs of a meta box's item list (keys + ilst)."""
    start = meta.payload_start + (4 if _is_full_box(data, meta) else 0)
    children = {child.type: child for child in boxes(data, start, meta.end)}
    keys: list[str] = []
    if b"keys" in children:
        reader = Reader(data, children[b"keys"].payload_start + 4, children[b"keys"].end)
        for _ in range(min(reader.uint(4), 10_000)):
            size = reader.uint(4)
            reader.take(4)  # namespace, usually "mdta"
            keys.append(bytes_text(reader.take(size - 8)))
    found = []
    if b"ilst" in children:
        for item in boxes(data, children[b"ilst"].payload_start, children[b"ilst"].end):
            index = int.from_bytes(item.type, "big")
            name = keys[index - 1] if keys and 0 < index <= len(keys) else bytes_text(item.type)
            values = [
                _data_value(data, child)
                for child in boxes(data, item.payload_start, item.end)
                if child.type == b"data"
            ]
            found.append((name, "; ".join(values) or f"<{item.end - item.start} bytes>"))
    for kind, child in children.items():
        if kind not in (b"hdlr", b"keys", b"ilst", b"free"):
            found.append((bytes_text(kind), f"<{child.end - child.start} bytes>"))
    return found


def _data_value(data: bytes, box: Box) -> str:
    payload = data[box.payload_start : box.end]
    if len(payload) < 8:
        return "<empty>"
    type_code = int.from_bytes(payload[1:4], "big")
    value = payload[8:]
    if type_code in (1, 2, 3, 4, 5):  # UTF-8 / UTF-16 text
        encoding = "utf-8" if type_code in (1, 4) else "utf-16-be"
        return short_text(value.decode(encoding, "replace"))
    return bytes_text(value) if len(value) < 64 else f"<{len(value)} bytes>"


def user_data_items(data: bytes, udta: Box) -> list[tuple[str, str]]:
    found = []
    try:
        children = boxes(data, udta.payload_start, udta.end)
    except CorruptFileError:
        return [("UserData", f"<{udta.end - udta.start} bytes>")]
    for child in children:
        payload = data[child.payload_start : child.end]
        if child.type == b"meta":
            found.extend(meta_items(data, child))
        elif (
            child.type[:1] == b"\xa9" and len(payload) > 4
        ):  # ©xyz, ©mak...: length, language, text
            length = int.from_bytes(payload[:2], "big")
            found.append((bytes_text(child.type), short_text(bytes_text(payload[4 : 4 + length]))))
        elif child.type != b"free":
            found.append(
                (
                    bytes_text(child.type),
                    bytes_text(payload) if len(payload) < 80 else f"<{len(payload)} bytes>",
                )
            )
    return found


def _table(data: bytes, box: Box, entry_size: int) -> Reader:
    reader = Reader(data, box.payload_start + 4, box.end)
    count = reader.uint(4)
    if count * entry_size > box.end - reader.pos:
        raise CorruptFileError(f"truncated {box.type.decode()} table")
    return reader


def _array(data: bytes, start: int, end: int, count: int, width: int) -> tuple[int, ...]:
    """``count`` big-endian unsigned integers of ``width`` bytes from ``start`` (whole tables
    are unpacked at once: a long movie has hundreds of thousands of entries)."""
    count = max(min(count, (end - start) // width), 0)
    return struct.unpack_from(f">{count}{'Q' if width == 8 else 'I'}", data, start)


def sample_ranges(data: bytes, stbl: Box) -> list[tuple[int, int]]:
    """(offset, size) of every sample of a track, from its sample tables."""
    tables = {child.type: child for child in boxes(data, stbl.payload_start, stbl.end)}
    if b"stsz" not in tables or b"stsc" not in tables or not ({b"stco", b"co64"} & tables.keys()):
        return []
    stsz = tables[b"stsz"]
    reader = Reader(data, stsz.payload_start + 4, stsz.end)
    uniform, count = reader.uint(4), reader.uint(4)
    if count > 1_000_000:
        raise LimitExceededError("too many samples in a track")
    if uniform:
        sizes: tuple[int, ...] | list[int] = [uniform] * count
    else:
        if reader.pos + 4 * count > stsz.end:
            raise CorruptFileError("truncated stsz table")
        sizes = _array(data, reader.pos, stsz.end, count, 4)
    wide = b"co64" in tables
    offsets_box = tables[b"co64" if wide else b"stco"]
    reader = _table(data, offsets_box, 8 if wide else 4)
    chunk_offsets = _array(
        data, reader.pos, offsets_box.end, (offsets_box.end - reader.pos), 8 if wide else 4
    )
    reader = _table(data, tables[b"stsc"], 12)
    flat = _array(data, reader.pos, tables[b"stsc"].end, (tables[b"stsc"].end - reader.pos), 4)
    runs = [flat[i : i + 3] for i in range(0, len(flat) - 2, 3)]
    ranges: list[tuple[int, int]] = []
    sample = 0
    for index, (first, per_chunk, _) in enumerate(runs):
        last = runs[index + 1][0] - 1 if index + 1 < len(runs) else len(chunk_offsets)
        for chunk in range(first, last + 1):
            if chunk - 1 >= len(chunk_offsets):
                break
            position = chunk_offsets[chunk - 1]
            for _ in range(per_chunk):
                if sample >= len(sizes):
                    return ranges
                ranges.append((position, sizes[sample]))
                position += sizes[sample]
                sample += 1
    return ranges


def media_ranges(located: list[Located]) -> list[tuple[int, int]]:
    """(start, end) of the payload of every top-level media data box, in file order.

    Sample tables point into these. A sample that lies elsewhere (in the movie header, or
    past the end of a file cut short or stripped of its media) is not media: cleaning never
    writes into it, and it is not compared.
    """
    return [
        (item.box.payload_start, item.box.end)
        for item in located
        if not item.path and item.box.type == b"mdat"
    ]


def in_media(ranges: list[tuple[int, int]], offset: int, size: int) -> bool:
    index = bisect.bisect_right([start for start, _ in ranges], offset) - 1
    return index >= 0 and offset + size <= ranges[index][1]


def table_counts(data: bytes, stbl: Box) -> tuple[int, int]:
    """(samples, total duration in the track's time scale) from the time-to-sample table."""
    tables = {child.type: child for child in boxes(data, stbl.payload_start, stbl.end)}
    if b"stts" not in tables:
        return 0, 0
    reader = _table(data, tables[b"stts"], 8)
    samples = duration = 0
    for _ in range((tables[b"stts"].end - reader.pos) // 8):
        count, delta = reader.uint(4), reader.uint(4)
        samples += count
        duration += count * delta
    return samples, duration


def timescale_duration(data: bytes, box: Box) -> tuple[int, int]:
    """(time scale, duration) of a mvhd or mdhd box: what a player shows as the length."""
    offset, width, _, _ = header_times(data, box)
    reader = Reader(data, offset + 2 * width, box.end)
    return reader.uint(4), reader.uint(width)


def fragment_samples(data: bytes, moof: Box) -> list[tuple[int, int, int]]:
    """(offset, size, duration) of every sample a movie fragment describes (trun boxes).

    Offsets count from the fragment's moof box unless its tfhd gives a base offset: the
    layout every fragmenting muxer writes (default-base-is-moof, or one track per moof).
    """
    found: list[tuple[int, int, int]] = []
    for traf in (b for b in boxes(data, moof.payload_start, moof.end) if b.type == b"traf"):
        children = boxes(data, traf.payload_start, traf.end)
        base, default_size, default_duration = moof.start, 0, 0
        for tfhd in (b for b in children if b.type == b"tfhd"):
            reader = Reader(data, tfhd.payload_start, tfhd.end)
            flags = reader.uint(4) & 0xFFFFFF
            reader.take(4)  # track ID
            if flags & 0x01:
                base = reader.uint(8)
            if flags & 0x02:
                reader.take(4)
            default_duration = reader.uint(4) if flags & 0x08 else 0
            default_size = reader.uint(4) if flags & 0x10 else 0
        position = base
        for trun in (b for b in children if b.type == b"trun"):
            reader = Reader(data, trun.payload_start, trun.end)
            flags = reader.uint(4) & 0xFFFFFF
            count = reader.uint(4)
            if count > 10_000_000:
                raise LimitExceededError("too many samples in a movie fragment")
            if flags & 0x01:
                position = base + int.from_bytes(reader.take(4), "big", signed=True)
            if flags & 0x04:
                reader.take(4)
            for _ in range(count):
                duration = reader.uint(4) if flags & 0x100 else default_duration
                size = reader.uint(4) if flags & 0x200 else default_size
                reader.take((4 if flags & 0x400 else 0) + (4 if flags & 0x800 else 0))
                found.append((position, size, duration))
                position += size
    return found
