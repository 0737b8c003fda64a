"""The visible text of XML documents as text parts, and replacements written back into it.

A document's text is a list of pieces (a paragraph, a cell), each made of slots: the
``text`` or the ``tail`` of an element, in reading order. A part's text is its pieces
joined by newlines, so a scanner sees paragraph breaks, and each replacement is mapped
back onto the slots it covers: the new text goes into the slot where the finding starts,
the rest of the finding is cut from the following slots, so each run keeps its format.
The same map serves scanning and redaction, so both always see the same text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from sanitize.cleaners.base import Replacement, TextPart

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass(frozen=True)
class Slot:
    element: etree._Element
    tail: bool = False  # the text after the element's end tag, not inside it

    def get(self) -> str:
        return (self.element.tail if self.tail else self.element.text) or ""

    def set(self, value: str) -> None:
        if self.tail:
            self.element.tail = value
        else:
            self.element.text = value


@dataclass
class Piece:
    slots: list[Slot]
    label: str = ""
    # Called once after a replacement changed the piece (a number cell becomes text).
    on_change: Callable[[Piece], None] | None = None

    @property
    def text(self) -> str:
        return "".join(slot.get() for slot in self.slots)


@dataclass
class TextMap:
    """One text part made of pieces."""

    where: str
    pieces: list[Piece] = field(default_factory=list)
    # Elements whose text needs xml:space="preserve" once edited (WordprocessingML's w:t).
    preserve_space: frozenset[str] = frozenset()

    def add(
        self,
        slots: list[Slot],
        label: str = "",
        on_change: Callable[[Piece], None] | None = None,
    ) -> None:
        if any(slot.get() for slot in slots):
            self.pieces.append(Piece(slots, label, on_change))

    def part(self) -> TextPart:
        texts = [piece.text for piece in self.pieces]
        labels, offset = [], 0
        for piece, text in zip(self.pieces, texts, strict=True):
            if piece.label:
                labels.append((offset, piece.label))
            offset += len(text) + 1
        return TextPart(self.where, "\n".join(texts), labels)

    def apply(self, replacements: Sequence[Replacement], edited: dict[int, int]) -> None:
        """Write replacements (offsets into ``part().text``) back into the slots.
        ``edited`` maps each changed element to the piece that changed it: text shared by
        two pieces (a spreadsheet's shared string shown in two cells) is rewritten once."""
        # (start offset, slot, piece) for every slot, in order.
        layout: list[tuple[int, Slot, Piece]] = []
        offset = 0
        for piece in self.pieces:
            for slot in piece.slots:
                layout.append((offset, slot, piece))
                offset += len(slot.get())
            offset += 1  # the newline between pieces
        pending: list[Piece] = []
        for item in sorted(replacements, key=lambda r: r.start, reverse=True):
            touched = [
                (start, slot, piece)
                for start, slot, piece in layout
                if start < item.end
                and item.start < start + len(slot.get())
                or (start == item.start and not slot.get())
            ]
            if not touched or any(
                edited.get(id(slot.element), id(piece)) != id(piece) for _, slot, piece in touched
            ):
                continue
            placed = False
            changed: list[Piece] = []
            for start, slot, piece in touched:
                text = slot.get()
                cut_from = max(item.start, start) - start
                cut_to = min(item.end, start + len(text)) - start
                slot.set(text[:cut_from] + ("" if placed else item.new) + text[cut_to:])
                placed = True
                if etree.QName(slot.element).text in self.preserve_space and not slot.tail:
                    slot.element.set(XML_SPACE, "preserve")
                if piece not in changed:
                    changed.append(piece)
            for piece in changed:
                for slot in piece.slots:
                    edited[id(slot.element)] = id(piece)
                if piece.on_change is not None and piece not in pending:
                    pending.append(piece)
        for piece in pending:  # after every replacement, so no slot moves under another one
            if piece.on_change is not None:
                piece.on_change(piece)


def mixed_slots(element: etree._Element) -> list[Slot]:
    """Every text slot inside ``element`` in reading order (its text, then each child's
    slots followed by the child's tail), as in mixed content such as SVG's <text>."""
    slots = [Slot(element)]
    for child in element:
        if isinstance(child.tag, str):
            slots.extend(mixed_slots(child))
        slots.append(Slot(child, tail=True))
    return slots


def own_slots(element: etree._Element, boundary: Callable[[etree._Element], bool]) -> list[Slot]:
    """The slots of ``element`` in reading order, like ``mixed_slots``, except that a child
    for which ``boundary`` is true is left out (it is a piece of its own, such as a
    comment or a text box anchored in a paragraph); the text after it still belongs here.
    Comments, processing instructions and entity references contribute their tails only."""
    slots = [Slot(element)]
    for child in element:
        if isinstance(child.tag, str) and not boundary(child):
            slots.extend(own_slots(child, boundary))
        slots.append(Slot(child, tail=True))
    return slots


def visible_text(element: etree._Element, skip: tuple[str, ...] = ()) -> list[str]:
    """The text of ``element`` in reading order, without comments, processing
    instructions and the subtrees whose tag is in ``skip`` (their tails stay)."""
    out: list[str] = []
    if element.text and isinstance(element.tag, str):
        out.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag not in skip:
            out.extend(visible_text(child, skip))
        if child.tail:
            out.append(child.tail)
    return out
