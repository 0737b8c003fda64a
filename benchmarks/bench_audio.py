"""Time and peak memory of cleaning long audio files: sanitize against ffmpeg.

Generates, at run time, a FLAC and an MP3 of about the wanted size: a minute of real audio
(pink noise under a tone, encoded by ffmpeg's FLAC encoder and by LAME) looped with stream
copy, so every byte is a real frame (not a sparse file), with tags (artist, title, album,
comment, date) and a JPEG cover picture. ExifTool cannot write FLAC or MP3 files, so the
tool compared is ``ffmpeg -map_metadata -1 -c copy`` (what a user would otherwise run).
Runs, alternating the order, ``sanitize clean --no-scan`` and ffmpeg several times and
reports the median wall time and the peak resident memory of each (``ru_maxrss`` of the
child, measured in a small wrapper process of its own).

    python benchmarks/bench_audio.py                 # 1 GB FLAC and 1 GB MP3
    python benchmarks/bench_audio.py --sizes 200 --runs 3 --keep /tmp/x
    python benchmarks/bench_audio.py --bitrate 128   # MP3 frames twice as many per GB

Ratios are measured within one run of this script; they are never asserted by tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import measure_peak, require

MB = 1024**2
TAGS = [
    "-metadata", "artist=Jane Example",
    "-metadata", "title=Interview at home, 12 Rue de la Paix",
    "-metadata", "album=Private recordings",
    "-metadata", "comment=recorded on Jane's phone",
    "-metadata", "date=2025-06-01",
]  # fmt: skip


def cover(folder: Path) -> Path:
    picture = folder / "cover.jpg"
    subprocess.run(
        [require("ffmpeg"), "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=600x600",
         "-frames:v", "1", str(picture)],
        check=True,
    )  # fmt: skip
    return picture


def seed(folder: Path, suffix: str, bitrate: int) -> Path:
    """A minute of real audio: a tone over pink noise, so FLAC cannot squeeze it to nothing."""
    path = folder / f"seed{suffix}"
    codec = ["-c:a", "flac"] if suffix == ".flac" else ["-c:a", "libmp3lame", "-b:a", f"{bitrate}k"]
    subprocess.run(
        [require("ffmpeg"), "-v", "error", "-y",
         "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.2:sample_rate=44100:duration=60",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=60",
         "-filter_complex", "[0][1]amix=inputs=2,aformat=channel_layouts=stereo",
         *codec, str(path)],
        check=True,
    )  # fmt: skip
    return path


def long_audio(folder: Path, suffix: str, megabytes: int, bitrate: int) -> Path:
    """The seed looped by stream copy to about ``megabytes``, with tags and a cover."""
    first = seed(folder, suffix, bitrate)
    loops = max(round(megabytes * MB / first.stat().st_size), 1)
    path = folder / f"long-{megabytes}MB{suffix}"
    extra = ["-id3v2_version", "3", "-write_id3v1", "1"] if suffix == ".mp3" else []
    subprocess.run(
        [require("ffmpeg"), "-v", "error", "-y", "-stream_loop", str(loops - 1), "-i", str(first),
         "-i", str(cover(folder)), "-map", "0:a", "-map", "1:v", "-c", "copy",
         "-disposition:v", "attached_pic", "-metadata:s:v", "comment=Cover (front)",
         *TAGS, *extra, str(path)],
        check=True,
    )  # fmt: skip
    first.unlink()
    return path


def commands(audio: Path) -> tuple[dict[str, list[str]], list[Path]]:
    ours = audio.with_name(audio.stem + ".clean" + audio.suffix)
    theirs = audio.with_name(audio.stem + ".ffmpeg" + audio.suffix)
    # The MP3 muxer would add its own ID3v2 tag and a Xing frame: asked not to.
    plain = ["-id3v2_version", "0", "-write_xing", "0"] if audio.suffix == ".mp3" else []
    return {
        "sanitize": [sys.executable, "-m", "sanitize", "clean", "--no-scan", "-q", str(audio)],
        "ffmpeg": [
            require("ffmpeg"), "-v", "error", "-y", "-i", str(audio), "-map", "0:a",
            "-map_metadata", "-1", "-c", "copy", *plain, str(theirs),
        ],
    }, [ours, theirs]  # fmt: skip


def bench(audio: Path, runs: int) -> dict[str, object]:
    argvs, outputs = commands(audio)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in argvs}
    # Warm the page cache once so neither tool pays the first read alone, and write the
    # bytecode caches as a user's first run after installing does.
    subprocess.run(["cat", str(audio)], stdout=subprocess.DEVNULL, check=True)
    measure_peak(argvs["sanitize"])
    for run in range(runs):
        order = list(argvs) if run % 2 == 0 else list(reversed(argvs))
        for name in order:
            for stale in outputs:
                stale.unlink(missing_ok=True)
            # The previous run's output is written back first: neither tool is throttled
            # by the other's dirty pages.
            os.sync()
            results[name].append(measure_peak(argvs[name]))
    summary: dict[str, object] = {"file": audio.suffix[1:], "size_mb": audio.stat().st_size // MB}
    for name, rows in results.items():
        summary[name] = {
            "median_s": round(statistics.median(r["seconds"] for r in rows), 3),
            "peak_rss_mb": round(max(r["peak_kb"] for r in rows) / 1024, 1),
        }
    s, f = summary["sanitize"], summary["ffmpeg"]
    summary["time_ratio"] = round(s["median_s"] / f["median_s"], 3)  # type: ignore[index]
    for stale in outputs:
        stale.unlink(missing_ok=True)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", help="sizes in MB (default 1024)")
    parser.add_argument("--formats", nargs="*", default=["flac", "mp3"])
    parser.add_argument("--bitrate", type=int, default=320, help="MP3 bit rate in kbit/s")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool (median)")
    parser.add_argument("--keep", type=Path, help="folder for the files (default: a temp one)")
    args = parser.parse_args()
    sizes = args.sizes or [1024]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-audio-"))
    folder.mkdir(parents=True, exist_ok=True)
    needed = max(sizes) * MB * 3.2
    if shutil.disk_usage(folder).free < needed:
        sys.exit(f"not enough disk space in {folder}: {needed / 1024**3:.1f} GB needed")
    try:
        for size in sizes:
            for name in args.formats:
                audio = folder / f"long-{size}MB.{name}"
                if not audio.exists():  # kept from an earlier run with --keep
                    audio = long_audio(folder, f".{name}", size, args.bitrate)
                print(json.dumps(bench(audio, args.runs)), flush=True)
                if args.keep is None:
                    audio.unlink()
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
