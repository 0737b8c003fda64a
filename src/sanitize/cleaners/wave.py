"""WAV and AIFF: keep the chunks that describe and hold the sound; drop INFO, ID3, bext,
iXML, XMP, comments, names and authors."""

from __future__ import annotations

import struct

from sanitize import catalog, source
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats.values import bytes_text
from sanitize.report import MetadataItem

KEPT = {
    "wav": {b"fmt ", b"data", b"fact", b"cue ", b"smpl", b"inst"},
    "aiff": {b"COMM", b"SSND", b"FVER", b"MARK", b"INST"},
}


def _chunks(data: bytes, kind: str) -> list[tuple[bytes, int, int, int]]:
    """(id, start, payload start, end including pad) of every top-level chunk."""
    little = kind == "wav"
    head, forms = (b"RIFF", (b"WAVE",)) if little else (b"FORM", (b"AIFF", b"AIFC"))
    if data[:4] != head or data[8:12] not in forms:
        raise CorruptFileError(f"not a {kind.upper()} file")
    end = min(len(data), 8 + struct.unpack("<I" if little else ">I", data[4:8])[0])
    found: list[tuple[bytes, int, int, int]] = []
    pos = released = 12
    while pos + 8 <= end:
        if len(found) > 100_000:
            raise LimitExceededError("too many chunks")
        released = source.passed(data, released, pos)  # a header per chunk: see source
        chunk_id = bytes(data[pos : pos + 4])
        size = struct.unpack("<I" if little else ">I", data[pos + 4 : pos + 8])[0]
        if pos + 8 + size > len(data):
            raise CorruptFileError(f"truncated {bytes_text(chunk_id)} chunk")
        stop = pos + 8 + size + (size & 1)
        found.append((chunk_id, pos, pos + 8, min(stop, len(data))))
        pos = stop
    return found


def _describe(kind: str, chunk_id: bytes, payload: bytes) -> list[MetadataItem]:
    label = f"{kind.upper()}:{bytes_text(chunk_id).strip()}"
    if chunk_id == b"LIST" and payload[:4] == b"INFO":
        items: list[MetadataItem] = []
        pos = 4
        while pos + 8 <= len(payload):
            sub_id, size = (
                payload[pos : pos + 4],
                struct.unpack("<I", payload[pos + 4 : pos + 8])[0],
            )
            items.append(
                MetadataItem(
                    f"{kind.upper()}:INFO",
                    bytes_text(sub_id),
                    bytes_text(payload[pos + 8 : pos + 8 + size]),
                )
            )
            pos += 8 + size + (size & 1)
        return items
    if chunk_id in (b"NAME", b"AUTH", b"(c) ", b"ANNO"):
        return [MetadataItem(label, "Text", bytes_text(payload))]
    return [MetadataItem(label, "Chunk", f"<{len(payload)} bytes>")]


# The chunks that hold the sound and say how to play it: verify compares them.
SOUND = (b"data", b"SSND", b"fmt ", b"COMM")


class WaveFile(ParsedFile):
    """One walk over the top-level chunks lists what goes and picks what stays."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self._items: list[MetadataItem] = []
        self.kept: list[tuple[int, int]] = []  # (start, end) of the chunks copied as they are
        self.sound: list[tuple[int, int]] = []
        for chunk_id, start, payload, end in _chunks(data, kind):
            if chunk_id in KEPT[kind]:
                self.kept.append((start, end))
            elif chunk_id in (b"LIST", b"NAME", b"AUTH", b"(c) ", b"ANNO"):
                self._items.extend(_describe(kind, chunk_id, data[payload:end]))
            else:  # not read: a large removed chunk is never brought into memory
                label = f"{kind.upper()}:{bytes_text(chunk_id).strip()}"
                self._items.append(MetadataItem(label, "Chunk", f"<{end - payload} bytes>"))
            if chunk_id in SOUND:
                self.sound.append((start, end))

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def clean(self) -> CleanResult:
        data = self.data
        body = 4 + sum(end - start for start, end in self.kept)
        size = struct.pack("<I" if self.kind == "wav" else ">I", body)
        header = bytes(data[:4]) + size + bytes(data[8:12])
        plan = source.Plan([header, *(source.Copy(start, end) for start, end in self.kept)])
        return self.planned(plan, [])

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, WaveFile):
            raise VerificationError(f"the cleaned file is not a {self.kind.upper()} file")
        # Chunks move (those before them are dropped): all of the sound is read back, in
        # bounded chunks when the files are mapped.
        if [b - a for a, b in self.sound] != [d - c for c, d in cleaned.sound] or not (
            source.same_pairs(
                self.data,
                cleaned.data,
                ((a, c, b - a) for (a, b), (c, _) in zip(self.sound, cleaned.sound, strict=True)),
            )
        ):
            raise VerificationError("audio data changed during cleaning")


class WaveCleaner(Cleaner):
    name = "wave"
    kinds = catalog.kinds_of("wave")
    streams = True

    def open(self, data: bytes, kind: str, context: Context) -> WaveFile:
        return WaveFile(data, kind, context)
