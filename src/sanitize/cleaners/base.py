"""The contract every cleaner (built-in or plugin) fulfils.

A cleaner opens a file's bytes once into a ``ParsedFile``. That one object answers every
question the pipeline asks about the file, from the one walk it made:

- ``items()``: everything cleaning removes (what ``show`` and ``check`` list);
- ``remarks()``: things kept on purpose that a person should still look at;
- ``clean()``: the cleaned bytes, with notes (or, for a large mapped file, a plan of the
  copy: see sanitize.source and ``ParsedFile.planned``);
- ``verify(cleaned)``: compare a cleaned output (opened as a new ParsedFile) with this
  original, on what a person sees or hears (pixels, text, samples), and raise if it differs;
- ``text_parts()``: the visible text, in parts that say where they come from, for the
  sensitive-text scan;
- ``redact(replacements)``: the same parts with replacements applied, as bytes.

Inspect and clean cannot disagree because they are the same walk. The pipeline opens the
output again as a new ParsedFile and refuses it if ``items()`` is not empty. Cleaners never
call the pipeline or the registry: what they need (options, cleaning an embedded file) comes
from the ``Context`` they are given. Exceptions are sorted by the pipeline's guard
(sanitize.context): a parsing library's errors mean "malformed file", anything else is
reported as an internal error of the cleaner.
"""

from __future__ import annotations

import bisect
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from sanitize.errors import SanitizeError
from sanitize.options import Options
from sanitize.report import MetadataItem
from sanitize.source import Plan, is_mapped

if TYPE_CHECKING:
    from sanitize.context import Context


@dataclass
class CleanResult:
    """The cleaned file: its bytes, or (for a large file read through a memory map) a
    ``Plan`` of the ranges to copy from the original and the bytes to write between them,
    which the pipeline writes with the kernel's copy. Most cleaners only fill ``data``."""

    # Movies may hand back the bytearray they edited: no second copy of a large file.
    data: bytes | bytearray = b""
    notes: list[str] = field(default_factory=list)
    plan: Plan | None = None


@dataclass
class TextPart:
    """A piece of a file's visible text and where it comes from."""

    where: str  # "" for a whole text file, else "page 2", "slide 3", "word/footer1.xml"...
    text: str
    # For parts made of many small pieces (spreadsheet cells): (offset, label), sorted.
    labels: list[tuple[int, str]] = field(default_factory=list)

    def label_at(self, offset: int) -> str:
        if not self.labels:
            return self.where
        index = bisect.bisect_right([o for o, _ in self.labels], offset) - 1
        return self.labels[max(index, 0)][1]


@dataclass(frozen=True)
class Replacement:
    """Replace ``text[start:end]`` of one text part with ``new``."""

    start: int
    end: int
    new: str


class ParsedFile(ABC):
    """One file, opened once by its cleaner."""

    #: Whether ``redact`` can rewrite this format's text (clean --redact).
    can_redact: ClassVar[bool] = False

    def __init__(self, data: bytes, kind: str, context: Context) -> None:
        self.data = data
        self.kind = kind
        self.context = context

    @property
    def options(self) -> Options:
        return self.context.options

    @abstractmethod
    def items(self) -> list[MetadataItem]:
        """Every removable item the file carries."""

    def remarks(self) -> list[str]:
        """Things kept on purpose that a user should still look at."""
        return []

    @property
    def streamed(self) -> bool:
        """Whether ``data`` is a memory map of a large file (see sanitize.source): slicing,
        ``find`` and ``struct.unpack_from`` work as on bytes, but reading all of it would
        bring the whole file into memory. Only cleaners of formats marked ``streams`` in
        sanitize.catalog are handed one."""
        return is_mapped(self.data)

    def planned(self, plan: Plan, notes: list[str]) -> CleanResult:
        """The result of a cleaner that describes its output as a plan: written by the
        pipeline for a mapped file, rendered in memory for bytes (the same output)."""
        if self.streamed:
            return CleanResult(b"", notes, plan)
        return CleanResult(plan.render(self.data), notes)

    @abstractmethod
    def clean(self) -> CleanResult:
        """The cleaned bytes; raise SanitizeError when that cannot be done safely."""

    def verify(self, cleaned: ParsedFile) -> None:  # noqa: B027 - optional hook
        """Check that cleaning kept what must be kept; raise VerificationError if not."""

    def text_parts(self) -> list[TextPart]:
        """The text a person reads in this file (none for most media)."""
        return []

    def redact(self, replacements: Sequence[Sequence[Replacement]]) -> bytes:
        """The file with ``replacements[i]`` applied to ``text_parts()[i]``."""
        raise SanitizeError(f"{self.kind} files cannot be redacted")


class WalkedFile(ParsedFile):
    """A parsed file whose constructor makes the one walk and fills ``_items``, ``_notes``
    and ``_output``; ``_error`` holds why the output cannot be written when the walk found
    that, so that listing still works and only cleaning fails."""

    _items: list[MetadataItem]
    _notes: list[str]
    _output: bytes
    _error: BaseException | None = None

    def items(self) -> list[MetadataItem]:
        return list(self._items)

    def clean(self) -> CleanResult:
        if self._error is not None:
            raise self._error
        return CleanResult(self._output, list(self._notes))


class Cleaner(ABC):
    """Opens the files of some kinds. One instance serves a whole run."""

    #: Short name shown in messages.
    name: ClassVar[str]
    #: The detected kinds (see sanitize.filetype and sanitize.catalog) this cleaner handles.
    kinds: ClassVar[frozenset[str]]
    #: Bump when the output changes, so cached results of an older version are not reused.
    version: ClassVar[str] = "1"
    #: True when ``open`` accepts a memory map of a large file (see ``ParsedFile.streamed``)
    #: and ``clean`` then returns a plan: such files have no size cap and are never read
    #: whole. Left False, a cleaner is always handed bytes, under --max-size.
    streams: ClassVar[bool] = False

    @classmethod
    def malformed_errors(cls) -> tuple[type[BaseException], ...]:
        """The parsing library's own "bad file" exceptions (imported only when needed)."""
        return ()

    @classmethod
    def sniff(cls, data: bytes) -> str | None:
        """Recognise a kind that sanitize.filetype does not know (for plugins)."""
        return None

    @abstractmethod
    def open(self, data: bytes, kind: str, context: Context) -> ParsedFile:
        """Parse ``data`` once; raise SanitizeError (or a parsing error) if it is broken."""


class MutagenCleaner(Cleaner):
    """Base of the audio cleaners built on mutagen: its errors mean a malformed file."""

    @classmethod
    def malformed_errors(cls) -> tuple[type[BaseException], ...]:
        import mutagen

        return (mutagen.MutagenError,)


def replace_in(text: str, replacements: Sequence[Replacement]) -> str:
    """``text`` with non-overlapping replacements applied (the last first, so offsets hold)."""
    for item in sorted(replacements, key=lambda r: r.start, reverse=True):
        text = text[: item.start] + item.new + text[item.end :]
    return text
