"""Flatten form fields: draw each widget's appearance into its page, then drop the form."""

from __future__ import annotations

import math
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream

from sanitize.pdf.document import as_dict, as_list, number, text
from sanitize.pdf.findings import is_running_action

HIDDEN_FLAGS = 2 | 32  # Hidden, NoView
MAX_FIELDS = 100_000


def _appearance(widget: pikepdf.Object) -> pikepdf.Object | None:
    appearances = as_dict(widget.get("/AP"))
    normal = appearances.get("/N") if appearances is not None else None
    if isinstance(normal, Stream):
        return normal
    if isinstance(normal, Dictionary):
        state = widget.get("/AS")  # the name itself as the key: it need not be UTF-8
        chosen = normal.get(state) if isinstance(state, Name) else None
        return chosen if isinstance(chosen, Stream) else None
    return None


def _real(value: object) -> float | None:
    """A PDF number (qpdf hands integers as int, reals as Decimal) as a float; None for
    anything else, booleans included."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def _numbers(value: object) -> list[float] | None:
    """An array of numbers as floats; None when any member is not a number (a viewer
    does not draw a widget whose rectangle it cannot read)."""
    found = [_real(item) for item in as_list(value)]
    return None if None in found else [item for item in found if item is not None]


def _placement(widget: pikepdf.Object, form: pikepdf.Object) -> tuple[float, ...] | None:
    """The matrix that maps the form's bounding box onto the widget's rectangle (PDF 12.5.5)."""
    rect, bbox = _numbers(widget.get("/Rect")), _numbers(form.get("/BBox"))
    matrix = _numbers(form.get("/Matrix")) or [1, 0, 0, 1, 0, 0]
    if rect is None or bbox is None or len(rect) != 4 or len(bbox) != 4 or len(matrix) < 6:
        return None
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


def _flags(annotation: pikepdf.Object) -> int:
    """An annotation's /F flags; a viewer reads ``2.0`` as 2."""
    value = _real(annotation.get("/F", 0))
    return int(value) if value is not None and math.isfinite(value) else 0


def _is_widget(annotation: object) -> bool:
    found = as_dict(annotation)
    return found is not None and text(found.get("/Subtype")) == "/Widget"


def _value_without_drawing(annotation: object) -> bool:
    """A text or choice field's widget with a value and no appearance."""
    widget = as_dict(annotation)
    if widget is None or not _is_widget(widget) or "/AP" in widget:
        return False
    field = widget if "/T" in widget else as_dict(widget.get("/Parent"))
    return field is not None and text(field.get("/FT")) in ("/Tx", "/Ch") and "/V" in field


def _generate_missing_appearances(pdf: Pdf) -> None:
    """Text and choice fields saved without a drawing of their value (NeedAppearances)
    get one, as a viewer draws them on opening. qpdf draws every field when asked; the
    drawings the file already had are put back, so only the missing ones are new."""
    form = as_dict(pdf.Root.get("/AcroForm"))
    widgets = [
        widget
        for page in pdf.pages
        for widget in as_list(page.obj.get("/Annots"))
        if isinstance(widget, pikepdf.Object) and _is_widget(widget)
    ]
    needed = [widget for widget in widgets if _value_without_drawing(widget)]
    if form is None or not needed:
        return
    # qpdf draws every widget the pages and the form list: for the time of the call, they
    # list only the widgets whose drawing is missing.
    missing = {number(widget) for widget in needed}
    listed = [(page.obj, page.obj.get("/Annots")) for page in pdf.pages]
    for page, listing in listed:
        if listing is not None:
            page.Annots = Array([a for a in as_list(listing) if number(a) in missing])
    fields = form.get("/Fields")
    form.Fields = Array([w if "/T" in w else w.get("/Parent") for w in needed])
    form.NeedAppearances = True
    try:
        pdf.generate_appearance_streams()
    finally:
        for page, listing in listed:
            if listing is not None:
                page.Annots = listing
        if fields is None:
            del form["/Fields"]
        else:
            form.Fields = fields


def flatten_forms(pdf: Pdf, gone: set[tuple[int, int]]) -> tuple[int, int]:
    """Draw visible widgets into page content; remove all widgets (their numbers go into
    ``gone``). Returns (drawn, dropped)."""
    drawn = dropped = 0
    if any(_is_widget(a) for page in pdf.pages for a in as_list(page.obj.get("/Annots"))):
        _generate_missing_appearances(pdf)
    for each in pdf.pages:
        page = each.obj
        annotations = as_list(page.get("/Annots"))
        if not any(_is_widget(a) for a in annotations):
            continue
        operations: list[bytes] = []
        resources = as_dict(page.get("/Resources"))
        if resources is None:
            resources = page.Resources = Dictionary()
        xobjects = as_dict(resources.get("/XObject"))
        if xobjects is None:
            xobjects = resources.XObject = Dictionary()
        kept = Array()
        for entry in annotations:
            widget = as_dict(entry)
            if widget is None:  # a number or a null among the annotations: nothing to keep
                continue
            if not _is_widget(widget):
                kept.append(widget)
                continue
            dropped += 1
            key = number(widget)
            if key is not None:
                gone.add(key)
            if _flags(widget) & HIDDEN_FLAGS:
                continue
            form = _appearance(widget)
            matrix = _placement(widget, form) if form is not None else None
            if form is None or matrix is None:
                continue
            form.Type = Name.XObject
            form.Subtype = Name.Form
            name = Name(f"/SanitizeField{drawn}")
            xobjects[name] = form
            numbers = " ".join(f"{v:.6g}" for v in matrix)
            operations.append(f"q {numbers} cm {name} Do Q".encode())
            drawn += 1
        if operations:
            _wrap_and_append(pdf, page, b"\n".join(operations))
        if len(kept):
            page.Annots = kept
        else:
            del page["/Annots"]
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
    return drawn, dropped


def _wrap_and_append(pdf: Pdf, page: pikepdf.Object, operations: bytes) -> None:
    """Isolate the page's own graphics state (q ... Q) before drawing on top of it."""
    contents = page.get("/Contents")
    if isinstance(contents, Array):
        existing = list(contents)
    else:
        existing = [] if contents is None else [contents]
    page.Contents = Array(
        [pdf.make_stream(b"q\n"), *existing, pdf.make_stream(b"\nQ\n" + operations + b"\n")]
    )


# Field keys that hold what someone typed or chose: the value, its rich-text form, the
# selected options of a list.
VALUE_KEYS = ("/V", "/RV", "/I")


def _blank_appearance(pdf: Pdf, widget: pikepdf.Object) -> pikepdf.Object:
    rect = _numbers(widget.get("/Rect")) or []
    width = abs(rect[2] - rect[0]) if len(rect) == 4 else 0.0
    height = abs(rect[3] - rect[1]) if len(rect) == 4 else 0.0
    return pdf.make_stream(
        b"", Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, width, height])
    )


def _field_type(field: pikepdf.Object) -> str:
    """A field's type, inherited from its parents when the widget does not say."""
    node: pikepdf.Object | None = field
    for _ in range(32):
        if node is None:
            break
        if "/FT" in node:
            return text(node.get("/FT"))
        node = as_dict(node.get("/Parent"))
    return ""


def _fields(pdf: Pdf) -> list[pikepdf.Object]:
    """Every field and widget: the form's tree, and the widgets the pages list."""
    found: list[pikepdf.Object] = []
    seen: set[tuple[int, int]] = set()
    form = as_dict(pdf.Root.get("/AcroForm"))
    stack = list(as_list(form.get("/Fields"))) if form is not None else []
    for page in pdf.pages:
        stack.extend(a for a in as_list(page.obj.get("/Annots")) if _is_widget(a))
    while stack and len(found) < MAX_FIELDS:
        node = as_dict(stack.pop())
        if node is None:
            continue
        key = number(node)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        found.append(node)
        stack.extend(as_list(node.get("/Kids")))
    return found


def clear_forms(pdf: Pdf) -> int:
    """Keep the form fillable, empty: values removed, widgets drawn empty (checkboxes and
    radio buttons off), the XFA form (which carries its own copy of the data) removed.
    Returns how many values were cleared."""
    cleared = 0
    for node in _fields(pdf):
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
            normal = as_dict(appearances.get("/N")) if appearances is not None else None
            if normal is not None and "/Off" in normal:
                node.AS = Name.Off
            elif "/AS" in node:
                del node["/AS"]
        elif appearances is not None:
            node.AP = Dictionary(N=_blank_appearance(pdf, node))
    form = as_dict(pdf.Root.get("/AcroForm"))
    if form is not None and "/XFA" in form:
        del form["/XFA"]
    return cleared
