"""Optional content (layers): find the hidden ones and cut their content out."""

from __future__ import annotations

from typing import Any

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from sanitize.pdf.document import as_dict, as_list, text

MAX_FORM_DEPTH = 8
# One content-stream operation, (operands, operator), as pypdf types ContentStream.operations.
Operation = tuple[Any, bytes]


def _ref_id(obj: object) -> int | None:
    return obj.idnum if isinstance(obj, IndirectObject) else None


def layer_groups(catalog: DictionaryObject) -> list[tuple[int, DictionaryObject]]:
    properties = as_dict(catalog.get("/OCProperties"))
    groups = []
    for ref in as_list(properties.get("/OCGs")) if properties else []:
        group = as_dict(ref)
        number = _ref_id(ref)
        if group is not None and number is not None:
            groups.append((number, group))
    return groups


def hidden_groups(catalog: DictionaryObject) -> set[int]:
    properties = as_dict(catalog.get("/OCProperties"))
    if properties is None:
        return set()
    default = as_dict(properties.get("/D")) or DictionaryObject()
    every = {number for number, _ in layer_groups(catalog)}
    if text(default.get("/BaseState")) == "/OFF":
        shown = {_ref_id(ref) for ref in as_list(default.get("/ON"))}
        return every - shown
    return {n for n in (_ref_id(ref) for ref in as_list(default.get("/OFF"))) if n is not None}


def _is_hidden(ref: PdfObject | None, hidden: set[int]) -> bool:
    """An OCG, or a membership dictionary all of whose groups are hidden."""
    number = _ref_id(ref)
    if number in hidden:
        return True
    membership = as_dict(ref)
    if membership is None or text(membership.get("/Type")) != "/OCMD":
        return False
    members = membership.get("/OCGs")
    ids = [_ref_id(m) for m in as_list(members)] or [_ref_id(members)]
    return bool(ids) and all(i in hidden for i in ids)


def _filter_operations(
    operations: list[Operation], hidden_names: set[str], hidden_xobjects: set[str]
) -> list[Operation]:
    kept: list[Operation] = []
    depth_skipping, depth = 0, 0
    for operands, operator in operations:
        if depth_skipping:
            if operator in (b"BDC", b"BMC"):
                depth += 1
            elif operator == b"EMC":
                depth -= 1
                if depth == 0:
                    depth_skipping = 0
            continue
        if (
            operator == b"BDC"
            and len(operands) == 2
            and operands[0] == "/OC"
            and str(operands[1]) in hidden_names
        ):
            depth_skipping, depth = 1, 1
            continue
        if operator == b"Do" and operands and str(operands[0]) in hidden_xobjects:
            continue
        kept.append((operands, operator))
    return kept


def _strip_stream(
    writer: PdfWriter, owner: DictionaryObject, hidden: set[int], depth: int, is_page: bool
) -> int:
    resources = as_dict(owner.get("/Resources")) or DictionaryObject()
    properties = as_dict(resources.get("/Properties")) or DictionaryObject()
    xobjects = as_dict(resources.get("/XObject")) or DictionaryObject()
    hidden_names = {name for name, ref in properties.items() if _is_hidden(ref, hidden)}
    hidden_xobjects = set()
    removed = 0
    for name, ref in xobjects.items():
        xobject = as_dict(ref)
        if xobject is None:
            continue
        if "/OC" in xobject and _is_hidden(xobject["/OC"], hidden):
            hidden_xobjects.add(name)
        elif text(xobject.get("/Subtype")) == "/Form" and depth < MAX_FORM_DEPTH:
            removed += _strip_stream(writer, xobject, hidden, depth + 1, is_page=False)
    if not hidden_names and not hidden_xobjects:
        return removed
    page: PageObject | None = None
    if is_page:
        assert isinstance(owner, PageObject)  # is_page: one of writer.pages
        page = owner
        contents = page.get_contents()
        if contents is None:
            return removed
        stream = ContentStream(contents, writer)
    else:
        stream = ContentStream(owner, writer)
    before = len(stream.operations)
    stream.operations = _filter_operations(stream.operations, hidden_names, hidden_xobjects)
    removed += before - len(stream.operations)
    # The resource entries go too, so nothing refers to the hidden groups any more.
    for name in hidden_names:
        del properties[name]
    for name in hidden_xobjects:
        del xobjects[name]
    if page is not None:
        page.replace_contents(stream)
    else:
        assert isinstance(owner, StreamObject)
        owner.set_data(stream.get_data())
    return removed


def remove_hidden_layers(writer: PdfWriter) -> tuple[int, int]:
    """Cut hidden-layer content, drop hidden layers, rename the rest. Returns counts."""
    catalog = writer.root_object
    properties = as_dict(catalog.get("/OCProperties"))
    if properties is None:
        return 0, 0
    hidden = hidden_groups(catalog)
    removed_operations = 0
    if hidden:
        for page in writer.pages:
            removed_operations += _strip_stream(writer, page, hidden, 0, is_page=True)
            annotations = as_list(page.get("/Annots"))
            kept = [
                a
                for a in annotations
                if not _is_hidden((as_dict(a) or DictionaryObject()).get("/OC"), hidden)
            ]
            if len(kept) != len(annotations):
                page[NameObject("/Annots")] = ArrayObject(kept)
    visible = [(n, g) for n, g in layer_groups(catalog) if n not in hidden]
    for index, (_, group) in enumerate(visible, start=1):
        group[NameObject("/Name")] = TextStringObject(f"Layer {index}")
        for key in ("/Usage",):
            group.pop(key, None)
    refs = ArrayObject(
        ref for ref in as_list(properties.get("/OCGs")) if _ref_id(ref) not in hidden
    )
    properties[NameObject("/OCGs")] = refs
    default = DictionaryObject(
        {NameObject("/Order"): ArrayObject(refs), NameObject("/OFF"): ArrayObject()}
    )
    properties[NameObject("/D")] = default
    properties.pop("/Configs", None)
    return len(hidden), removed_operations
