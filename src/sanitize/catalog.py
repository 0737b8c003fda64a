"""The one table of formats: which cleaner handles which kinds, under which file names.

Everything else is derived from it: the registry's built-in cleaners and the kinds each
one handles, the extensions that say when a name lies about the content, the suffixes
that make a text file a draft, and the pre-commit hooks' ``files`` pattern. Tests fail
when ``pyproject.toml`` (entry points) or ``.pre-commit-hooks.yaml`` disagree with it.
Adding a format means one row here and its cleaner module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    kind: str  # what sanitize.filetype.detect returns
    cleaner: str  # the entry-point name of the built-in cleaner that handles it
    extensions: tuple[str, ...]  # usual file-name endings, lower case, with the dot


# (entry-point name, "module:Class") of every built-in cleaner.
CLEANERS: dict[str, str] = {
    "jpeg": "sanitize.cleaners.jpeg:JpegCleaner",
    "png": "sanitize.cleaners.png:PngCleaner",
    "webp": "sanitize.cleaners.webp:WebpCleaner",
    "gif": "sanitize.cleaners.gif:GifCleaner",
    "tiff": "sanitize.cleaners.tiff:TiffCleaner",
    "heic": "sanitize.cleaners.heic:HeicCleaner",
    "pdf": "sanitize.cleaners.pdf:PdfCleaner",
    "ooxml": "sanitize.cleaners.ooxml:OoxmlCleaner",
    "odf": "sanitize.cleaners.odf:OdfCleaner",
    "epub": "sanitize.cleaners.epub:EpubCleaner",
    "mp4": "sanitize.cleaners.mp4:Mp4Cleaner",
    "matroska": "sanitize.cleaners.matroska:MatroskaCleaner",
    "avi": "sanitize.cleaners.avi:AviCleaner",
    "mp3": "sanitize.cleaners.mp3:Mp3Cleaner",
    "flac": "sanitize.cleaners.flac:FlacCleaner",
    "ogg": "sanitize.cleaners.ogg:OggCleaner",
    "wave": "sanitize.cleaners.wave:WaveCleaner",
    "svg": "sanitize.cleaners.svg:SvgCleaner",
    "text": "sanitize.cleaners.text:TextCleaner",
    "html": "sanitize.cleaners.html:HtmlCleaner",
    "css": "sanitize.cleaners.css:CssCleaner",
    "jxl": "sanitize.cleaners.jxl:JxlCleaner",
    "bmp": "sanitize.cleaners.bmp:BmpCleaner",
    "netpbm": "sanitize.cleaners.netpbm:NetpbmCleaner",
    "asf": "sanitize.cleaners.asf:AsfCleaner",
    "torrent": "sanitize.cleaners.torrent:TorrentCleaner",
}

FORMATS: tuple[Format, ...] = (
    Format("jpeg", "jpeg", (".jpg", ".jpeg", ".jpe", ".jfif")),
    Format("png", "png", (".png",)),
    Format("webp", "webp", (".webp",)),
    Format("gif", "gif", (".gif",)),
    Format("tiff", "tiff", (".tif", ".tiff")),
    Format("heic", "heic", (".heic", ".heif", ".hif")),
    Format("avif", "heic", (".avif",)),
    Format("pdf", "pdf", (".pdf",)),
    Format("docx", "ooxml", (".docx",)),
    Format("xlsx", "ooxml", (".xlsx",)),
    Format("pptx", "ooxml", (".pptx",)),
    # Macro-enabled documents, templates and slide shows: the same cleaner (macros kept).
    Format("docm", "ooxml", (".docm",)),
    Format("dotx", "ooxml", (".dotx",)),
    Format("dotm", "ooxml", (".dotm",)),
    Format("xlsm", "ooxml", (".xlsm",)),
    Format("xltx", "ooxml", (".xltx",)),
    Format("xltm", "ooxml", (".xltm",)),
    Format("pptm", "ooxml", (".pptm",)),
    Format("potx", "ooxml", (".potx",)),
    Format("potm", "ooxml", (".potm",)),
    Format("ppsx", "ooxml", (".ppsx",)),
    Format("ppsm", "ooxml", (".ppsm",)),
    Format("odt", "odf", (".odt",)),
    Format("ott", "odf", (".ott",)),
    Format("ods", "odf", (".ods",)),
    Format("ots", "odf", (".ots",)),
    Format("odp", "odf", (".odp",)),
    Format("otp", "odf", (".otp",)),
    Format("odg", "odf", (".odg",)),
    Format("otg", "odf", (".otg",)),
    Format("epub", "epub", (".epub",)),
    Format("mp4", "mp4", (".mp4",)),
    Format("mov", "mp4", (".mov", ".qt")),
    Format("m4a", "mp4", (".m4a", ".m4b")),
    Format("m4v", "mp4", (".m4v",)),
    Format("3gp", "mp4", (".3gp", ".3g2")),
    Format("mkv", "matroska", (".mkv", ".mka", ".mks")),
    Format("webm", "matroska", (".webm",)),
    Format("avi", "avi", (".avi",)),
    Format("mp3", "mp3", (".mp3",)),
    Format("flac", "flac", (".flac",)),
    Format("ogg", "ogg", (".ogg", ".oga", ".ogv", ".opus", ".spx")),
    Format("wav", "wave", (".wav", ".wave")),
    Format("aiff", "wave", (".aif", ".aiff", ".aifc")),
    Format("svg", "svg", (".svg",)),
    Format("html", "html", (".html", ".htm", ".xhtml")),
    Format("css", "css", (".css",)),  # no signature: chosen by name, see text_kind
    Format("jxl", "jxl", (".jxl",)),
    Format("bmp", "bmp", (".bmp", ".dib")),
    Format("netpbm", "netpbm", (".pbm", ".pgm", ".ppm", ".pnm", ".pam")),
    Format("asf", "asf", (".wmv", ".wma", ".asf")),
    Format("torrent", "torrent", (".torrent",)),
    # Drafts, captions, prompts, subtitles. Other UTF-8 files (source code, data) are
    # "plaintext": not drafts, listed as not checked.
    Format(
        "text",
        "text",
        (".txt", ".text", ".md", ".markdown", ".mdown", ".mkd", ".rst", ".srt", ".vtt"),
    ),
)

BY_KIND: dict[str, Format] = {f.kind: f for f in FORMATS}


def kinds_of(cleaner: str) -> frozenset[str]:
    """The kinds one built-in cleaner handles."""
    return frozenset(f.kind for f in FORMATS if f.cleaner == cleaner)


def extensions(kind: str) -> tuple[str, ...] | None:
    known = BY_KIND.get(kind)
    return known.extensions if known else None


# A text file without an extension (README, LICENSE-like drafts) is a draft too.
TEXT_SUFFIXES: frozenset[str] = frozenset((*BY_KIND["text"].extensions, ""))


def text_kind(suffix: str) -> str:
    """What a file detected as text is, given its name's ending.

    Drafts stay "text". A style sheet has no signature, so ``.css`` picks "css": acceptable
    because the bytes were already found to be text, because the name is what makes
    browsers and bundlers read the file as CSS too, and because the CSS cleaner changes
    nothing but comments (and checks that). An ``.html`` file that is a fragment (no
    doctype, no <html> or <head>: a template, a partial) starts with a tag and is read as
    HTML for the same reason. Other text (source code, data) is "plaintext": not checked.
    """
    lowered = suffix.lower()
    if lowered in TEXT_SUFFIXES:
        return "text"
    for kind in ("css", "html"):
        if lowered in BY_KIND[kind].extensions:
            return kind
    return "plaintext"


def hook_pattern() -> str:
    """The pre-commit ``files`` regex: every extension of every format, case-insensitive."""
    endings = sorted({ext.lstrip(".") for f in FORMATS for ext in f.extensions})
    return "(?i)\\.(" + "|".join(re.escape(e) for e in endings) + ")$"
