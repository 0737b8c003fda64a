"""Video, audio and SVG: metadata gone (ExifTool, raw bytes), packets identical (ffmpeg)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import dirty
import dirty_media
from dirty_media import SVG, needs_ffmpeg
from oracles import EXIFTOOL, assert_no_markers, exiftool
from sanitize import Options, clean_file, inspect_file
from sanitize.cli import main

FORBIDDEN = (
    "GPS",
    "Make",
    "Model",
    "Artist",
    "Title",
    "Comment",
    "CreateDate",
    "Software",
    "Encoder",
    "DateTimeOriginal",
    "Picture",
    "Cover",
)


@pytest.fixture(params=sorted(dirty_media.RECIPES))
def media(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    if dirty_media.FFMPEG is None:
        pytest.skip("ffmpeg is not installed")
    source = dirty_media.make(request.param, tmp_path)
    if source.suffix == ".mp3":
        dirty_media.add_cover_and_extra_tags(source)
    report = clean_file(source)
    assert report.status == "cleaned", report.error
    assert report.metadata
    return source, Path(report.output)


def test_no_marker_left(media: tuple[Path, Path]) -> None:
    source, output = media
    assert dirty.MARK in source.read_bytes()
    assert_no_markers(output.read_bytes())


def test_packets_identical_and_still_playable(media: tuple[Path, Path]) -> None:
    source, output = media
    assert dirty_media.packet_hashes(source) == dirty_media.packet_hashes(output)
    assert dirty_media.duration(source) == pytest.approx(dirty_media.duration(output), abs=1e-3)


@pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")
def test_exiftool_sees_no_metadata(media: tuple[Path, Path]) -> None:
    _, output = media
    left = []
    for key, value in exiftool(output).items():
        group, _, tag = key.partition(":")
        if group in ("System", "File", "ExifTool", "Composite"):
            continue
        empty = value in ("", "0000:00:00 00:00:00", 0)
        # ChapterListTrackID only points at the chapter track, whose titles are blanked.
        named = any(word in tag for word in FORBIDDEN) or tag == "ChapterList"
        if named and not empty and "Encoder" not in tag:
            left.append(f"{key}={value}")
    assert left == []


def test_idempotent(media: tuple[Path, Path], tmp_path: Path) -> None:
    _, output = media
    assert inspect_file(output).metadata == []
    again = clean_file(output, Options(output_dir=tmp_path / "again"))
    assert again.status == "clean", again.error
    assert Path(again.output).read_bytes() == output.read_bytes()


@needs_ffmpeg
def test_iphone_movie_location_and_dates(tmp_path: Path) -> None:
    source = dirty_media.make("clip.mov", tmp_path)
    fields = {item.field for item in inspect_file(source).metadata}
    assert {
        "com.apple.quicktime.location.ISO6709",
        "com.apple.quicktime.make",
        "CreateDate",
        "ChapterTitle",
    } <= fields
    output = Path(clean_file(source).output)
    assert output.stat().st_size == source.stat().st_size  # nothing moved
    if EXIFTOOL:
        tags = exiftool(output)
        assert not [k for k in tags if "GPS" in k]
        assert tags.get("QuickTime:CreateDate") in ("0000:00:00 00:00:00", None)


@needs_ffmpeg
def test_truncated_movie_is_a_clear_error(tmp_path: Path) -> None:
    source = dirty_media.make("clip.mp4", tmp_path)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(source.read_bytes()[:700])
    report = clean_file(broken)
    assert report.status == "error" and "\n" not in report.error


def test_svg_cleaned_and_shapes_kept(tmp_path: Path) -> None:
    source = tmp_path / "logo.svg"
    source.write_text(SVG)
    report = clean_file(source)
    assert report.status == "cleaned", report.error
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    for word in (b"inkscape", b"sodipodi", b"sketch", b"<metadata"):
        assert word not in output
    root = etree.fromstring(output)
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
        "210mm",
        "297mm",
        "0 0 210 297",
    )
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert root.find(".//s:text", ns).text == "Visible text"  # text never becomes paths
    assert root.find(".//s:rect", ns) is not None
    assert root.find("s:desc", ns).text == "Brand mark, blue variant"
    assert root.find("s:title", ns) is None


def test_svg_entities_refused(tmp_path: Path) -> None:
    source = tmp_path / "bomb.svg"
    source.write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>'
    )
    report = clean_file(source)
    assert report.status == "error" and "entities" in report.error


def test_media_kinds_in_json(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text(SVG)
    result = runner.invoke(main, ["check", "--format", "json", str(tmp_path)])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["files"][0]["kind"] == "svg"


def test_svg_embedded_photo_is_cleaned(tmp_path: Path) -> None:
    import base64

    photo = base64.b64encode(dirty.dirty_jpeg(orientation=1)).decode()
    source = tmp_path / "card.svg"
    source.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        f'<image width="10" height="10" xlink:href="data:image/jpeg;base64,{photo}"/></svg>'
    )
    fields = {(item.location, item.field) for item in inspect_file(source).metadata}
    assert ("SVG:image/EXIF:GPS", "GPSLatitude") in fields
    output = Path(clean_file(source).output)
    root = etree.fromstring(output.read_bytes())
    embedded = root[0].get("{http://www.w3.org/1999/xlink}href")
    data = base64.b64decode(embedded.split(",", 1)[1])
    assert dirty.MARK not in data and data[:2] == b"\xff\xd8"
    assert inspect_file(output).metadata == []


@needs_ffmpeg
def test_trailer_after_the_last_box_is_cut(tmp_path: Path) -> None:
    source = dirty_media.make("clip.mp4", tmp_path)
    data = source.read_bytes()
    source.write_bytes(
        data + b"SEFH\x00\x01" + dirty.marker("SEF").encode() + b"\x00" * 40 + b"SEFT"
    )
    report = clean_file(source)
    assert report.status == "cleaned", report.error
    assert ("Trailer", "DataAfterLastBox") in {(m.location, m.field) for m in report.metadata}
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    assert len(output) == len(data)
    assert dirty_media.packet_hashes(source) == dirty_media.packet_hashes(Path(report.output))


@needs_ffmpeg
def test_timed_metadata_track_is_blanked(tmp_path: Path) -> None:
    """A track with handler 'meta' (iPhones keep per-frame data there) loses its samples."""
    source = dirty_media.make("clip.mov", tmp_path)
    data = bytearray(source.read_bytes())
    text_handler = data.index(b"hdlr\x00\x00\x00\x00mhlrtext")  # the chapter track's handler
    data[text_handler + 12 : text_handler + 16] = b"meta"
    source.write_bytes(bytes(data))
    fields = {(m.location, m.field) for m in inspect_file(source).metadata}
    assert ("QuickTime:TimedMetadata", "Samples") in fields
    report = clean_file(source)
    assert report.status == "cleaned", report.error
    assert any("timed-metadata" in note for note in report.notes)
    assert inspect_file(Path(report.output)).metadata == []
