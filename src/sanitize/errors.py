"""Errors that end the processing of one file with a one-line message."""


class SanitizeError(Exception):
    """A problem with one input file, worded for the user (one line, no traceback)."""


class CorruptFileError(SanitizeError):
    """The file's structure cannot be parsed safely."""


class UnsupportedVariantError(SanitizeError):
    """The format is known but this variant of it is not handled; fail closed."""


class LimitExceededError(SanitizeError):
    """A size, count or time cap was hit (decompression bombs, hostile nesting)."""


class VerificationError(SanitizeError):
    """The cleaned output still carries something it should not."""


class InternalError(Exception):
    """A programming error inside a cleaner or plugin (not a bad input file).

    Deliberately not a SanitizeError: it must never read as "malformed file", and the
    fuzz tests fail on it. The pipeline still turns it into one line and exit status 2."""

    def __init__(self, cleaner: str, error: BaseException):
        detail = " ".join(f"{type(error).__name__}: {error}".split())[:200]
        super().__init__(f"internal error in the {cleaner!r} cleaner ({detail}); please report it")
        self.cleaner = cleaner
