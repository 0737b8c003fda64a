"""SpreadsheetML and PresentationML traces: file paths, revision and creation ids."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from sanitize.ooxml.names import A16, MC, P14, X15AC, XR, S, q
from sanitize.ooxml.word import delete_attributes
from sanitize.xmlsafe import attribute_results

Record = Callable[[str, str], None]
REVISION_NAMESPACES = {
    XR,
    "http://schemas.microsoft.com/office/spreadsheetml/2016/revision3",
    "http://schemas.microsoft.com/office/spreadsheetml/2016/revision6",
    "http://schemas.microsoft.com/office/spreadsheetml/2016/revision10",
}


_ATTRIBUTES_IN = etree.XPath("//@*[namespace-uri()=$ns]")


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def scrub_sheet_part(root: etree._Element, record: Record) -> None:
    for path in list(root.iter(q(X15AC, "absPath"))):
        record("absPath", path.get("url", ""))
        holder = path
        # absPath sits in an mc:AlternateContent wrapper: remove the whole wrapper.
        while (parent := holder.getparent()) is not None and etree.QName(holder).namespace != MC:
            holder = parent
            if etree.QName(holder).localname == "AlternateContent":
                break
        _remove(holder if etree.QName(holder).localname == "AlternateContent" else path)
    for pointer in list(root.iter(q(XR, "revisionPtr"))):
        record("revisionPtr", pointer.get("documentId", "present"))
        _remove(pointer)
    count = sum(
        delete_attributes(attribute_results(_ATTRIBUTES_IN, root, ns=namespace))
        for namespace in REVISION_NAMESPACES
    )
    if count:
        record("RevisionIdentifiers", f"{count} xr:uid value(s)")


def hidden_sheets(workbook: etree._Element) -> list[str]:
    return [
        f"{sheet.get('name')} ({sheet.get('state')})"
        for sheet in workbook.iter(q(S, "sheet"))
        if sheet.get("state") in ("hidden", "veryHidden")
    ]


def scrub_slide_part(root: etree._Element, record: Record) -> None:
    found = list(root.iter(q(P14, "creationId"), q(A16, "creationId")))
    for element in found:
        extension = element.getparent()
        _remove(element)
        # Drop extension containers left empty.
        while (
            extension is not None
            and len(extension) == 0
            and etree.QName(extension).localname in ("ext", "extLst")
        ):
            parent = extension.getparent()
            _remove(extension)
            extension = parent
    if found:
        record("CreationIds", f"{len(found)} creationId value(s)")
