"""WMV, WMA, ASF: titles, authors, tool names and dates go; the media packets stay byte
for byte.

The header object is rebuilt: the Content Description (title, author, copyright,
description, rating), Content Branding and Marker (chapter names) objects are dropped;
the Extended Content Description, Metadata and Metadata Library objects keep only the
technical records a player uses (aspect ratio, VBR flag, device template) and go when
nothing is left; padding is zeroed; the File Properties creation date is zeroed and its
file size set to the new size. The Data object and the index objects that follow it are
copied as they are: ASF packets and indexes address data by packet number or by offset
from the Data object, never from the start of the file, so a shorter header moves nothing
they point at.
"""

from __future__ import annotations

import datetime
import struct
import uuid
from dataclasses import dataclass

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats.values import bytes_text, short_text
from sanitize.report import MetadataItem


def _guid(text: str) -> bytes:
    return uuid.UUID(text).bytes_le  # ASF stores GUIDs in Microsoft's mixed-endian layout


HEADER = _guid("75B22630-668E-11CF-A6D9-00AA0062CE6C")
DATA = _guid("75B22636-668E-11CF-A6D9-00AA0062CE6C")
FILE_PROPERTIES = _guid("8CABDCA1-A947-11CF-8EE4-00C00C205365")
STREAM_PROPERTIES = _guid("B7DC0791-A9B7-11CF-8EE6-00C00C205365")
HEADER_EXTENSION = _guid("5FBF03B5-A92E-11CF-8EE3-00C00C205365")
CONTENT_DESCRIPTION = _guid("75B22633-668E-11CF-A6D9-00AA0062CE6C")
EXTENDED_CONTENT = _guid("D2D0A440-E307-11D2-97F0-00A0C95EA850")
CONTENT_BRANDING = _guid("2211B3FA-BD23-11D2-B4B7-00A0C955FC6E")
MARKER = _guid("F487CD01-A951-11CF-8EE6-00C00C205365")
METADATA = _guid("C5F8CBEA-5BAF-4877-8467-AA8C44FA4CCA")
METADATA_LIBRARY = _guid("44231C94-9498-49D1-A141-1D134E457054")
PADDING = _guid("1806D474-CADF-4509-A4BA-9AABCB96AAE8")

DROPPED = {
    CONTENT_DESCRIPTION: "ContentDescription",
    CONTENT_BRANDING: "ContentBranding",
    MARKER: "Marker",
}
# Records a player reads to show the picture right; everything else in the descriptor
# objects is about the file's making (WM/EncodingSettings, WM/ToolName, user fields...).
TECHNICAL = frozenset(
    {
        "IsVBR",
        "AspectRatioX",
        "AspectRatioY",
        "DeviceConformanceTemplate",
        "WM/StreamTypeInfo",
        "WM/VideoFrameRate",
        "Buffer Average",
        "VBR Peak",
    }
)
CONTENT_FIELDS = ("Title", "Author", "Copyright", "Description", "Rating")
MAX_OBJECTS = 10_000
FILE_SIZE_AT, CREATION_DATE_AT = 40, 48  # in the File Properties object


@dataclass(frozen=True)
class AsfObject:
    guid: bytes
    start: int
    end: int


def objects(data: bytes, start: int, end: int) -> list[AsfObject]:
    found = []
    position = start
    while position < end:
        if position + 24 > end:
            raise CorruptFileError(f"ASF object header cut short at byte {position}")
        (size,) = struct.unpack_from("<Q", data, position + 16)
        if size < 24 or position + size > end:
            raise CorruptFileError(f"ASF object at byte {position} has a bad size")
        found.append(AsfObject(data[position : position + 16], position, position + size))
        if len(found) > MAX_OBJECTS:
            raise LimitExceededError("ASF header holds too many objects")
        position += size
    return found


def _text(raw: bytes) -> str:
    return short_text(raw.decode("utf-16-le", "replace").rstrip("\x00"))


def _value(kind: int, raw: bytes) -> str:
    if kind == 0:
        return _text(raw)
    if kind in (2, 3) and len(raw) == 4:
        return str(struct.unpack("<I", raw)[0])
    if kind == 4 and len(raw) == 8:
        return str(struct.unpack("<Q", raw)[0])
    if kind == 5 and len(raw) == 2:
        return str(struct.unpack("<H", raw)[0])
    return bytes_text(raw)


def _content_description(payload: bytes) -> list[MetadataItem]:
    lengths = struct.unpack_from("<5H", payload)
    position, found = 10, []
    for name, length in zip(CONTENT_FIELDS, lengths, strict=True):
        if position + length > len(payload):
            raise CorruptFileError("ASF content description is cut short")
        text = _text(payload[position : position + length])
        if text:
            found.append(MetadataItem("ASF", name, text))
        position += length
    return found


def _descriptors(payload: bytes) -> tuple[list[tuple[str, str]], list[bytes]]:
    """Extended Content Description: (name, value) of the records dropped, and the raw
    records kept."""
    (count,) = struct.unpack_from("<H", payload)
    position, dropped, kept = 2, [], []
    for _ in range(count):
        (name_length,) = struct.unpack_from("<H", payload, position)
        name = _text(payload[position + 2 : position + 2 + name_length])
        kind, value_length = struct.unpack_from("<HH", payload, position + 2 + name_length)
        value_start = position + 6 + name_length
        end = value_start + value_length
        if end > len(payload):
            raise CorruptFileError("ASF extended content description is cut short")
        if name in TECHNICAL:
            kept.append(payload[position:end])
        else:
            dropped.append((name, _value(kind, payload[value_start:end])))
        position = end
    return dropped, kept


def _metadata_records(payload: bytes) -> tuple[list[tuple[str, str]], list[bytes]]:
    """Metadata and Metadata Library objects (the same record layout)."""
    (count,) = struct.unpack_from("<H", payload)
    position, dropped, kept = 2, [], []
    for _ in range(count):
        _, _, name_length, kind, value_length = struct.unpack_from("<HHHHI", payload, position)
        name_start = position + 12
        value_start = name_start + name_length
        end = value_start + value_length
        if end > len(payload):
            raise CorruptFileError("ASF metadata object is cut short")
        name = _text(payload[name_start:value_start])
        if name in TECHNICAL:
            kept.append(payload[position:end])
        else:
            dropped.append((name, _value(kind, payload[value_start:end])))
        position = end
    return dropped, kept


def _object(guid: bytes, body: bytes) -> bytes:
    return guid + struct.pack("<Q", 24 + len(body)) + body


class AsfFile(ParsedFile):
    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        if len(data) < 30 or not data.startswith(HEADER):
            raise CorruptFileError("not an ASF file")
        (header_size,) = struct.unpack_from("<Q", data, 16)
        if header_size < 30 or header_size > len(data):
            raise CorruptFileError("ASF header object has a bad size")
        self.header_end = header_size
        if data[header_size : header_size + 16] != DATA:
            raise CorruptFileError("ASF header is not followed by a data object")
        self.top = objects(data, 30, header_size)
        self._items: list[MetadataItem] = []
        parts: list[bytes] = []
        file_properties_at = -1
        size_so_far = 30
        for obj in self.top:
            piece = self._clean_object(obj, nested=False)
            if piece is None:
                continue
            if obj.guid == FILE_PROPERTIES:
                file_properties_at = size_so_far
            parts.append(piece)
            size_so_far += len(piece)
        body = b"".join(parts)
        header = HEADER + struct.pack("<QI", 30 + len(body), len(parts)) + data[28:30] + body
        output = bytearray(header)
        output += data[header_size:]
        if file_properties_at >= 0 and file_properties_at + 56 <= len(header):
            struct.pack_into("<Q", output, file_properties_at + FILE_SIZE_AT, len(output))
        self._output = bytes(output)

    def _record(self, location: str, pairs: list[tuple[str, str]]) -> None:
        self._items.extend(MetadataItem(location, name, value) for name, value in pairs)

    def _clean_object(self, obj: AsfObject, nested: bool) -> bytes | None:
        """The object as it is written back, or None when it goes."""
        data = self.data
        raw = data[obj.start : obj.end]
        payload = data[obj.start + 24 : obj.end]
        if obj.guid in DROPPED:
            found = _content_description(payload) if obj.guid == CONTENT_DESCRIPTION else []
            self._items.extend(
                found or [MetadataItem("ASF", DROPPED[obj.guid], f"<{len(payload)} bytes>")]
            )
            return None
        if obj.guid in (EXTENDED_CONTENT, METADATA, METADATA_LIBRARY):
            reader = _descriptors if obj.guid == EXTENDED_CONTENT else _metadata_records
            dropped, kept = reader(payload)
            if not dropped:
                return raw
            location = {
                EXTENDED_CONTENT: "ASF:ExtendedContent",
                METADATA: "ASF:Metadata",
                METADATA_LIBRARY: "ASF:MetadataLibrary",
            }[obj.guid]
            self._record(location, dropped)
            if not kept:
                return None
            return _object(obj.guid, struct.pack("<H", len(kept)) + b"".join(kept))
        if obj.guid == PADDING:
            if payload.strip(b"\x00"):
                self._items.append(MetadataItem("ASF", "PaddingData", f"<{len(payload)} bytes>"))
                return _object(PADDING, bytes(len(payload)))
            return raw
        if obj.guid == FILE_PROPERTIES and not nested:
            if len(raw) < 56:
                raise CorruptFileError("ASF file properties object is too short")
            (created,) = struct.unpack_from("<Q", raw, CREATION_DATE_AT)
            if created:
                self._items.append(MetadataItem("ASF", "CreationDate", _filetime(created)))
            edited = bytearray(raw)
            struct.pack_into("<Q", edited, CREATION_DATE_AT, 0)
            return bytes(edited)
        if obj.guid == HEADER_EXTENSION and not nested:
            if len(payload) < 22:
                raise CorruptFileError("ASF header extension is too short")
            (inner_size,) = struct.unpack_from("<I", payload, 18)
            inner_start = obj.start + 46
            if inner_start + inner_size > obj.end:
                raise CorruptFileError("ASF header extension has a bad size")
            inner = [
                self._clean_object(child, nested=True)
                for child in objects(data, inner_start, inner_start + inner_size)
            ]
            body = b"".join(piece for piece in inner if piece is not None)
            return _object(obj.guid, payload[:18] + struct.pack("<I", len(body)) + body)
        return raw

    def essence(self) -> tuple[bytes, list[bytes]]:
        """The data object and what follows it, and the stream properties."""
        data = self.data
        streams = [data[o.start : o.end] for o in self.top if o.guid == STREAM_PROPERTIES]
        return data[self.header_end :], streams

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def clean(self) -> CleanResult:
        return CleanResult(self._output)

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, AsfFile) or self.essence() != cleaned.essence():
            raise VerificationError("ASF data or stream properties changed during cleaning")


def _filetime(value: int) -> str:
    """FILETIME: 100 ns ticks since 1601-01-01."""
    try:
        moment = datetime.datetime(1601, 1, 1) + datetime.timedelta(microseconds=value // 10)
    except OverflowError:
        return str(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class AsfCleaner(Cleaner):
    name = "asf"
    kinds = catalog.kinds_of("asf")

    def open(self, data: bytes, kind: str, context: Context) -> AsfFile:
        return AsfFile(data, kind, context)
