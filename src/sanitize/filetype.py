"""Tell a file's real format from its bytes, never from its name."""

from __future__ import annotations

import io
import zipfile

# Usual file-name extensions of each kind, to say when a name lies about the content.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "png": (".png",),
    "webp": (".webp",),
    "gif": (".gif",),
    "tiff": (".tif", ".tiff"),
    "heic": (".heic", ".heif", ".hif"),
    "avif": (".avif",),
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "pptx": (".pptx",),
    "mp4": (".mp4",),
    "mov": (".mov", ".qt"),
    "m4a": (".m4a", ".m4b"),
    "m4v": (".m4v",),
    "3gp": (".3gp", ".3g2"),
    "mkv": (".mkv", ".mka", ".mks"),
    "webm": (".webm",),
    "avi": (".avi",),
    "mp3": (".mp3",),
    "flac": (".flac",),
    "ogg": (".ogg", ".oga", ".ogv", ".opus", ".spx"),
    "wav": (".wav", ".wave"),
    "aiff": (".aif", ".aiff", ".aifc"),
    "svg": (".svg",),
}

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_QUICKTIME_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}

# Main part content types of the OOXML packages we know.
_OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "docm",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "xlsm",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": "pptm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "dotx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xltx",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": "potx",
}


def detect(data: bytes) -> str:
    """Return the kind of ``data``: "jpeg", "png", "pdf", "docx", ..., or "unknown"."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}.get(head[8:12], "riff")
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(data)
    if head[4:8] == b"ftyp":
        return _detect_iso_bmff(head)
    if head[4:8] in _QUICKTIME_BOXES:
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in data[:64] else "mkv"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    return _detect_text(data)


def _detect_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                content_types = archive.read("[Content_Types].xml")[:200_000].decode(
                    "utf-8", "replace"
                )
                for content_type, kind in _OOXML_MAIN_TYPES.items():
                    if content_type in content_types:
                        return kind
                return "ooxml"
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace")
                if mimetype == "application/epub+zip":
                    return "epub"
                if mimetype.startswith("application/vnd.oasis.opendocument"):
                    return "odf"
    except Exception:  # a corrupt archive is still a zip; its cleaner says what is wrong
        return "zip"
    return "zip"


def _detect_iso_bmff(head: bytes) -> str:
    major = head[8:12]
    compatible = {head[i : i + 4] for i in range(16, min(len(head), 64) - 3, 4)}
    brands = {major} | compatible
    if major in (b"avif", b"avis"):
        return "avif"
    if major in _HEIF_BRANDS or (
        brands & _HEIF_BRANDS and not brands & {b"isom", b"mp41", b"mp42"}
    ):
        return "heic"
    if major == b"qt  ":
        return "mov"
    if major in (b"M4A ", b"M4B "):
        return "m4a"
    if major == b"M4V ":
        return "m4v"
    if major.startswith(b"3g"):
        return "3gp"
    return "mp4"


def _detect_text(data: bytes) -> str:
    sample = data[:8192]
    if not sample or b"\x00" in sample:
        return "unknown"
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sample's end is still text.
        if exc.start < len(sample) - 4:
            return "unknown"
        text = sample[: exc.start].decode("utf-8")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<") and "<svg" in text[:4096]:
        return "svg"
    return "text"


def extension_matches(kind: str, suffix: str) -> bool:
    known = EXTENSIONS.get(kind)
    return known is None or suffix.lower() in known
