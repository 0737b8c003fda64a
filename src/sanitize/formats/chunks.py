"""Readers for the chunked containers PNG and RIFF (WebP)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from sanitize.errors import CorruptFileError, LimitExceededError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_CHUNKS = 1_000_000
MAX_TEXT_INFLATE = 16 * 1024 * 1024


@dataclass(frozen=True)
class Chunk:
    type: bytes
    start: int  # offset of the whole chunk (length field for PNG, fourcc for RIFF)
    end: int
    data_start: int
    data_end: int


def png_chunks(data: bytes) -> tuple[list[Chunk], int]:
    """Chunks up to and including IEND, and the offset just past IEND."""
    if not data.startswith(PNG_SIGNATURE):
        raise CorruptFileError("not a PNG (bad signature)")
    chunks: list[Chunk] = []
    pos = len(PNG_SIGNATURE)
    while True:
        if len(chunks) > MAX_CHUNKS:
            raise LimitExceededError("too many PNG chunks")
        if pos + 12 > len(data):
            raise CorruptFileError("truncated PNG (no IEND chunk)")
        length, type_ = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            raise CorruptFileError(f"truncated PNG chunk {type_!r}")
        chunks.append(Chunk(type_, pos, end, pos + 8, pos + 8 + length))
        pos = end
        if type_ == b"IEND":
            return chunks, pos


def png_chunk(type_: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(type_ + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + type_ + payload + struct.pack(">I", crc)


def riff_chunks(data: bytes, form: bytes) -> tuple[list[Chunk], int]:
    """Top-level chunks of a RIFF file of the given form, and where the RIFF ends."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != form:
        raise CorruptFileError(f"not a RIFF {form.decode().strip()} file")
    riff_end = 8 + struct.unpack_from("<I", data, 4)[0]
    if riff_end > len(data):
        raise CorruptFileError("truncated RIFF file")
    chunks: list[Chunk] = []
    pos = 12
    while pos + 8 <= riff_end:
        if len(chunks) > MAX_CHUNKS:
            raise LimitExceededError("too many RIFF chunks")
        fourcc, size = struct.unpack_from("<4sI", data, pos)
        data_end = pos + 8 + size
        if data_end > riff_end:
            raise CorruptFileError(f"truncated RIFF chunk {fourcc!r}")
        end = data_end + (size & 1)
        chunks.append(Chunk(fourcc, pos, min(end, riff_end), pos + 8, data_end))
        pos = end
    return chunks, riff_end


def riff_chunk(fourcc: bytes, payload: bytes) -> bytes:
    pad = b"\x00" if len(payload) & 1 else b""
    return fourcc + struct.pack("<I", len(payload)) + payload + pad


def inflate_capped(payload: bytes, limit: int = MAX_TEXT_INFLATE) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(payload, limit)
    except zlib.error as exc:
        raise CorruptFileError(f"bad compressed data: {exc}") from exc
    if inflater.unconsumed_tail:
        raise LimitExceededError("compressed text inflates past the size cap")
    return out
