"""JPEG XL, BMP, netpbm, WMV/ASF and .torrent: planted MARKER values gone, what must stay
byte for byte stays, ExifTool agrees, idempotent, hostile inputs give one-line errors."""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops

import dirty
from oracles import assert_no_markers, exiftool, needs_exiftool
from sanitize import Options, clean_file, inspect_file
from sanitize.filetype import detect
from sanitize.formats import bencode

NO_SCAN = Options(scan=False)
CJXL, DJXL, FFMPEG = shutil.which("cjxl"), shutil.which("djxl"), shutil.which("ffmpeg")
needs_cjxl = pytest.mark.skipif(CJXL is None or DJXL is None, reason="cjxl/djxl not installed")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed")
REALWORLD = Path(__file__).resolve().parents[1].parent / "shared" / "realworld"
if not REALWORLD.is_dir():
    REALWORLD = Path("/work/shared/realworld")


# --- builders -------------------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def small_png() -> bytes:
    buffer = io.BytesIO()
    dirty.noise_image(24, 16).save(buffer, "PNG")
    return buffer.getvalue()


def cjxl(source: bytes, suffix: str, tmp: Path, *args: str) -> bytes:
    assert CJXL is not None
    src, out = tmp / f"in{suffix}", tmp / "out.jxl"
    src.write_bytes(source)
    subprocess.run([CJXL, str(src), str(out), *args], check=True, capture_output=True)
    return out.read_bytes()


def handmade_jxl(codestream: bytes) -> bytes:
    """A container around a real codestream, with every metadata box planted."""
    tiff = dirty.exif_bytes(orientation=1, thumbnail=False)
    return b"".join(
        [
            b"\x00\x00\x00\x0cJXL \r\n\x87\n",
            box(b"ftyp", b"jxl \x00\x00\x00\x00jxl "),
            box(b"Exif", b"\x00\x00\x00\x00" + tiff),
            box(b"xml ", dirty.xmp_packet("JXL")),
            box(b"jumb", box(b"jumd", b"c2pa MARKER-c2pa")),
            box(b"brob", b"xml " + b"MARKER-compressed-xmp"),
            box(b"jxlc", codestream),
            box(b"abcd", b"MARKER-unknown-box"),
        ]
    )


def djxl_pixels(data: bytes, tmp: Path) -> bytes:
    assert DJXL is not None
    src, out = tmp / "d.jxl", tmp / "d.ppm"
    src.write_bytes(data)
    subprocess.run([DJXL, str(src), str(out)], check=True, capture_output=True)
    return out.read_bytes()


def dirty_bmp() -> bytes:
    buffer = io.BytesIO()
    dirty.noise_image(13, 7).save(buffer, "BMP")
    data = bytearray(buffer.getvalue())
    data[6:10] = b"MRK!"  # reserved fields used as a hiding place
    return bytes(data) + b"MARKER-appended-after-the-pixels"


def dirty_ppm(magic: str = "P6") -> bytes:
    image = dirty.noise_image(5, 3)
    mode = {"P6": "RGB", "P5": "L", "P4": "1"}[magic]
    buffer = io.BytesIO()
    image.convert(mode).save(buffer, "PPM")
    raw = buffer.getvalue()
    # Pillow writes "P6\n5 3\n255\n": plant comments as GIMP and scanners do.
    head, rest = raw.split(b"\n", 1)
    # (A comment after the last number would be read as pixels: put it after the width.)
    inline = rest.replace(b"5 3", b"5 # MARKER-inline\n3", 1)
    return head + b"\n# Created by GIMP version 2.10 MARKER-gimp\n" + inline


def plain_pbm() -> bytes:
    return b"P1\n# MARKER-plain\n4 2\n0 1 1 0\n1 0 0 1\n"


def dirty_pam() -> bytes:
    pixels = bytes(range(2 * 2 * 4))
    header = (
        b"P7\n# MARKER-pam\nWIDTH 2\nHEIGHT 2\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n"
    )
    return header + pixels


def dirty_torrent() -> bytes:
    info = (
        b"d6:lengthi11e4:name9:notes.txt12:piece lengthi16384e6:pieces20:"
        + hashlib.sha1(b"hello world").digest()
        + b"6:source7:PRIVATEe"
    )
    text = bencode.encode_string
    fields = [
        (b"announce", text(b"https://tracker.example/announce")),
        (b"comment", text(b"MARKER-comment")),
        (b"created by", text(b"MARKER-qBittorrent")),
        (b"creation date", b"i1700000000e"),
        (b"info", info),
        (b"publisher", text(b"MARKER-publisher")),
        (b"publisher-url", text(b"https://MARKER-publisher.example")),
    ]
    return b"d" + b"".join(bencode.encode_string(k) + v for k, v in fields) + b"e"


def dirty_wmv(tmp: Path) -> bytes:
    assert FFMPEG is not None
    out = tmp / "clip.wmv"
    meta = {
        "title": "MARKER-title",
        "author": "MARKER-author",
        "copyright": "MARKER-copyright",
        "comment": "MARKER-description",
        "rating": "MARKER-rating",
        "genre": "MARKER-genre",
        "WM/ToolName": "MARKER-tool",
        "creation_time": "2021-03-04T05:06:07Z",
    }
    command = [
        FFMPEG,
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=64x48:rate=10:duration=1",
        "-f",
        "lavfi",
        "-i",
        "sine=duration=1",
        "-c:v",
        "wmv2",
        "-c:a",
        "wmav2",
    ]
    for key, value in meta.items():
        command += ["-metadata", f"{key}={value}"]
    subprocess.run([*command, "-f", "asf", str(out)], check=True, capture_output=True)
    return out.read_bytes()


def framemd5(path: Path) -> list[str]:
    assert FFMPEG is not None
    result = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(path), "-map", "0", "-c", "copy", "-f", "framemd5", "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return [line for line in result.stdout.splitlines() if not line.startswith("#")]


def pixels(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGBA")


def same_pixels(before: bytes, after: bytes) -> None:
    a, b = pixels(before), pixels(after)
    assert a.size == b.size and ImageChops.difference(a, b).getbbox() is None


# --- the cases ------------------------------------------------------------------------

Builder = Callable[[Path], bytes]
CASES: dict[str, tuple[str, Builder]] = {
    "image.bmp": ("bmp", lambda tmp: dirty_bmp()),
    "photo.ppm": ("netpbm", lambda tmp: dirty_ppm("P6")),
    "gray.pgm": ("netpbm", lambda tmp: dirty_ppm("P5")),
    "mono.pbm": ("netpbm", lambda tmp: dirty_ppm("P4")),
    "plain.pbm": ("netpbm", lambda tmp: plain_pbm()),
    "alpha.pam": ("netpbm", lambda tmp: dirty_pam()),
    "file.torrent": ("torrent", lambda tmp: dirty_torrent()),
}
TOOL_CASES: dict[str, tuple[str, Builder, pytest.MarkDecorator]] = {
    "handmade.jxl": ("jxl", lambda tmp: handmade_jxl(cjxl(small_png(), ".png", tmp)), needs_cjxl),
    "from-jpeg.jxl": (
        "jxl",
        lambda tmp: cjxl(dirty.dirty_jpeg(orientation=1), ".jpg", tmp),
        needs_cjxl,
    ),
    "clip.wmv": ("asf", dirty_wmv, needs_ffmpeg),
}
ALL = sorted(CASES) + sorted(TOOL_CASES)


def build(name: str, tmp: Path) -> tuple[str, bytes]:
    if name in CASES:
        kind, builder = CASES[name]
        return kind, builder(tmp)
    kind, builder, mark = TOOL_CASES[name]
    if mark.args[0]:  # skipif condition
        pytest.skip(mark.kwargs["reason"])
    return kind, builder(tmp)


@pytest.fixture(params=ALL)
def cleaned(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path, str]:
    work = tmp_path / "work"
    work.mkdir()
    kind, data = build(request.param, work)
    source = tmp_path / request.param
    source.write_bytes(data)
    assert detect(data) == kind
    report = clean_file(source, NO_SCAN)
    assert report.status == "cleaned", report.error
    assert report.kind == kind and report.metadata
    return source, Path(report.output), kind


def test_no_marker_left(cleaned: tuple[Path, Path, str]) -> None:
    source, output, _ = cleaned
    data = source.read_bytes()
    planted = (dirty.MARK, b"MRK!", "MARKER".encode("utf-16-le"))
    assert any(p in data for p in planted) or source.name == "from-jpeg.jxl"
    assert_no_markers(output.read_bytes())
    assert "MARKER".encode("utf-16-le") not in output.read_bytes()  # ASF strings
    assert b"MRK!" not in output.read_bytes()


def test_idempotent(cleaned: tuple[Path, Path, str], tmp_path: Path) -> None:
    _, output, _ = cleaned
    again = clean_file(output, Options(scan=False, output_dir=tmp_path / "again"))
    assert again.status == "clean", again.metadata
    assert Path(again.output).read_bytes() == output.read_bytes()


def test_content_kept(cleaned: tuple[Path, Path, str], tmp_path: Path) -> None:
    source, output, kind = cleaned
    before, after = source.read_bytes(), output.read_bytes()
    if kind == "bmp" or source.suffix in (".ppm", ".pgm") or source.name == "mono.pbm":
        same_pixels(before, after)
    if kind == "jxl":
        shown = djxl_pixels(after, tmp_path)
        if source.name == "from-jpeg.jxl":  # the handmade one's planted boxes are not valid
            assert djxl_pixels(before, tmp_path) == shown
    if kind == "torrent":
        info_before = bencode.decode(before).data[b"info"]  # type: ignore[index]
        info_after = bencode.decode(after).data[b"info"]  # type: ignore[index]
        assert (
            before[info_before.start : info_before.end] == after[info_after.start : info_after.end]
        )
        assert b"8:announce32:https://tracker.example/announce" in after
    if kind == "asf":
        assert framemd5(source) == framemd5(output)
        data_at = before.find(bytes.fromhex("3626b2758e66cf11a6d900aa0062ce6c"))
        assert before[data_at:] == after[after.find(before[data_at : data_at + 16]) :]
    if kind == "netpbm" and source.suffix in (".pam", ".pbm"):
        assert after.endswith(before[-4:])


@needs_exiftool
def test_exiftool_sees_nothing_left(cleaned: tuple[Path, Path, str]) -> None:
    source, output, kind = cleaned
    if kind == "torrent" or source.suffix == ".pam":
        pytest.skip("ExifTool does not read this format")
    forbidden = (
        "Author",
        "Title",
        "Copyright",
        "Description",
        "Comment",
        "Creator",
        "ToolName",
        "EncodingSettings",
        "Genre",
        "Rating",
        "Artist",
        "Software",
    )
    left = []
    for key, value in exiftool(output).items():
        tag = key.partition(":")[2]
        if "MARKER" in str(value) or (tag in forbidden and str(value).strip()):
            left.append(f"{key}={value}")
        if tag == "CreationDate" and "2021" in str(value):
            left.append(f"{key}={value}")
    assert left == []


def test_jxl_keeps_codestream_boxes(tmp_path: Path) -> None:
    if CJXL is None:
        pytest.skip("cjxl not installed")
    codestream = cjxl(small_png(), ".png", tmp_path)
    assert codestream.startswith(b"\xff\x0a")  # no metadata: cjxl writes a bare codestream
    data = handmade_jxl(codestream)
    source = tmp_path / "h.jxl"
    source.write_bytes(data)
    shown = inspect_file(source, NO_SCAN)
    fields = {m.field for m in shown.metadata}
    assert {"C2PA/JUMBF", "brob(xml)", "abcd"} <= fields
    assert any(m.location.startswith("EXIF") for m in shown.metadata)
    output = Path(clean_file(source, NO_SCAN).output).read_bytes()
    assert output == data[:12] + box(b"ftyp", b"jxl \x00\x00\x00\x00jxl ") + box(
        b"jxlc", codestream
    )
    bare = tmp_path / "bare.jxl"
    bare.write_bytes(codestream)
    report = clean_file(bare, NO_SCAN)
    assert report.status == "clean" and Path(report.output).read_bytes() == codestream


def test_torrent_remarks_name_what_info_keeps(tmp_path: Path) -> None:
    path = tmp_path / "t.torrent"
    path.write_bytes(dirty_torrent())
    report = inspect_file(path, NO_SCAN)
    assert {m.field for m in report.metadata} == {
        "comment",
        "created by",
        "creation date",
        "publisher",
        "publisher-url",
    }
    assert any("source=PRIVATE" in n and "notes.txt" in n for n in report.notes)


def test_bmp_zero_padding_is_not_metadata(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    dirty.noise_image(8, 8).save(buffer, "BMP")
    path = tmp_path / "p.bmp"
    path.write_bytes(buffer.getvalue() + b"\x00\x00")
    assert clean_file(path, NO_SCAN).status == "clean"


def test_text_that_looks_like_a_signature_stays_text() -> None:
    assert detect(b"P1 is the first priority, then P2.\n") == "text"
    assert detect(b"BM stands for bowel movement in this draft\n") == "text"
    assert detect(b"d3:is a draft, not a torrent\n") == "text"
    assert detect(b"P3\n2 1\n255\n0 0 0 255 255 255\n") == "netpbm"


SEEDS: dict[str, Callable[[], bytes]] = {
    "bmp": dirty_bmp,
    "ppm": lambda: dirty_ppm("P6"),
    "pam": dirty_pam,
    "pbm": plain_pbm,
    "torrent": dirty_torrent,
    "jxl": lambda: handmade_jxl(b"\xff\x0a" + bytes(range(200))),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_truncated_and_mutated_inputs_give_one_line_errors(name: str, tmp_path: Path) -> None:
    seed = SEEDS[name]()
    rng = random.Random(name)
    variants = [seed[:cut] for cut in (3, 10, 20, len(seed) // 2, len(seed) - 1)]
    for _ in range(20):
        data = bytearray(seed)
        for _ in range(3):
            data[rng.randrange(len(data))] = rng.randrange(256)
        variants.append(bytes(data))
    variants.append(seed[:2] + bytes(rng.randrange(256) for _ in range(300)))
    for number, data in enumerate(variants):
        path = tmp_path / f"v{number}.{name}"
        path.write_bytes(data)
        report = clean_file(path, NO_SCAN)
        if report.status == "error":
            assert report.error and "\n" not in report.error
            assert "internal error" not in report.error, report.error
        else:
            assert report.status in ("clean", "cleaned", "unsupported"), report.status


@needs_ffmpeg
def test_truncated_wmv_gives_one_line_errors(tmp_path: Path) -> None:
    seed = dirty_wmv(tmp_path)
    for cut in (16, 40, 200, 600, len(seed) // 2):
        path = tmp_path / f"cut{cut}.wmv"
        path.write_bytes(seed[:cut])
        report = clean_file(path, NO_SCAN)
        if report.status == "error":
            assert report.error and "internal error" not in report.error
        else:
            assert report.status in ("clean", "cleaned", "unsupported")


# --- real files -----------------------------------------------------------------------

# Real files that are expected to fail, with the reason (none so far).
EXPECTED_ERRORS: dict[str, str] = {}
REAL = sorted(
    str(p.relative_to(REALWORLD))
    for folder in ("jxl", "bmp")
    if (REALWORLD / folder).is_dir()
    for p in (REALWORLD / folder).iterdir()
)


@pytest.mark.skipif(not REAL, reason="shared/realworld is absent")
@pytest.mark.parametrize("name", REAL or ["none"])
def test_realworld_files(name: str, tmp_path: Path) -> None:
    source = REALWORLD / name
    report = clean_file(source, Options(scan=False, output_dir=tmp_path))
    if name in EXPECTED_ERRORS:
        assert report.status == "error" and EXPECTED_ERRORS[name] in (report.error or "")
        return
    assert report.status in ("clean", "cleaned"), report.error
    output = Path(report.output).read_bytes()
    if source.suffix == ".bmp":
        # A layout Pillow cannot decode (rgba16 bit fields): the cleaner's own check has
        # compared the pixel arrays byte for byte.
        with contextlib.suppress(OSError):
            same_pixels(source.read_bytes(), output)
    elif DJXL is not None:
        assert djxl_pixels(source.read_bytes(), tmp_path) == djxl_pixels(output, tmp_path)
    assert inspect_file(Path(report.output), NO_SCAN).metadata == []
