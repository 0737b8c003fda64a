"""Split a JPEG into marker segments and entropy-coded data, without decoding it."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from sanitize.errors import CorruptFileError, LimitExceededError

SOI, EOI, SOS, COM = 0xD8, 0xD9, 0xDA, 0xFE
APP0, APP15 = 0xE0, 0xEF
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
# In entropy-coded data 0xFF is followed by 0x00 (stuffing), RSTn, or 0xFF fill bytes.
_NEXT_MARKER = re.compile(rb"\xff(?=[^\x00\xd0-\xd7\xff])")
MAX_SEGMENTS = 100_000


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
    end_of_image: int  # offset just past the EOI marker


def parse(data: bytes) -> JpegLayout:
    if not data.startswith(b"\xff\xd8"):
        raise CorruptFileError("not a JPEG (no start-of-image marker)")
    segments: list[Segment] = []
    pos = 2
    size = len(data)
    while True:
        if len(segments) > MAX_SEGMENTS:
            raise LimitExceededError("too many JPEG segments")
        if pos + 2 > size:
            raise CorruptFileError("truncated JPEG (no end-of-image marker)")
        if data[pos] != 0xFF:
            raise CorruptFileError(f"corrupt JPEG: expected a marker at byte {pos}")
        while pos + 1 < size and data[pos + 1] == 0xFF:  # fill bytes before a marker
            pos += 1
        marker = data[pos + 1] if pos + 1 < size else -1
        if marker == EOI:
            return JpegLayout(segments, pos + 2)
        if marker == SOI or marker < 0:
            raise CorruptFileError("corrupt JPEG: unexpected start-of-image marker")
        if marker in _STANDALONE:
            segments.append(Segment(marker, pos, pos + 2))
            pos += 2
            continue
        if pos + 4 > size:
            raise CorruptFileError("truncated JPEG segment")
        length = struct.unpack_from(">H", data, pos + 2)[0]
        end = pos + 2 + length
        if length < 2 or end > size:
            raise CorruptFileError(f"truncated JPEG segment 0x{marker:02X}")
        segments.append(Segment(marker, pos, end))
        pos = end
        if marker == SOS:
            match = _NEXT_MARKER.search(data, pos)
            if match is None:
                raise CorruptFileError("truncated JPEG (image data has no end)")
            if match.start() > pos:
                segments.append(Segment(0, pos, match.start()))
            pos = match.start()


def image_essence(data: bytes, layout: JpegLayout) -> bytes:
    """The bytes a decoder needs: every segment except APPn and COM, in order."""
    return b"".join(data[s.start : s.end] for s in layout.segments if not s.is_metadata)
