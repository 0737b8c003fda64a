"""JPEG: drop every metadata segment, copy the compressed image byte for byte.

Kept: ICC profile (APP2 ICC_PROFILE), Adobe APP14 (colour transform), the JFIF header
without its thumbnail, and a minimal EXIF holding only Orientation when it is not 1, so
that phone photos still display upright.

An HDR photo's gain map (a second JPEG after the first one's end, see
sanitize.formats.gainmap) is kept and cleaned by the same rules, with the few fields that
bind the two images rebuilt: the MPF index (with the new sizes and offsets), the gain-map
XMP fields and the container directory. Other images after the end (camera previews,
motion-photo videos) go.

The compressed image is never copied before the output is assembled: the walk keeps views
of the original's bytes, the output is joined once when cleaning asks for it, and
verification compares the original's and the output's image bytes in place. Modules only
some photos need (gain maps, XMP and so lxml, IPTC) are imported when one shows up.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile, WalkedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats import jpeg_segments as jp
from sanitize.formats.tiff_ifd import ExifSummary, build_orientation_exif, summarize_exif
from sanitize.formats.values import bytes_text
from sanitize.report import MetadataItem

# A part of the output: the original's bytes, seen through a view (not copied), or new ones.
Part = bytes | memoryview

EXIF_ID = b"Exif\x00\x00"
XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\x00"
ICC_ID = b"ICC_PROFILE\x00"
JFIF_ID = b"JFIF\x00"
ADOBE_ID = b"Adobe"
PHOTOSHOP_ID = b"Photoshop 3.0\x00"


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _jfif_without_thumbnail(payload: bytes) -> bytes:
    return payload[:12] + b"\x00\x00" if len(payload) >= 14 else payload


def minimal_exif_segment(orientation: int | None) -> bytes:
    if orientation is None or not 2 <= orientation <= 8:
        return b""
    return _segment(0xE1, EXIF_ID + build_orientation_exif(orientation))


def _first_exif(data: bytes, layout: jp.JpegLayout) -> tuple[int, ExifSummary] | None:
    """The first EXIF block (where it starts, what it holds): its Orientation is kept."""
    for seg in layout.segments:
        if seg.marker == 0xE1 and data.startswith(EXIF_ID, seg.start + 4, seg.end):
            return seg.start, summarize_exif(seg.payload(data)[len(EXIF_ID) :])
    return None


def _exif_items(summary: ExifSummary) -> list[MetadataItem]:
    return [MetadataItem(f"EXIF:{g}", f, v) for g, f, v in summary.items]


def _is_kept(marker: int, payload: bytes) -> bool:
    return (
        (marker == 0xE2 and payload.startswith(ICC_ID))
        or (marker == 0xEE and payload.startswith(ADOBE_ID))
        or (marker == 0xE0 and payload.startswith(JFIF_ID))
    )


def _is_iso_gain_map(marker: int, payload: bytes) -> bool:
    return (
        marker == 0xE2
        and payload.startswith(jp.ISO_GAIN_MAP_ID)
        and len(payload) <= jp.MAX_ISO_GAIN_MAP
    )


def describe_segment(marker: int, payload: bytes) -> list[MetadataItem]:
    """What one APPn/COM segment carries that cleaning removes."""
    if marker == 0xFE:
        return [MetadataItem("Comment", "Comment", bytes_text(payload))]
    if marker == 0xE0 and payload.startswith(JFIF_ID):
        if len(payload) >= 14 and (payload[12] or payload[13]):
            return [MetadataItem("JFIF", "ThumbnailImage", f"{payload[12]}x{payload[13]}")]
        return []
    if _is_kept(marker, payload):
        return []
    if marker == 0xE1 and payload.startswith(EXIF_ID):
        return _exif_items(summarize_exif(payload[len(EXIF_ID) :]))
    if marker == 0xE1 and payload.startswith(XMP_ID):
        from sanitize.formats.xmp import xmp_properties  # lxml: only for photos with XMP

        return [MetadataItem("XMP", f, v) for f, v in xmp_properties(payload[len(XMP_ID) :])]
    if marker == 0xE1 and payload.startswith(XMP_EXT_ID):
        return [MetadataItem("XMP", "ExtendedXMP", f"<{len(payload)} bytes>")]
    if marker == 0xED and payload.startswith(PHOTOSHOP_ID):
        from sanitize.formats.iptc import photoshop_resources  # its tables: for IPTC only

        return [MetadataItem(loc, f, v) for loc, f, v in photoshop_resources(payload[14:])]
    if marker == 0xE2 and payload.startswith(jp.MPF_ID):
        return [MetadataItem("MPF", "MultiPictureFormat", f"<{len(payload)} bytes>")]
    if marker == 0xEB and (b"jumb" in payload[:64] or payload[:2] == b"JP"):
        return [MetadataItem("JUMBF", "C2PA/JUMBF", f"<{len(payload)} bytes>")]
    identifier = payload[:32].split(b"\x00", 1)[0]
    label = bytes_text(identifier) if identifier else "Data"
    return [MetadataItem(f"APP{marker - 0xE0}", label, f"<{len(payload)} bytes>")]


@dataclass
class GainMap:
    """The gain-map JPEG found through the primary image's MPF index."""

    start: int  # where it starts in the file
    layout: jp.JpegLayout  # offsets relative to ``start``
    data: bytes  # its bytes, SOI to EOI
    primary_attribute: int  # the MP entry attributes of both images, kept as written
    attribute: int


@dataclass
class _Stream:
    """One JPEG stream (the primary image or its gain map), walked once."""

    items: list[MetadataItem] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    mpf_part: int | None = None  # the index in ``parts`` of the MPF placeholder
    xmp_part: int | None = None  # the index in ``parts`` of the binding XMP
    xmp_kept: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    directory: bool = False
    orientation: int | None = None


def _find_gain_map(data: bytes, layout: jp.JpegLayout) -> GainMap | None:
    """A gain map that the primary's MPF index points to, after the primary's end."""
    if layout.truncated:
        return None
    for seg in layout.segments:
        if not (seg.marker == 0xE2 and data.startswith(jp.MPF_ID, seg.start + 4, seg.end)):
            continue
        from sanitize.formats import gainmap as gm  # lxml: only for photos with an MPF index

        index = gm.parse_mpf(seg.payload(data))
        if index is None or index.entries[0].offset != 0:
            return None
        header = seg.start + 4 + len(jp.MPF_ID)  # offsets count from here
        for entry in index.entries[1:]:
            start = header + entry.offset
            if start < layout.end_of_image or data[start : start + 2] != b"\xff\xd8":
                continue
            try:
                found = jp.parse(data[start:])
            except (CorruptFileError, LimitExceededError):
                continue
            image = data[start : start + found.end_of_image]
            if found.truncated or not _names_gain_map(image, found):
                continue
            return GainMap(start, found, image, index.entries[0].attribute, entry.attribute)
        return None  # only the first MPF index counts
    return None


def _names_gain_map(data: bytes, layout: jp.JpegLayout) -> bool:
    for seg in layout.segments:
        if seg.marker not in (0xE1, 0xE2):
            continue
        payload = seg.payload(data)
        if _is_iso_gain_map(seg.marker, payload):
            return True
        if seg.marker == 0xE1 and payload.startswith(XMP_ID):
            from sanitize.formats import gainmap as gm

            split = gm.split_xmp(payload[len(XMP_ID) :])
            if split is not None and split.names_gain_map:
                return True
    return False


def _walk(data: bytes, layout: jp.JpegLayout, role: str, gain_map: GainMap | None) -> _Stream:
    """List what one stream carries and assemble what stays of it. ``role`` is "primary"
    or "gain map"; the binding fields are kept only when a gain map is kept. The parts
    that come from ``data`` are views of it: nothing is copied until the output is joined."""
    first_exif = _first_exif(data, layout)
    stream = _Stream(orientation=first_exif[1].orientation if first_exif else None)
    binding = gain_map is not None or role == "gain map"
    view = memoryview(data)
    prefix = "GainMap:" if role == "gain map" else ""
    parts = stream.parts
    parts.append(b"\xff\xd8")
    exif_seen = exif_written = jfif_written = iso_kept = False

    def remove(found: list[MetadataItem]) -> None:
        stream.items.extend(MetadataItem(prefix + i.location, i.field, i.value) for i in found)

    for seg in layout.segments:
        if not seg.is_metadata:
            if not exif_written:  # EXIF goes before the first non-metadata segment
                parts.append(minimal_exif_segment(stream.orientation))
                exif_written = True
            parts.append(view[seg.start : seg.end])
            continue
        payload = seg.payload(data)
        if seg.marker == 0xE1 and payload.startswith(EXIF_ID):
            # Only the first EXIF block's Orientation is honoured and kept.
            if exif_seen:
                remove([MetadataItem("EXIF", "ExtraExifBlock", f"<{len(payload)} bytes>")])
                continue
            exif_seen = True
            if first_exif is not None and first_exif[0] == seg.start:
                remove(_exif_items(first_exif[1]))  # read once, for Orientation too
                continue
        first_xmp = stream.xmp_part is None and payload.startswith(XMP_ID)
        if binding and seg.marker == 0xE1 and first_xmp:
            from sanitize.formats import gainmap as gm

            allowed = gm.PRIMARY_FIELDS if role == "primary" else None
            split = gm.split_xmp(payload[len(XMP_ID) :], allowed)
            if split is not None:
                remove([MetadataItem("XMP", f, v) for f, v in split.removed])
                stream.xmp_kept = split.kept
                stream.directory = split.has_directory and role == "primary"
                stream.xmp_part = len(parts)
                parts.append(b"")  # filled in once the gain map's size is known
                continue
        if binding and not iso_kept and _is_iso_gain_map(seg.marker, payload):
            iso_kept = True  # one block of numbers; a second copy would only hide things
            parts.append(view[seg.start : seg.end])
            continue
        first_mpf = stream.mpf_part is None and payload.startswith(jp.MPF_ID)
        if role == "primary" and binding and seg.marker == 0xE2 and first_mpf:
            from sanitize.formats import gainmap as gm

            index = gm.parse_mpf(payload)
            remove([MetadataItem(loc, f, "<removed>") for loc, f in index.extra] if index else [])
            stream.mpf_part = len(parts)
            parts.append(b"")  # filled in once the sizes are known
            continue
        remove(describe_segment(seg.marker, payload))
        if seg.marker == 0xE0 and payload.startswith(JFIF_ID):
            if not jfif_written:
                parts.append(_segment(0xE0, _jfif_without_thumbnail(payload)))
                jfif_written = True
        elif _is_kept(seg.marker, payload):
            parts.append(view[seg.start : seg.end])
    if not layout.truncated:
        parts.append(b"\xff\xd9")
    return stream


def _binding_xmp(stream: _Stream, gain_map_size: int | None) -> bytes:
    from sanitize.formats import gainmap as gm

    directory = []
    if stream.directory and gain_map_size is not None:
        directory = [gm.DirectoryItem("Primary", None), gm.DirectoryItem("GainMap", gain_map_size)]
    if not stream.xmp_kept and not directory:
        return b""
    return _segment(0xE1, XMP_ID + gm.build_xmp(stream.xmp_kept, directory))


# The last output this process assembled, with the scans it copied from the original.
# Verification opens that very object again (the pipeline hands back what ``clean``
# returned): its parse then checks each scan by comparing bytes in place instead of
# searching them again, with the same result (see jpeg_segments.KnownScan). Identity, not
# equality, ties the two, and the reference held here keeps the identity from being reused.
_assembled: tuple[bytes, list[jp.KnownScan]] | None = None


def _known_scans_of(data: bytes) -> list[jp.KnownScan]:
    global _assembled
    last = _assembled
    if last is None or last[0] is not data:
        return []
    _assembled = None
    return last[1]


class JpegFile(WalkedFile):
    """One walk over the segments (of both images, for an HDR photo) lists what goes and
    keeps views of what stays; ``clean`` joins them into the output."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self.layout = jp.parse(data, _known_scans_of(data))
        self.gain_map = _find_gain_map(data, self.layout)
        self._primary = _walk(data, self.layout, "primary", self.gain_map)
        self._secondary: _Stream | None = None
        self.orientation = self._primary.orientation
        self._items = self._primary.items
        self._notes = list(self.layout.notes)
        if self.gain_map is not None:
            self._secondary = _walk(self.gain_map.data, self.gain_map.layout, "gain map", None)
            self._items.extend(self._secondary.items)
            self._notes.extend(f"gain map: {note}" for note in self.gain_map.layout.notes)
            self._notes.append("kept the HDR gain map (its metadata removed)")
        kept = len(self.gain_map.data) if self.gain_map else 0
        trailing = len(data) - self.layout.end_of_image - kept
        if trailing > 0:
            self._items.append(
                MetadataItem("Trailer", "DataAfterEndOfImage", f"<{trailing} bytes>")
            )
            self._notes.append(f"removed {trailing} bytes after the end of the image")
        if self.orientation and self.orientation != 1:
            self._notes.append(f"kept Orientation={self.orientation} so the photo displays upright")

    def clean(self) -> CleanResult:
        global _assembled
        output = self._output_bytes()
        _assembled = (output, jp.known_scans(self.data, self.layout))
        return CleanResult(output, list(self._notes))

    def _output_bytes(self) -> bytes:
        """The output, joined from the walk's parts (called only when cleaning)."""
        primary, secondary = self._primary, self._secondary
        gain_map_bytes = b""
        if secondary is not None:
            if secondary.xmp_part is not None:
                secondary.parts[secondary.xmp_part] = _binding_xmp(secondary, None)
            gain_map_bytes = b"".join(secondary.parts)
        if primary.xmp_part is not None:
            size = len(gain_map_bytes) if self.gain_map else None
            primary.parts[primary.xmp_part] = _binding_xmp(primary, size)
        return self._assemble(primary, gain_map_bytes)

    def _assemble(self, primary: _Stream, gain_map_bytes: bytes) -> bytes:
        if self.gain_map is None or primary.mpf_part is None:
            return b"".join([*primary.parts, gain_map_bytes])
        # The MPF index's own size does not depend on its values: place a blank one,
        # measure, then write the real sizes and offsets.
        from sanitize.formats import gainmap as gm

        parts = primary.parts
        parts[primary.mpf_part] = _segment(0xE2, b"\x00" * gm.mpf_size(2))
        header = sum(len(p) for p in parts[: primary.mpf_part]) + 4 + len(jp.MPF_ID)
        primary_size = sum(len(p) for p in parts)
        entries = [
            gm.MpEntry(self.gain_map.primary_attribute, primary_size, 0),
            gm.MpEntry(self.gain_map.attribute, len(gain_map_bytes), primary_size - header),
        ]
        parts[primary.mpf_part] = _segment(0xE2, gm.build_mpf(entries))
        return b"".join([*parts, gain_map_bytes])

    def verify(self, cleaned: ParsedFile) -> None:
        assert isinstance(cleaned, JpegFile)
        # The decoder's bytes (frame and scan headers, tables, entropy-coded data) must be
        # byte-identical: an exact check of a lossless strip, with no pixel decoding.
        if not jp.same_essence(self.data, self.layout, cleaned.data, cleaned.layout):
            raise VerificationError("JPEG image data changed during cleaning")
        ours, theirs = self.gain_map, cleaned.gain_map
        if (ours is None) != (theirs is None) or (
            ours is not None
            and theirs is not None
            and not jp.same_essence(ours.data, ours.layout, theirs.data, theirs.layout)
        ):
            raise VerificationError("the HDR gain map changed or was lost during cleaning")
        if self.orientation not in (None, 1) and self.orientation != cleaned.orientation:
            raise VerificationError("JPEG orientation was lost")


class JpegCleaner(Cleaner):
    name = "jpeg"
    kinds = catalog.kinds_of("jpeg")
    version = "2"  # gain maps, cut files, broken tags, XMP orientation, title rule

    def open(self, data: bytes, kind: str, context: Context) -> JpegFile:
        return JpegFile(data, kind, context)
