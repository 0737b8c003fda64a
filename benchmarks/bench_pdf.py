"""sanitize vs ExifTool + qpdf on a 20-page PDF with a photo on each page.

    python benchmarks/bench_pdf.py

ExifTool alone only appends an incremental update (the old author stays in the file), so
the fair comparison is `exiftool -all=` followed by `qpdf` rewriting the file, which is
the only way to make ExifTool's output free of the old revision. (ExifTool leaves the
photos' own EXIF in place; sanitize cleans each one.)
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys

from common import (
    WORK,
    fresh,
    helper_listening,
    interleaved,
    report,
    require,
    start_helper,
    with_helper,
)

import dirty
import dirty_pdf


def twenty_page_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    photo = dirty.dirty_jpeg(orientation=1, size=(1600, 1200))
    # One photo per page, each with its own comment, so that no two are the same object.
    photos = [photo[:2] + b"\xff\xfe\x00\x04" + bytes([65, 65 + i]) + photo[2:] for i in range(20)]
    base = PdfReader(io.BytesIO(dirty_pdf.plain_pdf(pages=20, jpeg=photos)))
    writer = PdfWriter(clone_from=base)
    writer.add_metadata({"/Author": "Jane Doe", "/Creator": "Design tool", "/Title": "Media kit"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    exiftool, qpdf = require("exiftool"), require("qpdf")
    folder = fresh(WORK / "pdf")
    source = folder / "kit.pdf"
    source.write_bytes(twenty_page_pdf())
    print(f"20-page PDF with a 1600x1200 photo on each page: {source.stat().st_size // 1024} KB")

    ours_out = folder / "ours.pdf"
    command = [
        sys.executable,
        "-m",
        "sanitize",
        "clean",
        "-q",
        str(source),
        "-o",
        str(folder / "ours"),
    ]
    reset_ours = lambda: shutil.rmtree(folder / "ours", ignore_errors=True)  # noqa: E731
    theirs_tmp, theirs_out = folder / "exif.pdf", folder / "theirs.pdf"
    script = (
        f"{exiftool} -q -all= -o {theirs_tmp} {source} && "
        f"{qpdf} --object-streams=generate {theirs_tmp} {theirs_out}"
    )

    def reset() -> None:
        for path in (theirs_tmp, theirs_out, ours_out):
            path.unlink(missing_ok=True)

    runtime = fresh(WORK / "run")
    start_helper(runtime)
    # Metadata only, like the pair compared: a one-off run, then repeated runs (an editor,
    # a hook, a script) served by the warm helper; then the default, which also scans text.
    ours, warm, theirs, with_text, warm_text = interleaved(
        [
            ([*command, "--no-scan"], reset_ours),
            (with_helper([*command, "--no-scan"], runtime), reset_ours),
            (["bash", "-c", script], reset),
            (command, reset_ours),
            (with_helper(command, runtime), reset_ours),
        ],
        args.repeat,
    )
    if not helper_listening(runtime):
        sys.exit("the warm helper stopped during the benchmark: its figures are not valid")
    shutil.rmtree(runtime, ignore_errors=True)  # the helper sees its socket gone and exits
    report("20-page PDF, metadata, one-off run", ours, theirs, "exiftool -all= + qpdf")
    print(f"  sanitize / (exiftool -all= + qpdf) = {ours / theirs:.2f}")
    report(
        "20-page PDF, metadata, repeated runs (warm helper)", warm, theirs, "exiftool -all= + qpdf"
    )
    print(f"  sanitize / (exiftool -all= + qpdf) = {warm / theirs:.2f} (target: <= 1.0)")
    print(
        f"20-page PDF, metadata and text scan (default): sanitize {with_text:.3f} s one-off, "
        f"{warm_text:.3f} s in repeated runs (warm helper)"
    )
    # What any run pays before reading the file: the interpreter and the command line,
    # then the PDF library. The rest of the time above is the work on the file.
    python = sys.executable
    floor = interleaved(
        [
            ([python, "-c", "pass"], lambda: None),
            ([python, "-m", "sanitize", "--version"], lambda: None),
            ([python, "-c", "import sanitize.cli, pikepdf"], lambda: None),
        ],
        args.repeat,
    )
    print(
        "  start-up (median): python {:.3f} s, `sanitize --version` {:.3f} s, "
        "and with qpdf's library loaded {:.3f} s".format(*floor)
    )
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
