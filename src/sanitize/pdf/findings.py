"""List everything the PDF cleaner removes, as metadata items."""

from __future__ import annotations

import re
from collections.abc import Callable

import pikepdf
from pikepdf import Pdf, Stream

from sanitize.errors import SanitizeError
from sanitize.formats.values import short_text
from sanitize.options import Options
from sanitize.pdf.document import (
    as_dict,
    as_list,
    decoded,
    filters,
    name_tree_leaves,
    number,
    text,
    walk_objects,
)
from sanitize.pdf.layers import hidden_groups, layer_groups
from sanitize.report import MetadataItem


def is_dct(stream: pikepdf.Object) -> bool:
    """A JPEG image stream (DCTDecode is its only filter)."""
    return filters(stream) == ["/DCTDecode"]


def is_jpeg_image(obj: pikepdf.Object) -> bool:
    return isinstance(obj, Stream) and text(obj.get("/Subtype")) == "/Image" and is_dct(obj)


GENERIC_LAYER_NAME = re.compile(r"^Layer \d+$")
RUNNING_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/ResetForm",
    "/Rendition",
    "/GoToR",
    "/GoToE",
    "/Sound",
    "/Movie",
    "/RichMediaExecute",
}
# The trailer keeps only what qpdf writes itself (a cross-reference stream's dictionary
# serves as the trailer of files that have one); anything else there is private data.
TRAILER_KEYS_KEPT = {
    *("/Root", "/Info", "/ID", "/Size", "/Encrypt", "/Prev", "/XRefStm"),
    *("/Type", "/W", "/Index", "/Length", "/Filter", "/DecodeParms", "/DL"),
}
CATALOG_KEYS_REMOVED = {
    "/Threads": "ArticleThreads",
    "/Collection": "Portfolio",
    "/Perms": "Permissions",
    "/Legal": "LegalAttestation",
    "/SpiderInfo": "WebCapture",
    "/AF": "AssociatedFiles",
}


def is_running_action(action: pikepdf.Object | None) -> bool:
    return action is not None and text(action.get("/S")) in RUNNING_ACTIONS


def is_kept_link(annotation: pikepdf.Object) -> bool:
    return text(annotation.get("/Subtype")) == "/Link" and not is_running_action(
        as_dict(annotation.get("/A"))
    )


# Kept links lose these keys (who made them, when, their pop-up note); what a link points
# to stays. The listing and the rewrite both read this one tuple.
LINK_KEYS_REMOVED = ("/T", "/M", "/NM", "/Popup")
# Annotations that carry files or media go even with --keep-annotations.
MEDIA_ANNOTATIONS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia"}


def is_kept_annotation(annotation: pikepdf.Object, options: Options) -> bool:
    """Comments, highlights, stamps... kept on request (links are decided apart)."""
    subtype = text(annotation.get("/Subtype"))
    return (
        options.keep_annotations
        and subtype not in MEDIA_ANNOTATIONS
        and subtype not in ("/Link", "/Widget")
    )


def is_kept_widget(annotation: pikepdf.Object, options: Options) -> bool:
    """A form field's widget, kept with --keep-forms (its value and actions go)."""
    return options.keep_forms and text(annotation.get("/Subtype")) == "/Widget"


def catalog_items(pdf: Pdf, data: bytes, options: Options) -> list[MetadataItem]:
    items: list[MetadataItem] = []
    info = as_dict(pdf.trailer.get("/Info"))
    for key, value in info.items() if info is not None else []:
        items.append(
            MetadataItem("PDF:Info", short_text(key.lstrip("/"), 60), short_text(text(value)))
        )
    for key in list(pdf.trailer.keys()):
        if key not in TRAILER_KEYS_KEPT:
            items.append(MetadataItem("PDF:Trailer", short_text(key.lstrip("/"), 60), "present"))
    catalog = pdf.Root
    names = as_dict(catalog.get("/Names")) or pikepdf.Dictionary()
    for name, action in name_tree_leaves(names.get("/JavaScript")):
        action_dict = as_dict(action)
        script = text(action_dict.get("/JS")) if action_dict is not None else ""
        items.append(MetadataItem("PDF:JavaScript", name or "script", short_text(script, 80)))
    for name, spec in name_tree_leaves(names.get("/EmbeddedFiles")):
        items.append(MetadataItem("PDF:EmbeddedFiles", "EmbeddedFile", name or _file_name(spec)))
    for key in list(names.keys()):
        if key not in ("/Dests", "/JavaScript", "/EmbeddedFiles"):
            items.append(MetadataItem("PDF:Names", short_text(key.lstrip("/"), 60), "name tree"))
    open_action = as_dict(catalog.get("/OpenAction"))
    if open_action is not None and is_running_action(open_action):
        items.append(MetadataItem("PDF:Catalog", "OpenAction", text(open_action.get("/S"))))
    for key, label in CATALOG_KEYS_REMOVED.items():
        if key in catalog:
            items.append(MetadataItem("PDF:Catalog", label, "present"))
    form = as_dict(catalog.get("/AcroForm"))
    if form is not None:
        items.extend(_form_items(form, options))
    if not options.keep_bookmarks:
        items.extend(_outline_items(catalog))
    items.extend(_layer_items(catalog))
    updates = earlier_revisions(data)
    if updates:
        items.append(MetadataItem("PDF:Revisions", "EarlierRevisions", f"{updates} update(s)"))
    return items


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def earlier_revisions(data: bytes) -> int:
    """How many incremental updates stand on top of the first revision.

    The trailer that the last ``startxref`` points at names the previous cross-reference
    section (/Prev) when an update was appended. Counting %%EOF alone would also count
    bytes that happen to spell it inside a stream.
    """
    match = _STARTXREF.search(data[-2048:])
    if not match:
        return 0
    offset = int(match.group(1))
    section_end = data.rfind(b"startxref")
    if not 0 <= offset < section_end or b"/Prev" not in data[offset:section_end]:
        return 0
    return max(data.count(b"%%EOF") - 1, 1)


def _file_name(spec: object) -> str:
    spec_dict = as_dict(spec)
    if spec_dict is None:
        return "attachment"
    return text(spec_dict.get("/UF") or spec_dict.get("/F")) or "attachment"


def _form_items(form: pikepdf.Object, options: Options) -> list[MetadataItem]:
    items = []
    stack = [(field, "") for field in as_list(form.get("/Fields"))]
    seen = 0
    while stack and seen < 10_000:
        seen += 1
        field_ref, prefix = stack.pop()
        field = as_dict(field_ref)
        if field is None:
            continue
        name = f"{prefix}.{text(field.get('/T'))}" if prefix else text(field.get("/T"))
        for key in ("/V", "/RV", "/I"):
            if key in field:
                value = short_text(text(field[key]))
                items.append(MetadataItem("PDF:Form", name or "field", value))
        if options.keep_forms and is_running_action(as_dict(field.get("/A"))):
            items.append(MetadataItem("PDF:Form", name or "field", "JavaScript or other action"))
        stack.extend((kid, name) for kid in as_list(field.get("/Kids")))
    if "/XFA" in form:
        items.append(MetadataItem("PDF:Form", "XFA", "XML form data"))
    if not items and not options.keep_forms:
        items.append(MetadataItem("PDF:Form", "AcroForm", "interactive form"))
    return items


def _outline_items(catalog: pikepdf.Object) -> list[MetadataItem]:
    items = []
    outlines = as_dict(catalog.get("/Outlines"))
    node = as_dict(outlines.get("/First")) if outlines is not None else None
    stack: list[pikepdf.Object | None] = [node] if node is not None else []
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack and visited < 10_000:
        entry = stack.pop()
        if entry is None:
            continue
        visited += 1
        key = number(entry)
        if key is not None:  # a loop of /Next references is listed once
            if key in seen:
                continue
            seen.add(key)
        items.append(MetadataItem("PDF:Outline", "Bookmark", short_text(text(entry.get("/Title")))))
        stack.append(as_dict(entry.get("/Next")))
        stack.append(as_dict(entry.get("/First")))
    if outlines is not None and not items:
        items.append(MetadataItem("PDF:Outline", "Outlines", "empty outline tree"))
    return items


def _layer_items(catalog: pikepdf.Object) -> list[MetadataItem]:
    items = []
    hidden = hidden_groups(catalog)
    for key, group in layer_groups(catalog):
        name = text(group.get("/Name"))
        if key in hidden:
            items.append(MetadataItem("PDF:Layers", "HiddenLayer", short_text(name)))
        elif not GENERIC_LAYER_NAME.match(name):
            items.append(MetadataItem("PDF:Layers", "LayerName", short_text(name)))
        if "/Usage" in group:
            items.append(MetadataItem("PDF:Layers", "LayerUsage", short_text(name)))
    properties = as_dict(catalog.get("/OCProperties"))
    if properties is not None and "/Configs" in properties:
        items.append(MetadataItem("PDF:Layers", "AlternateConfigurations", "present"))
    return items


def page_items(pdf: Pdf, options: Options) -> list[MetadataItem]:
    items: list[MetadataItem] = []
    for index, each in enumerate(pdf.pages, start=1):
        page = each.obj
        where = f"PDF:Page{index}"
        if "/Thumb" in page:
            items.append(MetadataItem(where, "Thumbnail", "page thumbnail image"))
        if "/AA" in page:
            items.append(MetadataItem(where, "AdditionalActions", "actions run on open/close"))
        for annotation_ref in as_list(page.get("/Annots")):
            annotation = as_dict(annotation_ref)
            if annotation is None:
                continue
            subtype = short_text(text(annotation.get("/Subtype")).lstrip("/"), 60) or "Unknown"
            if is_kept_link(annotation):
                for key in LINK_KEYS_REMOVED:
                    if key in annotation:
                        items.append(
                            MetadataItem(where, f"Link{key}", short_text(text(annotation[key])))
                        )
                continue
            if subtype == "Widget":
                if options.keep_forms:
                    continue  # the form's values are listed with the form
                items.append(
                    MetadataItem(where, "FormWidget", text(annotation.get("/T")) or "field")
                )
                continue
            if is_kept_annotation(annotation, options):
                continue
            detail = "; ".join(
                short_text(text(annotation[k]), 80) for k in ("/T", "/Contents") if k in annotation
            )
            items.append(MetadataItem(where, f"{subtype}Annotation", detail or "annotation"))
    return items


def object_items(
    pdf: Pdf, jpeg_inspect: Callable[[pikepdf.Object], list[MetadataItem]]
) -> list[MetadataItem]:
    """Metadata hidden in any object: XMP streams, PieceInfo, dates, JPEG EXIF."""
    items: list[MetadataItem] = []
    catalog = number(pdf.Root)
    for obj in walk_objects(pdf.Root):
        metadata = obj.get("/Metadata")
        if isinstance(metadata, Stream):
            # lxml is loaded only for a PDF that carries an XMP packet.
            from sanitize.formats.xmp import xmp_properties

            try:
                packet = decoded(metadata)
            except (SanitizeError, pikepdf.PdfError):  # listed, and removed all the same
                items.append(MetadataItem("XMP", "Packet", "unreadable XMP packet"))
                packet = b""
            location = "XMP" if number(obj) == catalog else "XMP:Object"
            items.extend(MetadataItem(location, f, v) for f, v in xmp_properties(packet))
        for key in ("/PieceInfo", "/LastModified"):
            if key in obj:
                items.append(
                    MetadataItem(
                        "PDF:Object",
                        short_text(key.lstrip("/"), 60),
                        short_text(text(obj[key]), 60),
                    )
                )
        if obj.get("/AA") is not None and obj.get("/Type") != "/Page":
            items.append(MetadataItem("PDF:Object", "AdditionalActions", "actions"))
        if is_jpeg_image(obj):
            for item in jpeg_inspect(obj):
                items.append(MetadataItem(f"PDF:Image/{item.location}", item.field, item.value))
    return items
