"""Build video and audio files with a MARKER in every metadata place, using ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import dirty

FFMPEG = shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(
    FFMPEG is None, reason="ffmpeg is not installed (.ci/run installs it)"
)
M = dirty.marker

CHAPTERS = f""";FFMETADATA1
title={M("FF-TITLE")}
[CHAPTER]
TIMEBASE=1/1000
START=0
END=500
title={M("CHAPTER-ONE")}
[CHAPTER]
TIMEBASE=1/1000
START=500
END=1000
title={M("CHAPTER-TWO")}
"""
VIDEO = ["-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=10"]
AUDIO = ["-f", "lavfi", "-i", "sine=duration=1"]
APPLE = [
    "-metadata",
    "com.apple.quicktime.location.ISO6709=+48.8566+002.3522+035.000/",
    "-metadata",
    f"com.apple.quicktime.make={M('MAKE')}",
    "-metadata",
    f"com.apple.quicktime.model={M('MODEL')}",
    "-metadata",
    f"com.apple.quicktime.software={M('SOFTWARE')}",
    "-metadata",
    "creation_time=2025-06-01T12:00:00Z",
    "-metadata",
    f"artist={M('ARTIST')}",
    "-movflags",
    "use_metadata_tags",
]
TAGS = [
    "-metadata",
    f"artist={M('ARTIST')}",
    "-metadata",
    f"comment={M('COMMENT')}",
    "-metadata",
    f"title={M('TITLE')}",
]

RECIPES: dict[str, list[str]] = {
    # iPhone-like movie: Apple keys (location, make, model), dates, chapters.
    "clip.mov": [
        *VIDEO,
        *AUDIO,
        "-i",
        "{chapters}",
        "-map",
        "0",
        "-map",
        "1",
        "-map_metadata",
        "2",
        "-map_chapters",
        "2",
        "-c:v",
        "libx264",
        "-c:a",
        "aac",
        *APPLE,
    ],
    "clip.mp4": [
        *VIDEO,
        *AUDIO,
        "-i",
        "{chapters}",
        "-map",
        "0",
        "-map",
        "1",
        "-map_metadata",
        "2",
        "-map_chapters",
        "2",
        "-c:v",
        "libx264",
        "-c:a",
        "aac",
        *TAGS,
        "-metadata",
        "creation_time=2025-06-01T12:00:00Z",
    ],
    "voice.m4a": [*AUDIO, "-c:a", "aac", *TAGS],
    "clip.mkv": [
        *VIDEO,
        *AUDIO,
        "-i",
        "{chapters}",
        "-map",
        "0",
        "-map",
        "1",
        "-map_metadata",
        "2",
        "-map_chapters",
        "2",
        "-c:v",
        "libx264",
        "-c:a",
        "aac",
        *TAGS,
        "-metadata:s:v",
        f"title={M('TRACK-NAME')}",
        "-attach",
        "{cover}",
        "-metadata:s:t",
        "mimetype=image/jpeg",
    ],
    "clip.webm": [*VIDEO, "-c:v", "libvpx", *TAGS],
    "clip.avi": [*VIDEO, "-c:v", "mjpeg", *TAGS],
    "episode.mp3": [*AUDIO, *TAGS, "-id3v2_version", "3", "-write_id3v1", "1"],
    "episode.flac": [*AUDIO, *TAGS],
    "episode.ogg": [*AUDIO, "-c:a", "libvorbis", *TAGS],
    "episode.opus": [*AUDIO, "-c:a", "libopus", *TAGS],
    "take.wav": [*AUDIO, *TAGS],
    "take.aiff": [*AUDIO, *TAGS, "-write_id3v2", "1"],
}


def make(name: str, folder: Path) -> Path:
    assert FFMPEG is not None
    chapters = folder / "chapters.txt"
    chapters.write_text(CHAPTERS)
    cover = folder / "cover.jpg"
    cover.write_bytes(dirty.dirty_jpeg(orientation=1))
    args = [a.format(chapters=chapters, cover=cover) for a in RECIPES[name]]
    output = folder / name
    subprocess.run([FFMPEG, "-v", "error", "-y", *args, str(output)], check=True)
    return output


def add_cover_and_extra_tags(path: Path) -> None:
    """Tags ffmpeg cannot write: MP3 cover art and an APEv2 tag, via mutagen."""
    import mutagen.apev2
    import mutagen.id3

    tags = mutagen.id3.ID3(path)
    tags.add(
        mutagen.id3.APIC(
            encoding=3,
            mime="image/jpeg",
            type=3,
            desc=M("COVER"),
            data=dirty.dirty_jpeg(orientation=1),
        )
    )
    tags.save(path, v1=2)
    ape = mutagen.apev2.APEv2()
    ape["Artist"] = M("APE-ARTIST")
    ape.save(path)


def packet_hashes(path: Path) -> list[str]:
    """Per-packet MD5 of the audio and video streams (attached pictures and side data aside)."""
    assert FFMPEG is not None
    result = subprocess.run(
        [
            FFMPEG,
            "-v",
            "error",
            "-i",
            str(path),
            "-map",
            "0:V?",
            "-map",
            "0:a?",
            "-c",
            "copy",
            "-f",
            "framemd5",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    # stream, size and hash: timestamps may shift when a tag held gapless-playback data.
    fields = [[part.strip() for part in line.split(",")[:6]] for line in lines]
    return [f"{f[0]},{f[4]},{f[5]}" for f in fields]


def duration(path: Path) -> float:
    result = subprocess.run(
        [
            shutil.which("ffprobe") or "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip())


SVG = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Created with Inkscape {dirty.marker("SVG-COMMENT")} -->
<svg width="210mm" height="297mm" viewBox="0 0 210 297" version="1.1"
   inkscape:version="1.2 ({dirty.marker("INKSCAPE")})" sodipodi:docname="{dirty.marker("DOCNAME")}.svg"
   inkscape:export-filename="/Users/{dirty.marker("USER")}/Desktop/logo.png"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:xlink="http://www.w3.org/1999/xlink" xmlns="http://www.w3.org/2000/svg"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmlns:sketch="http://www.bohemiancoding.com/sketch/ns">
  <title>Logo designed by {dirty.marker("DESIGNER")}</title>
  <desc>Brand mark, blue variant</desc>
  <sodipodi:namedview id="nv" inkscape:window-width="{dirty.marker("WINDOW")}"/>
  <metadata><rdf:RDF><rdf:Description><dc:creator>{dirty.marker("CREATOR")}</dc:creator></rdf:Description></rdf:RDF></metadata>
  <g inkscape:label="{dirty.marker("LAYER")}" inkscape:groupmode="layer" id="layer1" sketch:type="MSLayerGroup">
    <!-- {dirty.marker("INNER-COMMENT")} -->
    <rect style="fill:#0000ff" width="100" height="50" x="10" y="10"/>
    <text x="20" y="100" font-family="Inter">Visible text</text>
    <image xlink:href="file:///Users/{dirty.marker("USER2")}/photo.jpg" width="10" height="10"/>
  </g>
</svg>
"""
