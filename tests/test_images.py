"""Every image cleaner: metadata gone (ExifTool + raw bytes), pixels equal, idempotent."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

import dirty
from oracles import assert_no_markers, assert_same_pixels, metadata_left, needs_exiftool, open_image
from sanitize import Options, clean_file, inspect_file
from sanitize.filetype import detect

CASES: dict[str, Callable[[], bytes]] = {
    "baseline.jpg": dirty.dirty_jpeg,
    "progressive.jpg": lambda: dirty.dirty_jpeg(progressive=True),
    "upright.jpg": lambda: dirty.dirty_jpeg(orientation=1),
    "rgba.png": dirty.dirty_png,
    "palette.png": lambda: dirty.dirty_png(mode="P"),
    "lossy.webp": dirty.dirty_webp,
    "lossless.webp": lambda: dirty.dirty_webp("lossless"),
    "animated.webp": lambda: dirty.dirty_webp("animated"),
    "animated.gif": dirty.dirty_gif,
    "still.gif": lambda: dirty.dirty_gif(animated=False),
    "lzw.tiff": dirty.dirty_tiff,
    "raw.tiff": lambda: dirty.dirty_tiff("raw"),
    "deflate.tiff": lambda: dirty.dirty_tiff("tiff_adobe_deflate"),
    "packbits.tiff": lambda: dirty.dirty_tiff("packbits"),
    "photo.heic": dirty.dirty_heic,
    "rotated.heic": lambda: dirty.dirty_heic(orientation=6),
}


@pytest.fixture(params=sorted(CASES))
def cleaned(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / request.param
    source.write_bytes(CASES[request.param]())
    report = clean_file(source)
    assert report.status == "cleaned", report.error
    assert report.metadata, "the dirty fixture should have listed metadata"
    return source, Path(report.output)


def test_no_marker_left_in_raw_bytes(cleaned: tuple[Path, Path]) -> None:
    source, output = cleaned
    assert dirty.MARK in source.read_bytes()
    assert_no_markers(output.read_bytes())


@needs_exiftool
def test_exiftool_sees_no_metadata(cleaned: tuple[Path, Path]) -> None:
    source, output = cleaned
    assert metadata_left(source), "ExifTool should see the planted metadata"
    assert metadata_left(output) == []


def test_pixels_are_identical(cleaned: tuple[Path, Path]) -> None:
    source, output = cleaned
    assert_same_pixels(source.read_bytes(), output.read_bytes())


def test_cleaning_is_idempotent(cleaned: tuple[Path, Path], tmp_path: Path) -> None:
    _, output = cleaned
    again = clean_file(output, Options(output_dir=tmp_path / "again"))
    assert again.status == "clean"
    assert Path(again.output).read_bytes() == output.read_bytes()
    assert inspect_file(output).metadata == []


def test_original_untouched(tmp_path: Path) -> None:
    for name, build in CASES.items():
        source = tmp_path / name
        data = build()
        source.write_bytes(data)
        clean_file(source)
        assert source.read_bytes() == data


def test_icc_profile_kept(cleaned: tuple[Path, Path]) -> None:
    source, output = cleaned
    before = open_image(source.read_bytes()).info.get("icc_profile")
    if before:
        assert open_image(output.read_bytes()).info.get("icc_profile") == before


@pytest.mark.parametrize("name", ["baseline.jpg", "progressive.jpg", "rgba.png", "lossy.webp"])
def test_rotated_photo_stays_upright(name: str, tmp_path: Path) -> None:
    source = tmp_path / name
    source.write_bytes(CASES[name]())
    output = Path(clean_file(source).output)
    assert Image.open(output).getexif().get(0x0112) == 6
    # Only Orientation survives in EXIF.
    assert set(Image.open(output).getexif()) == {0x0112}


def test_rotated_heic_stays_upright(tmp_path: Path) -> None:
    source = tmp_path / "rotated.heic"
    source.write_bytes(CASES["rotated.heic"]())
    output = Path(clean_file(source).output)
    assert open_image(output.read_bytes()).size == open_image(source.read_bytes()).size


def test_jpeg_compressed_data_copied_byte_for_byte(tmp_path: Path) -> None:
    source = tmp_path / "a.jpg"
    source.write_bytes(dirty.dirty_jpeg())
    output = Path(clean_file(source).output)
    before, after = source.read_bytes(), output.read_bytes()
    # The last SOS is the main image's (the EXIF thumbnail, earlier, has its own).
    scan_before = before[before.rindex(b"\xff\xda") : before.rindex(b"\xff\xd9")]
    scan_after = after[after.rindex(b"\xff\xda") : after.rindex(b"\xff\xd9")]
    assert len(scan_before) > 1000
    assert scan_before == scan_after


def test_animation_and_loop_kept(tmp_path: Path) -> None:
    for name in ("animated.gif", "animated.webp"):
        source = tmp_path / name
        source.write_bytes(CASES[name]())
        output = Path(clean_file(source).output)
        before, after = Image.open(source), Image.open(output)
        assert after.n_frames == before.n_frames == 3
        assert after.info.get("loop") == before.info.get("loop") == 0


def test_multipage_tiff_keeps_pages(tmp_path: Path) -> None:
    pages = [dirty.noise_image(seed=s) for s in range(3)]
    source = tmp_path / "pages.tiff"
    pages[0].save(
        source,
        save_all=True,
        append_images=pages[1:],
        compression="tiff_lzw",
        description=dirty.marker("PAGE"),
    )
    output = Path(clean_file(source).output)
    assert_no_markers(output.read_bytes())
    assert_same_pixels(source.read_bytes(), output.read_bytes())


def test_type_comes_from_bytes(tmp_path: Path) -> None:
    source = tmp_path / "really-a-png.jpg"
    source.write_bytes(dirty.dirty_png())
    report = clean_file(source)
    assert report.kind == "png"
    assert any("PNG" in note and ".jpg" in note for note in report.notes)
    assert detect(Path(report.output).read_bytes()) == "png"


def test_already_clean_jpeg_gives_identical_bytes(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    dirty.noise_image().save(buffer, "JPEG")
    source = tmp_path / "plain.jpg"
    source.write_bytes(buffer.getvalue())
    first = Path(clean_file(source, Options(output_dir=tmp_path / "1")).output).read_bytes()
    second = Path(
        clean_file(tmp_path / "1" / "plain.jpg", Options(output_dir=tmp_path / "2")).output
    )
    assert second.read_bytes() == first


def test_avif_uses_the_heif_item_structure(tmp_path: Path) -> None:
    """AVIF keeps EXIF and XMP as HEIF items too (built here by relabelling a HEIC)."""
    data = dirty.dirty_heic()
    source = tmp_path / "photo.avif"
    source.write_bytes(data.replace(b"ftypheic", b"ftypavif", 1))
    report = clean_file(source)
    assert report.kind == "avif" and report.status == "cleaned", report.error
    assert_no_markers(Path(report.output).read_bytes())
    assert inspect_file(Path(report.output)).metadata == []


def test_heic_trailer_is_cut(tmp_path: Path) -> None:
    data = dirty.dirty_heic()
    source = tmp_path / "samsung.heic"
    source.write_bytes(data + b"SEFH" + dirty.marker("SEF").encode() + b"\x00" * 20 + b"SEFT")
    report = clean_file(source)
    assert report.status == "cleaned", report.error
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    assert_same_pixels(data, output)
