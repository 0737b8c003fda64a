"""Independent checks of outputs: ExifTool, raw bytes, decoded pixels."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageSequence

from dirty import MARK

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")

# ExifTool groups that must be empty after cleaning (-G1 family names).
FORBIDDEN_GROUP_PREFIXES = (
    "XMP",
    "IPTC",
    "GPS",
    "ExifIFD",
    "IFD1",
    "Photoshop",
    "MPF",
    "JUMBF",
    "InteropIFD",
    "MakerNotes",
    "PNG-tEXt",
    "PNG-zTXt",
    "PNG-iTXt",
)
FORBIDDEN_TAGS = {
    "Comment",
    "Make",
    "Model",
    "Software",
    "Artist",
    "ImageDescription",
    "Copyright",
    "DateTime",
    "ModifyDate",
    "CreateDate",
    "DateTimeOriginal",
    "SerialNumber",
    "Author",
    "Title",
    "Creator",
    "ThumbnailImage",
    "PreviewImage",
}


def exiftool(path: Path) -> dict[str, object]:
    assert EXIFTOOL is not None
    result = subprocess.run(
        [EXIFTOOL, "-a", "-G1", "-j", "-b", "-u", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)[0]


def metadata_left(path: Path) -> list[str]:
    """ExifTool tags that should not survive cleaning."""
    left = []
    for key, value in exiftool(path).items():
        group, _, tag = key.partition(":")
        if group in ("System", "ExifTool", "Composite") or group.startswith("ICC"):
            continue  # facts about the file and the colour profile we keep on purpose
        planted = isinstance(value, str) and "MARKER-" in value
        if group.startswith(FORBIDDEN_GROUP_PREFIXES) or tag in FORBIDDEN_TAGS or planted:
            left.append(f"{key}={value}")
    return left


def assert_no_markers(data: bytes) -> None:
    position = data.find(MARK)
    assert position < 0, f"marker left at byte {position}: {data[position : position + 40]!r}"


def open_image(data: bytes) -> Image.Image:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return Image.open(io.BytesIO(data))


def frames(data: bytes) -> list[Image.Image]:
    image = open_image(data)
    return [frame.convert("RGBA") for frame in ImageSequence.Iterator(image)]


def assert_same_pixels(before: bytes, after: bytes) -> None:
    first, second = frames(before), frames(after)
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        assert a.size == b.size
        assert ImageChops.difference(a, b).getbbox() is None


def pdf_streams_and_objects(path: Path) -> list[tuple[str, bytes]]:
    """(label, bytes) for every object's text and every stream, raw and decoded (pikepdf)."""
    import pikepdf

    found = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            label = f"object {obj.objgen}"
            found.append((label, repr(obj).encode("utf-8", "replace")))
            if isinstance(obj, pikepdf.Stream):
                found.append((label + " raw", obj.read_raw_bytes()))
                # Image codecs (DCT) stay encoded: their raw bytes were checked above.
                with contextlib.suppress(pikepdf.PdfError):
                    found.append((label + " decoded", obj.read_bytes()))
        found.append(("trailer", repr(pdf.trailer).encode()))
    return found


def assert_pdf_has_no_markers(path: Path) -> None:
    data = path.read_bytes()
    assert_no_markers(data)
    for label, content in pdf_streams_and_objects(path):
        assert MARK not in content, f"marker in {label}: {content[:200]!r}"
