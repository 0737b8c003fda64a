"""Match the user's clients regardless of case and accents, in possessives, hashtags and
handles; a client named by an ordinary word is matched only where it is used as a name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from sanitize.detect.patterns import Hit

DETERMINERS = {
    "le",
    "la",
    "les",
    "l",
    "un",
    "une",
    "des",
    "du",
    "de",
    "d",
    "ma",
    "ta",
    "sa",
    "mon",
    "ton",
    "son",
    "mes",
    "tes",
    "ses",
    "notre",
    "votre",
    "nos",
    "vos",
    "leur",
    "leurs",
    "ce",
    "cet",
    "cette",
    "ces",
    "the",
    "a",
    "an",
    "my",
    "your",
    "his",
    "her",
    "our",
    "their",
    "this",
    "that",
    "these",
    "those",
    "some",
    "any",
    "no",
    "every",
}


def fold(text: str) -> str:
    """Lower case without accents, one character for one character (offsets survive)."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFKD", char)[:1].lower()
        out.append(base if len(base) == 1 else char)
    return "".join(out)


class ClientMatcher:
    def __init__(self, clients: tuple[tuple[str, str | None], ...]):
        self.placeholders: dict[str, str | None] = {}
        self._patterns: list[tuple[str, re.Pattern[str], bool]] = []
        for name, placeholder in clients:
            tokens = re.findall(r"\w+", fold(name))
            if not tokens:
                continue
            self.placeholders[fold(name)] = placeholder
            # Tokens may be joined by spaces, hyphens, apostrophes, dots or nothing
            # (#AtelierSerac, @studionacre, atelier-serac).
            body = r"[\s\-_'.’&+]*".join(re.escape(t) for t in tokens)
            pattern = re.compile(rf"(?<![\w])[#@]?{body}(?![\w])")
            self._patterns.append((name, pattern, len(tokens) == 1))

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def find(self, text: str) -> Iterator[tuple[Hit, str]]:
        folded = fold(text)
        for name, pattern, single_word in self._patterns:
            for match in pattern.finditer(folded):
                start, end = match.start(), match.end()
                original = text[start:end]
                tagged = original[:1] in "#@"
                if single_word and not tagged and not _used_as_name(text, start, original):
                    continue
                yield Hit("CLIENT", start, end, 1.0), name

    def placeholder(self, name: str) -> str | None:
        return self.placeholders.get(fold(name))


def _used_as_name(text: str, start: int, original: str) -> bool:
    """A capitalised word not led by a determiner: "chez Boussole", not "une boussole"."""
    if not original[:1].isupper():
        return False
    before = re.findall(r"\w+", text[max(0, start - 20) : start])
    return not (before and before[-1].lower() in DETERMINERS)
