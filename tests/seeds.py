"""One small valid file of every supported format, built once per test session."""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

import dirty
import dirty_epub
import dirty_media
import dirty_odf
import dirty_office
import dirty_pdf
import test_more_formats
import test_web

MEDIA = {
    "mov": "clip.mov",
    "mp4": "clip.mp4",
    "m4a": "voice.m4a",
    "mkv": "clip.mkv",
    "webm": "clip.webm",
    "avi": "clip.avi",
    "mp3": "episode.mp3",
    "flac": "episode.flac",
    "ogg": "episode.ogg",
    "opus": "episode.opus",
    "wav": "take.wav",
    "aiff": "take.aiff",
}


@lru_cache(maxsize=1)
def samples() -> dict[str, bytes]:
    """Extension (without dot) -> bytes of a dirty but valid file."""
    found = {
        "jpg": dirty.dirty_jpeg(),
        "png": dirty.dirty_png(),
        "webp": dirty.dirty_webp(),
        "gif": dirty.dirty_gif(),
        "tiff": dirty.dirty_tiff(),
        "heic": dirty.dirty_heic(),
        "pdf": dirty_pdf.dirty_pdf(),
        "docx": dirty_office.dirty_docx(),
        "xlsx": dirty_office.dirty_xlsx(),
        "pptx": dirty_office.dirty_pptx(),
        "odt": dirty_odf.dirty_odt(),
        "ods": dirty_odf.dirty_ods(),
        "odp": dirty_odf.dirty_odp(),
        "epub": dirty_epub.dirty_epub(),
        "svg": dirty_media.SVG.encode(),
        "md": "# Brief\n\nContact: jane.doe@gmail.com, TJM 450 €.\n".encode(),
    }
    found.update(more_formats())
    if dirty_media.FFMPEG:
        with tempfile.TemporaryDirectory() as folder:
            for extension, name in MEDIA.items():
                found[extension] = dirty_media.make(name, Path(folder)).read_bytes()
            found["wmv"] = test_more_formats.dirty_wmv(Path(folder))
    return found


def more_formats() -> dict[str, bytes]:
    """HTML, JPEG XL, BMP, netpbm and torrent seeds (CSS is chosen by name, not bytes)."""
    return {
        "html": test_web.dirty_page().encode(),
        "xhtml": test_web.dirty_xhtml().encode(),
        "jxl": test_more_formats.handmade_jxl(b"\xff\x0a" + bytes(range(64))),
        "bmp": test_more_formats.dirty_bmp(),
        "ppm": test_more_formats.dirty_ppm("P6"),
        "pam": test_more_formats.dirty_pam(),
        "torrent": test_more_formats.dirty_torrent(),
    }
