"""MP3: ID3v1, ID3v2 and APEv2 tags (with cover art) out; the audio frames are untouched."""

from __future__ import annotations

import io

from sanitize import catalog
from sanitize.cleaners.base import CleanResult, MutagenCleaner, ParsedFile
from sanitize.context import PARSE_ERRORS, Context
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.values import short_text
from sanitize.report import MetadataItem

# What cutting the tags may raise on a broken file, held back until ``clean``.
CUT_ERRORS: tuple[type[BaseException], ...] = (CorruptFileError, *PARSE_ERRORS)


def _tags(data: bytes) -> list[MetadataItem]:
    import mutagen.apev2
    import mutagen.id3

    items: list[MetadataItem] = []
    try:
        id3 = mutagen.id3.ID3(io.BytesIO(data))  # type: ignore[no-untyped-call]
    except mutagen.id3.ID3NoHeaderError:
        id3 = None
    except mutagen.MutagenError as exc:
        raise CorruptFileError(f"unreadable ID3 tag: {exc}") from exc
    for frame in id3.values() if id3 else []:  # type: ignore[no-untyped-call]
        items.append(MetadataItem("ID3v2", frame.FrameID, short_text(frame.pprint())))
    try:
        ape = mutagen.apev2.APEv2(io.BytesIO(data))  # type: ignore[no-untyped-call]
        items.extend(
            MetadataItem("APEv2", key, short_text(str(value)))
            for key, value in ape.items()  # type: ignore[no-untyped-call]
        )
    except mutagen.apev2.APENoHeaderError:
        pass
    except mutagen.MutagenError as exc:
        raise CorruptFileError(f"unreadable APE tag: {exc}") from exc
    if data[-128:-125] == b"TAG":
        fields = data[-125:-95].rstrip(b"\x00 ").decode("latin-1")
        items.append(MetadataItem("ID3v1", "Title", fields or "<empty>"))
    if data.startswith(b"ID3") and not items:
        items.append(MetadataItem("ID3v2", "Tag", "empty tag"))
    return items


def _untagged(data: bytes) -> bytes:
    """``data`` without its tags, cut by mutagen's own tag finders."""
    import mutagen.apev2
    import mutagen.id3

    buffer = io.BytesIO(data)
    try:
        mutagen.apev2.delete(buffer)  # before ID3v1, which may follow the APE tag
        mutagen.id3.delete(buffer, delete_v1=True, delete_v2=True)
    except mutagen.MutagenError as exc:
        raise CorruptFileError(f"cannot remove MP3 tags: {exc}") from exc
    cleaned = buffer.getvalue()
    while cleaned.startswith(b"ID3"):  # a second, stacked ID3v2 tag
        size = int.from_bytes(bytes(b & 0x7F for b in cleaned[6:10]), "big")
        cleaned = cleaned[10 + size + (10 if cleaned[5] & 0x10 else 0) :]
    return cleaned


class Mp3File(ParsedFile):
    """The tags read and the tags cut, both when the file is opened.

    mutagen reads the tags and finds them again to cut them: two passes of one library over
    the same bytes, done together here so that what is listed and what is cut come from one
    opening of the file.
    """

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self._items = _tags(data)
        # Tags that can be listed but not cut fail ``clean`` only, as they always did:
        # ``show`` still lists them. The error is raised again, as it was, by ``clean``.
        self._cleaned: bytes | BaseException
        try:
            self._cleaned = _untagged(data)
        except CUT_ERRORS as exc:
            self._cleaned = exc

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def clean(self) -> CleanResult:
        if isinstance(self._cleaned, BaseException):
            raise self._cleaned
        return CleanResult(self._cleaned)

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, Mp3File):
            raise VerificationError("the cleaned file is not an MP3 file")
        # Only tags at either end are cut: the audio is one untouched run of the original.
        if not cleaned.data or cleaned.data not in self.data:
            raise VerificationError("MP3 audio frames changed during cleaning")


class Mp3Cleaner(MutagenCleaner):
    name = "mp3"
    kinds = catalog.kinds_of("mp3")

    def open(self, data: bytes, kind: str, context: Context) -> Mp3File:
        return Mp3File(data, kind, context)
