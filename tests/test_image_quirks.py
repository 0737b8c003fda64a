"""Images as real software writes them: HDR gain maps, cut files, off-by-a-few segment
lengths, broken TIFF tags, odd XML encodings, XMP-only orientation, new HEIF forms."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFile, PngImagePlugin

import dirty
from oracles import EXIFTOOL, assert_no_markers, assert_same_pixels, exiftool, needs_exiftool
from sanitize import Options, clean_file, inspect_file
from sanitize.cleaners.svg import tool_or_person
from sanitize.errors import CorruptFileError
from sanitize.filetype import detect
from sanitize.formats import gainmap as gm
from sanitize.formats import jpeg_segments as jp
from sanitize.xmlsafe import parse_xml


def clean(tmp_path: Path, name: str, data: bytes, folder: str = "out") -> tuple[Path, object]:
    source = tmp_path / name
    source.write_bytes(data)
    report = clean_file(source, Options(output_dir=tmp_path / folder, scan=False, cache=False))
    return source, report


def decoded(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def same_pixels(a: bytes, b: bytes) -> bool:
    return ImageChops.difference(decoded(a), decoded(b)).getbbox() is None


# --- HDR gain maps (Ultra HDR) ---------------------------------------------------------


def split_hdr(data: bytes) -> tuple[bytes, bytes, gm.MpIndex, int]:
    """(primary, gain map, MP index, MPF header offset) of an HDR JPEG, per its MPF."""
    layout = jp.parse(data)
    for seg in layout.segments:
        payload = seg.payload(data)
        if seg.marker == 0xE2 and payload.startswith(gm.MPF_ID):
            index = gm.parse_mpf(payload)
            assert index is not None
            header = seg.start + 8
            second = index.entries[1]
            primary = data[: index.entries[0].size]
            gain = data[header + second.offset : header + second.offset + second.size]
            return primary, gain, index, header
    raise AssertionError("no MPF segment")


def test_ultra_hdr_keeps_gain_map_and_removes_personal_fields(tmp_path: Path) -> None:
    original = dirty.ultra_hdr_jpeg()
    source, report = clean(tmp_path, "hdr.jpg", original)
    assert report.status == "cleaned", report.error
    fields = {(m.location, m.field) for m in report.metadata}
    assert ("XMP", "dc:creator") in fields and ("MPF", "ImageUIDList") in fields
    assert ("GainMap:EXIF:IFD0", "Make") in fields
    assert ("GainMap:XMP", "xmp:CreatorTool") in fields
    assert any("gain map" in note for note in report.notes)
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    # Both scans byte for byte, both images decode to the same pixels.
    before_primary, before_gain, _, _ = split_hdr(original)
    after_primary, after_gain, index, header = split_hdr(output)
    assert jp.image_essence(after_primary, jp.parse(after_primary)) == jp.image_essence(
        before_primary, jp.parse(before_primary)
    )
    assert jp.image_essence(after_gain, jp.parse(after_gain)) == jp.image_essence(
        before_gain, jp.parse(before_gain[: before_gain.rindex(b"\xff\xd9") + 2])
    )
    assert same_pixels(before_gain, after_gain)
    assert_same_pixels(original, output)
    # The MPF index and the container directory describe the new layout exactly.
    assert index.entries[0].offset == 0 and index.entries[0].size == len(after_primary)
    assert after_primary.endswith(b"\xff\xd9") and after_gain.startswith(b"\xff\xd8")
    assert len(after_primary) + len(after_gain) == len(output)
    assert f'Item:Length="{len(after_gain)}"'.encode() in after_primary
    assert index.entries[1].attribute == 0 and index.entries[0].attribute == 0x20030000
    # The gain-map fields are all there, from the values the phone wrote.
    assert b'hdrgm:GainMapMax="2.3"' in after_gain and b'hdrgm:Version="1.0"' in after_primary
    assert b"urn:iso:std:iso:ts:21496:-1" in after_gain
    assert Image.open(io.BytesIO(output)).getexif().get(0x0112) == 6


def test_ultra_hdr_cleaning_is_idempotent(tmp_path: Path) -> None:
    _, report = clean(tmp_path, "hdr.jpg", dirty.ultra_hdr_jpeg())
    output = Path(report.output)
    assert inspect_file(output, Options(scan=False, cache=False)).metadata == []
    again = clean_file(output, Options(output_dir=tmp_path / "again", scan=False, cache=False))
    assert again.status == "clean", again.error
    assert Path(again.output).read_bytes() == output.read_bytes()


@needs_exiftool
def test_ultra_hdr_exiftool_sees_only_the_binding_fields(tmp_path: Path) -> None:
    _, report = clean(tmp_path, "hdr.jpg", dirty.ultra_hdr_jpeg())
    import json
    import subprocess

    assert EXIFTOOL is not None
    result = subprocess.run(
        [EXIFTOOL, "-a", "-G1", "-j", "-ee", "-u", report.output],
        capture_output=True,
        text=True,
        check=True,
    )
    tags = json.loads(result.stdout)[0]
    binding = ("XMP-hdrgm", "XMP-Container", "MPF0", "MPImage1", "MPImage2")
    left = [
        key
        for key in tags
        if key.split(":")[0].startswith(("XMP", "MPF", "MPImage", "GPS", "ExifIFD", "IFD1"))
        and not key.split(":")[0].startswith(binding)
    ]
    assert not left, left
    assert tags.get("XMP-hdrgm:Version") in ("1.0", 1.0, 1)
    assert "MARKER" not in json.dumps(tags)
    gain_tags = exiftool(Path(report.output))  # the primary's view: MPF says 2 images
    assert gain_tags.get("MPF0:NumberOfImages") == 2


def test_jpeg_with_a_preview_image_not_a_gain_map_loses_it(tmp_path: Path) -> None:
    """A camera's MPF preview (no gain-map fields) goes with the MPF index, as before."""
    data = dirty.ultra_hdr_jpeg(trailer=False)
    primary, gain, _, _ = split_hdr(data)
    plain_gain = io.BytesIO()
    dirty.noise_image(48, 32, seed=7).save(plain_gain, "JPEG")
    swapped = primary + plain_gain.getvalue().ljust(len(gain), b"\x00")
    _, report = clean(tmp_path, "preview.jpg", swapped)
    assert report.status == "cleaned", report.error
    output = Path(report.output).read_bytes()
    assert output.count(b"\xff\xd8") == 1 and b"MPF\x00" not in output
    assert b"hdrgm" not in output  # no gain map: nothing for the version to announce
    assert any(m.location == "Trailer" for m in report.metadata)


def test_gain_map_fields_with_text_values_are_not_kept() -> None:
    packet = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        f'xmlns:hdrgm="{gm.HDRGM}" hdrgm:Version="Anna Smith" hdrgm:Gamma="1">'
        "<hdrgm:GainMapMax><rdf:Seq><rdf:li>1.5</rdf:li><rdf:li>2</rdf:li>"
        "<rdf:li>2.5</rdf:li></rdf:Seq></hdrgm:GainMapMax>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()
    split = gm.split_xmp(packet)
    assert split is not None
    assert split.kept == {(gm.HDRGM, "Gamma"): ["1"], (gm.HDRGM, "GainMapMax"): ["1.5", "2", "2.5"]}
    assert split.removed == [("hdrgm:Version", "Anna Smith")]
    rebuilt = gm.split_xmp(gm.build_xmp(split.kept, []))
    assert rebuilt is not None and rebuilt.kept == split.kept and not rebuilt.removed


# --- JPEG: cut files, segment lengths off ----------------------------------------------


def test_truncated_jpeg_is_cleaned_with_a_note(tmp_path: Path) -> None:
    data = dirty.dirty_jpeg()
    cut = data[: data.rindex(b"\xff\xd9") - 500]
    _, report = clean(tmp_path, "cut.jpg", cut)
    assert report.status == "cleaned", report.error
    assert any("cut short" in note for note in report.notes)
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    # The image data that is there is copied as it is, to the last byte.
    scan = cut[cut.rindex(b"\xff\xda") :]
    assert output.endswith(scan)
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        assert same_pixels(cut, output)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    again = clean_file(Path(report.output), Options(output_dir=tmp_path / "2", scan=False))
    assert again.status == "clean" and Path(again.output).read_bytes() == output


def test_jpeg_cut_before_its_image_data_is_refused(tmp_path: Path) -> None:
    data = dirty.dirty_jpeg()
    _, report = clean(tmp_path, "header.jpg", data[: data.index(b"\xff\xdb") + 10])
    assert report.status == "error"
    assert "truncated" in (report.error or "") and "\n" not in (report.error or "")


def _with_comment_length(delta: int, text: bytes) -> bytes:
    buffer = io.BytesIO()
    dirty.noise_image().save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    at = 2 + 2 + struct.unpack(">H", data[4:6])[0]  # after the JFIF segment
    segment = b"\xff\xfe" + struct.pack(">H", len(text) + 2 + delta) + text
    return data[:at] + segment + data[at:]


@pytest.mark.parametrize("delta", [-5, -1])
def test_segment_length_slightly_short_is_resynchronised(tmp_path: Path, delta: int) -> None:
    """A COM segment that says it is shorter than it is: its tail (here, a name) would be
    copied as stray bytes by a naive walk; decoders skip it, and so does cleaning."""
    data = _with_comment_length(delta, b"written by " + dirty.marker("NAME").encode())
    assert same_pixels(data, data)  # Pillow resynchronises too
    _, report = clean(tmp_path, "off.jpg", data)
    assert report.status == "cleaned", report.error
    assert any("stray byte" in note for note in report.notes)
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    assert same_pixels(data, output)


def test_segment_length_far_off_is_refused(tmp_path: Path) -> None:
    data = _with_comment_length(-1500, b"x" * 2000)
    _, report = clean(tmp_path, "far.jpg", data)
    assert report.status == "error"
    assert "expected a marker" in (report.error or "")


# --- TIFF: tags pointing outside the file ----------------------------------------------


def _tiff_with_broken_tag(tag: int) -> bytes:
    buffer = io.BytesIO()
    dirty.noise_image().save(
        buffer, "TIFF", dpi=(300, 300), description=dirty.marker("TIFF-DESCRIPTION")
    )
    data = bytearray(buffer.getvalue())
    order = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack_from(order + "I", data, 4)[0]
    count = struct.unpack_from(order + "H", data, ifd)[0]
    for index in range(count):
        base = ifd + 2 + 12 * index
        if struct.unpack_from(order + "H", data, base)[0] == tag:
            type_, number = struct.unpack_from(order + "HI", data, base + 2)
            if tag == 273:  # make the offsets table out-of-line and out of the file
                struct.pack_into(order + "HII", data, base + 2, 4, 64, len(data) + 100)
            else:
                struct.pack_into(order + "I", data, base + 8, len(data) + 100)
            return bytes(data)
    raise AssertionError(f"tag {tag} not in the fixture")


@pytest.mark.filterwarnings("ignore:Truncated File Read")
def test_tiff_broken_resolution_tag_is_dropped_with_a_note(tmp_path: Path) -> None:
    data = _tiff_with_broken_tag(283)  # YResolution: a rational, stored out of line
    _, report = clean(tmp_path, "scan.tiff", data)
    assert report.status == "cleaned", report.error
    assert any("YResolution" in note and "outside" in note for note in report.notes)
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    assert_same_pixels(data, output)


def test_tiff_broken_essential_tag_is_refused(tmp_path: Path) -> None:
    _, report = clean(tmp_path, "scan.tiff", _tiff_with_broken_tag(273))
    assert report.status == "error"
    assert "StripOffsets" in (report.error or "") and "outside" in (report.error or "")


# --- SVG: an unknown declared encoding -------------------------------------------------


def test_svg_with_unknown_encoding_read_as_utf8(tmp_path: Path) -> None:
    svg = (
        '<?xml version="1.0" encoding="UTF-9"?>\n<!-- by MARKER-COMMENT -->\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        "<text>Café</text></svg>"
    ).encode()
    _, report = clean(tmp_path, "odd.svg", svg)
    assert report.status == "cleaned", report.error
    output = Path(report.output).read_bytes()
    assert "Café".encode() in output and b"MARKER" not in output


def test_svg_unknown_encoding_keeps_the_entity_refusal(tmp_path: Path) -> None:
    svg = (
        '<?xml version="1.0" encoding="UTF-9"?><!DOCTYPE svg [<!ENTITY a "aa">]>'
        '<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    )
    _, report = clean(tmp_path, "odd.svg", svg.encode())
    assert report.status == "error" and "entities" in (report.error or "")


def test_unknown_encoding_and_not_utf8_is_still_an_error() -> None:
    data = b'<?xml version="1.0" encoding="bogus"?><svg><text>\xe9</text></svg>'
    with pytest.raises(CorruptFileError, match="encoding"):
        parse_xml(data, "SVG")


# --- SVG titles: kept when they describe the drawing -----------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("logo-final-v3.ai", "file name"),
        ("C:\\Users\\anna\\Desktop\\logo.svg", "file name"),
        ("Created with Sketch.", "tool"),
        ("Adobe Illustrator 27.0", "tool"),
        ("Artboard 1", "template name"),
        ("Untitled-2", "template name"),
        ("Logo designed by Anna", "person"),
        ("anna@example.com", "person"),
        ("© 2024 Studio Nord", "person"),
        ("Bar chart of sales in 2024", None),
        ("A map of Paris by night", None),
        ("Sketch of a cat", None),
        ("Company logo, blue variant", None),
    ],
)
def test_svg_title_rule(text: str, reason: str | None) -> None:
    assert tool_or_person(text) == reason


def test_svg_titles_that_describe_stay(tmp_path: Path) -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<title>Sales by region, 2024</title><desc>Artboard 3</desc>"
        b'<g><title>logo_final.svg</title><rect width="1" height="1"/></g></svg>'
    )
    _, report = clean(tmp_path, "chart.svg", svg)
    output = Path(report.output).read_bytes()
    assert b"Sales by region, 2024" in output
    assert b"Artboard 3" not in output and b"logo_final" not in output


# --- Orientation found only in XMP -----------------------------------------------------


def _xmp_with_orientation(orientation: int) -> str:
    return (
        dirty.xmp_packet("ORIENT")
        .replace(
            b"xmp:CreatorTool",
            b'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
            + f'tiff:Orientation="{orientation}" xmp:CreatorTool'.encode(),
        )
        .decode()
    )


@pytest.mark.parametrize("compressed", [False, True])
def test_png_xmp_orientation_becomes_exif(tmp_path: Path, compressed: bool) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", _xmp_with_orientation(6), zip=compressed)
    buffer = io.BytesIO()
    dirty.noise_image().save(buffer, "PNG", pnginfo=info)
    _, report = clean(tmp_path, "turned.png", buffer.getvalue())
    assert report.status == "cleaned", report.error
    output = Path(report.output).read_bytes()
    assert_no_markers(output)
    exif = Image.open(io.BytesIO(output)).getexif()
    assert dict(exif) == {0x0112: 6}
    assert output.index(b"eXIf") < output.index(b"IDAT")
    assert_same_pixels(buffer.getvalue(), output)
    again = clean_file(Path(report.output), Options(output_dir=tmp_path / "2", scan=False))
    assert again.status == "clean" and Path(again.output).read_bytes() == output


def test_png_exif_orientation_wins_over_xmp(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", _xmp_with_orientation(8))
    buffer = io.BytesIO()
    image = dirty.noise_image()
    exif = Image.Exif()
    exif[0x0112] = 3
    image.save(buffer, "PNG", pnginfo=info, exif=exif)
    _, report = clean(tmp_path, "both.png", buffer.getvalue())
    output = Path(report.output).read_bytes()
    assert Image.open(io.BytesIO(output)).getexif().get(0x0112) == 3


def test_heic_xmp_orientation_is_explained_not_moved(tmp_path: Path) -> None:
    import pillow_heif

    heif = pillow_heif.from_pillow(dirty.noise_image())
    buffer = io.BytesIO()
    heif.save(buffer, quality=90, xmp=_xmp_with_orientation(6).encode())
    _, report = clean(tmp_path, "turned.heic", buffer.getvalue())
    assert report.status == "cleaned", report.error
    assert any("irot/imir" in note for note in report.notes)
    assert_same_pixels(buffer.getvalue(), Path(report.output).read_bytes())


# --- Low-overhead HEIF/AVIF ("mini") ---------------------------------------------------


def test_low_overhead_avif_is_detected_and_refused(tmp_path: Path) -> None:
    mini = struct.pack(">I4s", 16, b"ftyp") + b"mif3avif"
    mini += struct.pack(">I4s", 24, b"mini") + b"\x08" * 16
    assert detect(mini) == "avif"
    assert detect(mini.replace(b"mif3avif", b"mif3heic")) == "heic"
    _, report = clean(tmp_path, "tile.avif", mini)
    assert report.status == "error" and "'mini'" in (report.error or "")
    assert "\n" not in (report.error or "")
