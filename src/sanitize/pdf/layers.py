"""Optional content (layers): find the hidden ones and cut their content out."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Pdf, Stream, String

from sanitize.errors import CorruptFileError, LimitExceededError
from sanitize.pdf.document import as_dict, as_list, decoded, number, remove, text

MAX_FORM_DEPTH = 8
MAX_DRAWING = 16 * 1024 * 1024
# One content-stream operation as qpdf parses it: an instruction, or an inline image.
Operation = pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage
ObjGen = tuple[int, int]


def layer_groups(catalog: pikepdf.Object) -> list[tuple[ObjGen, pikepdf.Object]]:
    properties = as_dict(catalog.get("/OCProperties"))
    groups = []
    for ref in as_list(properties.get("/OCGs")) if properties is not None else []:
        group = as_dict(ref)
        key = number(ref)
        if group is not None and key is not None:
            groups.append((key, group))
    return groups


def hidden_groups(catalog: pikepdf.Object) -> set[ObjGen]:
    properties = as_dict(catalog.get("/OCProperties"))
    if properties is None:
        return set()
    default = as_dict(properties.get("/D")) or Dictionary()
    every = {key for key, _ in layer_groups(catalog)}
    if text(default.get("/BaseState")) == "/OFF":
        shown = {number(ref) for ref in as_list(default.get("/ON"))}
        return every - shown
    return {n for n in (number(ref) for ref in as_list(default.get("/OFF"))) if n is not None}


def _is_hidden(ref: object, hidden: set[ObjGen]) -> bool:
    """An OCG, or a membership dictionary all of whose groups are hidden."""
    if number(ref) in hidden:
        return True
    membership = as_dict(ref)
    if membership is None or text(membership.get("/Type")) != "/OCMD":
        return False
    members = membership.get("/OCGs")
    ids = [number(m) for m in as_list(members)] or [number(members)]
    return bool(ids) and all(i in hidden for i in ids)


def _filter_operations(
    operations: list[Operation], hidden_names: set[str], hidden_xobjects: set[str]
) -> list[Operation]:
    kept: list[Operation] = []
    depth_skipping, depth = 0, 0
    for operation in operations:
        operands, operator = operation.operands, str(operation.operator).encode()
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
            and text(operands[0]) == "/OC"
            and text(operands[1]) in hidden_names
        ):
            depth_skipping, depth = 1, 1
            continue
        if operator == b"Do" and operands and text(operands[0]) in hidden_xobjects:
            continue
        kept.append(operation)
    return kept


def _drawing(owner: pikepdf.Object) -> list[Operation]:
    """The operations of a page (all its content streams) or of a form XObject.

    Parsed operations cost a hundred times their bytes in memory or more (a 4 MB stream
    of "0 g" becomes half a gigabyte of objects): the drawing as a whole, every stream as
    often as it is listed, may not decode beyond MAX_DRAWING."""
    contents = owner.get("/Contents") if not isinstance(owner, Stream) else owner
    total = 0
    for stream in [contents] if isinstance(contents, Stream) else as_list(contents):
        if isinstance(stream, Stream):
            total += len(decoded(stream, MAX_DRAWING))
            if total > MAX_DRAWING:
                raise LimitExceededError(
                    f"a drawing with hidden layers is over {MAX_DRAWING >> 20} MB: "
                    "its layers cannot be cut out"
                )
    try:
        return list(pikepdf.parse_content_stream(owner))
    except TypeError as exc:  # qpdf parses what pikepdf cannot represent (an inline
        # image inside an array): the drawing is refused, not passed through uncut
        raise CorruptFileError(f"a drawing with hidden layers cannot be parsed: {exc}") from exc


def _strip_stream(
    pdf: Pdf,
    owner: pikepdf.Object,
    hidden: set[ObjGen],
    depth: int,
    is_page: bool,
    done: set[ObjGen],
) -> int:
    """Cut the hidden layers out of one page or form XObject, and out of the forms it
    draws (each form once: a form listed many times, or drawing itself, is cut once)."""
    key = number(owner)
    if key is not None:
        if key in done:
            return 0
        done.add(key)
    resources = as_dict(owner.get("/Resources")) or Dictionary()
    properties = as_dict(resources.get("/Properties")) or Dictionary()
    xobjects = as_dict(resources.get("/XObject")) or Dictionary()
    hidden_names = {name for name, ref in properties.items() if _is_hidden(ref, hidden)}
    hidden_xobjects = set()
    removed = 0
    for name, xobject in xobjects.items():
        if as_dict(xobject) is None:
            continue
        if "/OC" in xobject and _is_hidden(xobject.get("/OC"), hidden):
            hidden_xobjects.add(name)
        elif text(xobject.get("/Subtype")) == "/Form" and depth < MAX_FORM_DEPTH:
            removed += _strip_stream(pdf, xobject, hidden, depth + 1, False, done)
    if not hidden_names and not hidden_xobjects:
        return removed
    if is_page and owner.get("/Contents") is None:
        return removed
    operations = _drawing(owner)
    kept = _filter_operations(operations, hidden_names, hidden_xobjects)
    removed += len(operations) - len(kept)
    # The resource entries go too, so nothing refers to the hidden groups any more.
    for name in hidden_names:
        remove(properties, name)
    for name in hidden_xobjects:
        remove(xobjects, name)
    try:
        drawing = pikepdf.unparse_content_stream(kept)
    except TypeError as exc:
        raise CorruptFileError(f"a drawing with hidden layers cannot be written: {exc}") from exc
    if is_page:
        owner.Contents = pdf.make_stream(drawing)
    else:
        owner.write(drawing)
    return removed


def remove_hidden_layers(pdf: Pdf) -> tuple[int, int]:
    """Cut hidden-layer content, drop hidden layers, rename the rest. Returns counts."""
    catalog = pdf.Root
    properties = as_dict(catalog.get("/OCProperties"))
    if properties is None:
        return 0, 0
    hidden = hidden_groups(catalog)
    removed_operations = 0
    done: set[ObjGen] = set()
    if hidden:
        for each in pdf.pages:
            page = each.obj
            removed_operations += _strip_stream(pdf, page, hidden, 0, True, done)
            annotations = as_list(page.get("/Annots"))
            kept = [
                a
                for a in annotations
                if not _is_hidden((as_dict(a) or Dictionary()).get("/OC"), hidden)
            ]
            if len(kept) != len(annotations):
                page.Annots = Array(kept)
    visible = [(n, g) for n, g in layer_groups(catalog) if n not in hidden]
    for index, (_, group) in enumerate(visible, start=1):
        group.Name = String(f"Layer {index}")
        if "/Usage" in group:
            del group["/Usage"]
    refs = Array([ref for ref in as_list(properties.get("/OCGs")) if number(ref) not in hidden])
    properties.OCGs = refs
    properties.D = Dictionary(Order=Array(list(refs)), OFF=Array())
    if "/Configs" in properties:
        del properties["/Configs"]
    return len(hidden), removed_operations
