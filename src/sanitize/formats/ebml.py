"""Walk EBML (Matroska, WebM) elements within bounds, including unknown-size ones."""

from __future__ import annotations

from dataclasses import dataclass

from sanitize import source
from sanitize.errors import CorruptFileError, LimitExceededError

EBML_HEADER = 0x1A45DFA3
SEGMENT = 0x18538067
CLUSTER = 0x1F43B675
# Children of a Segment. An unknown-size Cluster (a live recording's) ends where one of
# these starts; Void (0xEC) is listed for callers, but it may sit inside a Cluster too.
SEGMENT_LEVEL = {
    0x114D9B74,
    0x1549A966,
    0x1654AE6B,
    CLUSTER,
    0x1C53BB6B,
    0x1043A770,
    0x1254C367,
    0x1941A469,
    0xEC,
}
# What ends an unknown-size element: a Segment (a browser's MediaRecorder writes one) runs
# to the next top-level element or to the end of the file; anything below it (Clusters)
# to the next element of the Segment's own level.
TOP_LEVEL = {EBML_HEADER, SEGMENT}
SEGMENT_CHILD_ENDS = TOP_LEVEL | (SEGMENT_LEVEL - {0xEC})
MAX_UNKNOWN_DEPTH = 4
MAX_ELEMENTS = 2_000_000


@dataclass(frozen=True)
class Element:
    id: int
    start: int
    data_start: int
    end: int


def _vint(data: bytes, pos: int) -> tuple[int, int]:
    """(raw value, length) of the variable-length integer at ``pos``, length marker
    included: that is how element IDs are written (the EBML header's is 0x1A45DFA3)."""
    if pos >= len(data):
        raise CorruptFileError("truncated EBML element")
    first = data[pos]
    if first == 0:
        raise CorruptFileError("invalid EBML variable-length integer")
    length = 9 - first.bit_length()
    if pos + length > len(data):
        raise CorruptFileError("truncated EBML element")
    return int.from_bytes(data[pos : pos + length], "big"), length


def _size(data: bytes, pos: int) -> tuple[int | None, int]:
    """(size, length) of an element size at ``pos``; None for "unknown" (all ones)."""
    raw, length = _vint(data, pos)
    value = raw & ((1 << (7 * length)) - 1)
    return (None if value == (1 << (7 * length)) - 1 else value), length


def children(data: bytes, start: int, end: int, counter: list[int] | None = None) -> list[Element]:
    counter = counter if counter is not None else [0]
    found: list[Element] = []
    pos = released = start
    while pos < end:
        _count(counter)
        # A Segment's Clusters, a live recording's blocks: a header every few kilobytes.
        released = source.passed(data, released, pos)
        element_id, id_length = _vint(data, pos)
        size, size_length = _size(data, pos + id_length)
        data_start = pos + id_length + size_length
        if size is None:
            element_end = _unknown_end(data, element_id, data_start, end, counter, 0)
        else:
            element_end = data_start + size
            if element_end > end:
                raise CorruptFileError(f"EBML element 0x{element_id:X} runs past its parent")
        found.append(Element(element_id, pos, data_start, element_end))
        pos = element_end
    return found


def _count(counter: list[int]) -> None:
    counter[0] += 1
    if counter[0] > MAX_ELEMENTS:
        raise LimitExceededError("too many EBML elements")


def _unknown_end(
    data: bytes, element_id: int, start: int, end: int, counter: list[int], depth: int
) -> int:
    """Where an unknown-size element stops: at the first element that cannot be its child
    (see TOP_LEVEL and SEGMENT_CHILD_ENDS), or at the end of its parent."""
    if depth > MAX_UNKNOWN_DEPTH:
        raise CorruptFileError("unknown-size EBML elements nested too deeply")
    stops = TOP_LEVEL if element_id == SEGMENT else SEGMENT_CHILD_ENDS
    pos = released = start
    while pos < end:
        released = source.passed(data, released, pos)
        child_id, id_length = _vint(data, pos)
        if child_id in stops:
            return pos
        _count(counter)
        size, size_length = _size(data, pos + id_length)
        if size is None:  # a live-recorded Cluster inside a live-recorded Segment
            pos = _unknown_end(
                data, child_id, pos + id_length + size_length, end, counter, depth + 1
            )
        else:
            pos += id_length + size_length + size
    return min(pos, end)


def void(length: int) -> bytes:
    """An EBML Void element of exactly ``length`` bytes."""
    header = void_header(length)
    return header + b"\x00" * (length - len(header))


def void_header(length: int) -> bytes:
    """The id and size of a Void element of ``length`` bytes; zeros make up the rest."""
    if length < 2:
        raise ValueError("a Void element needs two bytes")
    width = min(8, length - 1)
    payload = length - 1 - width
    return b"\xec" + (payload | (1 << (7 * width))).to_bytes(width, "big")
