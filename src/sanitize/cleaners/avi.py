"""AVI: INFO lists, recording dates (IDIT) and stream names become JUNK of the same size."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from sanitize import catalog, source
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats.values import bytes_text
from sanitize.report import MetadataItem

DESCENDED = {b"hdrl", b"strl", b"odml"}
JUNKED = {b"IDIT": "DateTimeOriginal", b"strn": "StreamName"}


def _walk(
    data: bytes, start: int, end: int, depth: int = 0
) -> Iterator[tuple[bytes, bytes, int, int]]:
    """(id, list type, start, end) for chunks and lists, descending into header lists."""
    if depth > 8:
        raise LimitExceededError("AVI lists are nested too deeply")
    pos, count, released = start, 0, start
    while pos + 8 <= end:
        count += 1
        released = source.passed(data, released, pos)  # a header per chunk: see source
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


def _info_items(payload: bytes) -> list[MetadataItem]:
    items, pos = [], 4
    while pos + 8 <= len(payload):
        sub, size = payload[pos : pos + 4], struct.unpack_from("<I", payload, pos + 4)[0]
        items.append(
            MetadataItem("AVI:INFO", bytes_text(sub), bytes_text(payload[pos + 8 : pos + 8 + size]))
        )
        pos += 8 + size + (size & 1)
    return items or [MetadataItem("AVI:INFO", "INFO", "empty list")]


class AviFile(ParsedFile):
    """One walk over the chunks lists what goes, marks the chunks that become JUNK and
    notes where the frames are (for verify)."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        if data[:4] != b"RIFF" or data[8:12] != b"AVI ":
            raise CorruptFileError("not an AVI file")
        self._items: list[MetadataItem] = []
        self.junked: list[tuple[int, int]] = []  # (start, end) of chunks that become JUNK
        self.movie: list[tuple[int, int]] = []  # (start, end) of the frames and their index
        for chunk_id, list_type, start, stop in _walk(data, 0, len(data)):
            # Payloads are sliced only where read: the movi list is most of a large file.
            if list_type == b"movi" or chunk_id == b"idx1":
                self.movie.append((start, stop))
            if chunk_id == b"LIST" and list_type == b"INFO":
                self._items.extend(_info_items(data[start + 8 : stop]))
            elif chunk_id in JUNKED:
                payload = data[start + 8 : stop]
                self._items.append(MetadataItem("AVI", JUNKED[chunk_id], bytes_text(payload)))
            elif chunk_id == b"JUNK" and not source.is_zero(data, start + 8, stop):
                self._items.append(
                    MetadataItem("AVI:JUNK", "LeftoverData", f"<{stop - start - 8} bytes>")
                )
            else:
                continue
            self.junked.append((start, stop))

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def plan(self) -> source.Plan:
        edits: list[tuple[int, bytes | int]] = []
        for start, stop in self.junked:
            # Same size field, zeroed payload: nothing after it moves.
            edits.append((start, b"JUNK" + bytes(self.data[start + 4 : start + 8])))
            edits.append((start + 8, stop - start - 8))
        return source.Plan.patched(len(self.data), edits)

    def clean(self) -> CleanResult:
        # In memory: one edited copy. Mapped: the kernel copies, only the edits are written.
        return self.planned(self.plan(), [])

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, AviFile):
            raise VerificationError("the cleaned file is not an AVI file")
        # Nothing moves: the frames are at the same offsets in both.
        if (
            len(self.data) != len(cleaned.data)
            or self.movie != cleaned.movie
            or not source.same_where_kept(self.data, cleaned.data, self.movie, self.plan().edited())
        ):
            raise VerificationError("AVI frames changed during cleaning")


class AviCleaner(Cleaner):
    name = "avi"
    kinds = catalog.kinds_of("avi")
    streams = True

    def open(self, data: bytes, kind: str, context: Context) -> AviFile:
        return AviFile(data, kind, context)
