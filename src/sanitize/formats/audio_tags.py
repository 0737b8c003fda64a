"""Find the tags that taggers put before and after raw audio (MP3, AAC, FLAC).

ID3v2 goes first (and, with a footer, sometimes last); ID3v1, APEv2 and Lyrics3 tags go
last, stacked in whatever order the taggers that wrote them ran. Only their places are found
here; their fields are read by mutagen from the exact bytes found.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from sanitize.errors import LimitExceededError
from sanitize.formats.values import bytes_text, short_text
from sanitize.report import MetadataItem

# Lyrics3 v1 has no size: its text is at most 5100 bytes.
_LYRICS3_V1_MAX = 5100 + 11 + 9
MAX_TAGS = 1000
# ID3v1 fields: (name, offset after "TAG", length).
_ID3V1_FIELDS = (
    ("Title", 3, 30),
    ("Artist", 33, 30),
    ("Album", 63, 30),
    ("Year", 93, 4),
    ("Comment", 97, 28),
)


@dataclass(frozen=True)
class Tag:
    kind: str  # "ID3v2", "ID3v1", "ID3v1.2" (extended TAG+), "APEv2", "Lyrics3"
    start: int
    end: int


def _syncsafe(raw: bytes | bytearray) -> int:
    return (raw[0] << 21) | (raw[1] << 14) | (raw[2] << 7) | raw[3]


def id3v2_header(data: bytes | bytearray, pos: int) -> int | None:
    """The declared size (header and footer included) of an ID3v2 tag at ``pos``."""
    head = data[pos : pos + 10]
    if (
        len(head) < 10
        or head[:3] != b"ID3"
        or head[3] not in (2, 3, 4)
        or head[4] == 0xFF
        or any(b & 0x80 for b in head[6:10])
    ):
        return None
    footer = 10 if head[3] == 4 and head[5] & 0x10 else 0
    return 10 + _syncsafe(head[6:10]) + footer


def trailing_tags(data: bytes | bytearray, start: int, end: int) -> list[Tag]:
    """The tags at the end of ``data[start:end]``, last first, peeled off one by one."""
    found: list[Tag] = []
    while end > start:
        if len(found) >= MAX_TAGS:
            raise LimitExceededError("too many tags at the end of the file")
        tag = _last_tag(data, start, end)
        if tag is None:
            break
        found.append(tag)
        end = tag.start
    return found


def _last_tag(data: bytes | bytearray, start: int, end: int) -> Tag | None:
    if end - start >= 128 and data[end - 128 : end - 125] == b"TAG":
        # An extended ID3v1 tag ("TAG+", 227 bytes) may sit right before the classic one.
        if end - start >= 355 and data[end - 355 : end - 351] == b"TAG+":
            return Tag("ID3v1", end - 355, end)
        return Tag("ID3v1", end - 128, end)
    if end - start >= 32 and data[end - 32 : end - 24] == b"APETAGEX":
        size = int.from_bytes(data[end - 20 : end - 16], "little")  # items and footer
        flags = int.from_bytes(data[end - 12 : end - 8], "little")
        tag_start = end - size - (32 if flags & 0x80000000 else 0)
        if size >= 32 and tag_start >= start:
            return Tag("APEv2", tag_start, end)
    if end - start >= 15 and data[end - 9 : end] == b"LYRICS200":
        digits = bytes(data[end - 15 : end - 9])
        if digits.isdigit():
            tag_start = end - 15 - int(digits)
            if tag_start >= start and data[tag_start : tag_start + 11] == b"LYRICSBEGIN":
                return Tag("Lyrics3", tag_start, end)
    if end - start >= 20 and data[end - 9 : end] == b"LYRICSEND":
        begin = data.rfind(b"LYRICSBEGIN", max(start, end - _LYRICS3_V1_MAX), end - 9)
        if begin >= 0:
            return Tag("Lyrics3", begin, end)
    if end - start >= 20 and data[end - 10 : end - 7] == b"3DI":
        # An ID3v2.4 tag with a footer, appended after the audio.
        footer = id3v2_header(b"ID3" + bytes(data[end - 7 : end]), 0)
        tag_start = end - footer if footer is not None else -1
        if tag_start >= start and data[tag_start : tag_start + 3] == b"ID3":
            return Tag("ID3v2", tag_start, end)
    return None


def tag_items(data: bytes, tag: Tag) -> list[MetadataItem]:
    """The fields of one tag, read from its own bytes."""
    payload = data[tag.start : tag.end]
    fallback = [MetadataItem(tag.kind, "Tag", f"<{len(payload)} bytes>")]
    if tag.kind == "ID3v1":
        classic = payload[-128:]
        fields = [
            MetadataItem("ID3v1", name, bytes_text(raw))
            for name, offset, length in _ID3V1_FIELDS
            if (raw := classic[offset : offset + length].rstrip(b"\x00 "))
        ]
        return fields or fallback
    if tag.kind == "Lyrics3":
        return [MetadataItem("Lyrics3", "Lyrics", short_text(bytes_text(payload[11:-9])))]
    import mutagen
    import mutagen.apev2
    import mutagen.id3

    from sanitize.context import PARSE_ERRORS

    try:
        if tag.kind == "APEv2":
            ape = mutagen.apev2.APEv2(io.BytesIO(payload))  # type: ignore[no-untyped-call]
            pairs = [(k, str(v)) for k, v in ape.items()]  # type: ignore[no-untyped-call]
        else:
            id3 = mutagen.id3.ID3(io.BytesIO(payload))  # type: ignore[no-untyped-call]
            pairs = [(f.FrameID, f.pprint()) for f in id3.values()]  # type: ignore[no-untyped-call]
    except (mutagen.MutagenError, *PARSE_ERRORS):  # type: ignore[misc]
        # A tag cut short or damaged: it is removed whole all the same.
        return fallback
    return [MetadataItem(tag.kind, key, short_text(value)) for key, value in pairs] or fallback
