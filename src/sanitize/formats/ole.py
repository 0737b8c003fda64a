"""OLE2 compound files (legacy .doc/.xls/.ppt, Office's embedded objects, VBA projects):
list and empty their document property streams.

``\\x05SummaryInformation`` and ``\\x05DocumentSummaryInformation`` hold the author, the
last editor, the company, the template, dates... They are emptied in place: each is
overwritten with a property set that has no property, padded with zeros to the stream's
own size, so that no sector, directory entry or allocation table changes. The result is
read again and compared: the emptied streams hold no property and every other stream is
byte for byte what it was.
"""

from __future__ import annotations

import io
import re
import struct
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.values import short_text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SUMMARY = "\x05SummaryInformation"
DOCUMENT_SUMMARY = "\x05DocumentSummaryInformation"
_FMTID = {
    SUMMARY: uuid.UUID("f29f85e0-4ff9-1068-ab91-08002b27b3d9").bytes_le,
    DOCUMENT_SUMMARY: uuid.UUID("d5cdd502-2e9c-101b-9397-08002b2cf9ae").bytes_le,
}
# Property ids of the two sets (MS-OLEPS 2.25), for readable labels.
_SUMMARY_NAMES = {
    2: "Title",
    3: "Subject",
    4: "Author",
    5: "Keywords",
    6: "Comments",
    7: "Template",
    8: "LastAuthor",
    9: "RevisionNumber",
    10: "TotalEditTime",
    11: "LastPrinted",
    12: "CreateDate",
    13: "ModifyDate",
    18: "Application",
}
_DOCUMENT_NAMES = {2: "Category", 14: "Manager", 15: "Company", 26: "ContentType"}
_CODEPAGE = 1
# Streams whose content names a file on the author's disk; kept, and said so.
_PATH_STREAMS = {"\x01Ole10Native": "a packaged file, with the path it was inserted from"}


def is_ole(data: bytes) -> bool:
    return data[:8] == OLE_MAGIC


def empty_property_set(stream: str, size: int) -> bytes:
    """A property set with no property, ``size`` bytes long (zeros when it cannot fit)."""
    body = struct.pack("<HHI16sI", 0xFFFE, 0, 0, b"\0" * 16, 1) + _FMTID[stream]
    body += struct.pack("<III", 48, 8, 0)
    return body.ljust(size, b"\0") if size >= len(body) else b"\0" * size


@dataclass
class OleScrub:
    data: bytes
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (stream, field, value)
    notes: list[str] = field(default_factory=list)


def _label(stream: str, property_id: int) -> str:
    names = _SUMMARY_NAMES if stream == SUMMARY else _DOCUMENT_NAMES
    return names.get(property_id, f"Property{property_id}")


def _value(value: object) -> str:
    if isinstance(value, bytes):
        return short_text(value.decode("latin-1", "replace").rstrip("\0"))
    if isinstance(value, datetime):
        return value.isoformat()
    return short_text(str(value))


def scrub_ole(data: bytes) -> OleScrub:
    """Empty the property streams of an OLE2 file; list what they held."""
    import olefile

    result = OleScrub(data)
    try:
        ole = olefile.OleFileIO(io.BytesIO(data), write_mode=True)
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise CorruptFileError(f"unreadable OLE compound file: {exc}") from exc
    with ole:
        originals: dict[str, bytes] = {}
        emptied: dict[str, bytes] = {}
        for path in ole.listdir(streams=True, storages=False):
            joined = "/".join(path)
            originals[joined] = ole.openstream(path).read()
            name = path[-1]
            if name in _PATH_STREAMS:
                result.notes.append(f"kept {_PATH_STREAMS[name]} ({joined.lstrip(chr(1))})")
            if name not in _FMTID:
                continue
            blank = empty_property_set(name, len(originals[joined]))
            if originals[joined] == blank:
                continue
            try:
                properties = ole.getproperties(path, convert_time=True)
            except Exception:  # a property set olefile cannot parse is emptied all the same
                properties = {}
            listed = [(k, v) for k, v in sorted(properties.items()) if k != _CODEPAGE]
            for property_id, value in listed:
                result.items.append((joined, _label(name, property_id), _value(value)))
            if not listed:
                result.items.append((joined, "PropertySet", f"<{len(blank)} bytes>"))
            ole.write_stream(path, blank)
            emptied[joined] = blank
        if not emptied:
            return result
        output = ole.fp.getvalue()
    _verify(output, originals, emptied)
    result.data = output
    return result


def _verify(output: bytes, originals: dict[str, bytes], emptied: dict[str, bytes]) -> None:
    import olefile

    with olefile.OleFileIO(io.BytesIO(output)) as again:
        for path in again.listdir(streams=True, storages=False):
            joined = "/".join(path)
            content = again.openstream(path).read()
            expected = emptied.get(joined, originals.get(joined))
            if content != expected:
                raise VerificationError(f"OLE stream {joined!r} changed while emptying properties")
            if joined in emptied and any(content) and again.getproperties(path):
                raise VerificationError(f"OLE stream {joined!r} still holds properties")


_MODULE_LINE = re.compile(rb"^(?:Module|Document|Class|BaseClass)=([^/\r\n]+)", re.MULTILINE)


def vba_modules(data: bytes) -> list[str]:
    """The module names a VBA project's ``PROJECT`` stream lists ([] when unreadable)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("PROJECT"):
                return []
            project = ole.openstream("PROJECT").read(1 << 20)
    except Exception:  # an unreadable project is still reported, without its modules
        return []
    return [m.group(1).decode("cp1252", "replace").strip() for m in _MODULE_LINE.finditer(project)]
