"""Find the comments of a style sheet, the way a CSS tokenizer does (CSS Syntax Level 3).

``/*`` opens a comment except inside a string or an unquoted ``url(...)``; an unclosed
comment runs to the end of the sheet. Removing a comment must not glue two tokens into one
(``a/**/b`` is two identifiers, ``ab`` is one), so where the characters on both sides could
join, an empty ``/**/`` is left in its place: it carries nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL_OPEN = re.compile(r"url\(\s*(?=[^\s\"'])", re.IGNORECASE)
_IDENT_BEFORE = re.compile(r"[\w\-]$|[\\]$", re.UNICODE)
EMPTY = "/**/"


@dataclass(frozen=True)
class Comment:
    start: int
    end: int
    text: str  # between /* and */

    @property
    def is_license(self) -> bool:
        """``/*! ... */``: minifiers keep these on purpose (a licence may require them)."""
        return self.text.startswith("!")

    @property
    def is_source_map(self) -> bool:
        return self.text.lstrip().startswith(("# sourceMappingURL=", "@ sourceMappingURL="))


def comments(text: str) -> list[Comment]:
    found: list[Comment] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char == "\\":
            position += 2
        elif char in "\"'":
            position = _string_end(text, position)
        elif char == "/" and text.startswith("/*", position):
            close = text.find("*/", position + 2)
            end = length if close < 0 else close + 2
            body_end = length if close < 0 else close
            found.append(Comment(position, end, text[position + 2 : body_end]))
            position = end
        elif char in "uU" and (match := _URL_OPEN.match(text, position)):
            if position == 0 or not _IDENT_BEFORE.search(text[position - 1]):
                close = text.find(")", match.end())
                position = length if close < 0 else close + 1
            else:
                position += 1
        else:
            position += 1
    return found


def _string_end(text: str, start: int) -> int:
    quote, position = text[start], start + 1
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == quote:
            return position + 1
        if char == "\n":  # a bad string ends at the line's end
            return position
        position += 1
    return len(text)


def _word(char: str) -> bool:
    return char.isalnum() or char in "-_\\%.#@+" or ord(char) > 127


def _joins(left: str, right: str) -> bool:
    """Whether two characters could make one token if nothing stood between them."""
    if not left or not right:
        return False
    return (_word(left) and _word(right)) or (left == "/" and right == "*")


def without_comments(text: str, keep: bool = False) -> str:
    """``text`` with every comment removed (``keep``: except ``/*! licence */`` ones)."""
    return remove(text, [c for c in comments(text) if not (keep and c.is_license)])


def remove(text: str, spans: list[Comment]) -> str:
    parts: list[str] = []
    position, last = 0, ""
    for comment in spans:
        kept = text[position : comment.start]
        parts.append(kept)
        last = kept[-1] if kept else last
        if _joins(last, text[comment.end : comment.end + 1]):
            parts.append(EMPTY)
            last = "/"
        position = comment.end
    parts.append(text[position:])
    return "".join(parts)


def is_removable(comment: Comment) -> bool:
    """Empty comments (left to keep tokens apart) and licence notices stay."""
    return bool(comment.text) and not comment.is_license
