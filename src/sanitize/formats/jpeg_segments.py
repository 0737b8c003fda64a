"""Split a JPEG into marker segments and entropy-coded data, without decoding it.

Real files are not always well formed, and decoders (libjpeg, hence Pillow and most
viewers) still show them; the walk accepts the same two defects, bounded, and says so in
``JpegLayout.notes``:

- a segment whose length is slightly off: libjpeg skips the bytes up to the next marker
  ("N extraneous bytes before marker"). Those bytes stay with the segment before them, so
  a metadata segment's tail goes with it and a kept segment is copied as it was;
- a file cut short after its image data began (no end-of-image marker): what is there is
  kept as it is, as decoders show the part they can read.

A file cut before any image data, or whose next marker is far away, is refused.

The walk reads every byte once: the end of each scan's entropy-coded data is found by one
``re`` search (C speed), and nothing is copied. ``parse`` can also be told where scans
were already found in another buffer (``KnownScan``): a cleaned copy is then checked by
comparing those bytes in place, with the same outcome as searching them again.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

from sanitize.errors import CorruptFileError, LimitExceededError

SOI, EOI, SOS, COM = 0xD8, 0xD9, 0xDA, 0xFE
APP0, APP15 = 0xE0, 0xEF
# APP2 payloads that bind an HDR gain map (see sanitize.formats.gainmap); here so that
# the walk can tell them without importing that module (and lxml) for every photo.
MPF_ID = b"MPF\x00"
ISO_GAIN_MAP_ID = b"urn:iso:std:iso:ts:21496:-1\x00"
# ISO 21496-1 metadata is a few dozen bytes of numbers; a bigger block could carry anything.
MAX_ISO_GAIN_MAP = 256
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
# In entropy-coded data 0xFF is followed by 0x00 (stuffing), RSTn, or 0xFF fill bytes.
_NEXT_MARKER = re.compile(rb"\xff(?=[^\x00\xd0-\xd7\xff])")
# A marker a decoder may meet between segments: any but stuffing, fill and RSTn.
_RESYNC_MARKER = re.compile(rb"\xff+(?=[^\x00\xd0-\xd7\xff])")
MAX_SEGMENTS = 100_000
# How far past a segment's declared end the next marker may be looked for. Lengths off
# by a few bytes are writer bugs; a marker far away means the file is not understood.
MAX_RESYNC = 1024


@dataclass(frozen=True)
class Segment:
    marker: int  # 0 for entropy-coded data following a SOS segment
    start: int
    end: int

    def payload(self, data: bytes) -> bytes:
        return data[self.start + 4 : self.end] if self.marker else data[self.start : self.end]

    @property
    def is_metadata(self) -> bool:
        return APP0 <= self.marker <= APP15 or self.marker == COM


@dataclass(frozen=True)
class KnownScan:
    """Entropy-coded data that a parse of ``source`` delimited: ``source[start:end]``
    holds no marker, and a marker starts at ``source[end]``."""

    source: bytes
    start: int
    end: int


@dataclass
class JpegLayout:
    segments: list[Segment]  # everything between SOI and EOI, in order
    end_of_image: int  # offset just past the EOI marker (the end of the data if cut)
    truncated: bool = False  # no EOI: the data ends inside the image
    notes: list[str] = field(default_factory=list)  # defects tolerated, for the user


def _resync(data: bytes, pos: int, limit: int) -> int | None:
    """Where the next marker starts, at most MAX_RESYNC bytes after ``pos``."""
    match = _RESYNC_MARKER.search(data, pos, min(limit, pos + MAX_RESYNC + 2))
    return match.start() if match else None


def _scan_end(data: bytes, pos: int, known: KnownScan | None) -> int | None:
    """Where the entropy-coded data starting at ``pos`` ends (None: at the end of data).

    With ``known`` whose bytes are found at ``pos`` and followed by a marker, that marker
    is the first one after ``pos``, exactly what the search would find: no marker starts
    inside bytes equal to marker-free ones, and none at their last byte, which is then
    followed by 0xFF (not a marker code). Otherwise the bytes are searched."""
    if known is not None:
        end = pos + known.end - known.start
        view = memoryview(known.source)[known.start : known.end]
        if data.startswith(view, pos) and _NEXT_MARKER.match(data, end):
            return end
    match = _NEXT_MARKER.search(data, pos)
    return match.start() if match else None


def parse(data: bytes, known: Sequence[KnownScan] = ()) -> JpegLayout:
    """Split ``data``; ``known`` (in order) may name the scans it holds, checked in place."""
    if not data.startswith(b"\xff\xd8"):
        raise CorruptFileError("not a JPEG (no start-of-image marker)")
    segments: list[Segment] = []
    notes: list[str] = []
    pos = 2
    size = len(data)
    image_started = False  # a SOS segment was read: a cut from here on keeps what is there
    scans = 0

    def cut(start: int, marker: int) -> JpegLayout:
        if start < size:
            segments.append(Segment(marker, start, size))
        notes.append(
            "the image is cut short (no end-of-image marker): its metadata was removed "
            "and the rest copied as it is"
        )
        return JpegLayout(segments, size, truncated=True, notes=notes)

    while True:
        if len(segments) > MAX_SEGMENTS:
            raise LimitExceededError("too many JPEG segments")
        if pos + 2 > size:
            if image_started:
                return cut(pos, 0)
            raise CorruptFileError("truncated JPEG (no end-of-image marker)")
        if data[pos] != 0xFF or data[pos + 1] == 0x00:
            found = _resync(data, pos, size)
            if found is None or not segments:
                if image_started and found is None and size - pos <= MAX_RESYNC:
                    return cut(pos, 0)
                raise CorruptFileError(f"corrupt JPEG: expected a marker at byte {pos}")
            # The bytes up to the marker stay with the segment before them (see above).
            previous = segments.pop()
            segments.append(Segment(previous.marker, previous.start, found))
            notes.append(
                f"skipped {found - pos} stray byte(s) after a JPEG segment whose length is "
                "off, as JPEG decoders do"
            )
            pos = found
        while pos + 1 < size and data[pos + 1] == 0xFF:  # fill bytes before a marker
            pos += 1
        marker = data[pos + 1] if pos + 1 < size else -1
        if marker == EOI:
            return JpegLayout(segments, pos + 2, notes=notes)
        if marker == SOI or marker < 0:
            if marker < 0 and image_started:
                return cut(pos, 0)
            raise CorruptFileError("corrupt JPEG: unexpected start-of-image marker")
        if marker in _STANDALONE:
            segments.append(Segment(marker, pos, pos + 2))
            pos += 2
            continue
        if pos + 4 > size:
            if image_started:
                return cut(pos, marker)
            raise CorruptFileError("truncated JPEG segment")
        length = struct.unpack_from(">H", data, pos + 2)[0]
        end = pos + 2 + length
        if length < 2:
            raise CorruptFileError(f"corrupt JPEG segment 0x{marker:02X} (length {length})")
        if end > size:
            if image_started:
                return cut(pos, marker)
            raise CorruptFileError(f"truncated JPEG segment 0x{marker:02X}")
        segments.append(Segment(marker, pos, end))
        pos = end
        if marker == SOS:
            image_started = True
            found = _scan_end(data, pos, known[scans] if scans < len(known) else None)
            scans += 1
            if found is None:
                return cut(pos, 0)
            if found > pos:
                segments.append(Segment(0, pos, found))
            pos = found


def known_scans(data: bytes, layout: JpegLayout) -> list[KnownScan]:
    """The scans of ``layout`` that end at a marker, for a later ``parse`` of a copy."""
    return [
        KnownScan(data, s.start, s.end)
        for s in layout.segments
        if s.marker == 0 and s.end < len(data)
    ]


def essence_ranges(layout: JpegLayout) -> list[tuple[int, int]]:
    """Where the bytes a decoder needs are: every segment except APPn and COM, in order."""
    return [(s.start, s.end) for s in layout.segments if not s.is_metadata]


def image_essence(data: bytes, layout: JpegLayout) -> bytes:
    """The bytes a decoder needs, joined (``same_essence`` compares them without this)."""
    return b"".join(data[start:end] for start, end in essence_ranges(layout))


def same_essence(
    first: bytes, first_layout: JpegLayout, second: bytes, second_layout: JpegLayout
) -> bool:
    """Whether both images hold the same decoder bytes (``image_essence``), compared in
    place: the two lists of ranges are walked side by side, nothing is joined or copied."""
    return same_bytes(first, essence_ranges(first_layout), second, essence_ranges(second_layout))


def same_bytes(
    first: bytes,
    first_ranges: list[tuple[int, int]],
    second: bytes,
    second_ranges: list[tuple[int, int]],
) -> bool:
    """Whether ``first``'s ranges, end to end, hold the bytes of ``second``'s ranges."""
    if sum(e - s for s, e in first_ranges) != sum(e - s for s, e in second_ranges):
        return False
    view = memoryview(first)
    pieces = iter(second_ranges)
    there, there_end = 0, 0
    for here, here_end in first_ranges:
        while here < here_end:
            while there == there_end:  # the totals are equal: a next range exists
                there, there_end = next(pieces)
            size = min(here_end - here, there_end - there)
            # bytes.startswith at an offset is a memcmp; the view slice copies nothing.
            if not second.startswith(view[here : here + size], there):
                return False
            here += size
            there += size
    return True
