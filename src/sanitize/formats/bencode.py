"""A bounded reader for bencoding (BitTorrent metainfo files).

Values are decoded with the byte range each one came from, so a cleaner can copy a value
(the ``info`` dictionary, whose SHA-1 is the torrent's identity) byte for byte instead of
encoding it again: a re-encoding that differed by one byte would make another torrent.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanitize.errors import CorruptFileError, LimitExceededError

MAX_DEPTH = 64  # real metainfo nests a handful of levels (info/files/path)
MAX_ITEMS = 1_000_000  # values in one file: bounds the work on a hostile input
MAX_INT_DIGITS = 64


@dataclass
class Value:
    start: int
    end: int
    # bytes, int, list[Value] or dict[bytes, Value] (keys in file order)
    data: object


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.count = 0

    def fail(self, position: int, what: str) -> CorruptFileError:
        return CorruptFileError(f"bad bencoding at byte {position}: {what}")

    def value(self, position: int, depth: int) -> Value:
        data = self.data
        self.count += 1
        if self.count > MAX_ITEMS:
            raise LimitExceededError("bencoded file holds too many values")
        if depth > MAX_DEPTH:
            raise LimitExceededError("bencoded values nested too deeply")
        if position >= len(data):
            raise self.fail(position, "unexpected end of file")
        lead = data[position]
        if lead == ord("i"):
            end = data.find(b"e", position + 1, position + 2 + MAX_INT_DIGITS)
            text = data[position + 1 : end] if end > 0 else b""
            digits = text[1:] if text.startswith(b"-") else text
            if not digits.isdigit() or not digits.isascii():
                raise self.fail(position, "malformed integer")
            return Value(position, end + 1, int(text))
        if 0x30 <= lead <= 0x39:
            colon = data.find(b":", position, position + 21)
            length_text = data[position:colon] if colon > 0 else b""
            if not length_text.isdigit():
                raise self.fail(position, "malformed string length")
            end = colon + 1 + int(length_text)
            if end > len(data):
                raise self.fail(position, "string runs past the end of the file")
            return Value(position, end, data[colon + 1 : end])
        if lead == ord("l"):
            items: list[Value] = []
            cursor = position + 1
            while cursor < len(data) and data[cursor] != ord("e"):
                item = self.value(cursor, depth + 1)
                items.append(item)
                cursor = item.end
            if cursor >= len(data):
                raise self.fail(position, "list is not closed")
            return Value(position, cursor + 1, items)
        if lead == ord("d"):
            entries: dict[bytes, Value] = {}
            cursor = position + 1
            while cursor < len(data) and data[cursor] != ord("e"):
                key = self.value(cursor, depth + 1)
                if not isinstance(key.data, bytes):
                    raise self.fail(cursor, "dictionary key is not a string")
                if key.data in entries:
                    raise self.fail(cursor, "duplicate dictionary key")
                item = self.value(key.end, depth + 1)
                entries[key.data] = item
                cursor = item.end
            if cursor >= len(data):
                raise self.fail(position, "dictionary is not closed")
            return Value(position, cursor + 1, entries)
        raise self.fail(position, f"unexpected byte {lead:#04x}")


def decode(data: bytes) -> Value:
    """The one value ``data`` holds; anything after it is an error."""
    top = _Reader(data).value(0, 0)
    if top.end != len(data):
        raise CorruptFileError(f"{len(data) - top.end} bytes after the bencoded value")
    return top


def encode_string(raw: bytes) -> bytes:
    return str(len(raw)).encode("ascii") + b":" + raw


def is_metainfo(data: bytes) -> bool:
    """A .torrent: one bencoded dictionary holding an ``info`` dictionary."""
    if len(data) < 4 or data[0] != ord("d") or not data[1:2].isdigit():
        return False
    try:
        top = decode(data)
    except (CorruptFileError, LimitExceededError, RecursionError):
        return False
    if not isinstance(top.data, dict):
        return False
    info = top.data.get(b"info")
    return info is not None and isinstance(info.data, dict)
