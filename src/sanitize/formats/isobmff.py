"""Walk ISO base media file format boxes (HEIF, MP4, MOV) within bounds."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from sanitize.errors import CorruptFileError, LimitExceededError

MAX_BOXES = 100_000


@dataclass(frozen=True)
class Box:
    type: bytes
    start: int
    header_size: int
    end: int

    @property
    def payload_start(self) -> int:
        return self.start + self.header_size


def boxes(data: bytes | bytearray, start: int, end: int) -> list[Box]:
    found: list[Box] = []
    pos = start
    while pos < end:
        if len(found) >= MAX_BOXES:
            raise LimitExceededError("too many boxes")
        if pos + 8 > end:
            raise CorruptFileError("truncated box header")
        size, type_ = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise CorruptFileError("truncated box header")
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise CorruptFileError(f"box {type_!r} runs past its container")
        found.append(Box(type_, pos, header, pos + size))
        pos += size
    return found


def box(type_: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload) + 8) + type_ + payload


def free_box(size: int) -> bytes:
    if size < 8:
        raise ValueError("a free box needs at least 8 bytes")
    return box(b"free", b"\x00" * (size - 8))


class Reader:
    """Sequential big-endian reads with bounds checks."""

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None):
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > self.end:
            raise CorruptFileError("truncated box")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return bytes(chunk)

    def uint(self, size: int) -> int:
        return int.from_bytes(self.take(size), "big") if size else 0

    def cstring(self) -> bytes:
        stop = self.data.find(b"\x00", self.pos, self.end)
        if stop < 0:
            stop = self.end
        value = bytes(self.data[self.pos : stop])
        self.pos = min(stop + 1, self.end)
        return value
