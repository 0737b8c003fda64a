"""Regenerate the dirty sample files in this folder: python samples/make_samples.py

The files are built by the test fixtures (tests/dirty*.py), which put a ``MARKER-…`` string
in every hiding place. Samples are what a newcomer sees first, so here each marker becomes
a value such a file really carries: a phone's make and model, a photographer's name, a
company, a comment, a user folder. The photo's GPS position is central Paris.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "samples"  # the folder the README's first command cleans
sys.path.insert(0, str(ROOT / "tests"))

import dirty  # noqa: E402

PHOTOGRAPHER = "Camille Laurent"
EDITOR = "Julien Moreau"
COMPANY = "Studio Nacre"
CLIENT = "Atelier Sérac"

# The marker's name (without "MARKER-") -> a realistic value. Checked in order: the first
# key found in the name wins. Values stay free of XML and PDF special characters.
REALISTIC: tuple[tuple[str, str], ...] = (
    ("EXIF-MAKE", "Apple"),
    ("EXIF-MODEL", "iPhone 15 Pro"),
    ("EXIF-SOFTWARE", "17.5.1"),
    ("SERIAL", "F2LXK9QJ0D4M"),
    ("EXIF-GPS", "Paris 4e Arrondissement"),
    ("IPTC-CITY", "Paris"),
    ("XMP-TOOL", "Adobe Lightroom 13.2 (Macintosh)"),
    ("PAGEXMP-TOOL", "Adobe InDesign 19.2 (Macintosh)"),
    ("PDFXMP-TOOL", "Adobe InDesign 19.2 (Macintosh)"),
    ("PDF-CREATOR", "Adobe InDesign 19.2 (Macintosh)"),
    ("PDF-PRODUCER", "Adobe PDF Library 17.0"),
    ("-APP", "Microsoft Office"),
    ("INKSCAPE", "d7f5e4b, 2024-05-02"),
    ("EDITOR", EDITOR),
    ("MANAGER", EDITOR),
    ("MOVE-AUTHOR", EDITOR),
    ("FORMAT-AUTHOR", EDITOR),
    ("DEL-AUTHOR", EDITOR),
    ("COMPANY", f"{COMPANY} SARL"),
    ("DESIGNER", PHOTOGRAPHER),
    ("AUTHOR", PHOTOGRAPHER),
    ("ARTIST", PHOTOGRAPHER),
    ("CREATOR", PHOTOGRAPHER),
    ("BYLINE", PHOTOGRAPHER),
    ("PERSON", PHOTOGRAPHER),
    ("WINUSER", "camille.laurent"),
    ("XLUSER", "camille.laurent"),
    ("USER2", "camille"),
    ("USER", "camille"),
    ("TEMPLATE", "Proposition commerciale"),
    ("HLINKBASE", "https://intranet.studio-nacre.fr/clients/"),
    ("SPEAKER-NOTES", "Ne pas parler du retard de livraison"),
    ("COMMENT-TEXT", f"Ne pas montrer ce tarif à {CLIENT}"),
    ("XLSX-COMMENT", "Marge réelle 42 pour cent"),
    ("PPTX-COMMENT", "Valider le visuel avec Claire"),
    ("THREAD", "Prix à revoir avant envoi"),
    ("EXIF-COMMENT", f"Shooting {CLIENT}, avant-première"),
    ("COMMENT", "Retouche v2, envoyer à Claire"),
    ("DELETED-TEXT", "Remise exceptionnelle de 15 pour cent"),
    ("MOVED-AWAY", "Paragraphe déplacé du brief initial"),
    ("HIDDEN-TEXT", "Marge réelle : 40 pour cent"),
    ("GLOSSARY", "Bloc signature Camille Laurent"),
    ("DOCVAR", CLIENT),
    ("CUSTOMXML", CLIENT),
    ("CUSTOM", CLIENT),
    ("DOCNAME", "logo-atelier-serac-v3"),
    ("TITLE", f"Proposition {CLIENT} printemps"),
    ("KEYWORDS", "devis, confidentiel"),
    ("DESCRIPTION", "Version interne, ne pas diffuser"),
    ("ATTACH-NAME", "devis-interne"),
    ("ATTACH-DATA", "Devis interne: 2 500 EUR HT"),
    ("FIELD-NAME", "Nom du client"),
    ("FIELD-VALUE", "Claire Martin"),
    ("LAYER", "Calque brouillon"),
    ("BOOKMARK", "Annexe tarifs"),
    ("JS", "print"),
    ("LINK", EDITOR),
)


def realistic(name: str) -> str:
    for key, value in REALISTIC:
        if key in name:
            return value
    return f"{COMPANY} {name.title().replace('-', ' ')}"


# Before the other builders are imported: some bind the marker function when they load.
dirty.marker = realistic

import dirty_media  # noqa: E402
import dirty_office  # noqa: E402
import dirty_pdf  # noqa: E402

DOCUMENTS = {
    "brief.pdf": dirty_pdf.dirty_pdf,
    "proposal.docx": dirty_office.dirty_docx,
    "budget.xlsx": dirty_office.dirty_xlsx,
    "carousel.pptx": dirty_office.dirty_pptx,
}
PROMPT = (
    "# Prompt pour l'assistant IA\n\n"
    f"Rédige un mail de relance pour Claire Martin, chez {CLIENT} "
    "(claire.martin@atelier-serac.fr, 06 12 34 56 78).\n"
    "Le devis de la campagne printemps était de 2 500 € HT, avec un TJM de 450 €.\n"
    "Brief partagé : https://docs.google.com/document/d/1AbCdEf/edit\n"
)

if __name__ == "__main__":
    written = dirty.write_all(HERE)
    # The photo people open first: larger than the fixtures' thumbnail-sized one.
    (HERE / "photo.jpg").write_bytes(dirty.dirty_jpeg(size=(640, 426)))
    for name, build in DOCUMENTS.items():
        path = HERE / name
        path.write_bytes(build())
        written.append(path)
    (HERE / "prompt.md").write_text(PROMPT, encoding="utf-8")
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
