"""Hidden content: hidden slides, hidden sheets, and picture file names in drawings.

A hidden sheet goes unless something the cleaner cannot turn into a value still refers to
it (a data validation list, a pivot cache...). Cell formulas that read it are replaced by
the values Excel last computed for them first; chart series that read it become literal
series holding their cached points; defined names that point into it go, and the
formulas that use those names are replaced by their values too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lxml import etree

from sanitize.formats.values import short_text
from sanitize.ooxml.names import P14, P, R, S, q
from sanitize.ooxml.package import Package, resolve_target
from sanitize.xmlsafe import texts_of

Record = Callable[[str, str, str], None]  # (location, field, value)
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
VML = "urn:schemas-microsoft-com:vml"
OFFICE = "urn:schemas-microsoft-com:office:office"
FALSE = ("0", "false", "off")


# -- pictures --------------------------------------------------------------------------------
# A file name (with an image extension), a path, or a camera's numbering is not alt text.
_FILE_NAME = re.compile(
    r"[\\/]|\.(?:jpe?g|jfif|png|gif|bmp|tiff?|heic|heif|webp|avif|emf|wmf|svg|psd|dng|cr2|cr3"
    r"|nef|arw|orf|raf|rw2|raw)\s*$"
    r"|^(?:IMG|DSC|DSCN|DSCF|PXL|MVIMG|VID|GOPR|SAM|Screenshot|Screen Shot|WhatsApp Image)"
    r"[ _-]?\d|^P\d{7}\b",
    re.IGNORECASE,
)
_DRAWING_NAMES = ("descr", "name", "title")


def looks_like_file_name(value: str) -> bool:
    return bool(_FILE_NAME.search(value.strip()))


def neutral_picture_names(root: etree._Element, record: Callable[[str, str], None]) -> None:
    """File names and paths in drawing properties become "Picture N"; alt text stays."""
    for element in root.iter("{*}cNvPr", "{*}docPr"):
        neutral = f"Picture {element.get('id', '')}".strip()
        for attribute in _DRAWING_NAMES:
            value = element.get(attribute)
            if value and looks_like_file_name(value):
                record("PictureFileName", value)
                element.set(attribute, neutral)
    for element in root.iter(q(VML, "imagedata")):
        value = element.get(q(OFFICE, "title"))
        if value and looks_like_file_name(value):
            record("PictureFileName", value)
            element.set(q(OFFICE, "title"), "Picture")


# -- slides ------------------------------------------------------------------------------------
def hidden_slides(package: Package, main: str, remove: bool, record: Record) -> list[str]:
    """Remove (or, with ``remove`` False, only name) the slides marked ``show="0"``."""
    root = package.xml(main)
    id_list = root.find(q(P, "sldIdLst"))
    if id_list is None:
        return []
    targets = _targets(package, main)
    found, dropped_rels, dropped_ids = [], set(), set()
    for number, entry in enumerate(list(id_list), start=1):
        rel_id = entry.get(q(R, "id"), "")
        part = targets.get(rel_id)
        if part is None or part not in package.parts:
            continue
        slide = package.xml(part)
        if slide.get("show", "1").lower() not in FALSE:
            continue
        title = short_text(" ".join(t.strip() for t in texts_of(slide) if t.strip()), 80)
        found.append(f"slide {number}")
        if not remove:
            continue
        record(part, "HiddenSlide", f"slide {number}: {title}" if title else f"slide {number}")
        id_list.remove(entry)
        dropped_rels.add(rel_id)
        dropped_ids.add(entry.get("id"))
        package.remove(part)
    package.drop_relationships(main, dropped_rels)
    for section_entry in list(root.iter(q(P14, "sldId"))):
        if section_entry.get("id") in dropped_ids:
            _remove(section_entry)
    return found


# -- sheets ------------------------------------------------------------------------------------
# Where formulas live outside cells: defined names, validations, conditional formats,
# charts (c:f), extension lists (xm:f), and the pivot caches' source (``sheet=``).
_FORMULA_TAGS = (
    "{*}f",
    "{*}formula",
    "{*}formula1",
    "{*}formula2",
    "{*}definedName",
    "{*}worksheetSource",
)
_QUOTED_SHEET = re.compile(r"'((?:[^']|'')+)'!")
_PLAIN_SHEET = re.compile(r"(?<![\w.\]'])([\w.]+(?::[\w.]+)?)!")


def sheets_in(formula: str) -> set[str]:
    """The sheet names (case-folded) a formula refers to, in this workbook."""
    found: set[str] = set()
    for match in _QUOTED_SHEET.finditer(formula):
        reference = match.group(1).replace("''", "'")
        if not reference.startswith("["):
            found.update(part.casefold() for part in reference.split(":"))
    for match in _PLAIN_SHEET.finditer(formula):
        found.update(part.casefold() for part in match.group(1).split(":"))
    return found


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    escaped = sorted((re.escape(n) for n in names if n), key=len, reverse=True)
    if not escaped:
        return None
    return re.compile(r"(?<![\w.!'\]])(?:" + "|".join(escaped) + r")(?![\w.(!])", re.IGNORECASE)


class HiddenSheets:
    """One pass over a workbook: which hidden sheets can go, and making them go."""

    def __init__(self, package: Package, main: str, record: Record, notes: list[str]):
        self.package = package
        self.main = main
        self.record = record
        self.notes = notes
        self.root = package.xml(main)
        self.targets = _targets(package, main)

    def sheets(self) -> list[etree._Element]:
        holder = self.root.find(q(S, "sheets"))
        return [] if holder is None else list(holder.iter(q(S, "sheet")))

    def names(self) -> list[str]:
        return [
            f"{sheet.get('name')} ({sheet.get('state')})"
            for sheet in self.sheets()
            if sheet.get("state") in ("hidden", "veryHidden")
        ]

    def run(self) -> None:
        sheets = self.sheets()
        hidden = [s for s in sheets if s.get("state") in ("hidden", "veryHidden")]
        if not hidden:
            return
        if len(hidden) == len(sheets):
            self.notes.append("hidden sheets kept: a workbook needs at least one sheet")
            return
        names = {(s.get("name") or "").casefold() for s in hidden}
        indexes = {i for i, s in enumerate(sheets) if s in hidden}
        removed_names = self._drop_defined_names(names, indexes)
        name_refs = _names_pattern(removed_names)
        owned = set()
        for sheet in hidden:
            owned |= self._owned(self.targets.get(sheet.get(q(R, "id"), ""), ""))
        replaced = emptied = 0
        for sheet in sheets:
            part = self.targets.get(sheet.get(q(R, "id"), ""))
            if sheet in hidden or part is None or part not in self.package.parts:
                continue
            done, empty = self._formulas_to_values(part, names, name_refs)
            replaced, emptied = replaced + done, emptied + empty
        charts = self._charts_to_literals(owned, names)
        still = self._still_referred(owned, names, name_refs)
        kept = [s for s in hidden if (s.get("name") or "").casefold() in still]
        for sheet in kept:
            self.notes.append(
                f"hidden sheet kept, check it before publishing: {sheet.get('name')} "
                "(a list, pivot table or other reference still reads it)"
            )
        removed = [s for s in hidden if s not in kept]
        if replaced:
            self.notes.append(
                f"replaced {replaced} formula(s) that read hidden sheets by their last values"
                + (f" ({emptied} had no saved value and are now empty)" if emptied else "")
            )
        if charts:
            self.notes.append(
                f"{charts} chart series that read hidden sheets now hold their values"
            )
        if removed:
            self._remove_sheets(sheets, removed)

    def _owned(self, part: str) -> set[str]:
        """A sheet part and what only it reaches (drawings, charts, comments)."""
        if not part:
            return set()
        seen, stack = {part}, [part]
        while stack:
            source = stack.pop()
            for rel in self.package.relationships(source):
                target = resolve_target(source, rel.target)
                if not rel.external and target in self.package.parts and target not in seen:
                    seen.add(target)
                    stack.append(target)
        return seen

    def _drop_defined_names(self, names: set[str], indexes: set[int]) -> set[str]:
        removed: set[str] = set()
        holder = self.root.find(q(S, "definedNames"))
        if holder is None:
            return removed
        for defined in list(holder):
            local = defined.get("localSheetId", "")
            if (local.isdigit() and int(local) in indexes) or sheets_in(defined.text or "") & names:
                removed.add(defined.get("name", ""))
                self.record(self.main, "DefinedName", f"{defined.get('name')}={defined.text}")
                holder.remove(defined)
        if len(holder) == 0:
            _remove(holder)
        return removed

    def _formulas_to_values(
        self, part: str, names: set[str], name_refs: re.Pattern[str] | None
    ) -> tuple[int, int]:
        root = self.package.xml(part)
        cells = list(root.iter(q(S, "c")))
        marked, shared = set(), set()
        for index, cell in enumerate(cells):
            formula = cell.find(q(S, "f"))
            text = formula.text or "" if formula is not None else ""
            if text and (sheets_in(text) & names or (name_refs and name_refs.search(text))):
                marked.add(index)
                if formula is not None and formula.get("t") == "shared" and formula.get("si"):
                    shared.add(formula.get("si"))
        replaced = emptied = 0
        for index, cell in enumerate(cells):
            formula = cell.find(q(S, "f"))
            if formula is None:
                continue
            if index not in marked and not (
                formula.get("t") == "shared" and formula.get("si") in shared
            ):
                continue
            cell.remove(formula)
            replaced += 1
            value = cell.find(q(S, "v"))
            if value is None:
                if "t" in cell.attrib:
                    del cell.attrib["t"]
                emptied += 1
            elif cell.get("t") == "str":
                cell.remove(value)
                cell.set("t", "inlineStr")
                inline = etree.SubElement(cell, q(S, "is"))
                etree.SubElement(inline, q(S, "t")).text = value.text or ""
        return replaced, emptied

    def _charts_to_literals(self, owned: set[str], names: set[str]) -> int:
        count = 0
        for name in sorted(self.package.parts):
            if name in owned or not name.endswith(".xml"):
                continue
            if b"/chart" not in self.package.parts[name][:4096]:
                continue
            root = self.package.xml(name)
            for reference in list(root.iter(q(C, "numRef"), q(C, "strRef"))):
                formula = reference.find(q(C, "f"))
                if formula is None or not sheets_in(formula.text or "") & names:
                    continue
                count += _chart_literal(reference)
        return count

    def _still_referred(
        self, owned: set[str], names: set[str], name_refs: re.Pattern[str] | None
    ) -> set[str]:
        still: set[str] = set()
        for part in sorted(self.package.parts):
            if part in owned or not self.package.is_xml(part) or part.endswith(".rels"):
                continue
            if part.startswith(("docProps/", "customXml/")):
                continue  # removed with the other properties
            try:
                root = self.package.xml(part)
            except Exception:  # an unreadable part is reported by the walk that follows
                continue
            for element in root.iter(*_FORMULA_TAGS):
                still |= sheets_in(element.text or "") & names
                if name_refs is not None and name_refs.search(element.text or ""):
                    still |= names  # a name we removed, where no value can stand in
                sheet = element.get("sheet")
                if sheet and sheet.casefold() in names:
                    still.add(sheet.casefold())
        return still

    def _remove_sheets(self, sheets: list[etree._Element], removed: list[etree._Element]) -> None:
        new_index, position = {}, 0
        for index, sheet in enumerate(sheets):
            if sheet in removed:
                continue
            new_index[index] = position
            position += 1
        dropped_rels = set()
        for sheet in removed:
            rel_id = sheet.get(q(R, "id"), "")
            part = self.targets.get(rel_id, "")
            cells = (
                len(list(self.package.xml(part).iter(q(S, "c"))))
                if part in self.package.parts
                else 0
            )
            self.record(
                self.main,
                "HiddenSheet",
                f"{sheet.get('name')} ({sheet.get('state')}, {cells} cells)",
            )
            _remove(sheet)
            dropped_rels.add(rel_id)
            self.package.remove(part)
        # Excel rebuilds its calculation chain, which numbers sheets.
        for rel in self.package.relationships(self.main):
            if rel.kind == "calcChain":
                dropped_rels.add(rel.id)
                self.package.remove(resolve_target(self.main, rel.target))
        self.package.drop_relationships(self.main, dropped_rels)
        holder = self.root.find(q(S, "definedNames"))
        for defined in [] if holder is None else list(holder):
            local = defined.get("localSheetId", "")
            if local.isdigit() and int(local) in new_index:
                defined.set("localSheetId", str(new_index[int(local)]))
        for view in self.root.iter(q(S, "workbookView")):
            for attribute in ("activeTab", "firstSheet"):
                value = view.get(attribute, "")
                if value.isdigit():
                    view.set(attribute, str(new_index.get(int(value), 0)))


def _chart_literal(reference: etree._Element) -> int:
    """A chart's reference to cells becomes the literal values it cached."""
    local = etree.QName(reference).localname
    cache = reference.find(q(C, "numCache" if local == "numRef" else "strCache"))
    parent = reference.getparent()
    if parent is None:
        return 0
    if etree.QName(parent).localname == "tx":
        # A series name: only a reference or a plain value may stand there.
        value = etree.Element(q(C, "v"))
        point = cache.find(f"{{{C}}}pt/{{{C}}}v") if cache is not None else None
        value.text = point.text if point is not None else ""
        parent.replace(reference, value)
        return 1
    literal = etree.Element(q(C, "numLit" if local == "numRef" else "strLit"))
    for child in list(cache) if cache is not None else []:
        literal.append(child)
    parent.replace(reference, literal)
    return 1


def _targets(package: Package, source: str) -> dict[str, str]:
    return {
        rel.id: resolve_target(source, rel.target)
        for rel in package.relationships(source)
        if not rel.external
    }


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)
