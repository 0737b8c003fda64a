"""The contract every cleaner (built-in or plugin) fulfils.

A cleaner works on the bytes of one file. ``inspect`` lists what ``clean`` would remove;
after cleaning, the pipeline inspects the output again and refuses it if anything is left,
so the two must agree: whatever ``clean`` keeps on purpose (a photo's Orientation, an ICC
profile) is never listed by ``inspect``.
"""

from __future__ import annotations

import functools
import struct
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from sanitize.errors import CorruptFileError, LimitExceededError, SanitizeError
from sanitize.options import Options
from sanitize.report import MetadataItem

if TYPE_CHECKING:
    from sanitize.detect.engine import Span

# Finds sensitive spans in a batch of texts (one list of spans per text).
Scanner = Callable[[list[str]], list[list["Span"]]]


@dataclass
class CleanResult:
    # Movies may hand back the bytearray they edited: no second copy of a large file.
    data: bytes | bytearray
    notes: list[str] = field(default_factory=list)


# What parsers raise on malformed input; they mean "this file is broken", not "bug".
MALFORMED = (
    ValueError,
    IndexError,
    KeyError,
    LookupError,
    struct.error,
    zlib.error,
    EOFError,
    OverflowError,
    UnicodeError,
    TypeError,
    AttributeError,
    AssertionError,
    NotImplementedError,  # a library meeting a feature it does not handle (unknown PDF filter)
)
GUARDED = ("inspect", "clean", "verify", "redact", "remarks")


def _guard(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: Cleaner, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except SanitizeError:
            raise
        except RecursionError as exc:
            raise LimitExceededError(f"malformed {self.name}: structure nested too deeply") from exc
        except MemoryError as exc:
            raise LimitExceededError(f"malformed {self.name}: too large to process") from exc
        except Exception as exc:
            if not isinstance(exc, MALFORMED + self.malformed_errors()):
                raise
            detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            raise CorruptFileError(f"malformed {self.name} file ({detail})") from exc

    guarded.__sanitize_guarded__ = True  # type: ignore[attr-defined]
    return guarded


class Cleaner(ABC):
    """Subclasses' parsing methods are wrapped so that only SanitizeError escapes them:
    a hostile file gives a clear error and is never reported as clean."""

    #: Short name shown in messages.
    name: ClassVar[str]
    #: The detected kinds (see sanitize.filetype) this cleaner handles.
    kinds: ClassVar[frozenset[str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in GUARDED:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "__sanitize_guarded__", False):
                setattr(cls, name, _guard(name, method))

    @classmethod
    def malformed_errors(cls) -> tuple[type[BaseException], ...]:
        """The parsing library's own "bad file" exceptions (imported only when needed)."""
        return ()

    @classmethod
    def sniff(cls, data: bytes) -> str | None:
        """Recognise a kind that sanitize.filetype does not know (for plugins)."""
        return None

    @abstractmethod
    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        """List every removable item the file carries."""

    @abstractmethod
    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        """Return the cleaned bytes; raise SanitizeError when that cannot be done safely."""

    #: Whether ``redact`` can rewrite this format's text (clean --redact).
    can_redact: ClassVar[bool] = False

    def redact(self, data: bytes, kind: str, options: Options, scan: Scanner) -> bytes:
        """Replace every finding in the (already cleaned) file's text."""
        raise SanitizeError(f"{self.name} files cannot be redacted")

    def remarks(self, data: bytes, kind: str, options: Options) -> list[str]:
        """Things kept on purpose that a user should still look at (a hidden sheet)."""
        return []

    def verify(self, original: bytes, cleaned: bytes, kind: str, options: Options) -> None:  # noqa: B027
        """Check that cleaning kept what must be kept; raise VerificationError if not."""


class MutagenCleaner(Cleaner):
    """Base of the audio cleaners built on mutagen: its errors mean a malformed file."""

    @classmethod
    def malformed_errors(cls) -> tuple[type[BaseException], ...]:
        import mutagen

        return (mutagen.MutagenError,)
