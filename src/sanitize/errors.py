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
