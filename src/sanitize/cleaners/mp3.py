"""MP3 (and AAC in ADTS framing): ID3v2, ID3v1, APEv2 and Lyrics3 tags out; the audio frames
are kept byte for byte, the Xing/LAME info frame included (players read gapless data and the
length of VBR files from it).

The tags are found by their own structures (sanitize.formats.audio_tags) and the audio by
its frames (sanitize.formats.mpeg_audio), as a decoder finds it: an ID3v2 tag whose header
declares more bytes than follow ends where the audio really starts, not at the end of the
file. mutagen reads the fields of each tag from the exact bytes found.
"""

from __future__ import annotations

import functools

from sanitize import catalog, source
from sanitize.cleaners.base import CleanResult, MutagenCleaner, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats import mpeg_audio
from sanitize.formats.audio_tags import MAX_TAGS, Tag, id3v2_header, tag_items, trailing_tags
from sanitize.report import MetadataItem


def leading_tags(data: bytes) -> list[Tag]:
    """The ID3v2 tags at the start, each ending where the next tag or the audio begins.

    A declared size is believed when the audio (or another tag, or the end of the file)
    follows it. Otherwise (a size longer than the file, or junk after the tag), the tag
    runs to the first position where a decoder would find audio: reading the declared
    size would take the whole song for a tag, and cutting it would leave nothing.
    """
    found: list[Tag] = []
    pos = 0
    while (size := id3v2_header(data, pos)) is not None:
        if len(found) >= MAX_TAGS:
            raise LimitExceededError("too many ID3v2 tags")
        end = pos + size
        believed = end <= len(data) and (
            end == len(data)
            or id3v2_header(data, end) is not None
            or mpeg_audio.sync_at(data, end, len(data))
        )
        if not believed:
            # Search after the declared end when it is in the file (junk or a size too
            # short), else right after the header (a size longer than the file).
            sync = mpeg_audio.find_sync(data, end if end <= len(data) else pos + 10, len(data))
            end = min(end, len(data)) if sync is None else sync
        found.append(Tag("ID3v2", pos, end))
        pos = end
    return found


class Mp3File(ParsedFile):
    """One walk finds the tags at both ends; the frames between them are counted when
    cleaning needs them (listing a long MP3 reads only its ends)."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self.tags = leading_tags(data)
        self.audio_start = self.tags[-1].end if self.tags else 0
        after = trailing_tags(data, self.audio_start, len(data))
        self.audio_end = after[-1].start if after else len(data)
        self.tags.extend(reversed(after))
        self._items = [item for tag in self.tags for item in tag_items(data, tag)]

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    @functools.cached_property
    def stream(self) -> mpeg_audio.Stream:
        return mpeg_audio.stream(self.data, self.audio_start, self.audio_end)

    def clean(self) -> CleanResult:
        # Raised here, not when opening: the tags of such a file can still be listed.
        if not self.stream.frames:
            raise CorruptFileError("no MPEG audio frames found")
        notes = [f"removed {len(self.tags)} tag(s)"] if self.tags else []
        return self.planned(source.Plan([source.Copy(self.audio_start, self.audio_end)]), notes)

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, Mp3File):
            raise VerificationError("the cleaned file is not an MP3 file")
        # What a person hears: as many frames and decoded samples, at the same rate.
        if cleaned.stream != self.stream:
            raise VerificationError(
                f"MP3 audio changed during cleaning ({self.stream.frames} frames, "
                f"{self.stream.duration:.2f} s before; {cleaned.stream.frames} frames, "
                f"{cleaned.stream.duration:.2f} s after)"
            )
        # And the very bytes: only the tags around the audio were cut.
        size = self.audio_end - self.audio_start
        if cleaned.audio_end - cleaned.audio_start != size or not source.same_pairs(
            self.data, cleaned.data, [(self.audio_start, cleaned.audio_start, size)]
        ):
            raise VerificationError("MP3 audio frames changed during cleaning")


class Mp3Cleaner(MutagenCleaner):
    name = "mp3"
    kinds = catalog.kinds_of("mp3")
    version = "2"
    streams = True

    def open(self, data: bytes, kind: str, context: Context) -> Mp3File:
        return Mp3File(data, kind, context)
