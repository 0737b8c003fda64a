"""Shapes that are never a private name, whatever a model or the data say: placeholders,
anonymised letters, acronyms, headings, imperatives with a pronoun, text across lines."""

from __future__ import annotations

import re

from sanitize.detect.patterns import Hit

_TOKEN = re.compile(r"[\w'’.-]+")
# Words a model glues to the front of a name: greetings and titles ("Bonjour Marie").
_LEADING = re.compile(
    r"(?:bonjour|bonsoir|salut|coucou|hello|hi|hey|dear|cher|chère|chers|chères|merci|thanks|"
    r"bises|bisous|cordialement|regards|best|cc|madame|monsieur|mme|mlle|mr|mrs|ms|m|dr|docteur)"
    r"[.,:!]*",
    re.IGNORECASE,
)
# French imperatives with a pronoun ("Contactez-moi") are not names or places.
_IMPERATIVE = re.compile(
    r"-(?:moi|toi|nous|vous|le|la|les|lui|leur|en|y)(?:$|(?=\W))", re.IGNORECASE
)


def trim_name(text: str, hit: Hit) -> Hit | None:
    """Drop greeting words a model glued to a name ("Bonjour Marie" -> "Marie")."""
    start, end = hit.start, hit.end
    while True:
        match = _TOKEN.match(text, start)
        if not match or match.end() >= end or not _LEADING.fullmatch(match.group()):
            break
        start = match.end()
        while start < end and not text[start].isalnum():
            start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if end - start < 2:
        return None
    return Hit(hit.type, start, end, hit.score)


def _line(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end >= 0 else len(text)]


def keep_name(text: str, hit: Hit) -> bool:
    value = text[hit.start : hit.end]
    tokens = value.split()
    if any(c.isdigit() for c in value) or any(c in value for c in "@#[]{}<>/\\|_=*"):
        return False
    if "\n" in value:
        return False  # names do not run across lines; headings glued to text do
    if _IMPERATIVE.search(value) or _IMPERATIVE.match(text[hit.end : hit.end + 6].rstrip(" ,.!?")):
        return False
    if not value[:1].isupper():
        return False  # models tag lower-case common words in informal text
    if hit.type == "LOCATION" and value.isupper() and len(value) <= 6 and len(tokens) == 1:
        return False  # acronyms: TJM, SEO, HT (names.py judges names in capitals)
    # Anonymised names: "Marque X", "Client A" (initials come first: "B Abbott"); a given
    # name with the initial of a surname is a person written short ("Alain R").
    initial_last = bool(tokens) and len(tokens[-1].rstrip(".")) == 1 and tokens[-1][:1].isupper()
    if initial_last and not (len(tokens) == 2 and _given_name(tokens[0])):
        return False
    line = _line(text, hit.start).strip()
    if line.startswith("#") or line.endswith(":") and len(line) < 60 and value in line[:-1]:
        return False  # a heading
    if hit.type == "LOCATION":
        letters = [c for c in line if c.isalpha()]
        return not (letters and all(c.isupper() for c in letters) and len(line) < 80)
    return True


def _given_name(word: str) -> bool:
    from sanitize.detect.names import is_given

    return is_given(word)
