"""The files the page works on, kept in one temporary folder that dies with the server.

Each item has its own folder: ``in/`` holds the upload (streamed there, never held in
memory), ``out/`` the cleaned copy, ``redacted/`` the reviewed copy of a document. Files
given on the command line are read where they are; only their outputs live here.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sanitize.report import FileReport

LIFETIME = 3600.0  # seconds an upload is kept, whatever the page does


@dataclass
class Item:
    id: str
    name: str  # relative path as the user dropped it ("trip/IMG_1.jpg"), for zips
    source: Path  # the file read by the pipeline
    folder: Path  # this item's own temporary folder
    uploaded: bool
    created: float = field(default_factory=time.monotonic)
    size: int = 0
    inspected: FileReport | None = None
    cleaned: FileReport | None = None
    redacted: FileReport | None = None


def safe_name(name: str) -> str:
    """A relative POSIX path without ``..``, absolute parts or empty segments."""
    parts = [
        p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".", "..", "/")
    ]
    cleaned = [p.replace("\x00", "") for p in parts if p.replace("\x00", "")]
    return "/".join(cleaned) or "file"


class Store:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sanitize-ui-"))
        self.items: dict[str, Item] = {}
        self._lock = threading.Lock()

    def new(self, name: str, source: Path | None = None) -> Item:
        """A new item; ``source`` for a file read in place, else an upload target."""
        item_id = secrets.token_hex(8)
        folder = self.root / item_id
        folder.mkdir()
        name = safe_name(name)
        if source is None:
            path = folder / "in" / PurePosixPath(name).name
            path.parent.mkdir()
            item = Item(item_id, name, path, folder, uploaded=True)
        else:
            item = Item(item_id, name, source, folder, uploaded=False)
            item.size = source.stat().st_size if source.is_file() else 0
        with self._lock:
            self.items[item_id] = item
        return item

    def get(self, item_id: str) -> Item | None:
        with self._lock:
            return self.items.get(item_id)

    def listing(self) -> list[Item]:
        with self._lock:
            return sorted(self.items.values(), key=lambda i: i.created)

    def remove(self, item_id: str) -> None:
        with self._lock:
            item = self.items.pop(item_id, None)
        if item is not None:
            shutil.rmtree(item.folder, ignore_errors=True)

    def clear(self, uploads_only: bool = True) -> None:
        for item in self.listing():
            if item.uploaded or not uploads_only:
                self.remove(item.id)

    def expire(self, now: float | None = None) -> int:
        """Delete what is older than LIFETIME; returns how many items went."""
        now = time.monotonic() if now is None else now
        old = [i.id for i in self.listing() if now - i.created > LIFETIME]
        for item_id in old:
            self.remove(item_id)
        return len(old)

    def close(self) -> None:
        with self._lock:
            self.items.clear()
        shutil.rmtree(self.root, ignore_errors=True)
