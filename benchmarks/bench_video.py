"""Time and peak memory of cleaning a phone video: sanitize against ExifTool.

Generates, at run time, a phone-style MOV (real H.264 and AAC samples from ffmpeg's
``testsrc2`` and ``sine``, with location, make, model and creation time), looped with
stream copy to the wanted size so every byte is a real sample (not a sparse file). Then
runs, alternating the order, ``sanitize clean --no-scan`` and ``exiftool -all= -o OUT IN``
several times and reports the median wall time and the peak resident memory of each
(``ru_maxrss`` of the child, measured in a small wrapper process of its own).

    python benchmarks/bench_video.py            # 500 MB
    python benchmarks/bench_video.py --big      # 500 MB and 4 GB (needs ~13 GB in /tmp)
    python benchmarks/bench_video.py --sizes 100 --runs 3 --keep /tmp/x

With ``--check-streams`` (on by default for the largest size), the output's audio and video
packets are compared with the input's (ffmpeg ``-f framemd5``, per stream).
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


def phone_movie(folder: Path, megabytes: int) -> Path:
    ffmpeg = require("ffmpeg")
    seed = folder / "seed.mov"
    subprocess.run(
        [
            ffmpeg, "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "20", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "16M",
            "-c:a", "aac", "-b:a", "128k", str(seed),
        ],
        check=True,
    )  # fmt: skip
    loops = max(round(megabytes * MB / seed.stat().st_size), 1)
    movie = folder / f"phone-{megabytes}MB.mov"
    subprocess.run(
        [
            ffmpeg, "-v", "error", "-y", "-stream_loop", str(loops - 1), "-i", str(seed),
            "-map", "0", "-c", "copy",
            "-metadata", "location=+48.8566+002.3522/",
            "-metadata", "com.apple.quicktime.location.ISO6709=+48.8566+002.3522+035.000/",
            "-metadata", "com.apple.quicktime.make=Apple",
            "-metadata", "com.apple.quicktime.model=iPhone 15 Pro",
            "-metadata", "com.apple.quicktime.software=17.5.1",
            "-metadata", "creation_time=2025-06-01T12:00:00Z",
            "-movflags", "use_metadata_tags", str(movie),
        ],
        check=True,
    )  # fmt: skip
    seed.unlink()
    return movie


def stream_hashes(path: Path) -> list[str]:
    done = subprocess.run(
        [require("ffmpeg"), "-v", "error", "-i", str(path), "-map", "0:v", "-map", "0:a",
         "-c", "copy", "-f", "framemd5", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line and not line.startswith("#")]
    return [",".join(part.strip() for part in line.split(",")[:6]) for line in lines]


def bench(movie: Path, runs: int, check_streams: bool) -> dict[str, object]:
    exiftool = require("exiftool")
    sanitize_out = movie.with_name(movie.stem + ".clean" + movie.suffix)
    exif_out = movie.with_name(movie.stem + ".exiftool" + movie.suffix)
    commands = {
        "sanitize": [sys.executable, "-m", "sanitize", "clean", "--no-scan", "-q", str(movie)],
        "exiftool": [
            exiftool,
            "-q",
            "-api",
            "LargeFileSupport=1",
            "-all=",
            "-o",
            str(exif_out),
            str(movie),
        ],
    }
    results: dict[str, list[dict[str, float]]] = {"sanitize": [], "exiftool": []}
    # Warm the page cache once so neither tool pays the first read alone.
    subprocess.run(["cat", str(movie)], stdout=subprocess.DEVNULL, check=True)
    for run in range(runs):
        order = ["sanitize", "exiftool"] if run % 2 == 0 else ["exiftool", "sanitize"]
        for name in order:
            for stale in (sanitize_out, exif_out):
                stale.unlink(missing_ok=True)
            # The previous run's output is written back first: neither tool is throttled
            # by the other's dirty pages.
            os.sync()
            results[name].append(measure_peak(commands[name]))
    summary: dict[str, object] = {"size_mb": round(movie.stat().st_size / MB)}
    for name, rows in results.items():
        summary[name] = {
            "median_s": round(statistics.median(r["seconds"] for r in rows), 3),
            "peak_rss_mb": round(max(r["peak_kb"] for r in rows) / 1024, 1),
        }
    s, e = summary["sanitize"], summary["exiftool"]
    summary["time_ratio"] = round(s["median_s"] / e["median_s"], 3)  # type: ignore[index]
    if check_streams:
        measure_peak(commands["sanitize"]) if not sanitize_out.exists() else None
        summary["streams_identical"] = stream_hashes(movie) == stream_hashes(sanitize_out)
    for stale in (sanitize_out, exif_out):
        stale.unlink(missing_ok=True)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also a 4 GB movie")
    parser.add_argument("--sizes", type=int, nargs="*", help="sizes in MB (default 500)")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool (median)")
    parser.add_argument("--keep", type=Path, help="folder for the movies (default: a temp one)")
    parser.add_argument("--no-check-streams", action="store_true")
    args = parser.parse_args()
    sizes = args.sizes or ([500, 4096] if args.big else [500])
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-video-"))
    folder.mkdir(parents=True, exist_ok=True)
    needed = max(sizes) * MB * 3.2
    if shutil.disk_usage(folder).free < needed:
        sys.exit(f"not enough disk space in {folder}: {needed / 1024**3:.1f} GB needed")
    try:
        for size in sizes:
            movie = phone_movie(folder, size)
            check = not args.no_check_streams and size == max(sizes)
            print(json.dumps(bench(movie, args.runs, check)), flush=True)
            movie.unlink()
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
