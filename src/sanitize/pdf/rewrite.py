"""Rewrite a PDF from scratch with everything hidden removed."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from sanitize.options import Options
from sanitize.pdf.document import as_dict, as_list, text
from sanitize.pdf.findings import CATALOG_KEYS_REMOVED, is_kept_link, is_running_action
from sanitize.pdf.forms import flatten_forms
from sanitize.pdf.layers import remove_hidden_layers

KEYS_REMOVED_EVERYWHERE = ("/Metadata", "/PieceInfo", "/LastModified", "/AA", "/Thumb", "/AF")
LINK_KEYS_REMOVED = ("/T", "/M", "/NM", "/Popup")
ID_PLACEHOLDER = b"\x00" * 16

JpegCleanFunction = Callable[[bytes], bytes]


def _is_dct(stream: StreamObject) -> bool:
    filters = stream.get("/Filter")
    return text(filters) == "/DCTDecode" or [text(f) for f in as_list(filters)] == ["/DCTDecode"]


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
            subtype = text(annotation.get("/Subtype"))
            if is_kept_link(annotation):
                for key in LINK_KEYS_REMOVED:
                    annotation.pop(key, None)
                kept.append(ref)
            elif options.keep_annotations and subtype not in (
                "/FileAttachment",
                "/Sound",
                "/Movie",
                "/Screen",
                "/RichMedia",
                "/Link",
            ):
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
        if isinstance(obj, StreamObject) and text(obj.get("/Subtype")) == "/Image" and _is_dct(obj):
            cleaned = clean_jpeg(obj._data)
            if cleaned != obj._data:
                obj._data = cleaned  # pypdf writes /Length from the data it holds
                jpegs += 1
    return jpegs


def _drop_unreachable(writer: PdfWriter) -> int:
    """Free every object not reachable from the catalog (orphans of earlier revisions)."""
    objects = writer._objects
    reachable: set[int] = set()
    stack: list[PdfObject] = [writer.root_object.indirect_reference]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum in reachable or obj.pdf is not writer:
                continue
            reachable.add(obj.idnum)
            obj = objects[obj.idnum - 1]
        if isinstance(obj, DictionaryObject):
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    freed = 0
    for index, obj in enumerate(objects):
        if obj is not None and index + 1 not in reachable:
            objects[index] = None
            freed += 1
    return freed


def _write(writer: PdfWriter, final: bool = True) -> bytes:
    writer._info = None  # no Info dictionary, and so no producer string of ours
    writer._ID = ArrayObject([ByteStringObject(ID_PLACEHOLDER), ByteStringObject(ID_PLACEHOLDER)])
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    if not final:
        return data
    # A new ID, derived from the cleaned content: unrelated to the original's, and the
    # same for the same output so that cleaning twice gives identical bytes.
    digest = hashlib.sha256(data).digest()[:16].hex().encode()
    placeholder = b"<" + ID_PLACEHOLDER.hex().encode() + b">"
    tail_start = data.rfind(b"trailer")
    tail = data[tail_start:].replace(placeholder, b"<" + digest + b">")
    return data[:tail_start] + tail


def rewrite(
    reader: PdfReader, options: Options, clean_jpeg: JpegCleanFunction
) -> tuple[bytes, list[str]]:
    notes: list[str] = []
    writer = PdfWriter(clone_from=reader)
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
    _drop_unreachable(writer)
    return _renumbered(_write(writer, final=False)), notes


def _renumbered(data: bytes) -> bytes:
    """Copy the document once more so objects are numbered densely, in reading order.

    Without this, the free entries left by removed objects would be compacted by the next
    run, and cleaning an already clean PDF would not give identical bytes.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    return _write(writer)
