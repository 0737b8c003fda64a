"""Write files so that a crash or a failure never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

TEMP_PREFIX = ".sanitize-"
TEMP_SUFFIX = ".tmp"


def write_atomic(
    target: Path, data: bytes | bytearray, mode_from: Path | None = None, durable: bool = False
) -> None:
    """Write ``data`` to a temporary file beside ``target``, then rename it over.

    The rename makes the write all-or-nothing for any crash of this process. ``durable``
    adds fsyncs so that a power cut cannot leave an empty file either: needed when the
    target is the user's original (--in-place), not for a new copy beside it. A failed
    write removes its temporary file; folder walks skip ``.sanitize-*`` names, so one
    left by a killed process is never read as content.
    """
    directory = target.parent
    mode = _mode_for(target, mode_from)
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), mode)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    if durable:
        _fsync_directory(directory)


@contextlib.contextmanager
def atomic_output(
    target: Path, mode_from: Path | None = None, durable: bool = False
) -> Iterator[int]:
    """``write_atomic`` for output written piece by piece (a large movie copied by the
    kernel, see sanitize.source): yields the descriptor of a temporary file beside
    ``target``, opened for reading and writing so the output can be checked before it
    counts. Leaving the block normally renames it over ``target``; an exception (a failed
    check included) removes it and leaves ``target`` as it was."""
    directory = target.parent
    mode = _mode_for(target, mode_from)
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
    try:
        try:
            yield fd
            if durable:
                os.fsync(fd)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    if durable:
        _fsync_directory(directory)


def _mode_for(target: Path, mode_from: Path | None) -> int:
    for candidate in (target, mode_from):
        if candidate is not None:
            try:
                return os.stat(candidate).st_mode & 0o7777
            except OSError:
                continue
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
