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
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from sanitize.errors import CorruptFileError, LimitExceededError

SOI, EOI, SOS, COM = 0xD8, 0xD9, 0xDA, 0xFE
APP0, APP15 = 0xE0, 0xEF
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


def parse(data: bytes) -> JpegLayout:
    if not data.startswith(b"\xff\xd8"):
        raise CorruptFileError("not a JPEG (no start-of-image marker)")
    segments: list[Segment] = []
    notes: list[str] = []
    pos = 2
    size = len(data)
    image_started = False  # a SOS segment was read: a cut from here on keeps what is there

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
            match = _NEXT_MARKER.search(data, pos)
            if match is None:
                return cut(pos, 0)
            if match.start() > pos:
                segments.append(Segment(0, pos, match.start()))
            pos = match.start()


def image_essence(data: bytes, layout: JpegLayout) -> bytes:
    """The bytes a decoder needs: every segment except APPn and COM, in order."""
    return b"".join(data[s.start : s.end] for s in layout.segments if not s.is_metadata)
