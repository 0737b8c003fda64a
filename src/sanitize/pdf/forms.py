"""Flatten form fields: draw each widget's appearance into its page, then drop the form."""

from __future__ import annotations

import logging

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from sanitize.pdf.document import as_dict, as_list, resolve, text
from sanitize.pdf.findings import is_running_action

HIDDEN_FLAGS = 2 | 32  # Hidden, NoView


def _appearance(widget: DictionaryObject) -> StreamObject | None:
    appearances = as_dict(widget.get("/AP"))
    normal = resolve(appearances.get("/N")) if appearances else None
    if isinstance(normal, StreamObject):
        return normal
    if isinstance(normal, DictionaryObject):
        state = text(widget.get("/AS"))
        chosen = resolve(normal.get(state)) if state else None
        return chosen if isinstance(chosen, StreamObject) else None
    return None


def _number(value: PdfObject) -> float:
    """``float(value)``, typed: what float() accepts directly, or a reference whose target
    has ``__float__`` (pypdf's IndirectObject forwards it); the same errors otherwise."""
    if isinstance(value, IndirectObject):
        target = value.get_object()
        if not isinstance(target, (int, float)):
            kind = type(target).__name__
            raise AttributeError(f"'{kind}' object has no attribute '__float__'")
        return float(target)
    if not isinstance(value, (int, float, str, bytes)):
        kind = type(value).__name__
        raise TypeError(f"float() argument must be a string or a real number, not '{kind}'")
    return float(value)


def _placement(widget: DictionaryObject, form: StreamObject) -> tuple[float, ...] | None:
    """The matrix that maps the form's bounding box onto the widget's rectangle (PDF 12.5.5)."""
    rect = [_number(v) for v in as_list(widget.get("/Rect"))]
    bbox = [_number(v) for v in as_list(form.get("/BBox"))]
    if len(rect) != 4 or len(bbox) != 4:
        return None
    matrix = [_number(v) for v in as_list(form.get("/Matrix"))] or [1, 0, 0, 1, 0, 0]
    a, b, c, d, e, f = matrix[:6]
    corners = [
        (x * a + y * c + e, x * b + y * d + f)
        for x in (bbox[0], bbox[2])
        for y in (bbox[1], bbox[3])
    ]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width <= 0 or height <= 0:
        return None
    left, right = sorted((rect[0], rect[2]))
    bottom, top = sorted((rect[1], rect[3]))
    sx, sy = (right - left) / width, (top - bottom) / height
    return (sx, 0.0, 0.0, sy, left - min(xs) * sx, bottom - min(ys) * sy)


def _generate_missing_appearances(writer: PdfWriter, page: PageObject) -> None:
    """Text and choice fields saved without appearances (NeedAppearances) get one."""
    values = {}
    for ref in as_list(page.get("/Annots")):
        widget = as_dict(ref)
        if widget is None or text(widget.get("/Subtype")) != "/Widget" or "/AP" in widget:
            continue
        field = as_dict(widget.get("/Parent")) if "/T" not in widget else widget
        if field is not None and text(field.get("/FT")) in ("/Tx", "/Ch") and "/V" in field:
            values[text(field.get("/T"))] = text(field.get("/V"))
    if values:
        previous = logging.getLogger("pypdf").level
        try:
            writer.update_page_form_field_values(page, values, auto_regenerate=False)
        except Exception:  # a field pypdf cannot draw is reported by the caller
            pass
        finally:
            logging.getLogger("pypdf").setLevel(previous)


def flatten_forms(writer: PdfWriter) -> tuple[int, int]:
    """Draw visible widgets into page content; remove all widgets. Returns (drawn, dropped)."""
    drawn = dropped = 0
    for page in writer.pages:
        annotations = as_list(page.get("/Annots"))
        if not any(
            text((as_dict(a) or DictionaryObject()).get("/Subtype")) == "/Widget"
            for a in annotations
        ):
            continue
        _generate_missing_appearances(writer, page)
        annotations = as_list(page.get("/Annots"))
        operations: list[bytes] = []
        resources = as_dict(page.get("/Resources"))
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        xobjects = as_dict(resources.get("/XObject"))
        if xobjects is None:
            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        kept = ArrayObject()
        for ref in annotations:
            widget = as_dict(ref)
            if widget is None or text(widget.get("/Subtype")) != "/Widget":
                kept.append(ref)
                continue
            dropped += 1
            if int(widget.get("/F", 0)) & HIDDEN_FLAGS:
                continue
            form = _appearance(widget)
            matrix = _placement(widget, form) if form is not None else None
            if form is None or matrix is None:
                continue
            form[NameObject("/Type")] = NameObject("/XObject")
            form[NameObject("/Subtype")] = NameObject("/Form")
            name = NameObject(f"/SanitizeField{drawn}")
            xobjects[name] = form.indirect_reference or writer._add_object(form)
            numbers = " ".join(f"{v:.6g}" for v in matrix)
            operations.append(f"q {numbers} cm {name} Do Q".encode())
            drawn += 1
        if operations:
            _wrap_and_append(writer, page, b"\n".join(operations))
        if kept:
            page[NameObject("/Annots")] = kept
        else:
            del page["/Annots"]
    writer.root_object.pop("/AcroForm", None)
    return drawn, dropped


def _wrap_and_append(writer: PdfWriter, page: DictionaryObject, operations: bytes) -> None:
    """Isolate the page's own graphics state (q ... Q) before drawing on top of it."""
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(b"\nQ\n" + operations + b"\n")
    contents = resolve(page.get("/Contents"))
    existing = (
        list(contents)
        if isinstance(contents, ArrayObject)
        else ([page.raw_get("/Contents")] if "/Contents" in page else [])  # the reference
    )
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *existing, writer._add_object(after)]
    )


# Field keys that hold what someone typed or chose: the value, its rich-text form, the
# selected options of a list.
VALUE_KEYS = ("/V", "/RV", "/I")


def _blank_appearance(writer: PdfWriter, widget: DictionaryObject) -> IndirectObject:
    rect = [_number(v) for v in as_list(widget.get("/Rect"))]
    width = abs(rect[2] - rect[0]) if len(rect) == 4 else 0.0
    height = abs(rect[3] - rect[1]) if len(rect) == 4 else 0.0
    blank = DecodedStreamObject()
    blank.set_data(b"")
    blank[NameObject("/Type")] = NameObject("/XObject")
    blank[NameObject("/Subtype")] = NameObject("/Form")
    blank[NameObject("/BBox")] = ArrayObject(
        [FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]
    )
    return writer._add_object(blank)


def _field_type(field: DictionaryObject) -> str:
    """A field's type, inherited from its parents when the widget does not say."""
    node: DictionaryObject | None = field
    for _ in range(32):
        if node is None:
            break
        if "/FT" in node:
            return text(node.get("/FT"))
        node = as_dict(node.get("/Parent"))
    return ""


def _fields(writer: PdfWriter) -> list[DictionaryObject]:
    """Every field and widget: the form's tree, and the widgets the pages list."""
    found: list[DictionaryObject] = []
    seen: set[int] = set()
    form = as_dict(writer.root_object.get("/AcroForm"))
    stack = list(as_list(form.get("/Fields"))) if form is not None else []
    for page in writer.pages:
        for annotation in as_list(page.get("/Annots")):
            widget = as_dict(annotation)
            if widget is not None and text(widget.get("/Subtype")) == "/Widget":
                stack.append(annotation)
    while stack and len(found) < 100_000:
        node = as_dict(stack.pop())
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        found.append(node)
        stack.extend(as_list(node.get("/Kids")))
    return found


def clear_forms(writer: PdfWriter) -> int:
    """Keep the form fillable, empty: values removed, widgets drawn empty (checkboxes and
    radio buttons off), the XFA form (which carries its own copy of the data) removed.
    Returns how many values were cleared."""
    cleared = 0
    for node in _fields(writer):
        for key in VALUE_KEYS:
            if key in node:
                del node[key]
                cleared += 1
        if text(node.get("/Subtype")) != "/Widget":
            continue
        if is_running_action(as_dict(node.get("/A"))):
            del node["/A"]
        kind = _field_type(node)
        appearances = as_dict(node.get("/AP"))
        if kind == "/Btn":
            normal = as_dict(appearances.get("/N")) if appearances else None
            if normal is not None and "/Off" in normal:
                node[NameObject("/AS")] = NameObject("/Off")
            elif "/AS" in node:
                del node["/AS"]
        elif appearances is not None:
            node[NameObject("/AP")] = DictionaryObject(
                {NameObject("/N"): _blank_appearance(writer, node)}
            )
    form = as_dict(writer.root_object.get("/AcroForm"))
    if form is not None:
        form.pop("/XFA", None)
    return cleared
