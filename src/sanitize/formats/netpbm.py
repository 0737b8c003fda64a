"""Netpbm headers (PBM, PGM, PPM and PAM, magic numbers P1 to P7), read without trust.

A header is a magic number and a few decimal numbers separated by whitespace, where ``#``
starts a comment that runs to the end of the line (GIMP writes "# Created by GIMP..."). PAM
(P7) has one ``KEYWORD value`` per line up to ``ENDHDR``. A file may hold several images
one after the other. The raster's size follows from the header, so the end of each image
is known without decoding a pixel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sanitize.errors import CorruptFileError, LimitExceededError

WHITESPACE = b" \t\r\n\x0b\x0c"
MAX_IMAGES = 4096
MAX_HEADER = 64 * 1024
# How many numbers follow the magic number in P1-P6: width, height (and maxval).
FIELDS = {b"P1": 2, b"P2": 3, b"P3": 3, b"P4": 2, b"P5": 3, b"P6": 3}
CHANNELS = {b"P2": 1, b"P3": 3, b"P5": 1, b"P6": 3}


@dataclass
class Image:
    magic: bytes
    start: int
    header_end: int  # where the raster starts
    end: int
    numbers: dict[str, int]
    comments: list[bytes] = field(default_factory=list)
    pam_lines: list[bytes] = field(default_factory=list)  # P7: header lines, no comments

    @property
    def plain(self) -> bool:
        return self.magic in (b"P1", b"P2", b"P3")


def _skip_space(data: bytes, position: int, comments: list[bytes]) -> int:
    while position < len(data):
        byte = data[position : position + 1]
        if byte in (b"",):
            break
        if byte == b"#":
            end = data.find(b"\n", position)
            end = len(data) if end < 0 else end
            comments.append(data[position + 1 : end])
            position = end
        elif byte in WHITESPACE:
            position += 1
        else:
            break
    return position


def _number(data: bytes, position: int) -> tuple[int, int]:
    end = position
    while end < len(data) and end - position < 12 and 0x30 <= data[end] <= 0x39:
        end += 1
    if end == position:
        raise CorruptFileError(f"netpbm header: number expected at byte {position}")
    return int(data[position:end]), end


def _parse_pnm(data: bytes, start: int, magic: bytes) -> Image:
    comments: list[bytes] = []
    position = start + 2
    values = []
    if position >= len(data) or data[position] not in WHITESPACE + b"#":
        raise CorruptFileError("netpbm header: whitespace expected after the magic number")
    for _ in range(FIELDS[magic]):
        value, position = _number(data, _skip_space(data, position, comments))
        values.append(value)
    width, height = values[0], values[1]
    maxval = values[2] if len(values) > 2 else 1
    if width < 1 or height < 1 or not 1 <= maxval <= 65535:
        raise CorruptFileError("netpbm header: bad width, height or maxval")
    if magic in (b"P4", b"P5", b"P6"):
        # Exactly one whitespace byte ends the header; a comment there would be ambiguous.
        if position >= len(data) or data[position] not in WHITESPACE:
            raise CorruptFileError("netpbm header: whitespace expected before the raster")
        header_end = position + 1
        if magic == b"P4":
            size = (width + 7) // 8 * height
        else:
            size = width * height * CHANNELS[magic] * (1 if maxval < 256 else 2)
        end = header_end + size
        if end > len(data):
            raise CorruptFileError("netpbm raster is cut short")
    else:
        header_end = position
        end = _plain_raster_end(data, position, width * height * CHANNELS.get(magic, 1), magic)
    names = ("width", "height", "maxval")
    return Image(magic, start, header_end, end, dict(zip(names, values, strict=False)), comments)


def _plain_raster_end(data: bytes, position: int, count: int, magic: bytes) -> int:
    """P1-P3: ``count`` decimal samples (P1's are single digits, maybe without spaces)."""
    for _ in range(count):
        while position < len(data) and data[position] in WHITESPACE:
            position += 1
        if position >= len(data):
            raise CorruptFileError("netpbm plain raster is cut short")
        if not 0x30 <= data[position] <= 0x39:
            raise CorruptFileError(f"netpbm plain raster: digit expected at byte {position}")
        position += 1
        if magic != b"P1":
            while position < len(data) and 0x30 <= data[position] <= 0x39:
                position += 1
    return position


def _parse_pam(data: bytes, start: int) -> Image:
    position = start + 2
    if position >= len(data) or data[position] != ord("\n"):
        raise CorruptFileError("PAM header: newline expected after P7")
    position += 1
    comments: list[bytes] = []
    lines: list[bytes] = []
    numbers: dict[str, int] = {}
    while True:
        end = data.find(b"\n", position, position + MAX_HEADER)
        if end < 0:
            raise CorruptFileError("PAM header is not closed by ENDHDR")
        line = data[position:end]
        position = end + 1
        stripped = line.strip(WHITESPACE)
        if stripped.startswith(b"#"):
            comments.append(stripped[1:])
            continue
        if not stripped:
            continue
        lines.append(line)
        keyword, _, value = stripped.partition(b" ")
        if keyword == b"ENDHDR":
            break
        if keyword in (b"WIDTH", b"HEIGHT", b"DEPTH", b"MAXVAL"):
            text = value.strip(WHITESPACE)
            if not text.isdigit() or len(text) > 12:
                raise CorruptFileError(f"PAM header: bad {keyword.decode()}")
            numbers[keyword.decode().lower()] = int(text)
    if any(numbers.get(k, 0) < 1 for k in ("width", "height", "depth", "maxval")):
        raise CorruptFileError("PAM header lacks WIDTH, HEIGHT, DEPTH or MAXVAL")
    if numbers["maxval"] > 65535:
        raise CorruptFileError("PAM header: MAXVAL above 65535")
    sample = 1 if numbers["maxval"] < 256 else 2
    size = numbers["width"] * numbers["height"] * numbers["depth"] * sample
    if position + size > len(data):
        raise CorruptFileError("PAM raster is cut short")
    return Image(b"P7", start, position, position + size, numbers, comments, lines)


def parse(data: bytes) -> tuple[list[Image], int]:
    """Every image in ``data``, and where the last one ends."""
    images: list[Image] = []
    position = 0
    while True:
        magic = data[position : position + 2]
        if magic == b"P7":
            image = _parse_pam(data, position)
        elif magic in FIELDS:
            image = _parse_pnm(data, position, magic)
        else:
            if not images:
                raise CorruptFileError("not a netpbm image (no P1-P7 magic number)")
            return images, position
        images.append(image)
        if len(images) > MAX_IMAGES:
            raise LimitExceededError("netpbm file holds too many images")
        position = image.end
        # Plain formats end with whitespace before the next image; skip it.
        while position < len(data) and data[position] in WHITESPACE:
            position += 1
        if position >= len(data):
            return images, len(data)


def looks_like(data: bytes) -> bool:
    """A netpbm header: its magic number, then the numbers it needs (confirmed, so a text
    that opens with "P1 " is not taken for an image)."""
    magic = data[:2]
    if magic == b"P7":
        return data[2:3] == b"\n" and b"ENDHDR" in data[:MAX_HEADER]
    if magic not in FIELDS or data[2:3] not in (b" ", b"\t", b"\r", b"\n", b"#"):
        return False
    try:
        position = 2
        comments: list[bytes] = []
        for _ in range(FIELDS[magic]):
            position = _skip_space(data[:MAX_HEADER], position, comments)
            _, position = _number(data, position)
    except CorruptFileError:
        return False
    return True
