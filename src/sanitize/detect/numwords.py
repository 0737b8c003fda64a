"""Numbers written out in words, in French and English: their value and their digits.

People write phone numbers and amounts in words to dodge scrapers or simply because they
talk that way ("zéro six, douze, trente-quatre...", "five grand", "trois mille euros").
This module reads such runs of words with the closed grammar of cardinal numbers; it knows
nothing of phones or prices, which ``patterns`` decides from the numbers it returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The closed grammar of cardinal numbers in French and English (France, Belgium, Switzerland
# and Canada included: septante, huitante, octante, nonante). Nothing else belongs here.
ZERO = {"zero", "zéro", "oh", "nought"}  # "oh" only ever counts inside a run of number words
UNITS = {
    **dict.fromkeys(("one", "un", "une"), 1),
    **dict.fromkeys(("two", "deux"), 2),
    **dict.fromkeys(("three", "trois"), 3),
    **dict.fromkeys(("four", "quatre"), 4),
    **dict.fromkeys(("five", "cinq"), 5),
    **dict.fromkeys(("six",), 6),
    **dict.fromkeys(("seven", "sept"), 7),
    **dict.fromkeys(("eight", "huit"), 8),
    **dict.fromkeys(("nine", "neuf"), 9),
}
TEENS = {
    **dict.fromkeys(("ten", "dix"), 10),
    **dict.fromkeys(("eleven", "onze"), 11),
    **dict.fromkeys(("twelve", "douze"), 12),
    **dict.fromkeys(("thirteen", "treize"), 13),
    **dict.fromkeys(("fourteen", "quatorze"), 14),
    **dict.fromkeys(("fifteen", "quinze"), 15),
    **dict.fromkeys(("sixteen", "seize"), 16),
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    **dict.fromkeys(("twenty", "vingt", "vingts"), 20),
    **dict.fromkeys(("thirty", "trente"), 30),
    **dict.fromkeys(("forty", "quarante"), 40),
    **dict.fromkeys(("fifty", "cinquante"), 50),
    **dict.fromkeys(("sixty", "soixante"), 60),
    **dict.fromkeys(("seventy", "septante"), 70),
    **dict.fromkeys(("eighty", "huitante", "octante"), 80),
    **dict.fromkeys(("ninety", "nonante"), 90),
}
HUNDRED = {"hundred", "cent", "cents"}
SCALES = {
    **dict.fromkeys(("thousand", "mille", "mil"), 1_000),
    **dict.fromkeys(("million", "millions"), 1_000_000),
    **dict.fromkeys(("billion", "billions", "milliard", "milliards"), 1_000_000_000),
}
GRAND = {"grand", "grands"}  # money slang for a thousand: "five grand"
FRACTIONS = {"half": 0.5, "demi": 0.5, "quarter": 0.25, "quart": 0.25}
ARTICLES = {"a", "an"}  # "a hundred", "a quarter million", "half a million"
JOINERS = {"et", "and"}  # "vingt et un", "one hundred and five"
REPEATS = {"double": 2, "triple": 3}  # "double oh seven": how phone numbers are read out
FRENCH = {
    "zéro",
    "un",
    "une",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "vingt",
    "vingts",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "septante",
    "huitante",
    "octante",
    "nonante",
    "cent",
    "mille",
    "demi",
    "quart",
}
NUMBER_WORDS = (
    ZERO
    | set(UNITS)
    | set(TEENS)
    | set(TENS)
    | HUNDRED
    | set(SCALES)
    | GRAND
    | set(FRACTIONS)
    | set(REPEATS)
)

_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
# What may stand between two words of one run: spaces, hyphens, commas (phone numbers are
# read out in groups), never a sentence end or a line break.
_GAP = re.compile(r"[ \t\u00a0\u202f]*[-,]?[ \t\u00a0\u202f]*")


@dataclass(frozen=True)
class Number:
    """One number read from words: its value, its digits as spoken, its span in the text."""

    value: float
    digits: str
    start: int
    end: int
    words: tuple[str, ...]
    has_scale: bool  # thousand, million, grand...: a magnitude, never a phone group


@dataclass(frozen=True)
class Run:
    """Number words that follow one another with only spaces, hyphens or commas between."""

    start: int
    end: int
    numbers: tuple[Number, ...]

    @property
    def digits(self) -> str:
        return "".join(n.digits for n in self.numbers)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def runs(text: str) -> list[Run]:
    """Every run of number words in ``text``, each split into the numbers it says."""
    if not any(w in NUMBER_WORDS for w in re.findall(r"[a-zà-ÿ]+", text.lower())):
        return []  # the common case: no number word at all
    tokens = _tokens(text)
    found: list[Run] = []
    index = 0
    while index < len(tokens):
        word = tokens[index][0]
        starts = word in NUMBER_WORDS or (
            word in ARTICLES
            and index + 1 < len(tokens)
            and tokens[index + 1][0] in (HUNDRED | set(SCALES) | set(FRACTIONS))
        )
        if not starts or (word == "oh" and not _next_is_number(tokens, index, text)):
            index += 1
            continue
        last = index
        while last + 1 < len(tokens) and _joined(text, tokens[last], tokens[last + 1]):
            following = tokens[last + 1][0]
            if following in NUMBER_WORDS or following in ARTICLES:
                last += 1
            elif (
                following in JOINERS
                and last + 2 < len(tokens)
                and tokens[last + 2][0] in NUMBER_WORDS
                and _joined(text, tokens[last + 1], tokens[last + 2])
            ):
                last += 2
            else:
                break
        while tokens[last][0] in ARTICLES | set(REPEATS) and last > index:
            last -= 1  # a run never ends on "a" or "double"
        numbers = _parse(tokens[index : last + 1], text)
        if numbers:
            found.append(Run(numbers[0].start, numbers[-1].end, tuple(numbers)))
        index = last + 1
    return found


def _joined(text: str, left: tuple[str, int, int], right: tuple[str, int, int]) -> bool:
    gap = _GAP.fullmatch(text, left[2], right[1])
    return gap is not None


def _next_is_number(tokens: list[tuple[str, int, int]], index: int, text: str) -> bool:
    return (
        index + 1 < len(tokens)
        and tokens[index + 1][0] in NUMBER_WORDS
        and _joined(text, tokens[index], tokens[index + 1])
    )


class _Builder:
    """Reads one number at a time; ``accepts`` says whether a word continues it."""

    def __init__(self) -> None:
        self.total = 0.0
        self.small: float | None = None
        self.last = ""  # kind of the last word: unit, teen, tens, hundred, scale, fraction
        self.french = False
        self.words: list[str] = []
        self.scaled = False

    def accepts(self, word: str) -> bool:
        last, small = self.last, self.small
        if not self.words:
            return True
        if last == "zero" or word in ZERO:
            return False  # every zero is a number of its own: "zéro six" is 0, 6
        if word in UNITS:
            if last in ("hundred", "scale", "article"):
                return True
            if last == "tens" and small is not None and small % 10 == 0:
                return True
            # "dix-sept", "soixante-dix-neuf": French teens 17-19 are ten and a unit
            return last == "teen" and self.words[-1] == "dix"
        if word in TEENS:
            if last in ("hundred", "scale"):
                return True
            # "soixante-douze", "quatre-vingt-quinze"
            return last == "tens" and small is not None and small % 100 in (60, 80)
        if word in TENS:
            if last in ("hundred", "scale"):
                return True
            # "quatre-vingts": four twenties
            return (
                word.startswith("vingt")
                and last == "unit"
                and small is not None
                and small % 100 == 4
            )
        if word in HUNDRED:
            if word == "cents" and not self.french:
                return False  # "fifty cents" is money, not five thousand
            return last in ("unit", "teen", "tens", "article", "") and (small or 0) < 100
        if word in GRAND:  # English slang: "five grand", never "un grand merci"
            return last in ("unit", "teen", "tens", "hundred") and not self.french
        if word in SCALES:
            return last != "scale"
        if word in FRACTIONS:
            return last in ("article", "unit", "and")
        if word in ARTICLES:
            return last == "fraction"
        return False

    def add(self, word: str) -> None:
        self.words.append(word)
        self.french = self.french or word in FRENCH
        small = self.small
        if word in ZERO:
            self.small, self.last = 0, "zero"
        elif word in UNITS:
            if self.last == "article":
                small = 0
            self.small, self.last = (small or 0) + UNITS[word], "unit"
        elif word in TEENS:
            self.small, self.last = (small or 0) + TEENS[word], "teen"
        elif word in TENS:
            if self.last == "unit" and word.startswith("vingt"):
                self.small = (small or 0) - 4 + 80
            else:
                self.small = (small or 0) + TENS[word]
            self.last = "tens"
        elif word in HUNDRED:
            self.small, self.last = (small or 1) * 100, "hundred"
        elif word in SCALES or word in GRAND:
            scale = SCALES.get(word, 1000)
            self.total += (small if small is not None else 1) * scale
            self.small, self.last, self.scaled = None, "scale", True
        elif word in FRACTIONS:
            whole = small if small is not None and self.last != "article" else 0
            self.small, self.last = whole + FRACTIONS[word], "fraction"
        elif word in ARTICLES:
            self.small, self.last = (small if self.last == "fraction" else 1), "article"

    def number(self, start: int, end: int) -> Number:
        value = self.total + (self.small or 0)
        if self.words and self.words[0] in ZERO:
            digits = "0"
        elif value == int(value):
            digits = str(int(value))
        else:
            digits = ""
        return Number(value, digits, start, end, tuple(self.words), self.scaled)


# Words that say a number only after another: "cents" alone is money, "grand" an adjective.
_NOT_ALONE = GRAND | {"cents", "mil", "millions", "billions", "milliards", "vingts"}


def _parse(tokens: list[tuple[str, int, int]], text: str) -> list[Number]:
    numbers: list[Number] = []
    builder, start, end, repeat = _Builder(), -1, -1, 1
    for word, word_start, word_end in tokens:
        if builder.words and "," in text[end:word_start]:
            # A comma ends a number: "nine hundred, one two three" is 900, 1, 2, 3.
            numbers.append(builder.number(start, end))
            builder, start = _Builder(), -1
        if word in JOINERS:
            continue  # inside the current number: "vingt et un", "one hundred and five"
        if word in REPEATS:
            if builder.words:
                numbers.append(builder.number(start, end))
            builder, start, repeat = _Builder(), word_start, REPEATS[word]
            continue
        if builder.words and not builder.accepts(word):
            numbers.append(builder.number(start, end))
            builder, start = _Builder(), -1
        if start < 0:
            start = word_start
        builder.add(word)
        end = word_end
        if repeat > 1:  # "double oh": the next digit, twice
            single = builder.number(start, end)
            numbers.append(
                Number(single.value, single.digits * repeat, start, end, single.words, False)
            )
            builder, start, repeat = _Builder(), -1, 1
    if builder.words:
        numbers.append(builder.number(start, end))
    return [n for n in numbers if n.words not in (("a",), ("an",)) and n.words[0] not in _NOT_ALONE]
