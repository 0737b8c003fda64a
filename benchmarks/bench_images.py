"""sanitize vs ExifTool on camera-sized JPEGs (12 MP, EXIF+GPS+XMP+ICC).

    python benchmarks/bench_images.py [--count 50] [--repeat 5]

Prints the batch time of `sanitize clean DIR -o OUT` (its default jobs, then `-j 1`)
against one ExifTool process (`exiftool -all= -tagsfromfile @ -Orientation -icc_profile
-o OUT/ DIR/`) on the same files, and one photo against one `exiftool` call: medians of
``--repeat`` runs, the two tools alternating so that a busy machine slows both alike.
Each line gives the speed ratio and sanitize's time as a fraction of ExifTool's, against
the targets of the speed issue (batch <= 0.5, one photo <= 0.8).
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import statistics
import sys
from collections.abc import Callable

from common import WORK, fresh, report, require, time_command

import dirty


def camera_jpeg(seed: int) -> bytes:
    from PIL import Image

    rng = random.Random(seed)
    small = Image.frombytes("RGB", (400, 300), rng.randbytes(400 * 300 * 3))
    image = small.resize((4000, 3000), Image.Resampling.BICUBIC)  # 12 MP, photo-like size
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        quality=92,
        icc_profile=dirty.srgb_profile(),
        exif=dirty.exif_bytes(orientation=6),
    )
    data = buffer.getvalue()
    xmp = dirty.xmp_packet()
    segment = (
        b"\xff\xe1" + (len(xmp) + 31).to_bytes(2, "big") + b"http://ns.adobe.com/xap/1.0/\x00" + xmp
    )
    return data[:2] + segment + data[2:]


def side_by_side(
    ours: tuple[list[str], Callable[[], None]],
    theirs: tuple[list[str], Callable[[], None]],
    repeat: int,
) -> tuple[float, float]:
    """Median times of both commands, run in turns (ours, theirs, ours...)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for (argv, before), found in zip((ours, theirs), times, strict=True):
            found.append(time_command(argv, before, 1))
    return statistics.median(times[0]), statistics.median(times[1])


def show(label: str, times: tuple[float, float], target: float) -> None:
    ours, theirs = times
    report(label, ours, theirs, "exiftool")
    met = "met" if ours <= target * theirs else "not met"
    print(f"  sanitize/exiftool time {ours / theirs:.2f} (target <= {target}: {met})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    exiftool = require("exiftool")
    # What ExifTool needs to match sanitize: strip all, but keep Orientation and the ICC profile.
    exiftool_keeping_orientation_and_icc = [
        exiftool,
        "-q",
        "-q",  # also without its warning on every file (the ICC profile is copied back)
        "-all=",
        "-tagsfromfile",
        "@",
        "-Orientation",
        "-icc_profile",
    ]
    sanitize = [sys.executable, "-m", "sanitize"]

    source = fresh(WORK / "jpegs")
    distinct = [camera_jpeg(seed) for seed in range(5)]
    for index in range(args.count):
        # A distinct comment per file so that no two inputs are the same bytes.
        comment = f"frame {index}".encode()
        data = distinct[index % len(distinct)]
        data = data[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + data[2:]
        (source / f"IMG_{index:04d}.jpg").write_bytes(data)
    total = sum(p.stat().st_size for p in source.iterdir()) / 1e6
    print(f"{args.count} JPEGs of 12 MP, {total:.0f} MB in all; medians of {args.repeat} runs")

    ours_out, theirs_out = WORK / "out-sanitize", WORK / "out-exiftool"
    exiftool_batch = (
        [*exiftool_keeping_orientation_and_icc, "-o", f"{theirs_out}/", f"{source}/"],
        lambda: fresh(theirs_out),
    )
    for label, jobs in (
        (f"batch of {args.count}", []),
        (f"batch of {args.count}, -j 1", ["-j", "1"]),
    ):
        batch = (
            [*sanitize, "clean", "-q", *jobs, str(source), "-o", str(ours_out)],
            lambda: shutil.rmtree(ours_out, ignore_errors=True),
        )
        show(label, side_by_side(batch, exiftool_batch, args.repeat), 0.5)

    one = source / "IMG_0000.jpg"
    one_ours, one_theirs = WORK / "one-sanitize", WORK / "one-exiftool"
    times = side_by_side(
        ([*sanitize, "clean", "-q", str(one), "-o", str(one_ours)], lambda: fresh(one_ours)),
        (
            [*exiftool_keeping_orientation_and_icc, "-o", f"{one_theirs}/", str(one)],
            lambda: fresh(one_theirs),
        ),
        args.repeat * 3,
    )
    show("one photo", times, 0.8)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
