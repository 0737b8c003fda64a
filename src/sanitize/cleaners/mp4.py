"""MP4, MOV, M4V, M4A (ISO BMFF / QuickTime): location, device and dates out, no re-encoding.

Metadata boxes (udta, meta, XMP uuid, unknown top-level boxes) are overwritten in place by
``free`` boxes of the same size and their bytes zeroed, so no chunk offset moves and the
media data is left byte for byte as it was. Header times are zeroed and the titles of
chapter tracks blanked.
"""

from __future__ import annotations

import bisect
import struct

from sanitize import catalog, source
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats import quicktime as qt
from sanitize.formats.isobmff import Box, boxes
from sanitize.formats.values import bytes_text, short_text
from sanitize.formats.xmp import xmp_properties
from sanitize.report import MetadataItem

TOP_LEVEL_KEPT = {
    b"ftyp",
    b"moov",
    b"mdat",
    b"free",
    b"skip",
    b"wide",
    b"moof",
    b"mfra",
    b"sidx",
    b"styp",
    b"ssix",
    b"prft",
    b"emsg",
    b"pdin",
}
METADATA_BOXES = {b"udta", b"meta", b"uuid"}


def _is_removed(located: qt.Located) -> bool:
    box, path = located.box, located.path
    if not path:
        return box.type not in TOP_LEVEL_KEPT
    if box.type == b"uuid":
        return b"traf" not in path  # sample-encryption uuid boxes of fragments are kept
    return box.type in (b"udta", b"meta")


def _free_header(box: Box) -> bytes:
    """The header of a free box with the same layout and total size as ``box`` (its
    payload becomes zeros)."""
    size = box.end - box.start
    if box.header_size == 16:
        return struct.pack(">I4sQ", 1, b"free", size)
    return struct.pack(">I4s", size, b"free")


def _is_zeroed_free(data: bytes, box: Box) -> bool:
    return box.type in (b"free", b"skip") and source.is_zero(data, box.payload_start, box.end)


# Samples of a large movie read back and compared after cleaning, spread over the file
# (the others are copies of untouched ranges: identical by construction, see verify).
SPOT_CHECKS = 64


def _track_id(data: bytes, tkhd: Box) -> int:
    offset, width, _, _ = qt.header_times(data, tkhd)
    return int.from_bytes(data[offset + 2 * width : offset + 2 * width + 4], "big")


def _metadata_tracks(data: bytes, located: list[qt.Located]) -> list[Box]:
    """The stbl boxes of timed-metadata tracks (handler 'meta': per-frame location...)."""
    found: list[Box] = []
    for item in located:
        if item.box.type != b"trak":
            continue
        inner = list(qt.walk_from(data, item.box))
        hdlr = next((b for b in inner if b.type == b"hdlr"), None)
        stbl = next((b for b in inner if b.type == b"stbl"), None)
        if hdlr is not None and stbl is not None and qt.handler_type(data, hdlr) == b"meta":
            found.append(stbl)
    return found


def _blank_samples(data: bytes, stbl: Box, media: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Samples of a track that still hold something (in the media data only: a table that
    points into the movie header must not make cleaning write there)."""
    return [
        (o, s)
        for o, s in qt.sample_ranges(data, stbl)
        if qt.in_media(media, o, s) and data[o : o + s].strip(b"\x00")
    ]


def _tracks(data: bytes, located: list[qt.Located]) -> list[tuple[Box, bytes]]:
    """(stsd box, handler type) of every track."""
    found: list[tuple[Box, bytes]] = []
    for item in located:
        if item.box.type != b"trak":
            continue
        inner = list(qt.walk_from(data, item.box))
        hdlr = next((b for b in inner if b.type == b"hdlr"), None)
        stsd = next((b for b in inner if b.type == b"stsd"), None)
        if hdlr is not None and stsd is not None:
            found.append((stsd, qt.handler_type(data, hdlr)))
    return found


def _chapter_tracks(data: bytes, located: list[qt.Located]) -> list[Box]:
    """The stbl boxes of the tracks that other tracks name as chapter lists (tref/chap)."""
    chapter_ids: set[int] = set()
    stbl_by_id: dict[int, Box] = {}
    for item in located:
        if item.box.type != b"trak":
            continue
        children = {c.type: c for c in boxes(data, item.box.payload_start, item.box.end)}
        track_id = _track_id(data, children[b"tkhd"]) if b"tkhd" in children else 0
        for inner in qt.walk_from(data, item.box):
            if inner.type == b"stbl":
                stbl_by_id[track_id] = inner
        if b"tref" in children:
            for ref in boxes(data, children[b"tref"].payload_start, children[b"tref"].end):
                if ref.type == b"chap":
                    payload = data[ref.payload_start : ref.end]
                    chapter_ids.update(
                        struct.unpack(f">{len(payload) // 4}I", payload[: len(payload) // 4 * 4])
                    )
    return [stbl_by_id[i] for i in sorted(chapter_ids) if i in stbl_by_id]


def _chapter_titles(
    data: bytes, stbl: Box, media: list[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    titles: list[tuple[int, int, str]] = []
    for offset, size in qt.sample_ranges(data, stbl):
        if not qt.in_media(media, offset, size) or size < 2:
            continue
        length = int.from_bytes(data[offset : offset + 2], "big")
        text = data[offset + 2 : offset + 2 + min(length, size - 2)]
        if length or data[offset : offset + size].strip(b"\x00"):
            titles.append((offset, size, bytes_text(text)))
    return titles


def _describe(data: bytes, located: qt.Located) -> list[MetadataItem]:
    box, where = located.box, f"QuickTime:{located.where}"
    if box.type == b"udta":
        return [MetadataItem(where, k, v) for k, v in qt.user_data_items(data, box)]
    if box.type == b"meta":
        try:
            return [MetadataItem(where, k, v) for k, v in qt.meta_items(data, box)]
        except CorruptFileError:
            return [MetadataItem(where, "Metadata", f"<{box.end - box.start} bytes>")]
    if box.type == b"uuid" and data[box.payload_start : box.payload_start + 16] == qt.XMP_UUID:
        return [
            MetadataItem("XMP", f, v)
            for f, v in xmp_properties(data[box.payload_start + 16 : box.end])
        ]
    label = box.type.hex() if box.type == b"uuid" else bytes_text(box.type)
    return [MetadataItem(where, label, f"<{box.end - box.start} bytes>")]


# One change to the output, decided while walking the original: a box turned into a zero-filled
# ``free`` box of the same size, or a byte range zeroed. Replayed in order by ``clean``, so
# overlapping ranges in a hostile file end up exactly as they did when they were applied
# while walking.
Edit = Box | tuple[int, int]


class Mp4File(ParsedFile):
    """One walk over the boxes lists what goes and plans the in-place edits that remove it.

    The edits are applied to a copy only in ``clean``: listing a large movie copies nothing.
    """

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self.end = qt.movie_end(data)
        self.located = list(qt.walk(data, self.end))
        if not any(item.box.type == b"moov" for item in self.located):
            raise CorruptFileError("no movie header (moov box): truncated or not a movie")
        self.media = qt.media_ranges(self.located)
        self._items: list[MetadataItem] = []
        self._edits: list[Edit] = []
        self._samples: list[tuple[int, int, int]] | None = None
        removed = 0
        for stbl_item, handler in _tracks(data, self.located):
            self._writer_names(stbl_item, handler)
        for item in self.located:
            box, where = item.box, f"QuickTime:{item.where}"
            if _is_removed(item):
                self._items.extend(_describe(data, item) or [MetadataItem(where, "Box", "empty")])
                self._edits.append(box)
                removed += box.type != b"free"
            elif box.type in qt.TIMED_HEADERS:
                offset, width, created, modified = qt.header_times(data, box)
                if created:
                    self._items.append(MetadataItem(where, "CreateDate", qt.render_time(created)))
                if modified:
                    self._items.append(MetadataItem(where, "ModifyDate", qt.render_time(modified)))
                self._edits.append((offset, offset + 2 * width))
            elif box.type == b"hdlr" and b"trak" in item.path:
                self._handler(box, where)
            elif box.type in (b"free", b"skip") and not _is_zeroed_free(data, box):
                self._items.append(
                    MetadataItem(where, "LeftoverData", f"<{box.end - box.start} bytes>")
                )
                self._edits.append(box)
                removed += box.type != b"free"
        chapter_stbls = _chapter_tracks(data, self.located)
        chapters = 0
        for stbl in chapter_stbls:
            for offset, size, title in _chapter_titles(data, stbl, self.media):
                self._items.append(
                    MetadataItem("QuickTime:Chapters", "ChapterTitle", short_text(title))
                )
                self._edits.append((offset, offset + size))  # an empty title: length 0
                chapters += 1
        metadata_stbls = _metadata_tracks(data, self.located)
        timed = 0
        for stbl in metadata_stbls:
            samples = _blank_samples(data, stbl, self.media)
            if samples:
                self._items.append(
                    MetadataItem("QuickTime:TimedMetadata", "Samples", f"{len(samples)} sample(s)")
                )
            for offset, size in samples:
                self._edits.append((offset, offset + size))
                timed += 1
        # Tracks whose samples cleaning blanks on purpose: verify does not compare them.
        self.blanked = {stbl.start for stbl in chapter_stbls + metadata_stbls}
        self._notes = (
            [f"emptied {removed} metadata box(es) in place, without re-encoding"] if removed else []
        )
        if chapters:
            self._notes.append(f"blanked {chapters} chapter title(s)")
        if timed:
            self._notes.append(
                f"blanked {timed} timed-metadata sample(s) (such as per-frame location)"
            )
        if self.end < len(data):
            self._items.append(
                MetadataItem("Trailer", "DataAfterLastBox", f"<{len(data) - self.end} bytes>")
            )
            self._notes.append(f"removed {len(data) - self.end} bytes after the last box")

        absent = sum(
            not qt.in_media(self.media, offset, size) for offset, size, _ in self.samples()
        )
        if absent:
            self._notes.append(
                f"{absent} sample(s) are not in this file's media data (a movie cut short or "
                "stripped of its media): left as they were, not compared"
            )

    def _edit(self, start: int, stop: int, where: str, field: str, raw: bytes) -> None:
        """Zero ``data[start:stop]`` if it holds something, listing it as ``field``."""
        if raw.strip(b"\x00"):
            self._items.append(MetadataItem(where, field, bytes_text(raw)))
            self._edits.append((start, stop))

    def _handler(self, hdlr: Box, where: str) -> None:
        """A track's handler names the software that wrote it ("Core Media Video", vendor
        "appl"...): an empty name and no vendor, in the same bytes, so nothing moves."""
        start = hdlr.payload_start
        if hdlr.end - start < 24:
            return
        self._edit(
            start + 12, start + 16, where, "HandlerVendor", self.data[start + 12 : start + 16]
        )
        name = self.data[start + 24 : hdlr.end]
        # QuickTime writes a length byte first, MP4 a C string.
        shown = name[1 : 1 + name[0]] if name and 0 < name[0] < 32 else name
        if name.strip(b"\x00"):
            self._items.append(MetadataItem(where, "HandlerName", bytes_text(shown or name)))
            self._edits.append((start + 24, hdlr.end))

    def _writer_names(self, stsd: Box, handler: bytes) -> None:
        """The vendor code and the compressor name of sample descriptions name the software
        that wrote the track ("appl", "FFMP", "Lavc60 libx264"); decoders read neither."""
        if handler not in (b"vide", b"soun") or stsd.end - stsd.payload_start < 8:
            return
        where = "QuickTime:SampleDescription"
        for entry in boxes(self.data, stsd.payload_start + 8, stsd.end):
            if entry.end - entry.start >= 24:
                vendor = self.data[entry.start + 20 : entry.start + 24]
                self._edit(entry.start + 20, entry.start + 24, where, "Vendor", vendor)
            if handler == b"vide" and entry.end - entry.start >= 82:
                name = self.data[entry.start + 50 : entry.start + 82]
                shown = name[1 : 1 + name[0]] if 0 < name[0] < 32 else name
                if name.strip(b"\x00"):
                    self._items.append(
                        MetadataItem(where, "CompressorName", bytes_text(shown or name))
                    )
                    self._edits.append((entry.start + 50, entry.start + 82))

    def samples(self) -> list[tuple[int, int, int]]:
        """(offset, size, track) of the samples compared by verify: those of every track but
        the ones blanked on purpose, then those of the movie fragments (track -1)."""
        if self._samples is None:
            self._samples = self._find_samples()
        return self._samples

    def _find_samples(self) -> list[tuple[int, int, int]]:
        found = [
            (offset, size, index)
            for index, stbl in enumerate(self.sample_tables(self.blanked))
            for offset, size in qt.sample_ranges(self.data, stbl)
        ]
        for item in self.located:
            if item.box.type == b"moof":
                found.extend((o, s, -1) for o, s, _ in qt.fragment_samples(self.data, item.box))
        return found

    def playback(self) -> list[tuple[int, ...]]:
        """What a player shows of the movie's timing: time scales and durations of the movie
        and of each track, the samples and total duration their tables add up to, the
        sizes and durations of fragment samples."""
        found: list[tuple[int, ...]] = []
        for item in self.located:
            box = item.box
            if box.type in (b"mvhd", b"mdhd"):
                found.append(qt.timescale_duration(self.data, box))
            elif box.type == b"stbl":
                found.append(qt.table_counts(self.data, box))
            elif box.type == b"moof":
                found.extend((s, d) for _, s, d in qt.fragment_samples(self.data, box))
        return found

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def plan(self) -> source.Plan:
        """The original up to its last box, with the edits replayed in order."""
        edits: list[tuple[int, bytes | int]] = []
        for edit in self._edits:
            if isinstance(edit, Box):
                header = _free_header(edit)
                edits.append((edit.start, header))
                edits.append((edit.start + len(header), edit.end - edit.start - len(header)))
            else:
                start, stop = edit
                edits.append((start, stop - start))
        return source.Plan.patched(self.end, edits)

    def clean(self) -> CleanResult:
        # In memory: one edited copy. Mapped: the kernel copies, only the edits are written.
        return self.planned(self.plan(), list(self._notes))

    def sample_tables(self, skipped: set[int]) -> list[Box]:
        """The stbl boxes of the tracks, but those starting at an offset in ``skipped``."""
        return [
            item.box
            for item in self.located
            if item.box.type == b"stbl" and item.box.start not in skipped
        ]

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, Mp4File):
            raise VerificationError("the cleaned file is not a movie")
        # A cleaned movie ends with its last box: a shorter walk would compare fewer tracks.
        if self.end != len(cleaned.data) or cleaned.end != len(cleaned.data):
            raise VerificationError("movie size changed during cleaning")
        if self.playback() != cleaned.playback():
            raise VerificationError("movie or track durations changed during cleaning")
        # Offsets do not move, so the tracks blanked on purpose are skipped in both by
        # where they start in the original; samples outside the media data are not media.
        before, after = self.samples(), cleaned.samples()
        if len(before) != len(after):
            raise VerificationError("the number of audio or video samples changed")
        if before != after:
            raise VerificationError("audio or video sample tables changed during cleaning")
        media = [(o, s) for o, s, _ in before if qt.in_media(self.media, o, s)]
        if not (self.streamed or cleaned.streamed):
            original, output = memoryview(self.data), memoryview(cleaned.data)
            for offset, size in media:
                if original[offset : offset + size] != output[offset : offset + size]:
                    raise VerificationError("audio or video samples changed during cleaning")
            return
        # A large movie: reading every sample of both files again would double the time
        # and bring them into memory. The output is the original's ranges copied at the
        # same offsets but where the plan writes, so a sample touching an edit is compared
        # in full and the others are identical by construction; samples spread over the
        # file are read back too, which checks the copy itself. Reads are bounded chunks.
        edited = self.plan().edited()
        starts = [start for start, _ in edited]
        touched = [
            (o, s) for o, s in media if (i := _bisect(starts, o + s)) >= 0 and edited[i][1] > o
        ]
        step = max(len(media) // SPOT_CHECKS, 1)
        spread = media[::step][:SPOT_CHECKS] + media[-1:]
        if not source.ranges_equal(self.data, cleaned.data, touched + spread):
            raise VerificationError("audio or video samples changed during cleaning")


def _bisect(starts: list[int], stop: int) -> int:
    """Index of the last edit starting before ``stop`` (-1: none)."""
    return bisect.bisect_left(starts, stop) - 1


class Mp4Cleaner(Cleaner):
    name = "mp4"
    kinds = catalog.kinds_of("mp4")
    version = "2"
    streams = True

    def open(self, data: bytes, kind: str, context: Context) -> Mp4File:
        return Mp4File(data, kind, context)
