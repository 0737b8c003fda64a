"""Rewrite a PDF from scratch with everything hidden removed.

qpdf writes a single revision holding only the objects reachable from the catalog,
numbered afresh in its own reading order: earlier revisions, orphans and freed objects do
not survive, and cleaning a cleaned file gives identical bytes. Streams are written as they
are stored (no decoding, no recompression), so pages and photos keep their exact bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream

from sanitize.errors import VerificationError
from sanitize.options import Options
from sanitize.pdf.document import as_dict, as_list, number, open_pdf, remove, text
from sanitize.pdf.findings import (
    CATALOG_KEYS_REMOVED,
    LINK_KEYS_REMOVED,
    is_jpeg_image,
    is_kept_annotation,
    is_kept_link,
    is_kept_widget,
    is_running_action,
)
from sanitize.pdf.forms import clear_forms, flatten_forms
from sanitize.pdf.identifier import content_digest
from sanitize.pdf.layers import remove_hidden_layers
from sanitize.pdf.stored import Stored, same_bytes

KEYS_REMOVED_EVERYWHERE = ("/Metadata", "/PieceInfo", "/LastModified", "/AA", "/Thumb", "/AF")
# qpdf's fixed identifier (--static-id), replaced after writing by one derived from the
# cleaned content: unrelated to the original's, the same for the same output.
STATIC_ID = b"<31415926535897932384626433832795>"
# qpdf writes the trailer last: after it come only startxref, an offset and %%EOF.
TRAILER_WINDOW = 4096

JpegCleanFunction = Callable[[Stored], bytes]
# How the parsed original reads a stream's stored bytes (views of its own bytes).
ReadStored = Callable[[pikepdf.Object], Stored]


def _clean_catalog(pdf: Pdf, options: Options, notes: list[str]) -> None:
    catalog = pdf.Root
    names = as_dict(catalog.get("/Names"))
    if names is not None:
        for key in list(names.keys()):
            if key != "/Dests":
                if key == "/EmbeddedFiles":
                    notes.append("removed embedded files")
                remove(names, key)
    if is_running_action(as_dict(catalog.get("/OpenAction"))):
        del catalog["/OpenAction"]
    for key in CATALOG_KEYS_REMOVED:
        if key in catalog:
            del catalog[key]
    if not options.keep_bookmarks and "/Outlines" in catalog:
        del catalog["/Outlines"]
        if text(catalog.get("/PageMode")) == "/UseOutlines":
            del catalog["/PageMode"]


def _clean_annotations(pdf: Pdf, options: Options, gone: set[tuple[int, int]]) -> int:
    """Keep links (without their author keys) and what the options keep; the number of
    every annotation removed goes into ``gone``."""
    removed = 0
    for page in pdf.pages:
        annotations = as_list(page.obj.get("/Annots"))
        if not annotations:
            continue
        kept = Array()
        for entry in annotations:
            annotation = as_dict(entry)
            if annotation is None:  # a number or a null among the annotations
                continue
            if is_kept_link(annotation):
                for key in LINK_KEYS_REMOVED:
                    if key in annotation:
                        del annotation[key]
                kept.append(annotation)
            elif is_kept_annotation(annotation, options) or is_kept_widget(annotation, options):
                kept.append(annotation)
            else:
                removed += 1
                ident = number(annotation)
                if ident is not None:
                    gone.add(ident)
        if len(kept):
            page.obj.Annots = kept
        else:
            del page.obj["/Annots"]
    return removed


def _scrub_objects(
    pdf: Pdf, clean_jpeg: JpegCleanFunction, read: ReadStored, gone: set[tuple[int, int]]
) -> tuple[int, int]:
    """Drop metadata keys from every object reachable from the catalog, clean embedded
    JPEGs, and replace references to the objects in ``gone`` with null, as a reader sees
    a reference to an object that is not there. ``gone``: the Info dictionary and the
    annotations and form widgets removed, which a structure tree (/OBJR) or a kept
    object may still name; without this they would be written with their authors and
    contents. Returns how many JPEGs were cleaned and how many references were nulled."""
    jpegs = nulled = 0
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [pdf.Root]
    while stack:
        obj = stack.pop()
        key = number(obj)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        if isinstance(obj, Dictionary | Stream):
            for removed in KEYS_REMOVED_EVERYWHERE:
                if removed in obj:
                    del obj[removed]
            for name, value in list(obj.items()):  # items: names need not be UTF-8
                if number(value) in gone:
                    remove(obj, name)  # a null value and a missing key read the same
                    nulled += 1
                else:
                    stack.append(value)
            if is_jpeg_image(obj):
                raw = read(obj)
                cleaned = clean_jpeg(raw)
                if not same_bytes(cleaned, raw):
                    # The stored bytes are replaced as they are: still one DCTDecode filter
                    # (write drops /Filter and /DecodeParms unless they are given again).
                    kind, parms = obj.get("/Filter"), obj.get("/DecodeParms")
                    obj.write(
                        cleaned,
                        filter=kind if isinstance(kind, Name | Array) else None,
                        decode_parms=parms if isinstance(parms, Dictionary | Array) else None,
                    )
                    jpegs += 1
        elif isinstance(obj, Array):
            for index, value in enumerate(obj):
                if number(value) in gone:
                    obj[index] = None
                    nulled += 1
                else:
                    stack.append(value)
    return jpegs, nulled


def _write(pdf: Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(
        buffer,
        static_id=True,
        # Streams exactly as stored: the pages' drawings and the photos keep their bytes
        # (the verification compares them), and nothing is decoded or compressed again.
        compress_streams=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        recompress_flate=False,
        normalize_content=False,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        fix_metadata_version=False,
        linearize=False,
    )
    # The identifier is written over qpdf's in the buffer itself: the file is copied once,
    # by getvalue, not sliced and joined again.
    view = buffer.getbuffer()
    try:
        tail_start = max(0, len(view) - TRAILER_WINDOW)
        tail = bytes(view[tail_start:])
        trailer = tail.rfind(b"trailer")
        first = tail.find(STATIC_ID, max(trailer, 0))
        second = tail.find(STATIC_ID, first + len(STATIC_ID))
        if trailer < 0 or first < 0 or second < 0:
            raise VerificationError("the rewritten PDF has no trailer identifier to replace")
        new_id = b"<" + content_digest(view, tail).hex().encode() + b">"
        for offset in (first, second):
            view[tail_start + offset : tail_start + offset + len(new_id)] = new_id
    finally:
        view.release()
    return buffer.getvalue()


def rewrite(
    data: bytes, options: Options, clean_jpeg: JpegCleanFunction, read: ReadStored
) -> tuple[bytes, list[str]]:
    """The cleaned file, written from ``data`` opened afresh (the parsed original stays as
    it was: the verification compares the output with it)."""
    pdf, _ = open_pdf(data)
    notes: list[str] = []
    gone: set[tuple[int, int]] = set()  # objects removed: references to them become null
    if options.keep_forms:
        cleared = clear_forms(pdf)
        if "/AcroForm" in pdf.Root:
            notes.append(f"kept the form fillable (--keep-forms): {cleared} field value(s) cleared")
    else:
        drawn, widgets = flatten_forms(pdf, gone)
        if widgets:
            notes.append(f"flattened the form: {drawn} field appearance(s) drawn into the pages")
    hidden_layers, _ = remove_hidden_layers(pdf)
    if hidden_layers:
        notes.append(f"removed the content of {hidden_layers} hidden layer(s)")
    _clean_catalog(pdf, options, notes)
    removed = _clean_annotations(pdf, options, gone)
    if removed:
        notes.append(f"removed {removed} annotation(s)")
    # No Info dictionary (and so no producer string of ours), nothing private in the trailer.
    info = number(pdf.trailer.get("/Info"))
    if info is not None:
        gone.add(info)
    for key in list(pdf.trailer.keys()):
        if key not in ("/Root", "/Size"):  # qpdf writes /Size from the objects it writes
            remove(pdf.trailer, key)
    jpegs, nulled = _scrub_objects(pdf, clean_jpeg, read, gone)
    if jpegs:
        notes.append(f"removed metadata from {jpegs} embedded JPEG image(s) without re-encoding")
    if nulled:
        notes.append(f"{nulled} reference(s) to removed objects set to null")
    return _write(pdf), notes
