"""Ogg Vorbis, Opus, FLAC and Speex: comments and embedded cover art out, packets untouched.

mutagen rewrites the comment packet and re-pages the headers; audio packets are copied.
"""

from __future__ import annotations

import io

from sanitize.cleaners.base import CleanResult, MutagenCleaner
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.values import short_text
from sanitize.options import Options
from sanitize.report import MetadataItem


def _open(data: bytes):  # type: ignore[no-untyped-def]
    import mutagen

    try:
        found = mutagen.File(io.BytesIO(data))
    except mutagen.MutagenError as exc:
        raise CorruptFileError(f"unreadable Ogg stream: {exc}") from exc
    if found is None:
        raise CorruptFileError("Ogg stream of an unknown codec")
    return found


def _packets(data: bytes) -> list[bytes]:
    """Audio packets after the header packets (2 for Opus, 3 for Vorbis)."""
    from mutagen.ogg import OggPage

    buffer, pages = io.BytesIO(data), []
    try:
        while buffer.tell() < len(data):
            pages.append(OggPage(buffer))
    except Exception as exc:  # mutagen raises its own error or struct errors on junk
        raise CorruptFileError(f"broken Ogg page: {exc}") from exc
    return OggPage.to_packets(pages) if pages else []


class OggCleaner(MutagenCleaner):
    name = "ogg"
    kinds = frozenset({"ogg"})

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        audio = _open(data)
        # The encoder's vendor string is kept: it names software, and decoders expect it.
        return [
            MetadataItem("Ogg:Comment", key, short_text(str(value)))
            for key, value in (list(audio.tags) if audio.tags else [])
        ]

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        audio = _open(data)
        buffer = io.BytesIO(data)
        try:
            audio.delete(buffer)
        except Exception as exc:
            raise CorruptFileError(f"cannot rewrite Ogg comments: {exc}") from exc
        return CleanResult(buffer.getvalue())

    def verify(self, original: bytes, cleaned: bytes, kind: str, options: Options) -> None:
        before, after = _packets(original), _packets(cleaned)
        # The comment header is the second packet; everything else must be identical.
        if len(before) != len(after) or before[:1] != after[:1] or before[2:] != after[2:]:
            raise VerificationError("Ogg audio packets changed during cleaning")
