"""Large media read through a memory map, and cleaned copies written as a plan.

A movie of several gigabytes is never read into Python memory. The file is mapped
read-only (``MappedFile``): cleaners walk its box, element or chunk headers by slicing the
map exactly as they slice ``bytes`` (slices, ``find``, ``struct.unpack_from`` and
``memoryview`` all work on both), and only the pages they touch are read. Their ``clean``
returns a ``Plan``: the output as a list of segments, each a range of the original to copy,
bytes to write, or a run of zeros. The pipeline writes the plan with the kernel's copy
(``os.copy_file_range``, then ``os.sendfile``, then a buffered copy in bounded chunks), so
the media data never passes through this process. The same plan renders in memory for
files given as bytes, which makes the two paths produce the same output by construction.

Bulk comparisons (``ranges_equal``) and scans (``is_zero``) read mapped files with
``os.pread`` into a reused buffer instead of touching the map: pages of a map that are
touched count in the resident size of the process, pread'd pages stay in the page cache.
"""

from __future__ import annotations

import bisect
import errno
import mmap
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 20  # bytes per read or write when the kernel cannot copy for us
_COPY_FALLBACK_ERRORS = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF}


class MappedFile(mmap.mmap):
    """A read-only memory map of a file that remembers its descriptor (for ``pread``)."""

    fd: int
    path: str

    def __contains__(self, item: object) -> bool:
        # mmap's own ``in`` only looks for single bytes: ``b"abc" in map`` would be False.
        if isinstance(item, bytes | bytearray):
            return self.find(item) >= 0
        return super().__contains__(item)


def open_mapped(path: str | os.PathLike[str]) -> MappedFile:
    """Map a whole file read-only. The caller closes it with ``close_mapped``."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        return map_fd(fd, os.fspath(path))
    except BaseException:
        os.close(fd)
        raise


def map_fd(fd: int, path: str = "") -> MappedFile:
    """Map an open descriptor read-only; the map owns it from now on (``close_mapped``)."""
    size = os.fstat(fd).st_size
    if size == 0:
        raise ValueError("an empty file cannot be mapped")
    mapped = MappedFile(fd, size, access=mmap.ACCESS_READ)
    mapped.fd, mapped.path = fd, path
    return mapped


def close_mapped(mapped: MappedFile) -> None:
    try:
        mapped.close()
    finally:
        os.close(mapped.fd)


def is_mapped(data: object) -> bool:
    return isinstance(data, MappedFile)


def read(data: bytes | bytearray | mmap.mmap, start: int, stop: int) -> bytes:
    """``bytes(data[start:stop])``; a mapped file is read with pread, not through the map."""
    start, stop = max(start, 0), min(stop, len(data))
    if stop <= start:
        return b""
    if isinstance(data, MappedFile):
        return _pread_exact(data.fd, stop - start, start)
    return bytes(data[start:stop])


# How far a walk over a mapped file's headers goes before it hands the pages it passed
# back (``release``).
RELEASE_EVERY = 8 << 20


def release(data: bytes | bytearray | mmap.mmap, start: int, stop: int) -> None:
    """Take the pages of ``data[start:stop]`` out of this process's resident memory, when
    ``data`` is a mapped file (for bytes, nothing to do).

    A walk from header to header through a map touches a page (and the kernel maps the
    cached pages around it) per header: over a long file of small chunks, elements or
    frames that is every page, all counted as this process's memory. Walks call this for
    the part they have passed; the pages stay in the page cache, and reading them again
    only maps them again, so releasing too much is never wrong, only slower."""
    advice = getattr(mmap, "MADV_DONTNEED", None)  # not on Windows
    if advice is None or not isinstance(data, MappedFile) or data.closed:
        return
    first = max(start - start % mmap.PAGESIZE, 0)
    stop = min(stop, len(data))
    if stop > first:
        data.madvise(advice, first, stop - first)


def passed(data: bytes | bytearray | mmap.mmap, released: int, pos: int) -> int:
    """For a walk that has reached ``pos`` and released its pages up to ``released``: the
    pages passed are released every ``RELEASE_EVERY`` bytes; returns the new mark."""
    if pos - released < RELEASE_EVERY:
        return released
    release(data, released, pos)
    return pos


def _pread_exact(fd: int, size: int, offset: int) -> bytes:
    parts: list[bytes] = []
    while size > 0:
        chunk = os.pread(fd, size, offset)
        if not chunk:
            raise EOFError("the file is shorter than its structure says")
        parts.append(chunk)
        size -= len(chunk)
        offset += len(chunk)
    return b"".join(parts)


def _chunks(start: int, stop: int, step: int = CHUNK) -> Iterable[tuple[int, int]]:
    for position in range(start, stop, step):
        yield position, min(step, stop - position)


def is_zero(data: bytes | bytearray | mmap.mmap, start: int, stop: int) -> bool:
    """Whether ``data[start:stop]`` holds only zero bytes (read in bounded chunks)."""
    stop = min(stop, len(data))
    for position, size in _chunks(start, stop):
        if read(data, position, position + size).strip(b"\x00"):
            return False
    return True


def ranges_equal(
    first: bytes | bytearray | mmap.mmap,
    second: bytes | bytearray | mmap.mmap,
    ranges: Iterable[tuple[int, int]],
) -> bool:
    """Whether both hold the same bytes at every (offset, size), read chunk by chunk."""
    return pairs_equal(first, second, ((offset, offset, size) for offset, size in ranges))


def pairs_equal(
    first: bytes | bytearray | mmap.mmap,
    second: bytes | bytearray | mmap.mmap,
    pairs: Iterable[tuple[int, int, int]],
) -> bool:
    """Whether ``first[a:a+size] == second[b:b+size]`` for every (a, b, size), in chunks
    read into reused buffers (fresh buffers for every chunk page-fault in again: a
    gigabyte compared that way costs seven times as long)."""
    return same_pairs(first, second, pairs)


def same_where_kept(
    first: bytes | bytearray | mmap.mmap,
    second: bytes | bytearray | mmap.mmap,
    ranges: Sequence[tuple[int, int]],
    edited: Sequence[tuple[int, int]],
    spots: int = 64,
    window: int = 1 << 16,
) -> bool:
    """Whether an output written in place (every byte at its original offset) holds the
    original's bytes in ``ranges`` (start, end), the media a person sees or hears.

    Where both are in memory, all of it is compared. Where either is a mapped file, the
    output was written from a plan: outside the ``edited`` ranges it is the kernel's copy
    of the same ranges of the original, identical by construction. So what is compared in
    full is the part of ``ranges`` an edit touches (any is a bug of the cleaner), and
    ``spots`` windows spread over the ranges check the copy itself; reads are chunked.
    """
    if not (is_mapped(first) or is_mapped(second)):
        before, after = memoryview(first), memoryview(second)
        return all(before[a:b] == after[a:b] for a, b in ranges)
    starts = [start for start, _ in edited]
    checks: list[tuple[int, int]] = []
    for start, stop in ranges:
        index = bisect.bisect_left(starts, stop) - 1
        while index >= 0 and edited[index][1] > start:
            low, high = max(start, edited[index][0]), min(stop, edited[index][1])
            checks.append((low, high - low))
            index -= 1
    total = sum(stop - start for start, stop in ranges)
    if total:
        step = max(total // spots, 1)
        wanted, done = 0, 0
        for start, stop in ranges:
            while wanted < done + (stop - start):
                offset = start + wanted - done
                checks.append((offset, min(window, stop - offset)))
                wanted += step
            done += stop - start
    return ranges_equal(first, second, checks)


@dataclass(frozen=True)
class Copy:
    """Bytes ``start:stop`` of the original, unchanged."""

    start: int
    stop: int


@dataclass(frozen=True)
class Zeros:
    count: int


Segment = Copy | Zeros | bytes


class Plan:
    """A cleaned copy described as segments of the original, new bytes and zero runs."""

    def __init__(self, segments: Sequence[Segment]):
        self.segments = [s for s in segments if _length(s)]

    @classmethod
    def patched(
        cls, end: int, edits: Iterable[tuple[int, bytes | int]], data_size: int | None = None
    ) -> Plan:
        """The original up to ``end``, with edits applied in order at their offsets: bytes
        to write, or a count of zero bytes. Later edits win where edits overlap, exactly as
        if each had been written over a copy in turn; edits past ``end`` are cut off."""
        painted: list[tuple[int, int, bytes | None]] = []  # (start, stop, bytes or zeros)
        for offset, content in edits:
            size = content if isinstance(content, int) else len(content)
            start, stop = max(offset, 0), min(offset + size, end)
            if stop <= start:
                continue
            value = None if isinstance(content, int) else content[start - offset : stop - offset]
            _paint(painted, start, stop, value)
        segments: list[Segment] = []
        position = 0
        for start, stop, value in painted:
            if start > position:
                segments.append(Copy(position, start))
            segments.append(Zeros(stop - start) if value is None else value)
            position = stop
        if end > position:
            segments.append(Copy(position, end))
        return cls(segments)

    @property
    def size(self) -> int:
        return sum(_length(s) for s in self.segments)

    def edited(self) -> list[tuple[int, int]]:
        """(start, stop) in the output of the bytes not copied from the same offset of the
        original: the only places an in-place edit can have changed anything."""
        found: list[tuple[int, int]] = []
        position = 0
        for segment in self.segments:
            length = _length(segment)
            if isinstance(segment, Copy) and segment.start == position:
                pass
            elif found and found[-1][1] == position:
                found[-1] = (found[-1][0], position + length)
            else:
                found.append((position, position + length))
            position += length
        return found

    def changes(self, data: bytes | bytearray | mmap.mmap) -> bool:
        """Whether the output differs from ``data`` (the original)."""
        if self.size != len(data):
            return True
        position = 0
        for segment in self.segments:
            length = _length(segment)
            if isinstance(segment, Copy):
                if segment.start != position and not ranges_equal_at(
                    data, segment.start, position, length
                ):
                    return True
            elif isinstance(segment, Zeros):
                if not is_zero(data, position, position + length):
                    return True
            elif read(data, position, position + length) != segment:
                return True
            position += length
        return False

    def render(self, data: bytes | bytearray | mmap.mmap) -> bytearray:
        """The output in memory (files given as bytes, and small embedded files)."""
        out = bytearray()
        for segment in self.segments:
            if isinstance(segment, Copy):
                out += data[segment.start : segment.stop]
            elif isinstance(segment, Zeros):
                out += bytes(segment.count)
            else:
                out += segment
        return out

    def write(self, source_fd: int, target: BinaryIO | int) -> None:
        """Write the output to ``target`` at its current position; the ranges of the
        original go from ``source_fd`` with the kernel's copy where it can."""
        fd = target if isinstance(target, int) else target.fileno()
        if not isinstance(target, int):
            target.flush()
        for segment in self.segments:
            if isinstance(segment, Copy):
                copy_range(source_fd, fd, segment.start, segment.stop - segment.start)
            elif isinstance(segment, Zeros):
                zeros = bytes(min(segment.count, CHUNK))
                for _, size in _chunks(0, segment.count):
                    _write_all(fd, memoryview(zeros)[:size])
            else:
                _write_all(fd, segment)


def ranges_equal_at(
    data: bytes | bytearray | mmap.mmap, first: int, second: int, size: int
) -> bool:
    for offset, length in _chunks(0, size):
        if read(data, first + offset, first + offset + length) != read(
            data, second + offset, second + offset + length
        ):
            return False
    return True


def _length(segment: Segment) -> int:
    if isinstance(segment, Copy):
        return max(segment.stop - segment.start, 0)
    if isinstance(segment, Zeros):
        return segment.count
    return len(segment)


def _paint(
    painted: list[tuple[int, int, bytes | None]], start: int, stop: int, value: bytes | None
) -> None:
    """Put [start, stop) over the sorted, disjoint intervals of ``painted``."""
    index = bisect.bisect_left(painted, start, key=lambda item: item[1])
    # Every interval from ``index`` on ends after ``start``; keep what sticks out.
    kept: list[tuple[int, int, bytes | None]] = []
    end_index = index
    while end_index < len(painted) and painted[end_index][0] < stop:
        old_start, old_stop, old = painted[end_index]
        if old_start < start:
            kept.append((old_start, start, None if old is None else old[: start - old_start]))
        if old_stop > stop:
            kept.append((stop, old_stop, None if old is None else old[stop - old_start :]))
        end_index += 1
    new = [item for item in kept if item[0] < start]
    new.append((start, stop, value))
    new.extend(item for item in kept if item[0] >= stop)
    painted[index:end_index] = new


def _kernel_copiers(source_fd: int, target_fd: int) -> list[Callable[[int, int], int]]:
    """``copy(count, source_offset) -> bytes sent`` for each kernel copy this system has."""
    copiers: list[Callable[[int, int], int]] = []
    if hasattr(os, "copy_file_range"):
        copiers.append(lambda count, at: os.copy_file_range(source_fd, target_fd, count, at))
    if hasattr(os, "sendfile"):
        copiers.append(lambda count, at: os.sendfile(target_fd, source_fd, at, count))
    return copiers


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def copy_range(source_fd: int, target_fd: int, offset: int, count: int) -> None:
    """Append ``count`` bytes of the source from ``offset`` to the target's position."""
    done = 0
    # The kernel copies first (copy_file_range, then sendfile); each stops on an error that
    # says it cannot copy between these files, and a buffered copy finishes the rest.
    for copier in _kernel_copiers(source_fd, target_fd):
        while done < count:
            try:
                sent = copier(count - done, offset + done)
            except OSError as exc:
                if exc.errno not in _COPY_FALLBACK_ERRORS:
                    raise
                break
            if sent == 0:
                raise EOFError("the file is shorter than its structure says")
            done += sent
    buffer = bytearray(min(CHUNK, max(count - done, 0)))
    while done < count:
        view = memoryview(buffer)[: min(len(buffer), count - done)]
        size = os.preadv(source_fd, [view], offset + done)
        if size == 0:
            raise EOFError("the file is shorter than its structure says")
        _write_all(target_fd, view[:size])
        done += size


# Bytes per read when comparing: two buffers this size stay in the CPU cache, and reusing
# them spares the page faults of a fresh buffer per read (glibc gives a freed buffer of a
# mebibyte back to the system, and the next read faults every page of it in again).
COMPARE_CHUNK = 1 << 17


def same_pairs(
    first: bytes | bytearray | mmap.mmap,
    second: bytes | bytearray | mmap.mmap,
    pairs: Iterable[tuple[int, int, int]],
) -> bool:
    """``pairs_equal`` (``first[a:a+size] == second[b:b+size]`` for every (a, b, size)),
    for ranges of any size: a mapped file is read into one reused buffer. A range that
    runs past the end of either is unequal."""
    left, right = _Reader(first), _Reader(second)
    for a, b, size in pairs:
        if a < 0 or b < 0 or a + size > len(first) or b + size > len(second):
            return False
        for offset, length in _chunks(0, size, COMPARE_CHUNK):
            if left.get(a + offset, length) != right.get(b + offset, length):
                return False
    return True


class _Reader:
    """Bounded reads of bytes or of a mapped file, the latter into a reused buffer."""

    def __init__(self, data: bytes | bytearray | mmap.mmap):
        self.data = data
        self.buffer = bytearray(COMPARE_CHUNK) if isinstance(data, MappedFile) else None

    def get(self, start: int, length: int) -> bytes | bytearray:
        if self.buffer is None or not isinstance(self.data, MappedFile):
            return self.data[start : start + length]
        view, done = memoryview(self.buffer)[:length], 0
        while done < length:
            size = os.preadv(self.data.fd, [view[done:]], start + done)
            if size == 0:
                raise EOFError("the file is shorter than its structure says")
            done += size
        # The buffer itself when full: a bytearray compares with memcmp (a memoryview
        # would compare item by item).
        return self.buffer if length == len(self.buffer) else self.buffer[:length]
