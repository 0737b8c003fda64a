"""A mixed set of dirty files (photos, PDFs, Office documents, drafts, short videos) for the
cluster tests and benchmark. Each kind is built once; drafts differ from one another."""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

import dirty
import dirty_media
import dirty_office
import dirty_pdf

DRAFT = "Brief {n}: call Jane Foster at jane.foster{n}@example.com before Friday.\n"


@lru_cache(maxsize=1)
def _kinds() -> tuple[tuple[str, bytes], ...]:
    kinds = [
        ("photo.jpg", dirty.dirty_jpeg()),
        ("graphic.png", dirty.dirty_png()),
        ("report.pdf", dirty_pdf.dirty_pdf()),
        ("brief.docx", dirty_office.dirty_docx()),
        ("photo.webp", dirty.dirty_webp()),
        ("budget.xlsx", dirty_office.dirty_xlsx()),
        ("deck.pptx", dirty_office.dirty_pptx()),
        ("draft.md", b""),  # made per file below
        ("animation.gif", dirty.dirty_gif()),
    ]
    if dirty_media.FFMPEG is not None:
        with tempfile.TemporaryDirectory() as folder:
            clip = dirty_media.make("clip.mp4", Path(folder)).read_bytes()
        kinds.append(("clip.mp4", clip))
    return tuple(kinds)


def mixed_set(count: int) -> dict[str, bytes]:
    """``count`` files by relative path, spread over a few folders."""
    kinds = _kinds()
    files = {}
    for n in range(count):
        name, data = kinds[n % len(kinds)]
        stem, _, suffix = name.partition(".")
        if name == "draft.md":
            data = DRAFT.format(n=n).encode()
        files[f"batch{n % 3}/{stem}-{n:03d}.{suffix}"] = data
    return files


def write(files: dict[str, bytes], folder: Path) -> None:
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
