"""Rewrite a PDF from scratch with everything hidden removed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
    StreamObject,
)

from sanitize.errors import VerificationError
from sanitize.options import Options
from sanitize.pdf.document import as_dict, as_list, text
from sanitize.pdf.findings import (
    CATALOG_KEYS_REMOVED,
    LINK_KEYS_REMOVED,
    is_dct,
    is_kept_annotation,
    is_kept_link,
    is_kept_widget,
    is_running_action,
)
from sanitize.pdf.forms import clear_forms, flatten_forms
from sanitize.pdf.layers import remove_hidden_layers

KEYS_REMOVED_EVERYWHERE = ("/Metadata", "/PieceInfo", "/LastModified", "/AA", "/Thumb", "/AF")
ID_PLACEHOLDER = b"\x00" * 16

JpegCleanFunction = Callable[[bytes], bytes]


def _clean_catalog(writer: PdfWriter, options: Options, notes: list[str]) -> None:
    catalog = writer.root_object
    names = as_dict(catalog.get("/Names"))
    if names is not None:
        for key in list(names):
            if key != "/Dests":
                if key == "/EmbeddedFiles":
                    notes.append("removed embedded files")
                del names[key]
    if is_running_action(as_dict(catalog.get("/OpenAction"))):
        del catalog["/OpenAction"]
    for key in CATALOG_KEYS_REMOVED:
        catalog.pop(key, None)
    if not options.keep_bookmarks and "/Outlines" in catalog:
        del catalog["/Outlines"]
        if text(catalog.get("/PageMode")) == "/UseOutlines":
            del catalog["/PageMode"]


def _clean_annotations(writer: PdfWriter, options: Options) -> int:
    removed = 0
    for page in writer.pages:
        annotations = as_list(page.get("/Annots"))
        if not annotations:
            continue
        kept = ArrayObject()
        for ref in annotations:
            annotation = as_dict(ref)
            if annotation is None:
                continue
            if is_kept_link(annotation):
                for key in LINK_KEYS_REMOVED:
                    annotation.pop(key, None)
                kept.append(ref)
            elif is_kept_annotation(annotation, options) or is_kept_widget(annotation, options):
                kept.append(ref)
            else:
                removed += 1
        if kept:
            page[NameObject("/Annots")] = kept
        else:
            del page["/Annots"]
    return removed


def _scrub_objects(writer: PdfWriter, clean_jpeg: JpegCleanFunction) -> int:
    """Drop metadata keys from every object; clean embedded JPEGs. Returns JPEGs cleaned."""
    jpegs = 0
    for obj in writer._objects:  # pypdf offers no public way to list a writer's objects
        if not isinstance(obj, DictionaryObject):
            continue
        for key in KEYS_REMOVED_EVERYWHERE:
            obj.pop(key, None)
        if isinstance(obj, StreamObject) and text(obj.get("/Subtype")) == "/Image" and is_dct(obj):
            cleaned = clean_jpeg(obj._data)
            if cleaned != obj._data:
                obj._data = cleaned  # pypdf writes /Length from the data it holds
                jpegs += 1
    return jpegs


def _target(writer: PdfWriter, ref: IndirectObject) -> PdfObject | None:
    """The object a reference of the writer points at; None when it points nowhere: a slot
    pypdf freed (the dropped /Info), a number past the end, or an object of another file
    (a reference the copy did not carry over)."""
    if ref.pdf is not writer or not 1 <= ref.idnum <= len(writer._objects):
        return None
    target: PdfObject | None = writer._objects[ref.idnum - 1]
    return target


def _canonical_order(writer: PdfWriter) -> list[int]:
    """Object numbers reachable from the catalog, in depth-first reading order."""
    order: list[int] = []
    seen: set[int] = set()
    stack: list[PdfObject | None] = [writer.root_object.indirect_reference]
    while stack:
        current = stack.pop()
        if isinstance(current, IndirectObject):
            target = _target(writer, current)
            if target is None or current.idnum in seen:
                continue
            seen.add(current.idnum)
            order.append(current.idnum)
            current = target
        if isinstance(current, DictionaryObject):
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, ArrayObject):
            stack.extend(reversed(list(current)))
    return order


def _renumber(writer: PdfWriter) -> int:
    """Keep only reachable objects (orphans of earlier revisions go) and number them
    densely in reading order, so that cleaning a cleaned file gives identical bytes.
    A reference to an object that is gone (removed, freed, never there) becomes null, as
    a reader treats it. Returns how many such references were replaced."""
    objects = writer._objects
    order = _canonical_order(writer)
    new_number = {old: index for index, old in enumerate(order, start=1)}
    done: set[int] = set()  # containers shared by two objects are renumbered once
    nulled = 0

    def remap(value: PdfObject | None) -> PdfObject | None:
        nonlocal nulled
        if isinstance(value, IndirectObject):
            if value.pdf is writer and value.idnum in new_number:
                return IndirectObject(new_number[value.idnum], 0, writer)
            nulled += 1
            return NullObject()
        if isinstance(value, (DictionaryObject, ArrayObject)):
            if id(value) in done:
                return value
            done.add(id(value))
        if isinstance(value, DictionaryObject):
            for key, item in list(value.items()):
                value[key] = remap(item)
        elif isinstance(value, ArrayObject):
            for index, item in enumerate(value):
                value[index] = remap(item)
        return value

    kept: list[PdfObject | None] = [objects[old - 1] for old in order]
    for number, obj in enumerate(kept, start=1):
        if obj is None:  # _canonical_order never follows a reference to a freed slot
            raise VerificationError(f"object {order[number - 1]} was freed")
        remap(obj)
        obj.indirect_reference = IndirectObject(number, 0, writer)
    writer._objects = kept
    return nulled


def verify_references(writer: PdfWriter) -> None:
    """Every reference the rewrite leaves points at an object that exists in the output,
    and every stream is an object of its own (a stream inside another object is not PDF)."""
    objects = writer._objects
    stack: list[tuple[PdfObject | None, bool]] = [(obj, True) for obj in objects]
    seen: set[int] = set()
    while stack:
        current, top = stack.pop()
        if isinstance(current, IndirectObject):
            if _target(writer, current) is None:
                raise VerificationError(
                    f"the rewritten PDF refers to object {current.idnum}, which does not exist"
                )
            continue
        if isinstance(current, StreamObject) and not top:
            raise VerificationError("the rewritten PDF holds a stream inside another object")
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, DictionaryObject):
            stack.extend((value, False) for value in current.values())
        elif isinstance(current, ArrayObject):
            stack.extend((value, False) for value in current)


class _Chunks:
    """The stream pypdf writes the output to: a list of the pieces it writes.

    pypdf writes each stream's data as the bytes object it holds, so the photos of a PDF
    are referenced here, not copied; the file is assembled once, by one join. (A BytesIO
    copies every piece while it grows, and slicing its value for the ID copies the file
    twice more.)"""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.size = 0

    def write(self, piece: bytes) -> int:
        piece = bytes(piece)  # a no-op for bytes; a mutable buffer is copied, as BytesIO would
        self.pieces.append(piece)
        self.size += len(piece)
        return len(piece)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        pass


def _trailer_start(pieces: list[bytes]) -> int:
    """The index of the piece where the last trailer begins (pypdf writes the trailer
    after the objects and the cross-reference table: only small pieces follow it)."""
    for index in range(len(pieces) - 1, -1, -1):
        if b"trailer" in pieces[index]:
            return index
    raise VerificationError("the rewritten PDF has no trailer")


def _write(writer: PdfWriter) -> bytes:
    writer._ID = ArrayObject([ByteStringObject(ID_PLACEHOLDER), ByteStringObject(ID_PLACEHOLDER)])
    chunks = _Chunks()
    writer.write(chunks)  # type: ignore[arg-type]  # pypdf only calls write, tell, flush
    pieces = chunks.pieces
    # A new ID, derived from the cleaned content: unrelated to the original's, and the
    # same for the same output so that cleaning twice gives identical bytes.
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(piece)
    new_id = b"<" + digest.digest()[:16].hex().encode() + b">"
    placeholder = b"<" + ID_PLACEHOLDER.hex().encode() + b">"
    start = _trailer_start(pieces)
    tail = b"".join(pieces[start:]).replace(placeholder, new_id)
    del pieces[start:]
    pieces.append(tail)
    return b"".join(pieces)


def rewrite(
    reader: PdfReader, options: Options, clean_jpeg: JpegCleanFunction
) -> tuple[bytes, list[str]]:
    notes: list[str] = []
    writer = PdfWriter(clone_from=reader)
    if options.keep_forms:
        cleared = clear_forms(writer)
        if "/AcroForm" in writer.root_object:
            notes.append(f"kept the form fillable (--keep-forms): {cleared} field value(s) cleared")
    else:
        drawn, widgets = flatten_forms(writer)
        if widgets:
            notes.append(f"flattened the form: {drawn} field appearance(s) drawn into the pages")
    hidden_layers, _ = remove_hidden_layers(writer)
    if hidden_layers:
        notes.append(f"removed the content of {hidden_layers} hidden layer(s)")
    _clean_catalog(writer, options, notes)
    removed = _clean_annotations(writer, options)
    if removed:
        notes.append(f"removed {removed} annotation(s)")
    jpegs = _scrub_objects(writer, clean_jpeg)
    if jpegs:
        notes.append(f"removed metadata from {jpegs} embedded JPEG image(s) without re-encoding")
    writer._info = None  # no Info dictionary, and so no producer string of ours
    nulled = _renumber(writer)
    if nulled:
        notes.append(f"{nulled} reference(s) to removed or missing objects set to null")
    verify_references(writer)
    return _write(writer), notes
