"""Whether the model's entities could change a text's findings, decided from the text alone.

Loading spaCy costs more than everything else a default run does to a document, and for
many texts it buys nothing: names.find only keeps what the model says when the data and
the context agree (a capitalised word that is not an ordinary word, a known given name or
surname, a title, a greeting, a street, a place tied to someone), and filters.keep_name then
drops any name that does not start with a capital. ``model_could_matter`` asks, for every
span an entity could cover, whether names.py's own rules would keep it; only when one could
count is the model loaded (engine.Detector). When in doubt it says yes.

It answers for any entities at all, not for what a model is likely to say, so it holds
whatever model is installed. The one assumption: an entity starts and ends between tokens,
never between two letters ("Jean-Pierre" may split at its hyphen, "10km" after its digits,
"Marie" never splits; spaCy's special cases such as "can|not" are the exception, which the
equivalence test over the benchmark texts would catch). The rules are names.py's own
functions, called on each candidate span; what this module mirrors is the shape of
names.find, as listed in ``model_could_matter``, and two quick tests written from its rules
(a digit in a name, the words other mentions are looked for with). tests/test_detect_gate.py
feeds random entities to names.find on the texts it lets through.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from sanitize.detect import filters, names
from sanitize.detect.ner import Entity
from sanitize.detect.patterns import Hit

# Where an entity can start: a letter not preceded by a letter.
_START = re.compile(r"(?<![^\W\d_])[^\W\d_]")
# Where an entity can end: after any character but a space or a tab (which names.py strips
# off), and neither between two letters nor between two digits.
_END = re.compile(r"(?<=[^\w \t]|_)|(?<=[^\W\d_])(?![^\W\d_])|(?<=\d)(?!\d)")
# What trim_name can leave last in a value: a letter or a digit, ending a run of either.
_RUN_END = re.compile(r"[^\W\d_]+|\d+")
# Ends that give a name a context of its own: a possessive or a comma after it (names._cue).
_END_CUE = re.compile(r"(?=['’]s|[ \t]*,)")
# keep_name drops every value holding one of these, so a longer value does too.
_NEVER_IN_NAME = re.compile(r"[\d@#\[\]{}<>/\\|_=*\n]")
_JOINTS = re.compile(r"['’-]")
_DIGIT = re.compile(r"\d")
# A word as names._other_mentions can match its start (not after a letter, "@" or ".").
_CAPITAL_WORD = re.compile(r"(?<![\w@.])[^\W\d_]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_PLAIN = frozenset("abcdefghjlmnopqrtuvwxyzABCDEFGHJLMNOPQRTUVWXYZ")
# Past this many candidate spans, or spans judged by names._model_person, weighing them
# costs more than it can save: the model is asked. No benchmark text the gate lets through
# comes near (1,200 spans and 43 judged at most).
MAX_SPANS = 20_000
MAX_JUDGED = 200


def model_could_matter(text: str, language: str) -> bool:
    """False only when no entities, whatever their labels and spans, change what names.find
    and filters.keep_name make of ``text``. names.find uses entities in three ways:

    - a PERSON entity judged by names._model_person, which also hides overlapping runs of
      capitalised words and brings other mentions of the name (names._other_mentions);
    - an ORG or LOCATION entity over a lone name found in a run drops it (names._brand);
    - a LOCATION entity tied to a person (names._tied_place) is a place.
    """
    language = language if language in ("fr", "en") else "en"
    return (
        _has_run_name(text, language)
        or _person_could_count(text, language)
        or _place_could_count(text)
    )


def _has_run_name(text: str, language: str) -> bool:
    """A name from the data alone: an entity could hide it, or shadow it with its own."""
    return any(
        names._run_person(text, run, language) is not None for run in names._RUN.finditer(text)
    )


def _person_could_count(text: str, language: str) -> bool:
    """Whether a PERSON entity from some capital to some end on its line could count."""
    ends = [match.start() for match in _END.finditer(text)]
    cue_ends = {match.start() for match in _END_CUE.finditer(text)}
    capitals = _Capitals(text)
    spans = judged = 0
    for start in _starts(text):
        if not text[start].isupper() or text[start - 1 : start] in ("@", "#"):
            continue  # names._model_person: a name starts with a capital, a handle is no name
        line_end = _line_end(text, start)
        candidates = _between(ends, start, line_end)
        if not _ends_anywhere(text, start, language):
            candidates = (end for end in candidates if end in cue_ends)
        for end in candidates:
            spans += 1
            if spans > MAX_SPANS:
                return True
            if not _may_count(text, start, end, language, capitals):
                continue  # whatever names._model_person makes of it, it would not count
            judged += 1
            if judged > MAX_JUDGED:
                return True
            hit = names._model_person(text, Entity("PERSON", start, end, True), language)
            if hit is not None and _person_counts(text, hit, language, capitals):
                return True
    return False


def _ends_anywhere(text: str, start: int, language: str) -> bool:
    """Whether a name from ``start`` may end anywhere on its line. Not when every word it
    could open with is an ordinary word and nothing before it (a title, a greeting, a
    byline, a sign-off) names someone: such a name needs a context (names._cue) that only a
    possessive or a comma after its end can still give."""
    if names._cue(text, start, start) in names.STRONG_CUES:
        return True
    word = names._WORD.match(text, start)
    if word is None:
        return True
    joints = [m.start() for m in _JOINTS.finditer(word.group())] + [len(word.group())]
    return any(not names.ordinary(word.group()[:joint], language) for joint in joints)


def _person_counts(text: str, hit: Hit, language: str, capitals: _Capitals) -> bool:
    """A PERSON hit the model alone brings counts if it survives names.find and
    keep_name, or if other mentions of it do. With no run of capitalised words found as a
    name (checked first), it hides nothing."""
    if names._public(text, hit, language) or names._in_place_name(text, hit):
        return False
    trimmed = filters.trim_name(text, hit)
    if trimmed is not None and filters.keep_name(text, trimmed):
        return True
    if not _mentions_possible(text, hit, language, capitals):
        return False
    return bool(names._other_mentions(text, [hit], language))


def _may_count(text: str, start: int, end: int, language: str, capitals: _Capitals) -> bool:
    """A quick test before names._model_person: the name it would make of [start, end)
    starts past any title and holds the same words. With a digit, keep_name drops it, so
    only other mentions of it could count."""
    if not _DIGIT.search(text, start, end):
        return True
    name = Hit("PERSON", names._strip_title(text, start, end), end, names.MODEL_SCORE)
    return _mentions_possible(text, name, language, capitals)


def _mentions_possible(text: str, hit: Hit, language: str, capitals: _Capitals) -> bool:
    """What names._other_mentions looks for, written with a capital outside the name: one
    of its words that reads as a name (the rule there), or the whole name."""
    tokens = tuple(names._tokens(text[hit.start : hit.end]))
    return any(
        position + length <= hit.start or position >= hit.end
        for position, length in capitals.mentions(tokens, language)
    )


class _Capitals:
    """Where the text writes words and names with a capital. names._other_mentions only
    finds a mention that starts with a capital where a word starts: a quick test before
    that slower call."""

    def __init__(self, text: str):
        self.text = text
        self.words: dict[str, list[int]] = {}
        for match in _CAPITAL_WORD.finditer(text):
            if match.group()[0].isupper():
                self.words.setdefault(_key(match.group()), []).append(match.start())
        self.found: dict[str, list[int]] = {}
        self.parts: dict[str, bool] = {}
        self.spans: dict[tuple[str, ...], list[tuple[int, int]]] = {}

    def mentions(self, tokens: tuple[str, ...], language: str) -> list[tuple[int, int]]:
        """Where a name made of ``tokens`` may be mentioned: its parts, then the whole."""
        if tokens not in self.spans:
            mentioned = [t for t in tokens if self._is_part(t, language)]
            if len(tokens) >= 2:
                mentioned.append(" ".join(tokens))
            self.spans[tokens] = [
                (p, len(name)) for name in mentioned for p in self._positions(name)
            ]
        return self.spans[tokens]

    def _is_part(self, token: str, language: str) -> bool:
        """names._other_mentions's rule for a word that names the person on its own."""
        if token not in self.parts:
            self.parts[token] = len(token) > 2 and (
                names.is_given(token)
                or names.is_surname(token)
                or not names.ordinary(token, language)
            )
        return self.parts[token]

    def _positions(self, name: str) -> list[int]:
        """Where ``name`` is written, in any case, from a word written with a capital."""
        if name not in self.found:
            letters = _LETTERS.match(name)
            candidates = self.words.get(_key(letters.group()), []) if letters else []
            same = re.compile(re.escape(name), re.IGNORECASE)
            self.found[name] = [p for p in candidates if same.match(self.text, p)]
        return self.found[name]


def _key(word: str) -> str:
    """The same key for any two words the case-insensitive comparison of ``re`` finds equal:
    ASCII letters in lower case, except i, k and s, which also match ı, İ, K (the Kelvin
    sign) and ſ; every other letter is a wildcard."""
    return "".join(c.lower() if c in _PLAIN else "?" for c in word)


def _place_could_count(text: str) -> bool:
    """A LOCATION entity counts if it is tied to a person (a street in it or just before
    it, or a personal sentence before it) and, once trimmed, keep_name keeps it."""
    for street in names._STREET.finditer(text):
        # A street word inside the entity: the kept value runs from a capital on its line.
        line_start = text.rfind("\n", 0, street.start()) + 1
        for start in _starts(text, line_start, street.start() + 1):
            if text[start].isupper() and _place_kept(text, start, street.start() + 1):
                return True
    for start in _starts(text):
        opened = [p for p in _trimmed_starts(text, start) if text[p].isupper()]
        if not opened:
            continue
        if names._tied_place(text, Entity("LOCATION", start, start, True)) and any(
            _place_kept(text, p, p + 1) for p in opened
        ):
            return True
    return False


def _trimmed_starts(text: str, start: int) -> Iterator[int]:
    """Where filters.trim_name may move an entity's start: past each greeting or title."""
    yield start
    while True:
        token = filters._TOKEN.match(text, start)
        if token is None or not filters._LEADING.fullmatch(token.group()):
            return
        start = token.end()
        while start < len(text) and not text[start].isalnum():
            start += 1
        if start == len(text):
            return
        yield start


def _place_kept(text: str, start: int, min_end: int) -> bool:
    """Whether keep_name keeps a LOCATION from ``start`` to some end at or after
    ``min_end`` on the same line (trim_name leaves a letter or a digit last)."""
    line_end = _line_end(text, start)
    for word in _RUN_END.finditer(text[start:line_end]):
        end = start + word.end()
        if _NEVER_IN_NAME.search(text, start, end):
            return False
        if end >= min_end and end - start >= 2:
            place = Hit("LOCATION", start, end, names.MODEL_SCORE)
            if filters.keep_name(text, place):
                return True
    return False


def _starts(text: str, begin: int = 0, end: int | None = None) -> Iterator[int]:
    for match in _START.finditer(text, begin, len(text) if end is None else end):
        yield match.start()


def _between(ends: list[int], start: int, stop: int) -> Iterator[int]:
    for index in range(bisect.bisect_right(ends, start), bisect.bisect_right(ends, stop)):
        yield ends[index]


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return end if end >= 0 else len(text)
