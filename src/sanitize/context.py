"""What a cleaner is handed: the options, the registry, and one way to clean nested files.

Also the guard that every call into a cleaner goes through. Parsing errors (each parsing
library's own, ``struct.error``, ``zlib.error``, ``ValueError``/``IndexError``/``KeyError``
raised while reading a structure...) become a one-line "malformed file" error. Anything
else (``TypeError``, ``AttributeError``...) is a bug in the cleaner: it becomes an
``InternalError`` that names the cleaner, so a programming error never reads as a corrupt
input and the fuzz tests can see it.
"""

from __future__ import annotations

import contextlib
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sanitize import filetype
from sanitize.cleaners.base import Cleaner, ParsedFile
from sanitize.errors import (
    CorruptFileError,
    InternalError,
    LimitExceededError,
    SanitizeError,
    VerificationError,
)
from sanitize.options import Options
from sanitize.report import MetadataItem

if TYPE_CHECKING:
    from sanitize.registry import Registry

# What parsers raise on malformed input: "this file is broken", not "bug".
PARSE_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,  # includes UnicodeError
    IndexError,
    KeyError,
    struct.error,
    zlib.error,
    EOFError,
    OverflowError,
    zipfile.BadZipFile,
    SyntaxError,  # lxml's XMLSyntaxError derives from it
    NotImplementedError,  # a library meeting a feature it does not handle
)
# Files inside files inside files: deeper than this is hostile, not a real document.
MAX_NESTING = 4

T = TypeVar("T")


@contextlib.contextmanager
def guard(cleaner: Cleaner) -> Iterator[None]:
    try:
        yield
    except SanitizeError:
        raise
    except RecursionError as exc:
        raise LimitExceededError(f"malformed {cleaner.name}: structure nested too deeply") from exc
    except MemoryError as exc:
        raise LimitExceededError(f"malformed {cleaner.name}: too large to process") from exc
    except Exception as exc:
        if isinstance(exc, PARSE_ERRORS + cleaner.malformed_errors()):
            detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            raise CorruptFileError(f"malformed {cleaner.name} file ({detail})") from exc
        raise InternalError(cleaner.name, exc) from exc


@dataclass
class Nested:
    """An embedded file after ``Context.clean_nested``."""

    kind: str
    data: bytes  # the cleaned bytes, or the original ones when ``handled`` is False
    handled: bool  # False: no cleaner knows this kind; the caller decides what to do
    items: list[MetadataItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Context:
    """Options, registry and nested cleaning for one file (and the files inside it)."""

    def __init__(self, options: Options, registry: Registry, depth: int = 0):
        self.options = options
        self.registry = registry
        self.depth = depth

    def detect(self, data: bytes) -> str:
        return self.registry.sniff(data) or filetype.detect(data)

    def call(self, cleaner: Cleaner, method: Callable[..., T], *args: object) -> T:
        """Call a cleaner's or parsed file's method behind the guard."""
        with guard(cleaner):
            return method(*args)

    def open(self, cleaner: Cleaner, data: bytes, kind: str) -> ParsedFile:
        with guard(cleaner):
            return cleaner.open(data, kind, self)

    def reopen_clean(self, cleaner: Cleaner, data: bytes | bytearray, kind: str) -> ParsedFile:
        """Open an output as a new file: nothing removable may be left in it."""
        # Movie cleaners hand back the bytearray they edited (CleanResult.data) and it is
        # reopened without a copy, but Cleaner.open and every override still say ``bytes``.
        output = self.open(cleaner, data, kind)  # type: ignore[arg-type]
        leftover = self.call(cleaner, output.items)
        if leftover:
            first = leftover[0]
            raise VerificationError(
                f"{len(leftover)} item(s) remain after cleaning, e.g. {first.location} "
                f"{first.field}"
            )
        return output

    def reopen_verified(
        self, cleaner: Cleaner, original: ParsedFile, cleaned: bytes | bytearray
    ) -> ParsedFile:
        """Open the output as a new file: nothing removable may be left, and what a person
        sees or hears must be what the original showed."""
        output = self.reopen_clean(cleaner, cleaned, original.kind)
        self.call(cleaner, original.verify, output)
        return output

    def clean_nested(self, data: bytes, where: str = "") -> Nested:
        """Run the whole pipeline on an embedded file: detect its real type, open, clean,
        re-inspect and verify, with this context's options and registry."""
        kind = self.detect(data)
        cleaner = self.registry.for_kind(kind) if kind not in ("text", "plaintext") else None
        if cleaner is None:
            return Nested(kind, data, handled=False)
        if self.depth >= MAX_NESTING:
            raise LimitExceededError(f"files nested more than {MAX_NESTING} deep{_at(where)}")
        child = Context(self.options, self.registry, self.depth + 1)
        try:
            parsed = child.open(cleaner, data, kind)
            items = child.call(cleaner, parsed.items)
            result = child.call(cleaner, parsed.clean)
            child.reopen_verified(cleaner, parsed, result.data)
        except SanitizeError as exc:
            raise type(exc)(f"embedded {kind}{_at(where)}: {exc}") from exc
        return Nested(kind, bytes(result.data), True, items, result.notes)


def _at(where: str) -> str:
    return f" ({where})" if where else ""
