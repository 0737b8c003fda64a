"""sanitize vs MAT2 on a ~150 KB DOCX with an embedded photo.

python benchmarks/bench_office.py
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys

from common import WORK, fresh, interleaved, report, require

import dirty


def proposal_docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.author = "Jane Doe"
    document.core_properties.comments = "internal draft"
    document.add_heading("Spring campaign proposal", 1)
    for index in range(60):
        document.add_paragraph(
            f"Section {index}: deliverables, timing and the brief, in detail. " * 4
        )
    document.add_picture(io.BytesIO(dirty.dirty_jpeg(orientation=1, size=(480, 360))))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    mat2 = require("mat2")
    folder = fresh(WORK / "office")
    source = folder / "proposal.docx"
    source.write_bytes(proposal_docx())
    print(f"DOCX with an embedded photo: {source.stat().st_size // 1024} KB")
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
    # Metadata only, like MAT2; then the default, which also scans the text.
    theirs_out = folder / "proposal.cleaned.docx"
    # Interleaved (one run of each, in turn): a change of load weighs on all three alike.
    ours, with_text, theirs = interleaved(
        [
            ([*command, "--no-scan"], reset_ours),
            (command, reset_ours),
            ([mat2, str(source)], lambda: theirs_out.unlink(missing_ok=True)),
        ],
        args.repeat,
    )
    report("DOCX, metadata", ours, theirs, "mat2")
    print(f"  sanitize / mat2 = {ours / theirs:.2f} (target: <= 0.5)")
    print(f"DOCX, metadata and text scan (default): sanitize {with_text:.3f} s")
    print(f"  sanitize / mat2 = {with_text / theirs:.2f} (target: <= 2.0)")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
