"""Every real file in ../shared/realworld/ (made by cameras, phones, Office, LibreOffice,
pandoc, PDF producers, media tools: see its README) either cleans, with the output checked
by independent oracles, or fails with one clear line whose reason is listed below.

The files are read in place and never copied into this repository; the test skips with a
clear reason where the folder is absent.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import oracles
from sanitize.api import clean_file, inspect_file
from sanitize.options import Options

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "realworld"
MANIFEST = CORPUS / "MANIFEST.tsv"

# Files expected to fail, with the reason their one-line error must give. Each is truly
# broken or a variant no reader of the format would take; see the note of the issue.
EXPECTED_ERRORS: dict[str, str] = {
    # A fuzzing crash case of Apache POI: no central directory, so no reader can list it.
    "docx/docx-11-crash-517626e815e0afa9decd0ebb6d1dee63fb9907dd.docx": r"zip",
    # The new low-overhead HEIF form: a bit-packed 'mini' header that sanitize cannot
    # rewrite safely yet, and that neither pillow-heif nor ExifTool reads to check it.
    "avif/avif-01-simple_osm_tile_meta.avif": r"'mini' box",
    # A fuzzed fax TIFF (libtiff's corpus): the T4Options tag its pages need to decode
    # points past the end of the file; a later page has no width.
    "tiff/tiff-03-m7-299787ea764c0a88bc481364eded5556.tif": r"points outside the file",
}
# ExifTool fields that say nothing of who made a file, kept on purpose: ODF's document
# statistics (page, word, cell counts), the standard RDF transform ODF declares, an e-book's
# title (shown by every reader), and movie dates already zeroed by the cleaner.
KEPT_ON_PURPOSE = re.compile(
    r"^XMP-meta:Document-statistic|^XMP-grddl:Transformation=|^XML-dc:Title="
    r"|^QuickTime:\w+Date=0000:00:00 00:00:00$"
)

# Formats whose output ExifTool reads: no identifying field may be left.
EXIFTOOL_FORMATS = {
    "jpeg",
    "png",
    "gif",
    "webp",
    "tiff",
    "heic",
    "avif",
    "pdf",
    "docx",
    "xlsx",
    "pptx",
    "mp4",
    "mov",
    "m4a",
    "mp3",
    "flac",
    "ogg",
    "wav",
    "mkv",
    "webm",
    "svg",
    "jxl",
    "bmp",
    "odt",
    "ods",
    "odp",
    "epub",
}
PIXEL_FORMATS = {"jpeg", "png", "gif", "webp", "tiff", "heic", "avif", "bmp"}
MEDIA_FORMATS = {"mp4", "mov", "m4a", "mp3", "flac", "ogg", "wav", "mkv", "webm"}


def corpus() -> list[tuple[str, str]]:
    if not MANIFEST.exists():
        return []
    with MANIFEST.open(encoding="utf-8") as handle:
        return [(row["file"], row["format"]) for row in csv.DictReader(handle, delimiter="\t")]


FILES = corpus()
pytestmark = pytest.mark.skipif(
    not FILES, reason=f"the real-world corpus is absent ({CORPUS}); CI lays it beside the clone"
)


@pytest.mark.parametrize(
    ("name", "fmt"), FILES or [("none", "none")], ids=[f for f, _ in FILES] or ["none"]
)
def test_real_file(name: str, fmt: str, tmp_path: Path) -> None:
    source = CORPUS / name
    before = source.read_bytes()
    report = clean_file(source, Options(output_dir=tmp_path, scan=False, cache=False))
    assert source.read_bytes() == before, "the original was changed"
    if name in EXPECTED_ERRORS:
        assert report.status == "error", f"expected to fail: {EXPECTED_ERRORS[name]}"
        assert re.search(EXPECTED_ERRORS[name], report.error or ""), report.error
        assert "\n" not in (report.error or "") and "Traceback" not in (report.error or "")
        assert not list(tmp_path.iterdir()), "a failed file left an output"
        return
    assert report.status in ("cleaned", "clean"), f"{report.status}: {report.error}"
    output = Path(report.output or "")
    assert output.exists()
    # The output, opened again by sanitize, carries nothing removable.
    assert inspect_file(output, Options(scan=False, cache=False)).metadata == []
    if fmt in EXIFTOOL_FORMATS and oracles.EXIFTOOL and exiftool_reads(source):
        left = [f for f in oracles.metadata_left(output) if not KEPT_ON_PURPOSE.search(f)]
        assert not left, left
    if fmt in PIXEL_FORMATS and decodable(before):
        oracles.assert_same_pixels(before, output.read_bytes())
    if fmt == "pdf":
        assert_same_pdf_text(source, output)
    if fmt in ("docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"):
        assert_sound_zip(output)
    if fmt in MEDIA_FORMATS and shutil.which("ffmpeg"):
        import dirty_media

        if any("not in this file's media data" in note for note in report.notes):
            return  # a movie stripped of its media: ffmpeg's "packets" are header bytes
        try:
            expected = dirty_media.packet_hashes(source)
        except subprocess.CalledProcessError:
            return  # ffmpeg cannot read the original either: nothing to compare with
        assert dirty_media.packet_hashes(output) == expected


def exiftool_reads(path: Path) -> bool:
    """ExifTool refuses some files whatever their content (an MP3 without a tag whose first
    frame is not an Xing frame): where it cannot read the original, it is no oracle."""
    try:
        oracles.exiftool(path)
    except subprocess.CalledProcessError:
        return False
    return True


def decodable(data: bytes) -> bool:
    """Whether Pillow decodes the original at all (some test files are cut or use layouts
    Pillow refuses); the cleaners' own checks compare those byte for byte."""
    try:
        oracles.frames(data)
    except (OSError, ValueError, SyntaxError, TypeError):  # TypeError: "Missing dimensions"
        return False
    return True


def assert_same_pdf_text(source: Path, output: Path) -> None:
    from pypdf import PdfReader

    before, after = PdfReader(source), PdfReader(output)
    assert len(before.pages) == len(after.pages)


def assert_sound_zip(output: Path) -> None:
    with zipfile.ZipFile(output) as archive:
        assert archive.testzip() is None
