"""A stream's stored bytes read as a view of the file's own bytes, not as a copy.

qpdf hands a stream's raw bytes over as fresh copies (read from the file into its own
buffer, then into a Python ``bytes``). For a PDF of photos that copies the whole file once
per pass; where page faults are slow (a virtual machine), copying costs more than cleaning.
The bytes of an unencrypted stream lie in the file exactly as stored: the cross-reference
table says where its object starts, and the data follows its dictionary and the
``stream`` keyword. That place is trusted only when the file confirms it: the object header
at the offset names the expected object, and ``endstream`` follows exactly /Length bytes
later, which is the test qpdf itself applies before it trusts /Length. Anything else
(encryption, a wrong /Length, an object in an object stream, an odd keyword) is read
through qpdf as before.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pikepdf
    from pikepdf import Pdf

# Bytes of a stream: a view of the file, or qpdf's copy where the file cannot be trusted.
Stored = bytes | memoryview

_WHITE = rb"[\x00\t\n\x0c\r ]"
_HEADER = re.compile(rb"%s*(\d{1,10})%s+(\d{1,5})%s+obj%s*<<" % (_WHITE, _WHITE, _WHITE, _WHITE))
_STREAM = re.compile(rb"%s*stream(?:\r\n|\n)" % _WHITE)
_ENDSTREAM = re.compile(rb"%s*endstream" % _WHITE)
# What changes the nesting inside a dictionary: strings, hex strings, comments, << and >>.
_SPECIAL = re.compile(rb"[(%<>]")
_IN_STRING = re.compile(rb"\\.|[()]", re.DOTALL)
_END_OF_LINE = re.compile(rb"[\r\n]")
# A stream dictionary longer than this is not worth lexing: qpdf reads that stream.
MAX_DICTIONARY = 64 * 1024


def same_bytes(a: Stored, b: Stored) -> bool:
    """Byte equality at ``memcmp`` speed: comparing two memoryviews goes item by item,
    twenty times slower, while ``bytes.startswith`` takes any buffer."""
    if a is b:
        return True
    if len(a) != len(b):
        return False
    if isinstance(a, bytes):
        return a.startswith(b)
    if isinstance(b, bytes):
        return b.startswith(a)
    return bytes(a).startswith(b)


def _string_end(data: bytes, start: int, stop: int) -> int | None:
    """The position after the literal string opening at ``start``: parentheses nest,
    and a backslash escapes the byte after it."""
    depth = 0
    for match in _IN_STRING.finditer(data, start, stop):
        token = match.group()
        if token == b"(":
            depth += 1
        elif token == b")":
            depth -= 1
            if depth == 0:
                return match.end()
    return None


def dictionary_end(data: bytes, start: int) -> int | None:
    """The position after the dictionary whose ``<<`` is at ``start``, or None when it
    does not close within MAX_DICTIONARY bytes."""
    stop = min(len(data), start + MAX_DICTIONARY)
    depth, position = 0, start
    while True:
        match = _SPECIAL.search(data, position, stop)
        if match is None:
            return None
        position = match.start()
        byte = data[position : position + 2]
        if byte[:1] == b"(":
            after = _string_end(data, position, stop)
            if after is None:
                return None
            position = after
        elif byte[:1] == b"%":
            line_end = _END_OF_LINE.search(data, position, stop)
            if line_end is None:
                return None
            position = line_end.end()
        elif byte == b"<<":
            depth, position = depth + 1, position + 2
        elif byte == b">>":
            depth, position = depth - 1, position + 2
            if depth == 0:
                return position
        elif byte[:1] == b"<":  # a hex string
            close = data.find(b">", position, stop)
            if close < 0:
                return None
            position = close + 1
        else:  # a single ">" outside a hex string: not a dictionary we understand
            return None


class StoredStreams:
    """Where the streams of one parsed file lie in its bytes."""

    def __init__(self, pdf: Pdf, data: bytes) -> None:
        self._pdf = pdf
        # Only bytes are viewed: a view of a memory map would keep it from being closed.
        self._data = data if isinstance(data, bytes) and not pdf.is_encrypted else None
        self._offsets: dict[tuple[int, int], int] | None = None
        # One view per stream, handed out again: the same view is the same bytes, which
        # spares comparing two views of the file with itself.
        self._views: dict[tuple[int, int], memoryview | None] = {}
        self._repaired = False

    def _offset(self, objgen: tuple[int, int]) -> int | None:
        if self._offsets is None:
            # Read once, and only for a file whose streams are asked for.
            table = self._pdf.get_xref_table()
            self._offsets = {
                key: entry.offset
                for key, entry in table.items()
                if entry.type == 1 and entry.offset is not None
            }
        return self._offsets.get(objgen)

    def view(self, stream: pikepdf.Object) -> memoryview | None:
        """The stored bytes of ``stream`` as a view of the file, or None when the file
        does not confirm where they are.

        Not for a file qpdf had to repair: once it has warned (a cross-reference table
        rebuilt, a length recovered), the objects it read and the table it reports need
        not agree, and only its own reading is the truth."""
        objgen = stream.objgen
        # qpdf hands its warnings over once (the call clears them): remember them.
        self._repaired = self._repaired or bool(self._pdf.get_warnings())
        if self._data is None or objgen == (0, 0) or self._repaired:
            return None
        if objgen not in self._views:
            try:
                self._views[objgen] = self._locate(self._data, objgen)
            except Exception:  # anything unexpected: qpdf reads this stream, as before
                self._views[objgen] = None
        return self._views[objgen]

    def _locate(self, data: bytes, objgen: tuple[int, int]) -> memoryview | None:
        from pikepdf import Stream

        offset = self._offset(objgen)
        if offset is None:
            return None
        header = _HEADER.match(data, offset)
        if header is None or (int(header[1]), int(header[2])) != objgen:
            return None
        after = dictionary_end(data, header.end() - 2)
        keyword = _STREAM.match(data, after) if after is not None else None
        if keyword is None:
            return None
        # The original's own /Length (the object handed in may belong to a copy of the
        # document being edited), and only a whole number: qpdf recovers the length of a
        # stream whose /Length is anything else.
        original = self._pdf.get_object(objgen)
        length: object = original.get("/Length") if isinstance(original, Stream) else None
        if type(length) is not int:  # pikepdf gives a whole number as an int
            return None
        begin = keyword.end()
        if length < 0 or _ENDSTREAM.match(data, begin + length) is None:
            return None
        return memoryview(data)[begin : begin + length]
