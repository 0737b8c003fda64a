"""Tell a file's real format from its bytes, never from its name."""

from __future__ import annotations

import io
import re
import struct
import zipfile

from sanitize import catalog

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

# OpenDocument packages: the ``mimetype`` member names the document type.
_ODF_PREFIX = "application/vnd.oasis.opendocument."
_ODF_KINDS = {
    "text": "odt",
    "text-template": "ott",
    "spreadsheet": "ods",
    "spreadsheet-template": "ots",
    "presentation": "odp",
    "presentation-template": "otp",
    "graphics": "odg",
    "graphics-template": "otg",
}


def detect(data: bytes) -> str:
    """Return the kind of ``data``: "jpeg", "png", "pdf", "docx", ..., or "unknown"."""
    # Signatures made of printable characters ("free", "ID3", "fLaC", "RIFF"...) can open
    # an ordinary text ("The free plan..."): each is confirmed by the structure behind it.
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 13:
        return "gif"
    if head.startswith(b"RIFF") and len(head) >= 12 and _riff_size_fits(data):
        return {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}.get(head[8:12], "riff")
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if data.startswith(b"%PDF-") or (_PDF_HEADER.search(data[:1024]) and b"obj" in data[: 1 << 20]):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(data)
    if head[4:8] == b"ftyp" and _boxes_chain(data):
        return _detect_iso_bmff(head)
    if head[4:8] in _QUICKTIME_BOXES and _boxes_chain(data):
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in data[:64] else "mkv"
    if _id3_header(head) or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"fLaC") and len(head) >= 8 and head[4] & 0x7F == 0:  # STREAMINFO
        return "flac"
    if head.startswith(b"OggS") and len(head) >= 27 and head[4] == 0:  # stream version 0
        return "ogg"
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC") and _form_size_fits(data):
        return "aiff"
    return _detect_text(data)


# "%PDF-1.7" at the start of a line, as PDF writers put it (after optional junk bytes).
_PDF_HEADER = re.compile(rb"(?:^|[\r\n])%PDF-\d\.\d")


def _riff_size_fits(data: bytes) -> bool:
    (size,) = struct.unpack_from("<I", data, 4)
    return _size_fits(size, data)


def _form_size_fits(data: bytes) -> bool:
    (size,) = struct.unpack_from(">I", data, 4)
    return _size_fits(size, data)


def _size_fits(size: int, data: bytes) -> bool:
    # The size is the file's length (less its 8-byte header), or 0 from a recorder that
    # crashed. Otherwise (cut files, junk after the end) the header must look binary, as
    # the chunk headers behind it do: a text that starts with "RIFF is..." does not.
    return size in (0, len(data) - 8, len(data) - 9) or _mostly_binary(data[:64])


def _mostly_binary(sample: bytes) -> bool:
    return sum(b < 9 or 13 < b < 32 for b in sample) >= 4


def _id3_header(head: bytes) -> bool:
    """ID3v2: "ID3", a major version 2-4, flags, and a size in four 7-bit bytes."""
    return (
        len(head) >= 10
        and head.startswith(b"ID3")
        and head[3] in (2, 3, 4)
        and head[4] < 0xFF
        and all(b < 0x80 for b in head[6:10])
    )


def _boxes_chain(data: bytes, limit: int = 8) -> bool:
    """ISO BMFF: the first boxes' sizes lead from one box header to the next, each with a
    four-character type, until the end of the file or a few boxes in."""
    position = 0
    for _ in range(limit):
        if position == len(data):
            return True
        if position + 8 > len(data):
            return False
        size, box_type = struct.unpack_from(">I4s", data, position)
        if not all(32 <= c < 127 for c in box_type):
            return False
        if size == 1:
            if position + 16 > len(data):
                return False
            (size,) = struct.unpack_from(">Q", data, position + 8)
            if size < 16:
                return False
        elif size == 0:  # the last box runs to the end of the file
            return True
        elif size < 8:
            return False
        position += size
        if position > len(data):
            # A cut recording: the box that starts here runs past the end. Text never
            # has a binary size field; a real file has a 00 byte in its first header.
            return data[0] == 0
    return True


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
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype == "application/epub+zip":
                    return "epub"
                if mimetype.startswith(_ODF_PREFIX):
                    # Formulas, charts, master documents, databases: recognised, not handled.
                    return _ODF_KINDS.get(mimetype[len(_ODF_PREFIX) :], "odf")
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
    known = catalog.extensions(kind)
    return known is None or suffix.lower() in known
