"""Walk MPEG audio frames (MP1/MP2/MP3, and AAC in ADTS framing) as a decoder finds them.

Used to tell where a tag ends and the audio starts (a tag's declared size cannot always be
believed), and to compare what a person hears before and after cleaning: the number of
frames, of decoded samples, and so the duration.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass

from sanitize import source
from sanitize.errors import LimitExceededError

# Bit rates in kbit/s by (MPEG-1?, layer) then index 1..14; index 0 (free format) and 15
# (forbidden) have no fixed frame length.
_BITRATES = {
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Sample rates by the version bits (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5).
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_ADTS_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)
# More frames than a day of audio at the shortest frame: a hostile file, not a recording.
MAX_FRAMES = 20_000_000
# Bytes read at a time by the walks (with os.pread from a mapped file), and the bytes read
# past them: the longest frame (ADTS: a 13-bit length) and the next frame's header.
WINDOW = 1 << 20
_MARGIN = (1 << 13) + 16


@dataclass(frozen=True)
class Frame:
    length: int  # bytes, header included
    samples: int  # decoded samples per channel
    rate: int  # samples per second
    family: tuple[int, ...]  # what stays the same from frame to frame of one stream


def frame_at(data: bytes | bytearray, pos: int) -> Frame | None:
    """The frame whose header starts at ``pos``, or None if no valid header is there."""
    if pos + 7 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    b1, b2, b3 = data[pos + 1], data[pos + 2], data[pos + 3]
    version, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
    if layer_bits == 0:
        return _adts_at(data, pos) if b1 & 0xF6 == 0xF0 else None
    if version == 1:
        return None  # reserved version
    layer = 4 - layer_bits
    index, rate_index = b2 >> 4, (b2 >> 2) & 3
    if index in (0, 15) or rate_index == 3 or b3 & 3 == 2:  # free format, bad values
        return None
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][index - 1] * 1000
    rate = _RATES[version][rate_index]
    padding = (b2 >> 1) & 1
    if layer == 1:
        length, samples = (12 * bitrate // rate + padding) * 4, 384
    elif layer == 3 and not mpeg1:
        length, samples = 72 * bitrate // rate + padding, 576
    else:
        length, samples = 144 * bitrate // rate + padding, 1152
    return Frame(length, samples, rate, (version, layer, rate_index))


def _adts_at(data: bytes | bytearray, pos: int) -> Frame | None:
    b2 = data[pos + 2]
    rate_index = (b2 >> 2) & 0xF
    if rate_index >= len(_ADTS_RATES):
        return None
    length = ((data[pos + 3] & 3) << 11) | (data[pos + 4] << 3) | (data[pos + 5] >> 5)
    header = 7 if data[pos + 1] & 1 else 9
    if length <= header:
        return None
    blocks = (data[pos + 6] & 3) + 1
    return Frame(length, 1024 * blocks, _ADTS_RATES[rate_index], (-1, b2 >> 6, rate_index))


def sync_at(data: bytes | bytearray, pos: int, end: int) -> bool:
    """Whether a stream starts at ``pos``: a valid frame followed by another of the same
    stream (or by the end of the audio), so a stray 0xFF in a tag is not taken for one."""
    first = frame_at(data, pos)
    if first is None or pos + first.length > end:
        return False
    following = pos + first.length
    if following == end:
        return True
    second = frame_at(data, following)
    return second is not None and second.family == first.family


def find_sync(data: bytes | bytearray | mmap.mmap, start: int, end: int) -> int | None:
    """The first position at or after ``start`` where a decoder would lock onto audio.

    Read a window at a time, as ``stream`` reads: a file with no audio after a tag would
    otherwise be searched through the map, every page of it."""
    pos = start
    while pos < end:
        stop, window = _window(data, pos)
        limit = end - pos if stop == len(data) else min(end - pos, WINDOW)
        found = _find_sync_before(window, 0, end - pos, limit)
        if found is not None:
            return pos + found
        pos += limit
    return None


def _window(data: bytes | bytearray | mmap.mmap, pos: int) -> tuple[int, bytes]:
    """The bytes from ``pos`` that a walk reads up to WINDOW from there, and where they end."""
    stop = min(len(data), pos + WINDOW + _MARGIN)
    return stop, source.read(data, pos, stop)


@dataclass(frozen=True)
class Stream:
    """What a decoder plays from a run of bytes."""

    frames: int
    samples: int  # decoded samples per channel, all frames together
    rate: int  # of the first frame (0 when there is none)
    skipped: int  # bytes between frames that are not audio (junk, a damaged frame)

    @property
    def duration(self) -> float:
        return self.samples / self.rate if self.rate else 0.0


def stream(data: bytes | bytearray | mmap.mmap, start: int, end: int) -> Stream:
    """Count the frames from ``start`` to ``end`` as a decoder does: frame after frame,
    looking for the next sync after bytes that are not a frame. A last frame cut short
    counts as skipped bytes: no decoder plays it.

    The bytes are read a window at a time (with ``os.pread`` when ``data`` is a memory
    map): a long MP3 has millions of frames, and walking their headers through the map
    would make every page of the file resident in this process."""
    walk = _Walk()
    pos = start
    while pos < end:
        stop, window = _window(data, pos)
        # Frames are only looked for before ``limit``: everything frame_at and sync_at
        # read from there is in the window, as it would be in the whole file.
        limit = end - pos if stop == len(data) else min(end - pos, WINDOW)
        pos += walk.run(window, end - pos, limit)
    return Stream(walk.frames, walk.samples, walk.rate, walk.skipped)


_ADTS = Frame(0, 0, 0, ())  # in the header cache: the length is in the bytes after it
_CACHE_MAX = 4096


class _Walk:
    """The state of ``stream`` from one window to the next."""

    def __init__(self) -> None:
        self.frames = self.samples = self.rate = self.skipped = 0
        self.searching = False  # looking for a sync after bytes that were not a frame
        self.headers: dict[int, Frame | None] = {}  # a stream repeats a few headers

    def run(self, data: bytes, end: int, limit: int) -> int:
        """Walk ``data[0:limit]`` (``end``: where the audio ends, relative to the window);
        return where the next window starts."""
        pos = 0
        headers, unpack, size = self.headers, _HEADER.unpack_from, len(data)
        while pos < limit:
            if self.searching:
                found = _find_sync_before(data, pos, end, limit)
                if found is None:
                    self.skipped += limit - pos
                    return limit
                self.skipped += found - pos
                pos, self.searching = found, False
            frame = None
            if pos + 7 <= size:
                # frame_at, with the frame of a header already seen taken from a cache:
                # this loop runs once per frame, millions of times in a long file.
                header = unpack(data, pos)[0]
                frame = headers.get(header, _MISSING)
                if frame is _MISSING:
                    frame = self._remember(data, pos, header)
                if frame is _ADTS:
                    frame = _adts_at(data, pos)
            if frame is not None and pos + frame.length <= end:
                self.frames += 1
                if self.frames > MAX_FRAMES:
                    raise LimitExceededError("too many MPEG audio frames")
                self.samples += frame.samples
                self.rate = self.rate or frame.rate
                pos += frame.length
                continue
            # Not a frame: the bytes up to the next sync are skipped, from the next one on.
            self.skipped += 1
            pos += 1
            self.searching = True
        return pos

    def _remember(self, data: bytes, pos: int, header: int) -> Frame | None:
        # An MPEG frame's length follows from its four header bytes; an ADTS frame's is
        # in the bytes after them, so only the fact that it is one is remembered.
        adts = header >> 24 == 0xFF and (header >> 16) & 0xF6 == 0xF0
        frame = _ADTS if adts else frame_at(data, pos)
        if len(self.headers) >= _CACHE_MAX:  # a hostile file of ever new headers
            self.headers.clear()
        self.headers[header] = frame
        return frame


_MISSING = Frame(-1, 0, 0, ())
_HEADER = struct.Struct(">I")


def _find_sync_before(data: bytes, start: int, end: int, limit: int) -> int | None:
    """``find_sync``, for positions before ``limit`` only."""
    pos = data.find(b"\xff", start, limit)
    while 0 <= pos < limit:
        if sync_at(data, pos, end):
            return pos
        pos = data.find(b"\xff", pos + 1, limit)
    return None
