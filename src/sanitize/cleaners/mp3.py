"""MP3: ID3v1, ID3v2 and APEv2 tags (with cover art) out; the audio frames are untouched."""

from __future__ import annotations

import io

from sanitize.cleaners.base import CleanResult, MutagenCleaner
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.values import short_text
from sanitize.options import Options
from sanitize.report import MetadataItem


def _tags(data: bytes) -> list[MetadataItem]:
    import mutagen.apev2
    import mutagen.id3

    items: list[MetadataItem] = []
    try:
        id3 = mutagen.id3.ID3(io.BytesIO(data))
    except mutagen.id3.ID3NoHeaderError:
        id3 = None
    except mutagen.MutagenError as exc:
        raise CorruptFileError(f"unreadable ID3 tag: {exc}") from exc
    for frame in id3.values() if id3 else []:
        items.append(MetadataItem("ID3v2", frame.FrameID, short_text(frame.pprint())))
    try:
        ape = mutagen.apev2.APEv2(io.BytesIO(data))
        items.extend(
            MetadataItem("APEv2", key, short_text(str(value))) for key, value in ape.items()
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


class Mp3Cleaner(MutagenCleaner):
    name = "mp3"
    kinds = frozenset({"mp3"})

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        return _tags(data)

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
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
        return CleanResult(cleaned)

    def verify(self, original: bytes, cleaned: bytes, kind: str, options: Options) -> None:
        # Only tags at either end are cut: the audio is one untouched run of the original.
        if not cleaned or cleaned not in original:
            raise VerificationError("MP3 audio frames changed during cleaning")
