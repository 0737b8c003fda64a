"""MKV and WebM: titles, muxing and writing apps, dates, tags, chapters and non-font
attachments out. Elements become Void elements of the same size, so nothing moves."""

from __future__ import annotations

import datetime

from sanitize import catalog, source
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats import ebml
from sanitize.formats.values import bytes_text, short_text
from sanitize.report import MetadataItem

INFO, TRACKS, TRACK_ENTRY = 0x1549A966, 0x1654AE6B, 0xAE
TAGS, CHAPTERS, ATTACHMENTS, ATTACHED_FILE = 0x1254C367, 0x1043A770, 0x1941A469, 0x61A7
SEEK_HEAD, SEEK, SEEK_ID, SEEK_POSITION = 0x114D9B74, 0x4DBB, 0x53AB, 0x53AC
VOID = 0xEC
TIMESTAMP_SCALE, DURATION = 0x2AD7B1, 0x4489
# Strings emptied in place (zero bytes are valid padding in EBML strings).
EMPTIED = {
    0x7BA9: "Title",
    0x4D80: "MuxingApp",
    0x5741: "WritingApp",
    0x7384: "SegmentFilename",
    0x3C83AB: "PrevFilename",
    0x3E83BB: "NextFilename",
    0x536E: "TrackName",
}
VOIDED = {0x4461: "DateUTC", 0x73A4: "SegmentUID", 0x3CB923: "PrevUID", 0x3EB923: "NextUID"}
MILLENNIUM = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)


def _font(data: bytes, attached: ebml.Element) -> bool:
    for child in ebml.children(data, attached.data_start, attached.end):
        if child.id == 0x4660:  # FileMimeType
            mime = data[child.data_start : child.end].decode("latin-1").lower()
            return mime.startswith("font/") or "font" in mime or "opentype" in mime
    return False


def _strings(data: bytes, element: ebml.Element, wanted: int) -> list[str]:
    """Every string with id ``wanted`` below ``element``."""
    found: list[str] = []
    stack = [element]
    while stack:
        current = stack.pop()
        for child in ebml.children(data, current.data_start, current.end):
            if child.id == wanted:
                found.append(bytes_text(data[child.data_start : child.end]))
            elif child.id in (0x7373, 0x67C8, 0x45B9, 0xB6, 0x80, ATTACHED_FILE):  # masters
                stack.append(child)
    return found


class MatroskaFile(ParsedFile):
    """One walk finds what to list, what to empty and what to void; ``clean`` applies it to
    a copy, so listing a large movie copies nothing."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self._items: list[MetadataItem] = []
        self.empty: list[ebml.Element] = []
        self.voids: list[ebml.Element] = []
        # The audio and video blocks, which verify compares with the cleaned file's.
        self.clusters: list[ebml.Element] = []
        # What decoding needs besides the blocks (codecs, their private data, sizes, the
        # timestamp scale and duration): the bytes of those elements, compared by verify.
        self.playback: list[bytes] = []
        top = ebml.children(data, 0, len(data))
        if not top or top[0].id != 0x1A45DFA3:
            raise CorruptFileError("not a Matroska/WebM file (no EBML header)")
        for segment in (e for e in top if e.id == ebml.SEGMENT):
            self._segment(segment)

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def plan(self) -> source.Plan:
        """The original with the emptied values zeroed, then the voided elements voided."""
        edits: list[tuple[int, bytes | int]] = [
            (element.data_start, element.end - element.data_start) for element in self.empty
        ]
        for element in self.voids:
            header = ebml.void_header(element.end - element.start)
            edits.append((element.start, header))
            edits.append((element.start + len(header), element.end - element.start - len(header)))
        return source.Plan.patched(len(self.data), edits)

    def clean(self) -> CleanResult:
        # In memory: one edited copy. Mapped: the kernel copies, only the edits are written.
        return self.planned(self.plan(), [])

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, MatroskaFile):
            raise VerificationError("the cleaned file is not a Matroska/WebM file")
        # Nothing moves: the blocks are at the same offsets in both (see source.same_where_kept).
        if (
            len(self.data) != len(cleaned.data)
            or [(c.start, c.end) for c in self.clusters]
            != [(c.start, c.end) for c in cleaned.clusters]
            or not source.same_where_kept(
                self.data,
                cleaned.data,
                [(c.start, c.end) for c in self.clusters],
                self.plan().edited(),
            )
        ):
            raise VerificationError("audio or video blocks changed during cleaning")
        if self.playback != cleaned.playback:
            raise VerificationError("track settings or duration changed during cleaning")

    def _segment(self, segment: ebml.Element) -> None:
        data = self.data
        elements = ebml.children(data, segment.data_start, segment.end)
        removed_positions: set[int] = set()
        for element in elements:
            if element.id == ebml.CLUSTER:
                self.clusters.append(element)
            elif element.id == INFO:
                self._info(element)
            elif element.id == TRACKS:
                for entry in ebml.children(data, element.data_start, element.end):
                    if entry.id == TRACK_ENTRY:
                        self._strings_in(entry, "Matroska:Track")
                        self.playback.extend(
                            data[child.start : child.end]
                            for child in ebml.children(data, entry.data_start, entry.end)
                            if child.id not in EMPTIED
                        )
            elif element.id == TAGS:
                names = _strings(data, element, 0x45A3)
                values = _strings(data, element, 0x4487)
                for name, value in zip(names, values, strict=False):
                    self._items.append(MetadataItem("Matroska:Tags", name, short_text(value)))
                if not names:
                    self._items.append(MetadataItem("Matroska:Tags", "Tags", "present"))
                self.voids.append(element)
                removed_positions.add(element.start - segment.data_start)
            elif element.id == CHAPTERS:
                titles = _strings(data, element, 0x85) or ["<untitled>"]
                self._items.extend(
                    MetadataItem("Matroska:Chapters", "ChapterTitle", t) for t in titles
                )
                self.voids.append(element)
                removed_positions.add(element.start - segment.data_start)
            elif element.id == ATTACHMENTS:
                files = [
                    f
                    for f in ebml.children(data, element.data_start, element.end)
                    if f.id == ATTACHED_FILE
                ]
                unwanted = [f for f in files if not _font(data, f)]
                for attached in unwanted:
                    name = (_strings(data, attached, 0x466E) or ["attachment"])[0]
                    self._items.append(MetadataItem("Matroska:Attachments", "AttachedFile", name))
                if unwanted and len(unwanted) == len(files):
                    self.voids.append(element)
                    removed_positions.add(element.start - segment.data_start)
                else:
                    self.voids.extend(unwanted)
            elif element.id == VOID and not source.is_zero(data, element.data_start, element.end):
                self._items.append(
                    MetadataItem(
                        "Matroska:Void", "LeftoverData", f"<{element.end - element.start} bytes>"
                    )
                )
                self.voids.append(element)
        for element in elements:
            if element.id == SEEK_HEAD:
                self._seek_head(element, removed_positions)

    def _info(self, info: ebml.Element) -> None:
        for child in ebml.children(self.data, info.data_start, info.end):
            payload = self.data[child.data_start : child.end]
            if child.id in (TIMESTAMP_SCALE, DURATION):
                self.playback.append(self.data[child.start : child.end])
            if child.id in EMPTIED and payload.strip(b"\x00"):
                self._items.append(
                    MetadataItem("Matroska:Info", EMPTIED[child.id], bytes_text(payload))
                )
                self.empty.append(child)
            elif child.id in VOIDED:
                value = payload.hex()
                if child.id == 0x4461 and len(payload) == 8:
                    nanoseconds = int.from_bytes(payload, "big", signed=True)
                    value = (
                        MILLENNIUM + datetime.timedelta(microseconds=nanoseconds // 1000)
                    ).isoformat()
                self._items.append(MetadataItem("Matroska:Info", VOIDED[child.id], value))
                self.voids.append(child)

    def _strings_in(self, element: ebml.Element, location: str) -> None:
        for child in ebml.children(self.data, element.data_start, element.end):
            payload = self.data[child.data_start : child.end]
            if child.id in EMPTIED and payload.strip(b"\x00"):
                self._items.append(MetadataItem(location, EMPTIED[child.id], bytes_text(payload)))
                self.empty.append(child)

    def _seek_head(self, head: ebml.Element, removed: set[int]) -> None:
        for seek in ebml.children(self.data, head.data_start, head.end):
            if seek.id != SEEK:
                continue
            for child in ebml.children(self.data, seek.data_start, seek.end):
                if child.id == SEEK_POSITION:
                    position = int.from_bytes(self.data[child.data_start : child.end], "big")
                    if position in removed:
                        self.voids.append(seek)


class MatroskaCleaner(Cleaner):
    name = "matroska"
    kinds = catalog.kinds_of("matroska")
    version = "2"
    streams = True

    def open(self, data: bytes, kind: str, context: Context) -> MatroskaFile:
        return MatroskaFile(data, kind, context)
