"""Open PDFs with pikepdf (qpdf) within bounds, and walk their objects.

qpdf parses in C++, lazily (an object is read when it is first asked for), repairs what
viewers repair (a broken cross-reference table is rebuilt), and writes only what is
reachable from the catalog. pikepdf hands an indirect object back already resolved, with
its number (``objgen``) kept: a reference and its target are the same Python object here.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream

from sanitize.errors import CorruptFileError, LimitExceededError, SanitizeError

MAX_OBJECTS = 500_000
MAX_PAGES = 20_000
# A stream the cleaner decodes itself (an XMP packet, a layered page's drawing) may not
# inflate beyond this: a few kilobytes of Flate can claim gigabytes.
MAX_DECODED = 64 * 1024 * 1024
# The most one byte can become through any PDF filter other than Flate (LZW's 12-bit codes
# can stand for 4 KB each): the bound used when no cheaper count is possible.
WORST_EXPANSION = 4096

# Errors of the library that mean "this file is broken": the guard reports them as such.
MALFORMED_ERRORS: tuple[type[BaseException], ...] = (
    pikepdf.PdfError,  # includes DataDecodingError, ReferenceCycleError
    pikepdf.QpdfRuntimeError,  # qpdf refusing a structure at run time
    pikepdf.DeletedObjectError,
    pikepdf.ForeignObjectError,
)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def open_pdf(data: bytes) -> tuple[Pdf, list[str]]:
    """``data`` opened, decrypted with the empty password when needed.

    ``io.BytesIO`` shares the caller's bytes as long as nobody writes to it or asks for a
    writable view, which qpdf never does: it reads through ``read``/``seek``/``tell``."""
    notes: list[str] = []
    try:
        # Read through the stream's own calls: the default access mode reads a BytesIO
        # about ten times slower (tens of milliseconds for 20 MB of photos, per pass).
        pdf = pikepdf.open(io.BytesIO(data), password="", access_mode=pikepdf.AccessMode.stream)
        if pdf.is_encrypted:
            notes.append("opened with the empty user password; the output is not encrypted")
        if len(pdf.objects) > MAX_OBJECTS:
            raise LimitExceededError("PDF declares an absurd number of objects")
        page_count = len(pdf.pages)
    except pikepdf.PasswordError as exc:
        raise SanitizeError("encrypted PDF: a password is needed to open it") from exc
    except MALFORMED_ERRORS as exc:
        detail = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        if "encrypt" in detail.lower():
            raise SanitizeError(f"encrypted PDF with an unsupported scheme: {detail}") from exc
        raise CorruptFileError(f"broken PDF that cannot be repaired: {detail}") from exc
    if page_count > MAX_PAGES:
        raise LimitExceededError(f"PDF has {page_count} pages, more than {MAX_PAGES}")
    if page_count == 0:
        raise CorruptFileError("PDF has no pages")
    return pdf, notes


def as_dict(obj: object) -> pikepdf.Object | None:
    """``obj`` when it is a dictionary or a stream (read through its dictionary: both
    answer ``get``, ``in``, ``keys`` and ``del``); None otherwise."""
    if isinstance(obj, Dictionary | Stream):
        return obj
    return None


def as_list(obj: object) -> list[object]:
    return list(obj) if isinstance(obj, Array) else []


def text(value: object) -> str:
    """A name as ``/Name``, a string decoded, a number as written; "" for nothing."""
    if value is None:
        return ""
    try:
        return str(value)
    except (UnicodeError, ValueError):
        if isinstance(value, Name):
            # A name that is not UTF-8: read as qpdf reads dictionary keys (bytes kept by
            # surrogateescape), so a name and the key it names compare equal.
            written = value.unparse()
            raw = _NAME_ESCAPE.sub(lambda found: bytes([int(found[1], 16)]), written)
            return raw.decode("utf-8", "surrogateescape")
        return "<undecodable>"


def remove(container: pikepdf.Object, key: str) -> None:
    """``del container[key]``. A name that is not UTF-8 comes back from qpdf as text that
    cannot be handed back to it: such a key can be read but not removed."""
    try:
        del container[key]
    except (TypeError, UnicodeError) as exc:
        raise CorruptFileError(f"a PDF name that is not UTF-8 cannot be removed: {key!r}") from exc


def number(obj: object) -> tuple[int, int] | None:
    """The object number and generation of an indirect object; None for a direct one."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return obj.objgen
    return None


def filters(stream: pikepdf.Object) -> list[str]:
    """The names of a stream's filters, in decoding order."""
    value = stream.get("/Filter")
    if value is None:
        return []
    if isinstance(value, Array):
        return [text(f) for f in value]
    return [text(value)]


def decoded(stream: pikepdf.Object, limit: int = MAX_DECODED) -> bytes:
    """The decoded data of a stream the cleaner must read, refused beyond ``limit``.

    Flate is inflated here, with a cap, to learn the real size before qpdf decodes it;
    any other first filter is bounded by its worst expansion."""
    raw = stream.read_raw_bytes()
    chain = filters(stream)
    if not chain:
        return raw
    if chain[0] == "/FlateDecode":
        inflater = zlib.decompressobj()
        try:
            size = len(inflater.decompress(raw, limit + 1))
        except zlib.error as exc:
            raise CorruptFileError(f"a PDF stream cannot be inflated: {exc}") from exc
        bound = size * (WORST_EXPANSION if len(chain) > 1 else 1)
    else:
        bound = len(raw) * WORST_EXPANSION
    if bound > limit:
        raise LimitExceededError(f"a PDF stream decodes to more than {limit >> 20} MB")
    return bytes(stream.read_bytes())


def walk_objects(root: object, limit: int = MAX_OBJECTS) -> Iterator[pikepdf.Object]:
    """Every dictionary (and stream) reachable from ``root``, once each."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [root]
    visited = 0
    while stack:
        obj = stack.pop()
        key = number(obj)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        visited += 1
        if visited > limit * 4:
            raise LimitExceededError("PDF object graph is too large")
        if isinstance(obj, Dictionary | Stream):
            yield obj
            stack.extend(obj.values())
        elif isinstance(obj, Array):
            stack.extend(obj)


def name_tree_leaves(node: object, depth: int = 0) -> Iterator[tuple[str, object]]:
    """(name, value) pairs of a PDF name tree."""
    node_dict = as_dict(node)
    if node_dict is None or depth > 64:
        return
    names = as_list(node_dict.get("/Names"))
    for index in range(0, len(names) - 1, 2):
        yield text(names[index]), names[index + 1]
    for kid in as_list(node_dict.get("/Kids")):
        yield from name_tree_leaves(kid, depth + 1)
