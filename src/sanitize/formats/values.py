"""Render raw metadata values as short printable strings for reports."""

from __future__ import annotations

MAX_VALUE_LENGTH = 200


def short_text(value: str, limit: int = MAX_VALUE_LENGTH) -> str:
    # Lone surrogates (bytes a parser could not decode, kept by surrogateescape) cannot be
    # printed or written as UTF-8: they are shown as "?".
    value = value.encode("utf-8", "replace").decode("utf-8")
    text = " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bytes_text(raw: bytes) -> str:
    """Decode printable bytes as text, else describe their size."""
    stripped = raw.rstrip(b"\x00")
    for encoding in ("utf-8", "latin-1"):
        try:
            text = stripped.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text and all(ch.isprintable() or ch in "\t\r\n" for ch in text):
            return short_text(text)
        break
    return f"<{len(raw)} bytes>"
