"""FLAC: Vorbis comments, pictures, padding and application blocks out; frames untouched."""

from __future__ import annotations

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats.values import bytes_text, short_text
from sanitize.report import MetadataItem

KEPT_BLOCKS = {0: "STREAMINFO", 3: "SEEKTABLE", 5: "CUESHEET"}
BLOCK_NAMES = {1: "PADDING", 2: "APPLICATION", 4: "VORBIS_COMMENT", 6: "PICTURE"}


def _blocks(data: bytes) -> tuple[int, list[tuple[int, int, int]], int]:
    """(start of 'fLaC', [(type, start, end)], start of audio frames)."""
    start = 0
    if data.startswith(b"ID3"):  # some encoders put an ID3v2 tag first
        start = 10 + int.from_bytes(bytes(b & 0x7F for b in data[6:10]), "big")
    if data[start : start + 4] != b"fLaC":
        raise CorruptFileError("not a FLAC stream")
    pos = start + 4
    found: list[tuple[int, int, int]] = []
    while True:
        if pos + 4 > len(data) or len(found) > 10_000:
            raise (CorruptFileError if pos + 4 > len(data) else LimitExceededError)(
                "broken FLAC metadata"
            )
        header, length = data[pos], int.from_bytes(data[pos + 1 : pos + 4], "big")
        end = pos + 4 + length
        if end > len(data):
            raise CorruptFileError("truncated FLAC metadata block")
        found.append((header & 0x7F, pos, end))
        pos = end
        if header & 0x80:
            return start, found, pos


def _comments(payload: bytes) -> list[MetadataItem]:
    items: list[MetadataItem] = []
    vendor = int.from_bytes(payload[:4], "little")
    pos = 4 + vendor
    count = int.from_bytes(payload[pos : pos + 4], "little")
    pos += 4
    for _ in range(min(count, 10_000)):
        size = int.from_bytes(payload[pos : pos + 4], "little")
        entry = payload[pos + 4 : pos + 4 + size].decode("utf-8", "replace")
        pos += 4 + size
        key, _, value = entry.partition("=")
        items.append(MetadataItem("FLAC:VorbisComment", key, short_text(value)))
    return items


class FlacFile(ParsedFile):
    """One walk over the metadata blocks lists what goes and picks the blocks that stay."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        start, blocks, self.audio = _blocks(data)
        self._items = [MetadataItem("ID3v2", "Tag", f"<{start} bytes>")] if start else []
        self.kept: list[tuple[int, int, int]] = []  # (type, start, end) of the blocks kept
        for type_, block_start, end in blocks:
            if type_ in KEPT_BLOCKS:
                self.kept.append((type_, block_start, end))
                continue
            payload = data[block_start + 4 : end]
            if type_ == 4:
                self._items.extend(_comments(payload))
            elif type_ == 1 and not payload.strip(b"\x00"):
                self._items.append(MetadataItem("FLAC", "Padding", f"<{len(payload)} bytes>"))
            else:
                name = BLOCK_NAMES.get(type_, f"Block{type_}")
                self._items.append(
                    MetadataItem(
                        "FLAC",
                        name,
                        f"<{len(payload)} bytes>" if type_ != 2 else bytes_text(payload[:4]),
                    )
                )
        self.id3v1 = data[-128:-125] == b"TAG"
        if self.id3v1:
            self._items.append(MetadataItem("ID3v1", "Tag", "<128 bytes>"))

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def clean(self) -> CleanResult:
        # Raised here, not when opening: such a stream can still be listed.
        if not self.kept or self.kept[0][0] != 0:
            raise CorruptFileError("FLAC stream has no STREAMINFO block first")
        data = self.data
        parts = [b"fLaC"]
        for index, (type_, start, end) in enumerate(self.kept):
            last = 0x80 if index == len(self.kept) - 1 else 0
            parts.append(bytes([type_ | last]) + data[start + 1 : end])
        tail = len(data) - 128 if self.id3v1 else len(data)
        parts.append(data[self.audio : tail])
        return CleanResult(b"".join(parts))

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, FlacFile):
            raise VerificationError("the cleaned file is not a FLAC stream")
        frames = memoryview(cleaned.data)[cleaned.audio :]
        if memoryview(self.data)[self.audio : self.audio + len(frames)] != frames:
            raise VerificationError("FLAC audio frames changed during cleaning")


class FlacCleaner(Cleaner):
    name = "flac"
    kinds = catalog.kinds_of("flac")

    def open(self, data: bytes, kind: str, context: Context) -> FlacFile:
        return FlacFile(data, kind, context)
