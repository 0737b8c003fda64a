"""Tell a file's real format from its bytes, never from its name."""

from __future__ import annotations

import io
import re
import struct
import zipfile

from sanitize import catalog
from sanitize.formats import bencode, netpbm

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_QUICKTIME_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}

# Main part content types of the OOXML packages we know. OOXML Strict documents use the
# same content types (only their namespaces and relationship types differ).
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
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "dotm",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": "xltm",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml": "potm",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": "ppsx",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml": "ppsm",
}
OOXML_MAIN_TYPE: dict[str, str] = {kind: type_ for type_, kind in _OOXML_MAIN_TYPES.items()}
# A package without [Content_Types].xml (Word and LibreOffice open it): its kind comes
# from the root element of the main part that ``_rels/.rels`` names.
_OOXML_ROOTS = {
    "document": ("docx", "docm"),
    "workbook": ("xlsx", "xlsm"),
    "presentation": ("pptx", "pptm"),
}
_MAIN_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?/officeDocument[\"'][^>]*>")
_TARGET = re.compile(rb"Target\s*=\s*[\"']([^\"']+)[\"']")
_ROOT_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?(document|workbook|presentation)[\s>/]")


def ooxml_main_part(rels: bytes) -> str | None:
    """The main part a package's ``_rels/.rels`` names, or None."""
    relationship = _MAIN_RELATIONSHIP.search(rels[:200_000])
    target = _TARGET.search(relationship.group(0)) if relationship else None
    return target.group(1).decode("utf-8", "replace").lstrip("/") if target else None


def _ooxml_without_types(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if "_rels/.rels" not in names:
        return None
    with archive.open("_rels/.rels") as member:
        main = ooxml_main_part(member.read(200_000))
    if main is None or main not in names:
        return None
    with archive.open(main) as member:
        head = member.read(8192)
    root = _ROOT_ELEMENT.search(re.sub(rb"<[?!][^>]*>", b"", head))
    if root is None:
        return None
    plain, macros = _OOXML_ROOTS[root.group(1).decode()]
    return macros if any(n.lower().endswith("vbaproject.bin") for n in names) else plain


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
    if head.startswith((b"\x00\x00\x00\x0cJXL \r\n\x87\n", b"\xff\x0a")):
        return "jxl"  # the JPEG XL container's signature box, or a bare codestream
    if head.startswith(_ASF_HEADER):
        return "asf"
    if head.startswith(b"BM") and _bmp_header(data):
        return "bmp"
    if head[:1] == b"P" and netpbm.looks_like(data):
        return "netpbm"
    if head[:1] == b"d" and bencode.is_metainfo(data[: 64 * 1024**2 + 1]):
        return "torrent"
    if head[4:8] == b"ftyp" and _binary_size(data):
        return _detect_iso_bmff(head)
    if head[4:8] in _QUICKTIME_BOXES and _binary_size(data):
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in data[:64] else "mkv"
    if _id3_header(head):
        return _behind_id3(data)
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
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


_ASF_HEADER = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_BMP_HEADER_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}
# A page's opening: an optional XML declaration and comments, then a doctype or the
# <html> or <head> element. Drafts that merely contain tags are not pages.
_HTML_START = re.compile(
    r"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>])",
    re.IGNORECASE | re.DOTALL,
)


def _bmp_header(data: bytes) -> bool:
    """ "BM" opens ordinary words too: the DIB header size and the pixel offset must fit."""
    if len(data) < 26:
        return False
    pixel_offset, header_size = struct.unpack_from("<II", data, 10)
    return header_size in _BMP_HEADER_SIZES and 14 + header_size <= pixel_offset <= len(data)


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


def _behind_id3(data: bytes) -> str:
    """What an ID3v2 tag is put in front of: MP3 mostly, but taggers made for MP3 also put
    one before FLAC streams, which FLAC readers skip. The tag's declared size is tried,
    then a FLAC stream anywhere in the tag's reach (a size taggers got wrong)."""
    pos = 0
    for _ in range(16):  # stacked tags
        if not _id3_header(data[pos : pos + 10]):
            break
        size = int.from_bytes(bytes(b & 0x7F for b in data[pos + 6 : pos + 10]), "big")
        footer = 10 if data[pos + 3] == 4 and data[pos + 5] & 0x10 else 0
        pos += 10 + size + footer
    if data[pos : pos + 4] == b"fLaC" or (
        pos > len(data) and data.find(b"fLaC", 10, 10 + (1 << 24)) > 0
    ):
        return "flac"
    return "mp3"


def _binary_size(data: bytes) -> bool:
    """The first box's 32-bit size is binary, as in every real ISO BMFF file: a size under
    16 MB starts with a 00 byte, and a larger one has bytes outside printable ASCII
    unless the first box is over 538 MB. Text never spells its first four characters
    as such a size ("The free plan..."). Damaged files (boxes cut short, a phone's
    trailer after the last box) stay movies, for their cleaner to judge."""
    return len(data) >= 8 and any(b < 0x20 or b > 0x7E for b in data[:4])


# A zip archive whose central directory cannot be read (cut, overwritten): the pipeline
# reports it as a broken file rather than as a type it does not check.
CORRUPT_ZIP = "corrupt-zip"


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
            # No content types (or an empty part): Word rebuilds them from the parts.
            without_types = _ooxml_without_types(archive, names)
            if without_types:
                return without_types
            if "[Content_Types].xml" in names:
                return "ooxml"
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype == "application/epub+zip":
                    return "epub"
                if mimetype.startswith(_ODF_PREFIX):
                    # Formulas, charts, master documents, databases: recognised, not handled.
                    return _ODF_KINDS.get(mimetype[len(_ODF_PREFIX) :], "odf")
    except Exception:  # the directory cannot be read: no reader of the format could list it
        return CORRUPT_ZIP
    return "zip"


def _detect_iso_bmff(head: bytes) -> str:
    major = head[8:12]
    compatible = {head[i : i + 4] for i in range(16, min(len(head), 64) - 3, 4)}
    brands = {major} | compatible
    if major == b"mif3":
        # The low-overhead HEIF form (a "mini" box instead of "meta"): its ftyp has no
        # compatible brands and the minor-version field names the image brand instead.
        return "avif" if head[12:16] == b"avif" or b"avif" in compatible else "heic"
    if major in (b"avif", b"avis") or (b"avif" in compatible and b"mif1" in brands):
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
            # Pages saved by Word and older editors are windows-1252, not UTF-8.
            legacy = sample.decode("latin-1").lstrip(" \t\r\n")
            return "html" if _HTML_START.match(legacy[:4096]) else "unknown"
        text = sample[: exc.start].decode("utf-8")
    stripped = text.lstrip("\ufeff \t\r\n")
    if _HTML_START.match(stripped[:4096]):
        return "html"
    if stripped.startswith("<") and "<svg" in text[:4096]:
        return "svg"
    return "text"


def extension_matches(kind: str, suffix: str) -> bool:
    known = catalog.extensions(kind)
    return known is None or suffix.lower() in known
