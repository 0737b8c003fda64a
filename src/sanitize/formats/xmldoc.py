"""Zip documents made of XML parts (Office Open XML, OpenDocument, EPUB), read once.

Their text is mapped first, from the document as the author left it (the scan sees what
the author wrote); the removal walk then runs once, on demand, recording each thing it
removes, so the listing and the cleaned output come from the same walk. Redaction edits
the mapped text of the unscrubbed document. Each format says how its text is mapped and
how its walk is made; it keeps its own verification and writing.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Generic, Protocol, TypeVar

from sanitize.cleaners.base import ParsedFile, Replacement, TextPart
from sanitize.errors import VerificationError
from sanitize.report import MetadataItem

if TYPE_CHECKING:
    from sanitize.context import Context
    from sanitize.formats.xmltext import TextMap


class Walk(Protocol):
    """A format's removal walk: ``run`` once, then what it removed and what it noted."""

    items: list[MetadataItem]
    notes: list[str]

    def run(self) -> None: ...


W = TypeVar("W", bound=Walk)


class XmlDocumentFile(ParsedFile, Generic[W]):
    """A parsed zip document whose text maps are taken before its one removal walk."""

    can_redact = True
    #: What the document is called when redaction is refused ("package", "book"...).
    noun: ClassVar[str] = "document"

    def __init__(self, data: bytes, kind: str, context: Context) -> None:
        super().__init__(data, kind, context)
        self._maps: list[TextMap] | None = None
        self._scrub: W | None = None

    @abstractmethod
    def _build_text_maps(self) -> list[TextMap]:
        """The text maps of the document as it was read (called once)."""

    @abstractmethod
    def _build_scrub(self) -> W:
        """The removal walk, not yet run (called once, after the text maps are taken)."""

    def _text_maps(self) -> list[TextMap]:
        if self._maps is None:
            self._maps = self._build_text_maps()
        return self._maps

    def _scrubbed(self) -> W:
        if self._scrub is None:
            self._text_maps()  # before the walk changes the document
            self._scrub = self._build_scrub()
            self._scrub.run()
        return self._scrub

    def items(self) -> list[MetadataItem]:
        return list(self._scrubbed().items)

    def remarks(self) -> list[str]:
        return list(self._scrubbed().notes)

    def text_parts(self) -> list[TextPart]:
        return [text_map.part() for text_map in self._text_maps()]

    def redact(self, replacements: Sequence[Sequence[Replacement]]) -> bytes:
        if self._scrub is not None:
            raise VerificationError(f"redaction applies to an unscrubbed {self.noun}")
        edited: dict[int, int] = {}
        changed: list[int] = []
        for index, (text_map, found) in enumerate(
            zip(self._text_maps(), replacements, strict=True)
        ):
            if found:
                text_map.apply(found, edited)
                changed.append(index)
        return self._write_redacted(changed)

    @abstractmethod
    def _write_redacted(self, changed: list[int]) -> bytes:
        """The document after redaction edited the text maps at indexes ``changed``."""


def clean_member(
    context: Context,
    members: dict[str, bytes],
    name: str,
    items: list[MetadataItem],
    notes: list[str],
) -> bool:
    """Clean the embedded file ``members[name]`` in place, recording what it lost and its
    notes under its name; False (and nothing changed) when no cleaner knows its kind."""
    nested = context.clean_nested(members[name], name)
    if not nested.handled:
        return False
    for item in nested.items:
        items.append(MetadataItem(f"{name}:{item.location}", item.field, item.value))
    members[name] = nested.data
    notes.extend(f"{name}: {note}" for note in nested.notes)
    return True


def note_kept(skipped: list[str], notes: list[str]) -> None:
    """Note the embedded files no cleaner could inspect (the first five named)."""
    if skipped:
        listed = ", ".join(skipped[:5])
        notes.append(f"kept {len(skipped)} embedded file(s) sanitize cannot inspect: {listed}")
