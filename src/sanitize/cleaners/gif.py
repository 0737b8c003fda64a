"""GIF: drop comments and application extensions, except the animation loop count."""

from __future__ import annotations

from dataclasses import dataclass

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, ParsedFile, WalkedFile
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats.values import bytes_text
from sanitize.report import MetadataItem

LOOP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")
MAX_BLOCKS = 2_000_000


@dataclass(frozen=True)
class Block:
    kind: str  # "header", "image", "extension", "trailer"
    label: int
    start: int
    end: int


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while True:
        if pos >= len(data):
            raise CorruptFileError("truncated GIF data block")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _blocks(data: bytes) -> tuple[list[Block], int]:
    if len(data) < 13 or data[:6] not in (b"GIF87a", b"GIF89a"):
        raise CorruptFileError("not a GIF")
    packed = data[10]
    pos = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    blocks = [Block("header", 0, 0, pos)]
    while True:
        if len(blocks) > MAX_BLOCKS:
            raise LimitExceededError("too many GIF blocks")
        if pos >= len(data):
            raise CorruptFileError("truncated GIF (no trailer)")
        introducer = data[pos]
        if introducer == 0x3B:
            blocks.append(Block("trailer", 0, pos, pos + 1))
            return blocks, pos + 1
        if introducer == 0x2C:
            if pos + 10 > len(data):
                raise CorruptFileError("truncated GIF image descriptor")
            local = data[pos + 9]
            body = pos + 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            end = _skip_sub_blocks(data, body + 1)  # +1: LZW minimum code size
            blocks.append(Block("image", 0, pos, end))
        elif introducer == 0x21:
            if pos + 2 > len(data):
                raise CorruptFileError("truncated GIF extension")
            end = _skip_sub_blocks(data, pos + 2)
            blocks.append(Block("extension", data[pos + 1], pos, end))
        else:
            raise CorruptFileError(f"corrupt GIF: unknown block 0x{introducer:02X} at byte {pos}")
        pos = end


def _application_id(data: bytes, block: Block) -> bytes:
    size = data[block.start + 2]
    return data[block.start + 3 : block.start + 3 + size]


def _loop_extension(data: bytes, block: Block) -> bytes | None:
    """The canonical loop-count extension if this block is one, else None."""
    if block.label != 0xFF or _application_id(data, block) not in LOOP_APPS:
        return None
    sub = block.start + 3 + 11
    if sub + 4 <= block.end and data[sub] == 3 and data[sub + 1] == 1:
        return b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + data[sub + 2 : sub + 4] + b"\x00"
    return None


def _sub_block_text(data: bytes, start: int, end: int) -> str:
    parts: list[bytes] = []
    pos = start
    while pos < end and data[pos]:
        parts.append(data[pos + 1 : pos + 1 + data[pos]])
        pos += 1 + data[pos]
    return bytes_text(b"".join(parts))


class GifFile(WalkedFile):
    """One walk over the blocks lists what goes and assembles what stays."""

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        blocks, end = _blocks(data)
        # What verify compares: the screen descriptor, frames and their timing, as bytes.
        self.frames = [
            data[b.start : b.end]
            for b in blocks
            if b.kind in ("header", "image") or (b.kind == "extension" and b.label == 0xF9)
        ]
        self._items = []
        parts: list[bytes] = []
        loop_written = False
        for block in blocks:
            if block.kind != "extension" or block.label in (0xF9, 0x01):
                parts.append(data[block.start : block.end])  # image, timing, plain text
            elif block.label == 0xFE:
                text = _sub_block_text(data, block.start + 2, block.end)
                self._items.append(MetadataItem("GIF:Comment", "Comment", text))
            elif block.label == 0xFF:
                loop = _loop_extension(data, block)
                if loop is None:
                    app = bytes_text(_application_id(data, block))
                    size = block.end - block.start
                    self._items.append(MetadataItem("GIF:Application", app, f"<{size} bytes>"))
                elif not loop_written:
                    # The first loop count is kept, rewritten canonically; later ones are
                    # dropped without being listed (they carry nothing but a count).
                    parts.append(loop)
                    loop_written = True
            else:
                label = f"Extension0x{block.label:02X}"
                size = block.end - block.start
                self._items.append(MetadataItem("GIF", label, f"<{size} bytes>"))
        self._notes = []
        if end < len(data):
            self._items.append(
                MetadataItem("Trailer", "DataAfterTrailer", f"<{len(data) - end} bytes>")
            )
            self._notes.append(f"removed {len(data) - end} bytes after the end of the image")
        self._output = b"".join(parts)

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, GifFile):
            raise VerificationError("the cleaned file is not a GIF")
        if self.frames != cleaned.frames:
            raise VerificationError("GIF image data changed during cleaning")


class GifCleaner(Cleaner):
    name = "gif"
    kinds = catalog.kinds_of("gif")

    def open(self, data: bytes, kind: str, context: Context) -> GifFile:
        return GifFile(data, kind, context)
