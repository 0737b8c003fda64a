"""Drafts stay drafts: a signature made of letters is confirmed by the structure behind it."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from sanitize import filetype
from sanitize.api import check_paths
from sanitize.options import Options

DRAFTS = [
    "The free plan is enough for a start, says Claire.",
    "Hey wide angle or not? ftyp is a box name, I read.",
    "RIFF is the container of WAV files. Call me on 06 12 34 56 78.",
    "ID3 tags hold the artist name; mine holds my email.",
    "fLaC files are lossless. Budget: 400 €.",
    "OggS pages, FORM chunks and moov atoms: notes for the video brief.",
    "FORM AIFF notes\nsee you",
    "Some notes\n%PDF-1.7 is the version I export to.",
    "skip the intro, free the verse, mdat later",
]


@pytest.mark.parametrize("text", DRAFTS)
def test_text_starting_like_a_container_is_text(text: str) -> None:
    assert filetype.detect(text.encode("utf-8")) == "text"


def test_draft_starting_with_the_free_is_scanned(tmp_path: Path) -> None:
    draft = tmp_path / "post.md"
    draft.write_text("The free workshop is on Monday; write to lea.martin@example.org.\n")
    report = check_paths([draft], Options(cache=False)).files[0]
    assert report.kind == "text"
    assert [f.type for f in report.findings] == ["EMAIL"]


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def test_real_containers_are_still_recognised() -> None:
    movie = box(b"ftyp", b"qt  \x00\x00\x00\x00qt  ") + box(b"moov", b"\x00" * 32)
    assert filetype.detect(movie) == "mov"
    assert filetype.detect(box(b"free", b"\x00" * 8) + box(b"mdat", b"\x00" * 16)) == "mov"
    wave = b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + struct.pack("<I", 16) + b"\x01" * 16
    assert filetype.detect(wave) == "wav"
    assert filetype.detect(b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 20) == "mp3"
    assert filetype.detect(b"fLaC\x80\x00\x00\x22" + b"\x00" * 34) == "flac"
    assert filetype.detect(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n") == "pdf"
