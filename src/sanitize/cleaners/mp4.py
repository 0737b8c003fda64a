"""MP4, MOV, M4V, M4A (ISO BMFF / QuickTime): location, device and dates out, no re-encoding.

Metadata boxes (udta, meta, XMP uuid, unknown top-level boxes) are overwritten in place by
``free`` boxes of the same size and their bytes zeroed, so no chunk offset moves and the
media data is left byte for byte as it was. Header times are zeroed and the titles of
chapter tracks blanked.
"""

from __future__ import annotations

import struct

from sanitize.cleaners.base import Cleaner, CleanResult
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats import quicktime as qt
from sanitize.formats.isobmff import Box, boxes
from sanitize.formats.values import bytes_text, short_text
from sanitize.formats.xmp import xmp_properties
from sanitize.options import Options
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


def _free_like(data: bytes | bytearray, box: Box) -> bytes:
    """A free box with the same header layout and total size as ``box``, zero-filled."""
    size = box.end - box.start
    if box.header_size == 16:
        return struct.pack(">I4sQ", 1, b"free", size) + b"\x00" * (size - 16)
    return struct.pack(">I4s", size, b"free") + b"\x00" * (size - 8)


def _is_zeroed_free(data: bytes, box: Box) -> bool:
    return box.type in (b"free", b"skip") and not data[box.payload_start : box.end].strip(b"\x00")


def _track_id(data: bytes, tkhd: Box) -> int:
    offset, width, _, _ = qt.header_times(data, tkhd)
    return int.from_bytes(data[offset + 2 * width : offset + 2 * width + 4], "big")


def _metadata_tracks(data: bytes, located: list[qt.Located]) -> list[Box]:
    """The stbl boxes of timed-metadata tracks (handler 'meta': per-frame location...)."""
    found = []
    for item in located:
        if item.box.type != b"trak":
            continue
        inner = list(qt.walk_from(data, item.box))
        hdlr = next((b for b in inner if b.type == b"hdlr"), None)
        stbl = next((b for b in inner if b.type == b"stbl"), None)
        if hdlr is not None and stbl is not None and qt.handler_type(data, hdlr) == b"meta":
            found.append(stbl)
    return found


def _blank_samples(data: bytes, stbl: Box) -> list[tuple[int, int]]:
    """Samples of a track that still hold something."""
    return [
        (o, s)
        for o, s in qt.sample_ranges(data, stbl)
        if o + s <= len(data) and data[o : o + s].strip(b"\x00")
    ]


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


def _chapter_titles(data: bytes, stbl: Box) -> list[tuple[int, int, str]]:
    titles = []
    for offset, size in qt.sample_ranges(data, stbl):
        if offset + size > len(data) or size < 2:
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


class Mp4Cleaner(Cleaner):
    name = "mp4"
    kinds = frozenset({"mp4", "mov", "m4v", "m4a", "3gp"})

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        end = qt.movie_end(data)
        located = list(qt.walk(data, end))
        if not any(item.box.type == b"moov" for item in located):
            raise CorruptFileError("no movie header (moov box): truncated or not a movie")
        items: list[MetadataItem] = []
        for item in located:
            box = item.box
            if _is_removed(item):
                items.extend(
                    _describe(data, item)
                    or [MetadataItem(f"QuickTime:{item.where}", "Box", "empty")]
                )
            elif box.type in qt.TIMED_HEADERS:
                _, _, created, modified = qt.header_times(data, box)
                if created:
                    items.append(
                        MetadataItem(
                            f"QuickTime:{item.where}", "CreateDate", qt.render_time(created)
                        )
                    )
                if modified:
                    items.append(
                        MetadataItem(
                            f"QuickTime:{item.where}", "ModifyDate", qt.render_time(modified)
                        )
                    )
            elif box.type in (b"free", b"skip") and not _is_zeroed_free(data, box):
                items.append(
                    MetadataItem(
                        f"QuickTime:{item.where}", "LeftoverData", f"<{box.end - box.start} bytes>"
                    )
                )
        for stbl in _chapter_tracks(data, located):
            items.extend(
                MetadataItem("QuickTime:Chapters", "ChapterTitle", short_text(t))
                for _, _, t in _chapter_titles(data, stbl)
            )
        for stbl in _metadata_tracks(data, located):
            samples = _blank_samples(data, stbl)
            if samples:
                items.append(
                    MetadataItem("QuickTime:TimedMetadata", "Samples", f"{len(samples)} sample(s)")
                )
        if end < len(data):
            items.append(MetadataItem("Trailer", "DataAfterLastBox", f"<{len(data) - end} bytes>"))
        return items

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        end = qt.movie_end(data)
        located = list(qt.walk(data, end))
        out = bytearray(data)
        removed = 0
        for item in located:
            box = item.box
            if _is_removed(item) or (
                box.type in (b"free", b"skip") and not _is_zeroed_free(data, box)
            ):
                out[box.start : box.end] = _free_like(data, box)
                removed += box.type != b"free"
            elif box.type in qt.TIMED_HEADERS:
                offset, width, _, _ = qt.header_times(data, box)
                out[offset : offset + 2 * width] = b"\x00" * (2 * width)
        chapters = 0
        for stbl in _chapter_tracks(data, located):
            for offset, size, _ in _chapter_titles(data, stbl):
                out[offset : offset + size] = b"\x00" * size  # an empty title: length 0
                chapters += 1
        notes = (
            [f"emptied {removed} metadata box(es) in place, without re-encoding"] if removed else []
        )
        if chapters:
            notes.append(f"blanked {chapters} chapter title(s)")
        timed = 0
        for stbl in _metadata_tracks(data, located):
            for offset, size in _blank_samples(data, stbl):
                out[offset : offset + size] = b"\x00" * size
                timed += 1
        if timed:
            notes.append(f"blanked {timed} timed-metadata sample(s) (such as per-frame location)")
        if end < len(data):
            del out[end:]
            notes.append(f"removed {len(data) - end} bytes after the last box")
        return CleanResult(out, notes)

    def verify(self, original: bytes, cleaned: bytes, kind: str, options: Options) -> None:
        if qt.movie_end(original) != len(cleaned):
            raise VerificationError("movie size changed during cleaning")
        before, after = list(qt.walk(original, len(cleaned))), list(qt.walk(cleaned))
        chapters = {
            s.start for s in _chapter_tracks(original, before) + _metadata_tracks(original, before)
        }
        for first, second in zip(
            (i.box for i in before if i.box.type == b"stbl" and i.box.start not in chapters),
            (i.box for i in after if i.box.type == b"stbl" and i.box.start not in chapters),
            strict=False,
        ):
            for (a, size_a), (b, size_b) in zip(
                qt.sample_ranges(original, first), qt.sample_ranges(cleaned, second), strict=True
            ):
                if original[a : a + size_a] != cleaned[b : b + size_b]:
                    raise VerificationError("audio or video samples changed during cleaning")
