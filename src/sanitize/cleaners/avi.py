"""AVI: INFO lists, recording dates (IDIT) and stream names become JUNK of the same size."""

from __future__ import annotations

import struct

from sanitize.cleaners.base import Cleaner, CleanResult
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats.values import bytes_text
from sanitize.options import Options
from sanitize.report import MetadataItem

DESCENDED = {b"hdrl", b"strl", b"odml"}
JUNKED = {b"IDIT": "DateTimeOriginal", b"strn": "StreamName"}


def _walk(data: bytes, start: int, end: int, depth: int = 0):  # type: ignore[no-untyped-def]
    """(id, list type, start, end) for chunks and lists, descending into header lists."""
    if depth > 8:
        raise LimitExceededError("AVI lists are nested too deeply")
    pos, count = start, 0
    while pos + 8 <= end:
        count += 1
        if count > 1_000_000:
            raise LimitExceededError("too many AVI chunks")
        chunk_id, size = bytes(data[pos : pos + 4]), struct.unpack_from("<I", data, pos + 4)[0]
        stop = pos + 8 + size
        if stop > end:
            raise CorruptFileError(f"truncated AVI chunk {bytes_text(chunk_id)}")
        list_type = bytes(data[pos + 8 : pos + 12]) if chunk_id in (b"LIST", b"RIFF") else b""
        yield chunk_id, list_type, pos, stop
        if list_type in DESCENDED or chunk_id == b"RIFF":
            yield from _walk(data, pos + 12, stop, depth + 1)
        pos = stop + (size & 1)


def _targets(data: bytes) -> list[tuple[int, int, list[MetadataItem]]]:
    if data[:4] != b"RIFF" or data[8:12] != b"AVI ":
        raise CorruptFileError("not an AVI file")
    found = []
    for chunk_id, list_type, start, stop in _walk(data, 0, len(data)):
        payload = data[start + 8 : stop]
        if chunk_id == b"LIST" and list_type == b"INFO":
            items, pos = [], 4
            while pos + 8 <= len(payload):
                sub, size = payload[pos : pos + 4], struct.unpack_from("<I", payload, pos + 4)[0]
                items.append(
                    MetadataItem(
                        "AVI:INFO", bytes_text(sub), bytes_text(payload[pos + 8 : pos + 8 + size])
                    )
                )
                pos += 8 + size + (size & 1)
            found.append((start, stop, items or [MetadataItem("AVI:INFO", "INFO", "empty list")]))
        elif chunk_id in JUNKED:
            found.append(
                (start, stop, [MetadataItem("AVI", JUNKED[chunk_id], bytes_text(payload))])
            )
        elif chunk_id == b"JUNK" and payload.strip(b"\x00"):
            found.append(
                (start, stop, [MetadataItem("AVI:JUNK", "LeftoverData", f"<{len(payload)} bytes>")])
            )
    return found


class AviCleaner(Cleaner):
    name = "avi"
    kinds = frozenset({"avi"})

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        return [item for _, _, items in _targets(data) for item in items]

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        out = bytearray(data)
        for start, stop, _ in _targets(data):
            out[start:stop] = b"JUNK" + data[start + 4 : start + 8] + b"\x00" * (stop - start - 8)
        return CleanResult(out)

    def verify(self, original: bytes, cleaned: bytes, kind: str, options: Options) -> None:
        def movie(data: bytes) -> list[bytes]:
            return [
                data[s:e]
                for c, t, s, e in _walk(data, 0, len(data))
                if t == b"movi" or c == b"idx1"
            ]

        if movie(original) != movie(cleaned):
            raise VerificationError("AVI frames changed during cleaning")
