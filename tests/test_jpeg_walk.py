"""The JPEG walk without copies: scans found once, a cleaned copy checked in place, image
bytes compared without joining them, and the modules only some photos need left unloaded.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import dirty
from sanitize.cleaners import jpeg
from sanitize.context import Context
from sanitize.errors import VerificationError
from sanitize.formats import jpeg_segments as jp
from sanitize.options import Options
from sanitize.registry import default_registry

ROOT = Path(__file__).resolve().parents[1]


def opened(data: bytes) -> jpeg.JpegFile:
    return jpeg.JpegFile(data, "jpeg", Context(Options(), default_registry()))


def with_restarts(progressive: bool = False) -> bytes:
    """A JPEG whose scans hold restart markers (RSTn: not the end of a scan)."""
    buffer = io.BytesIO()
    dirty.noise_image(64, 48).save(
        buffer, "JPEG", quality=90, progressive=progressive, restart_marker_blocks=2
    )
    return buffer.getvalue()


def layout_of(layout: jp.JpegLayout) -> tuple[object, ...]:
    return (layout.segments, layout.end_of_image, layout.truncated, layout.notes)


@pytest.mark.parametrize("progressive", [False, True])
def test_known_scans_give_the_layout_a_search_gives(progressive: bool) -> None:
    original = dirty.dirty_jpeg(progressive=progressive)
    layout = jp.parse(original)
    cleaned = opened(original).clean().data
    assert isinstance(cleaned, bytes)
    known = jp.known_scans(original, layout)
    assert len(known) == sum(1 for s in layout.segments if s.marker == jp.SOS)
    assert layout_of(jp.parse(cleaned, known)) == layout_of(jp.parse(cleaned))


def test_restart_markers_inside_a_known_scan_are_not_its_end() -> None:
    data = with_restarts()
    assert any(data.find(bytes((0xFF, rst))) > 0 for rst in range(0xD0, 0xD8))
    layout = jp.parse(data)
    assert layout_of(jp.parse(data, jp.known_scans(data, layout))) == layout_of(layout)


def test_a_known_scan_that_does_not_match_is_searched() -> None:
    data = dirty.dirty_jpeg()
    layout = jp.parse(data)
    scan = next(s for s in layout.segments if s.marker == 0)
    # The same bytes as a known scan, but cut short of the marker that ends it: the copy's
    # scan goes on after them, so they are not taken as the whole scan.
    shorter = jp.KnownScan(data, scan.start, scan.end - 1)
    assert layout_of(jp.parse(data, [shorter])) == layout_of(layout)
    # Bytes that differ from the copy's are not taken either.
    other = bytearray(data)
    other[scan.start + 10] ^= 0x01
    assert layout_of(jp.parse(bytes(other), jp.known_scans(data, layout))) == layout_of(
        jp.parse(bytes(other))
    )


def test_a_known_scan_followed_by_a_restart_marker_is_searched() -> None:
    data = with_restarts()
    layout = jp.parse(data)
    scan = next(s for s in layout.segments if s.marker == 0)
    rst = next(
        i for i in range(scan.start, scan.end) if data[i] == 0xFF and 0xD0 <= data[i + 1] <= 0xD7
    )
    # Up to the restart marker the bytes are marker-free, but a scan does not end there.
    partial = jp.KnownScan(data, scan.start, rst)
    assert layout_of(jp.parse(data, [partial])) == layout_of(layout)


def test_a_cut_scan_is_not_offered_as_known() -> None:
    data = dirty.dirty_jpeg()
    cut = data[: data.rindex(b"\xff\xd9") - 500]
    layout = jp.parse(cut)
    assert layout.truncated and jp.known_scans(cut, layout) == []


def test_same_essence_is_equality_of_the_joined_bytes() -> None:
    rng = random.Random(7)
    first = bytes(rng.randrange(256) for _ in range(4000))
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, 3000), 6))
        first_ranges = [(0, cuts[0]), (cuts[1], cuts[2]), (cuts[3], 4000)]
        joined = b"".join(first[a:b] for a, b in first_ranges)
        # The same bytes placed elsewhere, in pieces cut at other points, with filler.
        pieces, at = [], 0
        while at < len(joined):
            size = rng.randrange(1, 900)
            pieces.append(joined[at : at + size])
            at += size
        second, second_ranges = b"", []
        for piece in pieces:
            second += bytes(rng.randrange(3))
            second_ranges.append((len(second), len(second) + len(piece)))
            second += piece
        assert jp.same_bytes(first, first_ranges, second, second_ranges)
        flip = rng.randrange(len(second))
        changed = second[:flip] + bytes([second[flip] ^ 0x40]) + second[flip + 1 :]
        expected = b"".join(changed[a:b] for a, b in second_ranges) == joined
        assert jp.same_bytes(first, first_ranges, changed, second_ranges) == expected
        assert not jp.same_bytes(first, first_ranges, second, second_ranges[:-1])


def scan_of(data: bytes) -> jp.Segment:
    return next(s for s in jp.parse(data).segments if s.marker == 0)


@pytest.mark.parametrize("where", ["scan", "table", "frame"])
def test_verification_refuses_a_copy_whose_image_bytes_differ(where: str) -> None:
    original = opened(dirty.dirty_jpeg())
    cleaned = bytearray(original.clean().data)
    if where == "scan":
        cleaned[scan_of(bytes(cleaned)).start + 20] ^= 0x02
    else:  # a byte of the quantisation table, or of the frame header (the height)
        marker = b"\xff\xdb" if where == "table" else b"\xff\xc0"
        cleaned[cleaned.index(marker) + 6] ^= 0x01
    with pytest.raises(VerificationError, match="image data changed"):
        original.verify(opened(bytes(cleaned)))


def test_verification_accepts_the_cleaned_copy() -> None:
    original = opened(dirty.dirty_jpeg())
    output = original.clean().data
    assert isinstance(output, bytes)
    copy = opened(output)
    assert copy.items() == []
    original.verify(copy)


def test_hdr_verification_refuses_a_changed_gain_map() -> None:
    original = opened(dirty.ultra_hdr_jpeg())
    output = bytearray(original.clean().data)
    gain_map_scan = output.rindex(b"\xff\xda")
    output[gain_map_scan + 30] ^= 0x02
    with pytest.raises(VerificationError, match="gain map"):
        original.verify(opened(bytes(output)))


def test_the_output_is_assembled_only_when_cleaning(monkeypatch: pytest.MonkeyPatch) -> None:
    joined: list[int] = []
    real = jpeg.JpegFile._output_bytes

    def counting(self: jpeg.JpegFile) -> bytes:
        joined.append(1)
        return real(self)

    monkeypatch.setattr(jpeg.JpegFile, "_output_bytes", counting)
    parsed = opened(dirty.dirty_jpeg())
    assert parsed.items() and not joined
    parsed.clean()
    assert joined == [1]


def imported_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    return set(done.stdout.split())


def test_a_plain_photo_loads_no_gain_map_xmp_or_iptc_code(tmp_path: Path) -> None:
    photo = tmp_path / "plain.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(buffer, "JPEG", exif=dirty.exif_bytes(6))
    photo.write_bytes(buffer.getvalue())
    modules = imported_after(
        "from sanitize.cleaners.jpeg import JpegCleaner\n"
        "from sanitize.context import Context\n"
        "from sanitize.options import Options\n"
        "from sanitize.registry import default_registry\n"
        f"data = open({str(photo)!r}, 'rb').read()\n"
        "parsed = JpegCleaner().open(data, 'jpeg', Context(Options(), default_registry()))\n"
        "assert parsed.items() and parsed.clean().data"
    )
    assert "sanitize.formats.gainmap" not in modules
    assert "lxml.etree" not in modules
    assert "sanitize.formats.iptc" not in modules
    assert "sanitize.formats.jpeg_segments" in modules
