"""Files named by URL (``s3://``, ``gs://``, ``az://``, ``file://``, ``memory://``...), via fsspec.

fsspec and the backend packages (s3fs, gcsfs, adlfs) are imported only here, and this module
only when a URL is given: ``sanitize photo.jpg`` never loads them. Credentials come from each
backend's usual environment and config files (``AWS_*``, ``~/.aws``, ``GOOGLE_*``...), and
``FSSPEC_<PROTOCOL>_<OPTION>`` variables (``FSSPEC_S3_ENDPOINT_URL``) reach any backend.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sanitize.errors import SanitizeError
from sanitize.walk import CLEAN_MARK, is_own_output

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

# "C:\\photos" must stay a Windows path: a scheme has two letters at least.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+://")


def is_url(name: object) -> bool:
    return isinstance(name, str) and bool(_SCHEME.match(name))


def filesystem(url: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec filesystem for ``url`` and the path it uses for it."""
    try:
        from fsspec.core import url_to_fs
    except ImportError as exc:
        raise SanitizeError(
            "URLs need the cluster extra: pip install 'sanitize-publish[cluster]'"
        ) from exc
    try:
        fs, path = url_to_fs(url)
    except (ImportError, ValueError) as exc:  # an unknown protocol, or its package missing
        raise SanitizeError(f"{url}: {exc}") from exc
    return fs, str(path)


def is_local(fs: AbstractFileSystem) -> bool:
    return "file" in _protocols(fs)


def is_shared(fs: AbstractFileSystem) -> bool:
    """False when other processes cannot see what this one writes (``memory://``)."""
    return "memory" not in _protocols(fs)


def _protocols(fs: AbstractFileSystem) -> tuple[str, ...]:
    protocol: Any = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)


@dataclass(frozen=True)
class Found:
    url: str  # the file, as a full URL
    relative: str | None  # below the folder walked ("2026/a.jpg"); None for a file named
    size: int | None = None  # from the listing: saves a request per file when reading


def walk(url: str) -> list[Found]:
    """The files below ``url`` (or ``url`` itself), in a stable order.

    As for local folders, hidden folders and files, and our own ``*.clean.*`` outputs, are
    skipped. Object stores have no folders: a prefix with objects below it is one.
    """
    fs, path = filesystem(url)
    base = path.rstrip("/")
    if not fs.isdir(base):
        if not fs.exists(base):
            raise SanitizeError(f"{url}: no such file or prefix")
        return [Found(url, None)]
    prefix = url.rstrip("/")
    found = []
    listing = fs.find(base, detail=True)
    for name in sorted(listing):
        relative = str(name)[len(base) :].lstrip("/")
        parts = PurePosixPath(relative).parts
        if not parts or any(part.startswith(".") for part in parts):
            continue
        if is_own_output(Path(relative)):
            continue
        size = listing[name].get("size")
        found.append(
            Found(f"{prefix}/{relative}", relative, int(size) if size is not None else None)
        )
    return found


def join(base: str, relative: str) -> str:
    return f"{base.rstrip('/')}/{relative}"


def sibling_output(url: str) -> str:
    """``s3://b/a.jpg`` -> ``s3://b/a.clean.jpg``, as local files get ``NAME.clean.EXT``."""
    head, _, name = url.rpartition("/")
    path = PurePosixPath(name)
    return f"{head}/{path.stem}{CLEAN_MARK}{path.suffix}"


def read(url: str, limit: int, size: int | None = None) -> bytes:
    """The whole object; ``size`` (from a listing) spares asking for it first."""
    fs, path = filesystem(url)
    try:
        size = fs.size(path) if size is None else size
        if size is not None and size > limit:
            raise SanitizeError(f"file is larger than the {limit} byte limit")
        data: bytes = fs.cat_file(path)
    except FileNotFoundError as exc:
        raise SanitizeError("no such file") from exc
    if len(data) > limit:
        raise SanitizeError(f"file is larger than the {limit} byte limit")
    return data


def write(url: str, data: bytes) -> None:
    """Write ``data`` whole: one PUT (or a multipart upload that appears only once
    completed) on object stores; a local file by rename, as every local output."""
    fs, path = filesystem(url)
    if is_local(fs):
        from sanitize.atomic import write_atomic

        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
        return
    if getattr(fs, "root_marker", "/") != "":  # object stores have no folders to make
        with contextlib.suppress(NotImplementedError):
            fs.makedirs(fs._parent(path), exist_ok=True)
    fs.pipe_file(path, data)


def size_of(url: str) -> int | None:
    """The object's size, or None when it does not exist."""
    fs, path = filesystem(url)
    try:
        size = fs.size(path)
    except (FileNotFoundError, OSError):
        return None
    return None if size is None else int(size)
