"""Regenerate the dirty sample files in this folder: python samples/make_samples.py"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import dirty  # noqa: E402
import dirty_media  # noqa: E402
import dirty_office  # noqa: E402
import dirty_pdf  # noqa: E402

DOCUMENTS = {
    "brief.pdf": dirty_pdf.dirty_pdf,
    "proposal.docx": dirty_office.dirty_docx,
    "budget.xlsx": dirty_office.dirty_xlsx,
    "carousel.pptx": dirty_office.dirty_pptx,
}

if __name__ == "__main__":
    written = dirty.write_all(HERE)
    for name, build in DOCUMENTS.items():
        path = HERE / name
        path.write_bytes(build())
        written.append(path)
    (HERE / "prompt.md").write_text(
        "# Prompt for the AI assistant\n\n"
        "Rédige un mail de relance pour Marie Dupont (marie.dupont@gmail.com, 06 12 34 56 78).\n"
        "Le devis de la campagne printemps était de 2 500 € HT, avec un TJM de 450 €.\n"
        "Brief partagé : https://docs.google.com/document/d/1AbCdEf/edit\n",
        encoding="utf-8",
    )
    written.append(HERE / "prompt.md")
    (HERE / "logo.svg").write_text(dirty_media.SVG)
    written.append(HERE / "logo.svg")
    if dirty_media.FFMPEG:
        for name in ("clip.mov", "episode.mp3"):
            written.append(dirty_media.make(name, HERE))
        for leftover in ("chapters.txt", "cover.jpg"):
            (HERE / leftover).unlink()
    for path in written:
        print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size} bytes)")
