"""FLAC: Vorbis comments, pictures, padding and application blocks out; frames untouched.

A large FLAC is handed over as a memory map (see sanitize.source): only the metadata blocks
at its start and the tags at its end are read, and the cleaned copy is a plan whose audio
frames are one range the kernel copies.
"""

from __future__ import annotations

from sanitize import catalog, source
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats.audio_tags import Tag, id3v2_header, tag_items, trailing_tags
from sanitize.formats.values import bytes_text, short_text
from sanitize.report import MetadataItem

KEPT_BLOCKS = {0: "STREAMINFO", 3: "SEEKTABLE", 5: "CUESHEET"}
BLOCK_NAMES = {1: "PADDING", 2: "APPLICATION", 4: "VORBIS_COMMENT", 6: "PICTURE"}


def _picture_length(data: bytes, start: int) -> int | None:
    """The length a PICTURE block's own fields add up to, or None if they do not fit.

    Its fields say how long the MIME type, the description and the image are, so a reader
    that walks them (as FLAC readers do) needs no block size: some taggers wrote a wrong
    one, and the next block is where the fields end.
    """
    pos = start + 4  # picture type
    for _ in range(2):  # MIME type, then description: a 32-bit length and the bytes
        if pos + 4 > len(data):
            return None
        pos += 4 + int.from_bytes(data[pos : pos + 4], "big")
    pos += 16  # width, height, depth, colours
    if pos + 4 > len(data):
        return None
    pos += 4 + int.from_bytes(data[pos : pos + 4], "big")
    return pos - start if pos <= len(data) else None


def _chain_ends(data: bytes, pos: int) -> bool:
    """Whether metadata blocks starting at ``pos`` lead, size after size, to the last one
    and then to an audio frame (sync code 0xFFF8 or 0xFFF9) or the end of the file."""
    for _ in range(10_000):
        if pos + 4 > len(data):
            return False
        header, length = data[pos], int.from_bytes(data[pos + 1 : pos + 4], "big")
        if header & 0x7F in (0, 127):  # a second STREAMINFO, or the invalid type
            return False
        pos += 4 + length
        if header & 0x80:
            return pos == len(data) or data[pos : pos + 2] in (b"\xff\xf8", b"\xff\xf9")
    return False


def _block_end(data: bytes, type_: int, pos: int, length: int, last: bool) -> int:
    """Where a block really ends: its declared size, unless that leads nowhere and the
    fields of a PICTURE block lead to the next block."""
    end = pos + 4 + length
    if type_ != 6:
        return end
    declared_ok = (
        end == len(data) or data[end : end + 2] in (b"\xff\xf8", b"\xff\xf9")
        if last
        else _chain_ends(data, end)
    )
    if declared_ok:
        return end
    real = _picture_length(data, pos + 4)
    if real is None or real == length:
        return end
    fixed = pos + 4 + real
    fits = (
        data[fixed : fixed + 2] in (b"\xff\xf8", b"\xff\xf9") if last else _chain_ends(data, fixed)
    )
    return fixed if fits else end


def _blocks(data: bytes) -> tuple[int, list[tuple[int, int, int]], int]:
    """(start of 'fLaC', [(type, start, end)], start of audio frames)."""
    start = 0
    if data[:3] == b"ID3":  # some taggers put an ID3v2 tag first (a map has no startswith)
        start = id3v2_header(data, 0) or 0
        if data[start : start + 4] != b"fLaC":  # a size that does not lead to the stream
            start = data.find(b"fLaC", 10, 10 + (1 << 24))
    if start < 0 or data[start : start + 4] != b"fLaC":
        raise CorruptFileError("not a FLAC stream")
    pos = start + 4
    found: list[tuple[int, int, int]] = []
    while True:
        if pos + 4 > len(data) or len(found) > 10_000:
            raise (CorruptFileError if pos + 4 > len(data) else LimitExceededError)(
                "broken FLAC metadata"
            )
        header, length = data[pos], int.from_bytes(data[pos + 1 : pos + 4], "big")
        end = _block_end(data, header & 0x7F, pos, length, bool(header & 0x80))
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


def _block_items(data: bytes, type_: int, start: int, end: int) -> list[MetadataItem]:
    """What a removed block holds. Only comments are read whole: a picture (up to 16 MiB)
    is only measured, and padding is checked for zeros in bounded reads."""
    size = f"<{end - start} bytes>"
    if type_ == 4:
        return _comments(source.read(data, start, end))
    if type_ == 1 and source.is_zero(data, start, end):
        return [MetadataItem("FLAC", "Padding", size)]
    name = BLOCK_NAMES.get(type_, f"Block{type_}")
    value = size if type_ != 2 else bytes_text(data[start : min(start + 4, end)])
    return [MetadataItem("FLAC", name, value)]


class FlacFile(ParsedFile):
    """One walk over the metadata blocks lists what goes and picks the blocks that stay."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        start, blocks, self.audio = _blocks(data)
        # An ID3v2 tag before the stream and ID3v1/APEv2 tags after it: taggers made for
        # MP3 put them there, and FLAC readers skip them.
        self._items = tag_items(data, Tag("ID3v2", 0, start)) if start else []
        after = trailing_tags(data, self.audio, len(data))
        self.audio_end = after[-1].start if after else len(data)
        self.kept: list[tuple[int, int, int]] = []  # (type, start, end) of the blocks kept
        for type_, block_start, end in blocks:
            if type_ in KEPT_BLOCKS:
                self.kept.append((type_, block_start, end))
                continue
            self._items.extend(_block_items(data, type_, block_start + 4, end))
        for tag in reversed(after):
            self._items.extend(tag_items(data, tag))

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def clean(self) -> CleanResult:
        # Raised here, not when opening: such a stream can still be listed.
        if not self.kept or self.kept[0][0] != 0:
            raise CorruptFileError("FLAC stream has no STREAMINFO block first")
        # Each kept block's header byte is written again (the last one says it is last);
        # its size and body, and the frames, are ranges of the original.
        segments: list[source.Segment] = [b"fLaC"]
        for index, (type_, start, end) in enumerate(self.kept):
            last = 0x80 if index == len(self.kept) - 1 else 0
            segments += [bytes([type_ | last]), source.Copy(start + 1, end)]
        segments.append(source.Copy(self.audio, self.audio_end))
        return self.planned(source.Plan(segments), [])

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, FlacFile):
            raise VerificationError("the cleaned file is not a FLAC stream")
        # What a person hears: the same stream description (sample rate, channels, total
        # samples, so the duration) and the same frames, byte for byte and to the last one.
        if self.streaminfo() != cleaned.streaminfo():
            raise VerificationError("FLAC stream description changed during cleaning")
        # Read in bounded chunks (pread when mapped): the frames are most of the file.
        size = self.audio_end - self.audio
        if cleaned.audio_end - cleaned.audio != size or not source.same_pairs(
            self.data, cleaned.data, [(self.audio, cleaned.audio, size)]
        ):
            raise VerificationError("FLAC audio frames changed during cleaning")

    def streaminfo(self) -> bytes:
        found = [(start, end) for type_, start, end in self.kept if type_ == 0]
        return bytes(self.data[found[0][0] + 4 : found[0][1]]) if found else b""


class FlacCleaner(Cleaner):
    name = "flac"
    kinds = catalog.kinds_of("flac")
    version = "2"
    streams = True

    def open(self, data: bytes, kind: str, context: Context) -> FlacFile:
        return FlacFile(data, kind, context)
