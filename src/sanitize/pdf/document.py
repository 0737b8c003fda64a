"""Open PDFs with pypdf within bounds, and walk their objects."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    PdfObject,
)

from sanitize.errors import CorruptFileError, LimitExceededError, SanitizeError

MAX_OBJECTS = 500_000
MAX_PAGES = 20_000

# pypdf logs every repaired defect; the report carries what matters instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class SharedBytes(io.BytesIO):
    """A stream over ``data`` that never copies it.

    ``io.BytesIO(data)`` shares the bytes until something asks for a writable view:
    ``getbuffer()``, which pypdf calls only to learn the stream's size, copies the whole
    file (a 20 MB PDF: about 20 ms, twice per clean). Without ``getbuffer`` pypdf asks
    ``seek``/``tell`` instead, and reads stay on the caller's bytes."""

    @property
    def getbuffer(self) -> None:  # type: ignore[override]
        raise AttributeError("getbuffer")


def open_pdf(data: bytes) -> tuple[PdfReader, list[str]]:
    """A reader for ``data``, decrypted with the empty password when needed."""
    notes: list[str] = []
    try:
        reader = PdfReader(SharedBytes(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise SanitizeError("encrypted PDF: a password is needed to open it")
            except NotImplementedError as exc:
                raise SanitizeError(f"encrypted PDF with an unsupported scheme: {exc}") from exc
            notes.append("opened with the empty user password; the output is not encrypted")
        if len(reader.xref_objStm) + sum(len(v) for v in reader.xref.values()) > MAX_OBJECTS:
            raise LimitExceededError("PDF declares an absurd number of objects")
        page_count = len(reader.pages)
    except FileNotDecryptedError as exc:
        raise SanitizeError("encrypted PDF: a password is needed to open it") from exc
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorruptFileError(f"broken PDF that cannot be repaired: {exc}") from exc
    if page_count > MAX_PAGES:
        raise LimitExceededError(f"PDF has {page_count} pages, more than {MAX_PAGES}")
    if page_count == 0:
        raise CorruptFileError("PDF has no pages")
    return reader, notes


def resolve(obj: PdfObject | None) -> PdfObject | None:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def as_dict(obj: PdfObject | None) -> DictionaryObject | None:
    value = resolve(obj)
    return value if isinstance(value, DictionaryObject) else None


def as_list(obj: PdfObject | None) -> list[PdfObject]:
    value = resolve(obj)
    return list(value) if isinstance(value, ArrayObject) else []


def text(value: PdfObject | None) -> str:
    value = resolve(value)
    return str(value) if value is not None else ""


def walk_objects(root: PdfObject | None, limit: int = MAX_OBJECTS) -> Iterator[DictionaryObject]:
    """Every dictionary (and stream dictionary) reachable from ``root``, once each."""
    seen: set[int] = set()
    stack: list[PdfObject | None] = [root]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = obj.idnum
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > limit * 4:
            raise LimitExceededError("PDF object graph is too large")
        if isinstance(obj, DictionaryObject):
            yield obj
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def name_tree_leaves(node: PdfObject | None, depth: int = 0) -> Iterator[tuple[str, PdfObject]]:
    """(name, value) pairs of a PDF name tree."""
    node_dict = as_dict(node)
    if node_dict is None or depth > 64:
        return
    names = as_list(node_dict.get("/Names"))
    for index in range(0, len(names) - 1, 2):
        yield text(names[index]), names[index + 1]
    for kid in as_list(node_dict.get("/Kids")):
        yield from name_tree_leaves(kid, depth + 1)
