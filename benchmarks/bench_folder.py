"""sanitize on a mixed folder of 500 files, against ExifTool and MAT2 on the files each cleans.

    python benchmarks/bench_folder.py [--count 500] [--repeat 5] [--no-video]

Builds, at run time in benchmarks/_work/folder/, a freelancer's folder: camera-sized JPEGs
(12 MP, EXIF+GPS+XMP+ICC), PNGs (3 MP, text chunks, eXIf, XMP, ICC), 2-page PDFs with a
1600x1200 photo on each page and an author, DOCX proposals with a photo, short phone clips
(MOV and MP4 with location, make and model; only if ffmpeg is installed) and Markdown
drafts with names, prices and phone numbers in them (the rest of the 500).
Then times, median of --repeat runs:

- `sanitize clean --no-scan DIR -o OUT -j 1`, then `-j 2`, then the default (text scanned)
  with `-j 2`, on the whole folder;
- `exiftool -all= -o OUT/ -r DIR` on the files ExifTool cleans (JPEG, PNG, MOV, MP4: its
  PDF edit is an incremental update that leaves the old metadata in the file, see
  bench_pdf.py; it does not write DOCX or Markdown), against `sanitize clean --no-scan -j 1`
  on the same files (both one process);
- `mat2 --inplace` on a fresh copy of the files MAT2 cleans (JPEG, PNG, PDF, DOCX, MP4: it
  has no MOV or Markdown parser), against `sanitize clean --no-scan -j 2` on the same files
  (MAT2 runs one process per core).

Prints files/s and MB/s of each, and every ratio, all measured within this one run.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import textscore
from bench_images import camera_jpeg
from bench_office import proposal_docx
from common import HERE, WORK, fresh, report, require, time_command

import dirty
import dirty_pdf

FOLDER = WORK / "folder"
MB = 1e6
# Share of the folder per kind; Markdown drafts make up the rest.
MIX = {"jpg": 0.12, "png": 0.02, "pdf": 0.06, "docx": 0.10, "video": 0.04}
EXIFTOOL_CLEANS = {".jpg", ".png", ".mov", ".mp4"}
MAT2_CLEANS = {".jpg", ".png", ".pdf", ".docx", ".mp4"}


def with_comment(jpeg: bytes, text: str) -> bytes:
    """The same photo with a COM segment of its own, so that no two files are the same bytes."""
    comment = text.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def camera_png(seed: int) -> bytes:
    """A 3 MP PNG (photo-like, smooth) with text chunks, eXIf, XMP and ICC.

    3 MP, not 12: ExifTool takes ~0.2 s per MB of PNG (4 s for a 12 MP one), which would
    make its share of the run all about a handful of PNGs."""
    from PIL import Image, PngImagePlugin

    rng = random.Random(seed)
    small = Image.frombytes("RGB", (400, 300), rng.randbytes(400 * 300 * 3))
    image = small.resize((2048, 1536), Image.Resampling.BICUBIC)
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe")
    info.add_text("Comment", "shot for Maison Lumen", zip=True)
    info.add_itxt("XML:com.adobe.xmp", dirty.xmp_packet("PNGXMP").decode(), zip=True)
    buffer = io.BytesIO()
    image.save(
        buffer,
        "PNG",
        pnginfo=info,
        icc_profile=dirty.srgb_profile(),
        exif=dirty.exif_bytes(orientation=1, thumbnail=False),
        compress_level=6,
    )
    return buffer.getvalue()


def with_text_chunk(png: bytes, text: str) -> bytes:
    """The same PNG with a tEXt chunk of its own, before IDAT."""
    payload = b"Title\x00" + text.encode()
    chunk = struct.pack(">I", len(payload)) + b"tEXt" + payload
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + payload) & 0xFFFFFFFF)
    idat = png.index(b"IDAT") - 4
    return png[:idat] + chunk + png[idat:]


def brochure_pdf(index: int, photos: list[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    chosen = [photos[(index + i) % len(photos)] for i in range(2)]
    base = PdfReader(io.BytesIO(dirty_pdf.plain_pdf(pages=2, jpeg=chosen)))
    writer = PdfWriter(clone_from=base)
    writer.add_metadata(
        {"/Author": "Jane Doe", "/Creator": "Design tool", "/Title": f"Media kit {index}"}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def phone_clips(folder: Path, count: int) -> list[Path]:
    """Short phone clips: two 5 s seeds (H.264 + AAC, 720p, 1080p) remuxed with distinct tags."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None or count == 0:
        return []
    seeds = []
    for number, size in enumerate(("1280x720", "1920x1080")):
        seed = WORK / f"seed{number}.mov"
        subprocess.run(
            [
                ffmpeg, "-v", "error", "-y",
                "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30",
                "-f", "lavfi", "-i", f"sine=frequency={440 + 110 * number}:sample_rate=48000",
                "-t", "5", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "6M",
                "-c:a", "aac", "-b:a", "128k", str(seed),
            ],
            check=True,
        )  # fmt: skip
        seeds.append(seed)
    clips = []
    for index in range(count):
        clip = folder / f"VID_{index:04d}.{'mov' if index % 2 else 'mp4'}"
        subprocess.run(
            [
                ffmpeg, "-v", "error", "-y", "-i", str(seeds[index % 2]),
                "-map", "0", "-c", "copy",
                "-metadata", "com.apple.quicktime.location.ISO6709=+48.8566+002.3522+035.000/",
                "-metadata", "com.apple.quicktime.make=Apple",
                "-metadata", "com.apple.quicktime.model=iPhone 15 Pro",
                "-metadata", f"title=Shoot day, take {index}",
                "-metadata", "creation_time=2025-06-01T12:00:00Z",
                "-movflags", "use_metadata_tags", str(clip),
            ],
            check=True,
        )  # fmt: skip
        clips.append(clip)
    for seed in seeds:
        seed.unlink()
    return clips


def markdown_drafts(folder: Path, count: int) -> None:
    drafts = [
        doc.text
        for language in ("en", "fr")
        for doc in textscore.load_drafts(HERE / "data" / f"drafts_{language}.txt")
    ]
    for index in range(count):
        # Three drafts in a row, in one language, as one working note.
        start = (index * 3) % len(drafts)
        body = "\n\n".join(drafts[(start + i) % len(drafts)] for i in range(3))
        (folder / f"notes_{index:04d}.md").write_text(
            f"# Notes {index}\n\n{body}\n", encoding="utf-8"
        )


def build(folder: Path, count: int, video: bool) -> None:
    counts = {kind: round(count * share) for kind, share in MIX.items()}
    if not video or shutil.which("ffmpeg") is None:
        counts["video"] = 0
    jpegs = [camera_jpeg(seed) for seed in range(5)]
    for index in range(counts["jpg"]):
        data = with_comment(jpegs[index % len(jpegs)], f"frame {index}")
        (folder / f"IMG_{index:04d}.jpg").write_bytes(data)
    pngs = [camera_png(seed) for seed in range(3)]
    for index in range(counts["png"]):
        data = with_text_chunk(pngs[index % len(pngs)], f"export {index}")
        (folder / f"export_{index:04d}.png").write_bytes(data)
    photo = dirty.dirty_jpeg(orientation=1, size=(1600, 1200))
    photos = [with_comment(photo, f"page photo {i}") for i in range(8)]
    for index in range(counts["pdf"]):
        (folder / f"kit_{index:04d}.pdf").write_bytes(brochure_pdf(index, photos))
    import docx

    proposal = proposal_docx()
    for index in range(counts["docx"]):
        # One proposal re-saved with its own title: distinct bytes, same shape.
        document = docx.Document(io.BytesIO(proposal))
        document.core_properties.title = f"Proposal {index}"
        document.save(str(folder / f"proposal_{index:04d}.docx"))
    phone_clips(folder, counts["video"])
    markdown_drafts(folder, count - sum(1 for _ in folder.iterdir()))


def subset(source: Path, target: Path, suffixes: set[str]) -> list[Path]:
    """Hard links to the files of ``source`` whose suffix is in ``suffixes``."""
    fresh(target)
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in suffixes)
    for path in files:
        os.link(path, target / path.name)
    return files


def size_mb(files: list[Path]) -> float:
    return sum(p.stat().st_size for p in files) / MB


def rate(label: str, seconds: float, files: int, megabytes: float) -> None:
    print(
        f"{label}: {seconds:.2f} s, {files / seconds:.1f} files/s, {megabytes / seconds:.1f} MB/s"
    )


def kinds(files: list[Path]) -> str:
    counts: dict[str, int] = {}
    for path in files:
        counts[path.suffix.lower()] = counts.get(path.suffix.lower(), 0) + 1
    return ", ".join(f"{n} {suffix[1:].upper()}" for suffix, n in sorted(counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-video", action="store_true", help="no clips, even with ffmpeg")
    args = parser.parse_args()
    if args.repeat < 5:
        print("(fewer than five runs: these medians are not for the report)")
    exiftool, mat2 = require("exiftool"), require("mat2")

    try:
        measure(args, fresh(FOLDER / "in"), exiftool, mat2)
    finally:
        shutil.rmtree(FOLDER, ignore_errors=True)


def measure(args: argparse.Namespace, source: Path, exiftool: str, mat2: str) -> None:
    sanitize = [sys.executable, "-m", "sanitize", "clean", "-q"]
    build(source, args.count, not args.no_video)
    files = sorted(source.iterdir())
    total = size_mb(files)
    print(f"mixed folder: {len(files)} files, {total:.0f} MB ({kinds(files)})")
    print(f"median of {args.repeat} runs each; ratios are the other time over sanitize's\n")

    out = FOLDER / "out"
    reset = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731

    def ours(folder: Path, *options: str) -> float:
        # With the text scanned, the drafts' copies are flagged: exit status 1, no failure.
        ok = (0,) if "--no-scan" in options else (0, 1)
        argv = [*sanitize, *options, str(folder), "-o", str(out)]
        return time_command(argv, reset, args.repeat, ok)

    j1 = ours(source, "--no-scan", "-j", "1")
    rate("sanitize clean --no-scan -j 1, whole folder", j1, len(files), total)
    j2 = ours(source, "--no-scan", "-j", "2")
    rate("sanitize clean --no-scan -j 2, whole folder", j2, len(files), total)
    scanned = ours(source, "-j", "2")
    rate("sanitize clean (text scanned) -j 2, whole folder", scanned, len(files), total)
    print(f"-j 2 over -j 1 (no scan): {j1 / j2:.2f}x faster")
    print(f"text scan cost at -j 2: {scanned / j2:.2f}x the time of --no-scan\n")

    # ExifTool: one process, on the files it cleans; sanitize one process on the same files.
    exif_in = FOLDER / "exiftool-in"
    exif_files = subset(source, exif_in, EXIFTOOL_CLEANS)
    exif_mb = size_mb(exif_files)
    print(f"files ExifTool cleans: {len(exif_files)}, {exif_mb:.0f} MB ({kinds(exif_files)})")
    exif_out = FOLDER / "exiftool-out"
    theirs = time_command(
        [exiftool, "-q", "-all=", "-o", f"{exif_out}/", "-r", str(exif_in)],
        lambda: shutil.rmtree(exif_out, ignore_errors=True),
        args.repeat,
    )
    rate("exiftool -all= -o OUT/ -r DIR", theirs, len(exif_files), exif_mb)
    mine = ours(exif_in, "--no-scan", "-j", "1")
    rate("sanitize clean --no-scan -j 1, same files", mine, len(exif_files), exif_mb)
    report("ExifTool's files, one process each", mine, theirs, "exiftool")
    shutil.rmtree(exif_out, ignore_errors=True)
    print()

    # MAT2: --inplace on a fresh copy (it uses a process per core); sanitize -j 2.
    mat2_in = FOLDER / "mat2-in"
    mat2_files = subset(source, mat2_in, MAT2_CLEANS)
    mat2_mb = size_mb(mat2_files)
    print(f"files MAT2 cleans: {len(mat2_files)}, {mat2_mb:.0f} MB ({kinds(mat2_files)})")
    mat2_copy = FOLDER / "mat2-copy"

    def copy_for_mat2() -> None:
        shutil.rmtree(mat2_copy, ignore_errors=True)
        shutil.copytree(mat2_in, mat2_copy)

    theirs = time_command([mat2, "--inplace", str(mat2_copy)], copy_for_mat2, args.repeat)
    rate("mat2 --inplace DIR (copy)", theirs, len(mat2_files), mat2_mb)
    mine = ours(mat2_in, "--no-scan", "-j", "2")
    rate("sanitize clean --no-scan -j 2, same files", mine, len(mat2_files), mat2_mb)
    report("MAT2's files, two processes each", mine, theirs, "mat2")


if __name__ == "__main__":
    main()
