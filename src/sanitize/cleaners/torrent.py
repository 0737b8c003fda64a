""".torrent (BitTorrent metainfo): who made it, with what and when goes; the ``info``
dictionary is copied byte for byte, so the infohash (the torrent's identity) is unchanged.

Only the top-level keys a client needs to find peers and check pieces are kept (below);
everything else there is commentary added by the tool or the person that made the file
(``created by``, ``creation date``, ``comment``, ``publisher``, ``publisher-url``, their
``.utf-8`` twins, and vendor keys). What ``info`` itself names (file and folder names, a
private tracker's ``source`` tag) cannot change without making another torrent: it is
listed as a remark.
"""

from __future__ import annotations

import hashlib

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats import bencode
from sanitize.formats.values import bytes_text
from sanitize.report import MetadataItem

# What BEP 3 (announce, info), BEP 12 (announce-list), BEP 5 (nodes), BEP 19 (url-list),
# BEP 17 (httpseeds) and BEP 52 (piece layers) define; ``encoding`` says how the strings of
# ``info`` are encoded (old clients), so readers need it too.
KEPT_KEYS = frozenset(
    {
        b"announce",
        b"announce-list",
        b"info",
        b"nodes",
        b"url-list",
        b"httpseeds",
        b"piece layers",
        b"encoding",
    }
)
# Keys inside ``info`` that say something about who made the torrent (kept, shown).
INFO_REMARKS = (b"source", b"x_cross_seed", b"publisher", b"created by", b"comment")


def _render(value: bencode.Value) -> str:
    if isinstance(value.data, bytes):
        return bytes_text(value.data)
    if isinstance(value.data, int):
        return str(value.data)
    return f"<{value.end - value.start} bytes>"


class TorrentFile(ParsedFile):
    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        top = bencode.decode(data)
        if not isinstance(top.data, dict):
            raise CorruptFileError("torrent is not a bencoded dictionary")
        self.entries: dict[bytes, bencode.Value] = top.data
        info = self.entries.get(b"info")
        if info is None or not isinstance(info.data, dict):
            raise CorruptFileError("torrent has no info dictionary")
        self.info = info
        self._items = [
            MetadataItem("torrent", key.decode("utf-8", "replace"), _render(value))
            for key, value in self.entries.items()
            if key not in KEPT_KEYS
        ]
        parts = [b"d"]
        for key, value in self.entries.items():
            if key in KEPT_KEYS:
                parts += [bencode.encode_string(key), data[value.start : value.end]]
        parts.append(b"e")
        self._output = b"".join(parts)

    def info_bytes(self) -> bytes:
        return self.data[self.info.start : self.info.end]

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def remarks(self) -> list[str]:
        assert isinstance(self.info.data, dict)
        found = [
            f"{key.decode('ascii')}={_render(self.info.data[key])}"
            for key in INFO_REMARKS
            if key in self.info.data
        ]
        name = self.info.data.get(b"name")
        if name is not None:
            found.append(f"name={_render(name)}")
        if not found:
            return []
        return ["kept inside info (changing it would change the infohash): " + "; ".join(found)]

    def clean(self) -> CleanResult:
        return CleanResult(self._output)

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, TorrentFile):
            raise VerificationError("cleaned file is no longer a torrent")
        if hashlib.sha1(self.info_bytes()).digest() != hashlib.sha1(cleaned.info_bytes()).digest():
            raise VerificationError("torrent infohash changed during cleaning")
        for key in KEPT_KEYS & self.entries.keys():
            before, after = self.entries[key], cleaned.entries.get(key)
            if after is None or (
                self.data[before.start : before.end] != cleaned.data[after.start : after.end]
            ):
                raise VerificationError(f"torrent key {key.decode()!r} changed during cleaning")


class TorrentCleaner(Cleaner):
    name = "torrent"
    kinds = catalog.kinds_of("torrent")

    def open(self, data: bytes, kind: str, context: Context) -> TorrentFile:
        return TorrentFile(data, kind, context)
