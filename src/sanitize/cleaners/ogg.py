"""Ogg Vorbis, Opus, FLAC and Speex: comments and embedded cover art out, packets untouched.

mutagen rewrites the comment packet and re-pages the headers; audio packets are copied.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from sanitize import catalog
from sanitize.cleaners.base import CleanResult, MutagenCleaner, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.values import short_text
from sanitize.report import MetadataItem

if TYPE_CHECKING:
    from mutagen import FileType


def _open(data: bytes) -> FileType:
    import mutagen

    try:
        found: FileType | None = mutagen.File(io.BytesIO(data))
    except mutagen.MutagenError as exc:
        raise CorruptFileError(f"unreadable Ogg stream: {exc}") from exc
    if found is None:
        raise CorruptFileError("Ogg stream of an unknown codec")
    return found


def pages_end(data: bytes) -> int:
    """Where the last complete Ogg page ends: what follows is a last page cut short (a
    recording or a download that stopped) or bytes that are not pages at all."""
    pos = 0
    while pos + 27 <= len(data) and data[pos : pos + 4] == b"OggS":
        segments = data[pos + 26]
        if pos + 27 + segments > len(data):
            break
        end = pos + 27 + segments + sum(data[pos + 27 : pos + 27 + segments])
        if end > len(data):
            break
        pos = end
    return pos


def _packets(data: bytes) -> list[bytes]:
    """Audio packets after the header packets (2 for Opus, 3 for Vorbis)."""
    from mutagen.ogg import OggPage

    buffer, pages = io.BytesIO(data), []
    try:
        while buffer.tell() < len(data):
            pages.append(OggPage(buffer))  # type: ignore[no-untyped-call]
    except Exception as exc:  # mutagen raises its own error or struct errors on junk
        raise CorruptFileError(f"broken Ogg page: {exc}") from exc
    return OggPage.to_packets(pages) if pages else []  # type: ignore[no-untyped-call]


def _uncommented(audio: FileType, data: bytes) -> bytes:
    """``data`` as mutagen writes it back with no comments."""
    buffer = io.BytesIO(data)
    try:
        audio.delete(buffer)
    except Exception as exc:  # mutagen raises its own error or struct errors on junk
        raise CorruptFileError(f"cannot rewrite Ogg comments: {exc}") from exc
    return buffer.getvalue()


class OggFile(ParsedFile):
    """The comments, read by mutagen when the file is opened, and the file without them,
    written by mutagen from that same opened stream."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        # mutagen reads and writes whole pages only. A last page cut short is audio that
        # decoders drop (its checksum fails): it is kept as it is, after the rewritten
        # pages. Other bytes after the pages (a tag some taggers append) are removed.
        self.end = pages_end(data)
        tail = data[self.end :]
        self.kept_tail = tail if tail.startswith(b"OggS") else b""
        pages = data[: self.end] if tail else data
        audio = _open(pages)
        # The encoder's vendor string is kept: it names software, and decoders expect it.
        comments: list[tuple[str, object]] = list(audio.tags) if audio.tags else []
        self._items = [
            MetadataItem("Ogg:Comment", key, short_text(str(value))) for key, value in comments
        ]
        if tail and not self.kept_tail:
            self._items.append(MetadataItem("Trailer", "DataAfterLastPage", f"<{len(tail)} bytes>"))
        # Comments that can be listed but not rewritten fail ``clean`` only, as they always
        # did: ``show`` still lists them.
        self._cleaned: bytes | CorruptFileError
        try:
            self._cleaned = _uncommented(audio, pages) + self.kept_tail
        except CorruptFileError as exc:
            self._cleaned = exc

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def clean(self) -> CleanResult:
        if isinstance(self._cleaned, CorruptFileError):
            raise self._cleaned
        return CleanResult(self._cleaned)

    def packets(self) -> list[bytes]:
        """The stream's packets, read page by page (only verify needs them)."""
        return _packets(self.data[: self.end])

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, OggFile):
            raise VerificationError("the cleaned file is not an Ogg stream")
        before, after = self.packets(), cleaned.packets()
        # The comment header is the second packet; everything else must be identical.
        if len(before) != len(after) or before[:1] != after[:1] or before[2:] != after[2:]:
            raise VerificationError("Ogg audio packets changed during cleaning")
        if self.kept_tail != cleaned.kept_tail:
            raise VerificationError("the last Ogg page, cut short, changed during cleaning")


class OggCleaner(MutagenCleaner):
    name = "ogg"
    kinds = catalog.kinds_of("ogg")
    version = "2"

    def open(self, data: bytes, kind: str, context: Context) -> OggFile:
        return OggFile(data, kind, context)
