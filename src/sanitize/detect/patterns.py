"""Regular-expression recognisers with validation: no model needed, fast on any text."""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sanitize.detect import checksums, numwords, vocab


@dataclass(frozen=True)
class Hit:
    type: str
    start: int
    end: int
    score: float


Recognizer = Callable[[str], Iterator[Hit]]

# -- sentences -------------------------------------------------------------------------
# A sentence ends at ., ! or ? followed by a space, or at a line break: what a number means
# is read from its own sentence, never from the one before.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\s\"'»”)\]]+|\n")


class _Sentences:
    def __init__(self, text: str):
        self.breaks = [m.start() for m in _SENTENCE_BREAK.finditer(text)]
        self.text = text

    def around(self, start: int, end: int | None = None) -> tuple[int, int]:
        end = start if end is None else end
        index = bisect.bisect_right(self.breaks, start)
        first = self.breaks[index - 1] if index else 0
        after = bisect.bisect_left(self.breaks, end)
        last = self.breaks[after] if after < len(self.breaks) else len(self.text)
        return first, last


# -- EMAIL -----------------------------------------------------------------------------
# Obfuscated addresses: "lea.martin (at) orange (point) fr", "jdoe AT proton DOT me",
# "nom arobase gmail point com". A bracketed or capitalised at-word, or "arobase", is never
# prose; a bare "at" or "chez" is, so it only counts with a bare dot-word and a common TLD.
_USER = r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*"
_OPEN, _CLOSE = r"\s?[\[({<]\s?", r"\s?[\])}>]\s?"
_AT_STRONG = (
    rf"(?:@|{_OPEN}(?:at|AT|arobase|arrobase|@){_CLOSE}|\s(?:AT|arobase|arrobase|ARROBASE)\s)"
)
_DOT_STRONG = rf"(?:\.|{_OPEN}(?:dot|DOT|point|POINT|\.){_CLOSE}|\s(?:dot|DOT|point|POINT)\s)"
_EMAIL = re.compile(
    rf"{_USER}{_AT_STRONG}[A-Za-z0-9-]+(?:{_DOT_STRONG}[A-Za-z0-9-]+)*{_DOT_STRONG}[A-Za-z]{{2,24}}\b"
)
# The generic and country TLDs that appear in addresses people write out; two-letter codes
# that are also French or English words (de, en, la, it...) are left out on purpose.
_COMMON_TLDS = (
    "com|net|org|fr|be|ch|ca|uk|io|co|eu|info|biz|dev|app|me|us|lu|mc|re|nc|pf|qc|edu|gouv"
)
_EMAIL_WEAK = re.compile(
    rf"{_USER}\s(?:at|chez)\s[a-z0-9-]+(?:\s(?:dot|point)\s[a-z0-9-]+)*"
    rf"\s(?:dot|point)\s(?:{_COMMON_TLDS})\b(?![-'’])"
)
_AT_ANY = re.compile(rf"({_AT_STRONG}|\s(?:at|chez)\s)")
_DOT_ANY = re.compile(rf"{_DOT_STRONG}|\s(?:dot|point)\s")
_MASKED = re.compile(r"^[x*._-]+$", re.IGNORECASE)


def emails(text: str) -> Iterator[Hit]:
    taken: list[tuple[int, int]] = []
    for pattern, score in ((_EMAIL, 1.0), (_EMAIL_WEAK, 0.85)):
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            parts = _AT_ANY.split(match.group(), maxsplit=1)
            user, domain = parts[0], parts[-1]
            head = _DOT_ANY.split(domain)[0]
            if _MASKED.match(user) and _MASKED.match(head):
                continue  # "xxx@xxx.com": a template, not an address
            taken.append((match.start(), match.end()))
            yield Hit("EMAIL", match.start(), match.end(), score)


# -- PHONE -----------------------------------------------------------------------------
# Any run of digit groups joined by spaces, dots, dashes, slashes or parentheses; what it
# starts with and how many digits it holds decide whether it is a phone number.
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+#/\\.,:-])(?:\+|00)?\(?\+?\d[\d \u00a0.\-/()]{4,26}\d(?![\w/]|[.,-]\d)"
)
_PHONE_SEP = re.compile(r"[ \u00a0]?\(0\)[ \u00a0]?|[ \u00a0]?[()][ \u00a0]?|[ \u00a0.\-/]+")
_DATE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{2,4}")
_NANP = re.compile(r"^(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[-. /])\d{3}[-. ]\d{4}$")
_PHONE_WORD_CUE = re.compile(
    r"(?:t[ée]l[ée]?(?:phone)?|phone|call|appel\w*|mobile|portable|cell|fax|whatsapp|sms"
    r"|joindre|reach|numéro|number|☎|📞)\W{0,12}(?:(?:le|au|at|on|me\s+(?:at|on))\W{1,3})?$",
    re.IGNORECASE,
)
# "contact the church office at 227-4530": whom to call, then "at" and the number.
_CONTACT_AT = re.compile(
    r"\b(?:contact|call|phone|ring|text|reach|joindre|appeler)\b[^.\n\d]{0,30}\b(?:at|au)\s*$",
    re.IGNORECASE,
)
_ID_BEFORE = re.compile(
    r"(?:n°|nº|#|ref\.?|réf\.?|order|commande|facture|invoice|siret|siren)\W{0,3}$",
    re.IGNORECASE,
)


def _phone_ok(value: str, before: str) -> bool:
    digits = re.sub(r"\D", "", value)
    if value.count("(") != value.count(")"):
        return False
    if 6 <= len(digits) <= 7:
        # A local number without its area code ("phone 852916", "call 555-0132"): only
        # right after a word that says it is a phone number.
        return not _DATE.fullmatch(value) and bool(
            _PHONE_WORD_CUE.search(before) or _CONTACT_AT.search(before)
        )
    if not 8 <= len(digits) <= 15:
        return False
    if _DATE.fullmatch(value) or _ID_BEFORE.search(before):
        return False
    groups = [g for g in _PHONE_SEP.split(value.lstrip("+")) if g]
    if any(len(g) > 6 for g in groups) and len(groups) > 1:
        return False  # a long block and a short one: an identifier, not a phone
    if len(set(_PHONE_SEP.findall(value.replace("(0)", "")))) > 3:
        return False
    if value.startswith(("+", "00")):
        return True
    if value.startswith(("0", "(0")):
        return 9 <= len(digits) <= 12
    if _NANP.match(value):
        # "415 555 0132" with spaces only is also a count or an amount; dashes, dots or
        # brackets, or a word like "call" before it, make it a phone.
        return not re.fullmatch(r"[\d ]+", value) or bool(_PHONE_WORD_CUE.search(before))
    return False


def _trim_phone(text: str, start: int, end: int) -> tuple[int, int]:
    # The candidate may run into a following group that is not part of the number
    # ("06 12 34 56 78 - 14h"): keep the longest prefix that is still a phone.
    value = text[start:end]
    before = text[max(0, start - 30) : start]
    while value and not _phone_ok(value, before):
        cut = max(value.rfind(" "), value.rfind("-"), value.rfind("."), value.rfind("/"))
        if cut <= 0:
            return start, start
        value = value[:cut].rstrip(" .-/(")
    return start, start + len(value)


def phones(text: str) -> Iterator[Hit]:
    for match in _PHONE_CANDIDATE.finditer(text):
        start = match.start()
        if text[start] == "(" and ")" not in match.group():
            start += 1  # "(05 55 48 33 97 ; ...)": the bracket opens a list, not an area code
        start, end = _trim_phone(text, start, match.end())
        if end > start:
            yield Hit("PHONE", start, end, 0.9)
    yield from _spoken_phones(text)


_COUNTRY_PREFIX = re.compile(r"(?:\+\s?(?P<code>\d{1,3})|(?P<plus>plus))\s*$", re.IGNORECASE)


def _spoken_phones(text: str) -> Iterator[Hit]:
    """Phone numbers in words: a run of number words that starts with zero (or a country
    code) and says 8 to 15 digits."""
    for run in numwords.runs(text):
        numbers = list(run.numbers)
        while numbers:
            # A run may start with an ordinary number before the phone: skip to its zero.
            prefix = _COUNTRY_PREFIX.search(text[max(0, numbers[0].start - 6) : numbers[0].start])
            if numbers[0].digits.startswith("0") or prefix:
                break
            numbers.pop(0)
        if not numbers or any(n.has_scale or not n.digits for n in numbers):
            continue
        digits = "".join(n.digits for n in numbers)
        start = numbers[0].start
        prefix = _COUNTRY_PREFIX.search(text[max(0, start - 6) : start])
        if prefix and not digits.startswith("0"):
            start = max(0, start - 6) + prefix.start()
            digits = (prefix.group("code") or "") + digits
        if 8 <= len(digits) <= 15 and len(numbers) >= 4:
            yield Hit("PHONE", start, numbers[-1].end, 0.85)


# -- PRICE -----------------------------------------------------------------------------
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
# Multipliers: "5k", "1.2M", "£1.5m" (an attached lower-case m), "3 millions", "2 mille".
_MULT = (
    r"(?:\s?(?:k|K|M|Md|mil(?:le)?s?|millions?|milliards?|thousand|million|billion|bn)"
    r"(?![a-zA-Z])|m(?![a-zA-Z²³]))?"
)
_CURRENCY_WORD = rf"(?:{vocab.alternation(vocab.CURRENCY_WORDS)})\b"
_CURRENCY_AFTER = (
    rf"(?:€|EUR\b|eur\b|Euros?\b|\$|USD\b|£|GBP\b|CHF\b|CAD\b|AUD\b|¥|JPY\b|"
    rf"(?:(?:d['’]\s?|de\s|of\s))?(?i:{_CURRENCY_WORD}))"
)
_CURRENCY_BEFORE = r"(?:€|\$|US\$|C\$|A\$|£|¥|EUR|USD|GBP|CHF|CAD|AUD)"
_DASH = r"\s?[-–—]\s?"
_PRICE_WITH_CURRENCY = re.compile(
    # A compact range with one shared marker is one amount: "35–45 k€", "$2-3k".
    rf"(?<![\w.,])(?:{_NUMBER}){_MULT}{_DASH}(?:{_NUMBER}){_MULT}\s?{_CURRENCY_AFTER}"
    rf"|(?<![\w]){_CURRENCY_BEFORE}\s?(?:{_NUMBER}){_MULT}{_DASH}(?:{_NUMBER}){_MULT}(?![\d])"
    rf"(?!\s?{_CURRENCY_BEFORE})"
    rf"|(?<![\w.,])(?:(?:{_NUMBER}){_MULT}\s?{_CURRENCY_AFTER})"
    rf"|(?<![\w]){_CURRENCY_BEFORE}\s?(?:{_NUMBER}){_MULT}(?![\d])"
    # Cents: "8c per word", "12¢".
    # Pence too: "2p a word".
    r"|(?<![\w.,])\d{1,2}(?:[.,]\d)?\s?(?:c|¢|cts|p)(?=\s+(?:per|a|par|le|/)\s?(?:word|mot)\b|\s?/)"
    r"|(?<![\w.,])\d{1,2}(?:[.,]\d)?¢"
)
# Amounts whose currency only the context gives: "TJM de 450", "budget 5K".
_MONEY_WORDS = (
    r"(?:TJM|tjm|taux journalier|tarifs?|tarif journalier|prix|co[ûu]ts?|budgets?|salaires?|"
    r"r[ée]mun[ée]ration|cachets?|honoraires|facture|devis|forfait|montant|"
    r"day rate|daily rate|rates?|fees?|budget|salary|price|pricing|cost|quote|invoice|"
    r"retainer|paid|pay[ée]?s?|payment|charges?|charging|factur\w*|bill(?:s|ed|ing)?)"
)
_NOT_MONEY_AFTER = rf"(?!\s?(?:{'|'.join(vocab.NOT_MONEY_UNITS)}))"
_CONTEXT_PRICE = re.compile(
    rf"\b{_MONEY_WORDS}\b(?:[ \t]*[(:=]|[ \t]+(?:de|d'|of|:|=|à|a|is|est|was|around|autour de|"
    rf"environ|about|between|entre|from|"
    rf"max|maximum|min|minimum|total|global|HT|TTC|brut|net|annuel|mensuel|~|≈|de\s+l'ordre\s+de))*"
    rf"[ \t]*(?P<amount>(?:{_NUMBER}){_MULT})(?![\d%.,]?\d)"
    rf"{_NOT_MONEY_AFTER}",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(19|20)\d{2}$")
_CUE = re.compile(rf"\b(?:{vocab.alternation(vocab.MONEY_CUES)})(?!\w)", re.IGNORECASE)
_BARE_AMOUNT = re.compile(
    rf"(?<![\w.,:/#+\-–°])(?P<amount>(?:{_NUMBER}){_MULT})(?![\w%°€$£¥]|[.,:/]\d|\s?[€$£¥%])"
)
_RATE = re.compile(
    rf"\s?(?:(?:{vocab.alternation(vocab.RATE_LINKS)})\s?)"
    rf"(?:{vocab.alternation(vocab.RATE_UNITS)})\b",
    re.IGNORECASE,
)
_FOLLOWER = re.compile(
    rf"\s*(?:$|[,;.!?)\]:]|(?:{vocab.alternation(vocab.AMOUNT_FOLLOWERS)})\b)",
    re.IGNORECASE,
)
_LABEL_BEFORE = re.compile(
    rf"(?:\b(?:{vocab.alternation(vocab.NUMBER_LABELS)})\.?|[#n°x×*]|\d\s?[x×])\s?$",
    re.IGNORECASE,
)
_TIME_OR_ORDINAL = re.compile(
    r"\s?(?:h\d|h\b|:\d|e\b|er\b|ère\b|ème\b|eme\b|st\b|nd\b|rd\b|th\b)", re.IGNORECASE
)


_WORD_CURRENCY = re.compile(rf"\s?{_CURRENCY_AFTER}")


_RANGE_END = re.compile(
    rf"\s?(?:et|and|to|à|-|–)\s?(?P<amount>(?:{_NUMBER}){_MULT})(?![\d%.,]?\d)(?!\s?%)"
)
_RANGE_START = re.compile(rf"(?P<amount>{_NUMBER}){_MULT}\s?(?:et|and|to|à|ou|or)\s?$")


class _Taken:
    """Characters already inside a found amount: overlap checks in the span's length."""

    def __init__(self, text: str):
        self.mask = bytearray(len(text) + 1)
        self.starts: set[int] = set()

    def add(self, start: int, end: int) -> None:
        self.mask[start:end] = b"\x01" * (end - start)
        self.starts.add(start)

    def overlaps(self, start: int, end: int) -> bool:
        return any(self.mask[start:end])


def prices(text: str) -> Iterator[Hit]:
    """Amounts of money, then the bare numbers listed before one of them that share its
    currency: "nine to twelve dollars", "80, 40 ou même 10 euros", "de 2000 à 2200 €"."""
    found = list(_amounts(text))
    yield from found
    if not found:
        return
    numbers = _numbers_by_end(text)
    taken = [(h.start, h.end) for h in found]
    for hit in found:
        yield from _listed_before(text, hit, numbers, taken)


# Between the bounds of a range or the items of a list of amounts.
_BOUND_GLUE = re.compile(
    r"(?:[ \t]*,[ \t]*|[ \t]+(?:et|and|to|à|ou|or|voire)(?:[ \t]+(?:même|even))?[ \t]+"
    r"|[ \t]?[-–][ \t]?)$",
    re.IGNORECASE,
)


def _numbers_by_end(text: str) -> dict[int, tuple[int, float]]:
    """Every number of the text, in digits or in words, by where it ends."""
    found: dict[int, tuple[int, float]] = {}
    for match in re.finditer(rf"(?<![\w.,]){_NUMBER}(?![\w])", text):
        value = _number_value(match.group())
        if value is not None:
            found[match.end()] = (match.start(), value)
    for run in numwords.runs(text):
        for number in run.numbers:
            found[number.end] = (number.start, number.value)
    return found


def _number_value(value: str) -> float | None:
    compact = re.sub(r"[ \u00a0\u202f]", "", value)
    compact = re.sub(r"[.,](?=\d{3}(?:\D|$))", "", compact).replace(",", ".")
    try:
        return float(compact)
    except ValueError:
        return None


def _listed_before(
    text: str, hit: Hit, numbers: dict[int, tuple[int, float]], taken: list[tuple[int, int]]
) -> Iterator[Hit]:
    """Bare numbers chained before an amount by commas or range words. A number shaped
    like a year counts only when the amount is of its size ("de 2000 à 2200 euros", not
    "en 2019 et 450 €")."""
    inner = re.search(r"\d[\d \u00a0\u202f.,]*", text[hit.start : hit.end])
    amount = _number_value(inner.group().strip(" .,")) if inner else None
    start = hit.start
    for _ in range(6):  # a list of a few amounts, not a table
        glue = _BOUND_GLUE.search(text[max(0, start - 20) : start])
        if glue is None:
            return
        bound = numbers.get(max(0, start - 20) + glue.start())
        if bound is None:
            return
        bound_start, value = bound
        bound_end = max(0, start - 20) + glue.start()
        if _YEAR.match(text[bound_start:bound_end]) and not (
            amount is not None and amount / 10 <= value <= amount * 1.5
        ):
            return
        if any(s < bound_end and bound_start < e for s, e in taken):
            return
        taken.append((bound_start, bound_end))
        yield Hit("PRICE", bound_start, bound_end, 0.75)
        start = bound_start


def _amounts(text: str) -> Iterator[Hit]:
    taken, marked = _Taken(text), _Taken(text)
    sentences = _Sentences(text)
    for match in _PRICE_WITH_CURRENCY.finditer(text):
        start, end = match.start(), match.end()
        if _WEIGHT_POUNDS.search(match.group()) and re.match(r"\s+of\s", text[end : end + 5]):
            continue  # "30 pounds of gear": a weight
        taken.add(start, end)
        marked.add(start, end)  # amounts with their own currency marker
        yield Hit("PRICE", start, end, 0.95)
        # The first amount of a range takes the second's currency: "entre 250 et 350 €".
        before = _RANGE_START.search(text[max(0, start - 24) : start])
        if before and not _YEAR.match(before.group("amount")):
            offset = max(0, start - 24)
            bound = (offset + before.start("amount"), offset + before.end("amount"))
            if not taken.overlaps(*bound):
                taken.add(*bound)
                yield Hit("PRICE", bound[0], bound[1], 0.9)
    yield from _word_amounts(text, sentences, taken)
    for match in _CONTEXT_PRICE.finditer(text):
        start, end = match.start("amount"), match.end("amount")
        amount = match.group("amount").strip()
        if taken.overlaps(start, end) or _YEAR.match(amount) or re.fullmatch(r"\d", amount):
            continue  # "budget 3" is rarely money
        first, last = sentences.around(start, end)
        if first > match.start():
            continue  # the money word belongs to the sentence before
        if not _ends_as_money(text, end, last):
            continue  # "on a payé 12 photos": a count after a money word
        taken.add(start, end)
        yield Hit("PRICE", start, end, 0.8)
        yield from _range_end(text, end, taken)
    yield from _sentence_amounts(text, sentences, taken, marked)


_WEIGHT_POUNDS = re.compile(r"pounds?$", re.IGNORECASE)
_RANGE_ANY = re.compile(rf"\s?(?:et|and|to|à|-|–)\s?(?:{_NUMBER}){_MULT}(?![\d.,]?\d)")


def _ends_as_money(text: str, end: int, last: int) -> bool:
    """What follows an amount lets it be money: a rate ("90 a day"), a small word that closes
    it ("1 200 pour le tournage"), or a range whose other end does too ("10 et 12 %" does not)."""
    if _RATE.match(text, end):
        return True
    second = _RANGE_ANY.match(text, end)
    if second:
        return second.end() >= last or _ends_as_money(text, second.end(), last)
    return bool(_FOLLOWER.match(text, end, last))


def _range_end(text: str, end: int, taken: _Taken) -> Iterator[Hit]:
    """ "between 250 and 350 a day": the second amount of a range too."""
    second = _RANGE_END.match(text, end)
    if second and not _YEAR.match(second.group("amount")):
        span = (second.start("amount"), second.end("amount"))
        if not taken.overlaps(*span):
            taken.add(*span)
            yield Hit("PRICE", span[0], span[1], 0.8)


_LISTED = re.compile(r"[ \t]*[,;/][ \t]*(?:[^\W\d]+[ \t]*:?[ \t]*){0,2}")


def _sentence_amounts(
    text: str, sentences: _Sentences, taken: _Taken, marked: _Taken
) -> Iterator[Hit]:
    """Bare amounts in a sentence about money: "she charges 90 a day", "on m'a proposé
    1 200 pour le tournage", "my day rate went from 350 to 450"."""
    for match in _BARE_AMOUNT.finditer(text):
        start, end = match.start("amount"), match.end("amount")
        amount = match.group("amount").strip()
        if taken.overlaps(start, end) or _YEAR.match(amount) or re.fullmatch(r"\d", amount):
            continue
        if _LABEL_BEFORE.search(text[max(0, start - 16) : start]):
            continue  # "page 12", "n° 450", "in 30"
        if _TIME_OR_ORDINAL.match(text, end):
            continue
        first, last = sentences.around(start, end)
        listed = _LISTED.match(text, end)
        if listed and listed.end() in marked.starts:
            # "adultes 12, enfants 6 €": an item of a list whose last price has the marker
            taken.add(start, end)
            yield Hit("PRICE", start, end, 0.7)
            continue
        rate = _RATE.match(text, end)
        if not _ends_as_money(text, end, last):
            continue  # "12 photos", "25 guests", "10 à 12 heures": a count
        cues = list(_CUE.finditer(text, first, start))
        cue_before = bool(cues) and _close_after(text, cues[-1].end(), start)
        if cue_before or (rate and (cues or _CUE.search(text, end, last))):
            taken.add(start, end)
            yield Hit("PRICE", start, end, 0.7)
            yield from _range_end(text, end, taken)


def _close_after(text: str, cue_end: int, start: int) -> bool:
    """The amount follows its money word closely, with no other number in between."""
    between = text[cue_end:start]
    return not re.search(r"\d", between) and len(between.split()) <= 5


def _word_amounts(text: str, sentences: _Sentences, taken: _Taken) -> Iterator[Hit]:
    """Amounts in words: "trois mille euros", "five grand", "half a million pounds"."""
    for run in numwords.runs(text):
        for number in run.numbers:
            if number.value <= 0 or number.digits.startswith("0") and number.value < 1:
                continue
            start, end = number.start, number.end
            currency = _WORD_CURRENCY.match(text, end)
            first, last = sentences.around(start, end)
            word = currency.group().strip().lower() if currency else ""
            if word in ("dollar", "pound", "euro", "buck") and number.value > 1:
                continue  # "a million dollar question": an adjective, not an amount
            if word == "livre" and [w.lower() for w in number.words] == ["un"]:
                continue  # "un livre": a book; the currency is feminine ("une livre")
            after = currency.end() if currency else end
            if word.startswith("pound") and re.match(r"\s+of\s", text[after : after + 5]):
                continue  # "thirty pounds of gear": a weight
            if currency and not (word in ("cent", "cents") and number.value >= 100):
                end = currency.end()
            elif any(w in numwords.GRAND for w in number.words):
                pass  # "five grand" says money by itself
            elif (number.has_scale or _RATE.match(text, end)) and (
                _CUE.search(text, first, start) or _CUE.search(text, end, last)
            ):
                pass  # "a quarter million" in a sentence about a deal
            else:
                continue
            if taken.overlaps(start, end):
                continue
            taken.add(start, end)
            yield Hit("PRICE", start, end, 0.85)


# -- IBAN, CREDIT CARD -----------------------------------------------------------------
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_CARD = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")


def ibans(text: str) -> Iterator[Hit]:
    for match in _IBAN.finditer(text):
        value = match.group()
        # The greedy match may swallow a following word: shrink until the checksum holds.
        while len(value.replace(" ", "")) >= 15:
            if checksums.iban(value):
                yield Hit("IBAN", match.start(), match.start() + len(value), 1.0)
                break
            value = value[: value.rfind(" ")] if " " in value else value[:-1]


def cards(text: str) -> Iterator[Hit]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if not (13 <= len(digits) <= 19 and digits[0] in "23456" and checksums.luhn(digits)):
            continue
        if len(digits) == 14 and checksums.siret(digits) and _company_number(text, match):
            continue  # a SIRET that happens to pass Luhn, as every SIRET does
        yield Hit("CREDIT_CARD", match.start(), match.end(), 1.0)


# -- French identifiers ----------------------------------------------------------------
_SIRET = re.compile(r"(?<![\d])\d{3} ?\d{3} ?\d{3} ?\d{5}(?![\d])")
_SIREN = re.compile(r"(?<![\d])\d{3} ?\d{3} ?\d{3}(?![\d ]?\d)")
_NIR = re.compile(
    r"(?<![\d])[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[ABab])"
    r" ?\d{3} ?\d{3} ?\d{2}(?![\d])"
)
# Words that say a number identifies a company (French registers, legal forms), read in the
# sentence around the number.
_COMPANY_CONTEXT = re.compile(
    r"\b(?:siret|siren|rcs|n°\s?tva|tva\s+intra\w*|immatricul\w*|entreprise|soci[ée]t[ée]|"
    r"sas|sasu|sarl|eurl|sci|auto-?entrepreneur|micro-?entreprise|registre|kbis|"
    r"company|registered|registration)\b",
    re.IGNORECASE,
)
_CARD_CONTEXT = re.compile(r"\b(?:carte|card|cb|visa|mastercard|amex)\b", re.IGNORECASE)


def _context_before(text: str, start: int, width: int = 40) -> bool:
    if _COMPANY_CONTEXT.search(text[max(0, start - width) : start]):
        return True
    first, last = _Sentences(text).around(start)
    return bool(_COMPANY_CONTEXT.search(text, first, last))


def _company_number(text: str, match: re.Match[str]) -> bool:
    """A 14-digit number grouped 3-3-3-5 is a SIRET; so is any one the sentence calls one."""
    if re.fullmatch(r"\d{3} \d{3} \d{3} \d{5}", match.group()):
        return True
    first, last = _Sentences(text).around(match.start(), match.end())
    sentence = text[first:last]
    return bool(_COMPANY_CONTEXT.search(sentence)) and not _CARD_CONTEXT.search(sentence)


def french_ids(text: str) -> Iterator[Hit]:
    for match in _NIR.finditer(text):
        if checksums.nir(match.group()):
            yield Hit("FR_NIR", match.start(), match.end(), 1.0)
    for match in _SIRET.finditer(text):
        if checksums.siret(re.sub(r"\D", "", match.group())):
            yield Hit(
                "FR_SIRET",
                match.start(),
                match.end(),
                0.95 if _context_before(text, match.start()) else 0.7,
            )
    for match in _SIREN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) == 9 and checksums.luhn(digits):
            context = _context_before(text, match.start())
            grouped = " " in match.group()
            score = 0.95 if context else 0.6 if grouped else 0.3
            yield Hit("FR_SIREN", match.start(), match.end(), score)


# -- IP_ADDRESS ------------------------------------------------------------------------
_IPV4 = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.]*\d)"
)
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])")
_VERSION_CONTEXT = re.compile(
    r"(?:\bv|version|release|build|python|node|ios|android)\s?$", re.IGNORECASE
)


def ip_addresses(text: str) -> Iterator[Hit]:
    for match in _IPV4.finditer(text):
        if not _VERSION_CONTEXT.search(text[max(0, match.start() - 10) : match.start()]):
            yield Hit("IP_ADDRESS", match.start(), match.end(), 0.9)
    for match in _IPV6.finditer(text):
        value = match.group()
        if re.fullmatch(r"\d{1,2}:\d{2}(?::\d{2})?", value):
            continue  # a time of day
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            continue
        yield Hit("IP_ADDRESS", match.start(), match.end(), 0.85)


# -- URL -------------------------------------------------------------------------------
SHARE_DOMAINS = (
    "docs.google.com",
    "drive.google.com",
    "calendar.google.com",
    "meet.google.com",
    "forms.gle",
    "goo.gl",
    "calendly.com",
    "cal.com",
    "dropbox.com",
    "db.tt",
    "wetransfer.com",
    "we.tl",
    "notion.so",
    "notion.site",
    "figma.com",
    "canva.com",
    "miro.com",
    "airtable.com",
    "zoom.us",
    "teams.microsoft.com",
    "onedrive.live.com",
    "1drv.ms",
    "sharepoint.com",
    "box.com",
    "trello.com",
    "loom.com",
    "typeform.com",
    "linktr.ee",
    "beacons.ai",
    "swisstransfer.com",
    "smash.gl",
    "frame.io",
    "vimeo.com",
    "youtu.be",
    "bit.ly",
)
PUBLIC_DOMAINS = (
    "wikipedia.org",
    "gouv.fr",
    "service-public.fr",
    "europa.eu",
    "w3.org",
    "who.int",
    "example.com",
    "example.org",
    "example.net",
)
_URL = re.compile(
    r"(?<![@\w.])(?:https?://|www\.)[^\s<>\"'\])}]+"
    r"|(?<![@\w.])(?:[a-z0-9-]+\.)*(?:"
    + "|".join(re.escape(d) for d in SHARE_DOMAINS)
    + r")/[^\s<>\"'\])}]*",
    re.IGNORECASE,
)


def _domain(url: str) -> str:
    host = (
        re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE).split("/", 1)[0].split(":", 1)[0]
    )
    return host.lower().removeprefix("www.")


# A personal site written without its scheme, where the words around say it is a site.
_NAMED_SITE = re.compile(
    r"\b(?:site|website|site web|portfolio|blog|page perso|homepage|lien|link)\b[^\n\w]{0,12}"
    r"(?:is\s|est\s|:\s?|on\s|sur\s)?(?P<site>(?:[a-z0-9-]+\.)+(?:fr|com|net|org|io|co|me|studio|"
    r"design|art|photo|photography|eu|be|ch|ca|uk|de|es|it)(?:/[^\s<>\"')\]]*)?)(?![\w.-]*@)",
    re.IGNORECASE,
)


def urls(text: str) -> Iterator[Hit]:
    """Links to something personal or private: shared documents and calendars, links that
    carry a token, personal sites (a person's name in the address, or a site the writer
    calls theirs). An organisation's or a shop's public site is not a finding."""
    for match in _NAMED_SITE.finditer(text):
        value = match.group("site").rstrip(".,;:!?")
        if not any(_domain(value).endswith(d) for d in PUBLIC_DOMAINS):
            yield Hit("URL", match.start("site"), match.start("site") + len(value), 0.8)
    for match in _URL.finditer(text):
        value = match.group().rstrip(".,;:!?")
        domain = _domain(value)
        if any(domain == d or domain.endswith("." + d) for d in PUBLIC_DOMAINS):
            continue
        share = any(domain == d or domain.endswith("." + d) for d in SHARE_DOMAINS)
        if not share and not _private_link(value) and not _own_site(text, match.start()):
            continue
        yield Hit("URL", match.start(), match.start() + len(value), 1.0 if share else 0.85)


# A site the writer calls theirs: "mon site", "our new website", "my portfolio: …".
_OWN_SITE = re.compile(
    r"\b(?:my|our|mon|ma|notre|nos|mes)\s+(?:\w+\s+){0,2}(?:site|website|site\s+web|blog|"
    r"portfolio|page|boutique|shop|store|book|lien|link)s?\b[^\n]{0,40}$",
    re.IGNORECASE,
)
# Something that only its owner hands out: a token in the query or the path.
_TOKEN = re.compile(r"[?&#][^=\s]*=|/(?=[^/\s]*\d)(?=[^/\s]*[a-zA-Z])[A-Za-z0-9_-]{12,}(?:/|$)")


def _own_site(text: str, start: int) -> bool:
    return bool(_OWN_SITE.search(text[max(0, start - 80) : start]))


def _private_link(url: str) -> bool:
    """A link with a token, or a personal site: a given name or a surname in the address
    ("paulmakes.design", "elodie-illustrations.com", "linkedin.com/in/julie-martin")."""
    if _TOKEN.search(url):
        return True
    from sanitize.detect.names import names_in_address

    return names_in_address(re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE))


# -- SECRET ----------------------------------------------------------------------------
_SECRET = re.compile(
    r"(?<![\w-])(?:"
    r"sk-(?:ant-|proj-|live-)?[A-Za-z0-9_-]{20,}"
    r"|(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}"
    r"|AIza[0-9A-Za-z_-]{35}"
    r"|hf_[A-Za-z0-9]{30,}"
    r"|glpat-[A-Za-z0-9_-]{20,}"
    r"|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----"
    r")"
)
_ASSIGNED_SECRET = re.compile(
    r"\b(?:api[_ -]?key|apikey|access[_ -]?token|auth[_ -]?token|token|secret|client[_ -]?secret|"
    r"password|passwd|pwd|mot de passe|mdp)\b\s*(?:[:=]|is|est)\s*[\"']?(?P<value>[^\s\"']{8,})",
    re.IGNORECASE,
)


def secrets(text: str) -> Iterator[Hit]:
    for match in _SECRET.finditer(text):
        yield Hit("SECRET", match.start(), match.end(), 0.95)
    for match in _ASSIGNED_SECRET.finditer(text):
        value = match.group("value")
        if any(c.isdigit() for c in value) or any(c.isupper() for c in value[1:]):
            yield Hit("SECRET", match.start("value"), match.end("value"), 0.85)


# -- postal addresses (LOCATION) -------------------------------------------------------
# One span from the street (or zone, or postal box) to the town or postcode. The street
# types and particles are closed classes kept in ``vocab``.
_PARTICLE = rf"(?:{vocab.alternation(vocab.FR_NAME_PARTICLES)})"
_CAP = r"[A-ZÉÈÊÀÂÎÔÛÇ][\w'’]*"  # no hyphen inside: it is the separator, never ambiguous
_FR_NAME = rf"(?:{_PARTICLE}\s?)?{_CAP}(?:(?:\s|-)(?:{_PARTICLE}[\s-]?)?{_CAP})*"  # rue de la Paix
_FR_LOWER_NAME = rf"(?:{_PARTICLE}\s?)?[a-zéèêàâîôûç][\w'’-]+"  # after a number: 3 rue des lilas
_FR_TOWN = (
    rf"[A-ZÉÈÊÀÂÎÔ][\w'’]*(?:[\s-](?:(?:{_PARTICLE}|lès|sur|sous|en)[\s-])?"
    r"(?!Cedex|CEDEX)[A-ZÉÈÊÀÂÎÔ][\w'’]*)*"
    r"(?:\s(?:Cedex|CEDEX)(?:\s\d{1,2})?)?"
)
_FR_POSTCODE = rf"(?:\d{{5}}|\d{{2}}\s\d{{3}}|\d{{4}}(?=\s{_CAP}))"  # France; Belgium, Switzerland
_FR_TAIL = rf"(?:(?:\s*[,–-]\s*|\s*\n\s*|\s+){_FR_POSTCODE}\s+{_FR_TOWN})"
_STREET_NUMBER = r"\d{1,4}(?:\s?(?:bis|ter|quater|[A-Da-d])\b)?,?\s"
_FR_TYPES = vocab.alternation(vocab.FR_STREET_TYPES)
# Without a number, a street needs a word that is a street in no other language ("Rue
# Oberkampf") or a French particle ("Place de la République"): "Trafalgar Square Post
# Office" is not a French address.
_FR_PLAIN_TYPES = r"rue|avenue|boulevard|impasse|allée|chemin|quai"
_FR_STREET = (
    rf"\b{_STREET_NUMBER}(?i:(?:{_FR_TYPES}))\s(?:{_FR_NAME}|{_FR_LOWER_NAME})"
    rf"|(?i:\b(?:{_FR_PLAIN_TYPES}))\s{_FR_NAME}"
    rf"|(?i:\b(?:{_FR_TYPES}))\s{_PARTICLE}\s?{_FR_NAME}"
)
_FR_ZONE = (
    rf"\b(?:{vocab.alternation(vocab.FR_ZONES)})\s{_FR_NAME}"
    rf"|\b(?:{vocab.alternation(vocab.FR_POSTAL_BOXES)})\s?\d{{1,6}}"
)
_EN_TYPES = vocab.alternation(vocab.EN_STREET_TYPES)
_EN_NAME = r"[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*){0,3}"
_EN_TOWN = r"[A-Z][a-z][\w'’-]*(?:\s[A-Z][a-z][\w'’-]*){0,2}"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
_US_STATE_ZIP = r"[A-Z]{2}\s\d{5}(?:-\d{4})?"
_CA_POSTCODE = r"[A-Z]\d[A-Z]\s?\d[A-Z]\d"
_EN_END = rf"(?:{_UK_POSTCODE}|{_US_STATE_ZIP}|{_CA_POSTCODE})\b"
_EN_ADDRESS = (
    rf"\b\d{{1,5}}[A-Za-z]?,?\s{_EN_NAME}\s(?:{_EN_TYPES})(?![\w])"
    # the town, then a postcode or a state and ZIP code; or the town alone at a line's end
    rf"(?:,?\s{_EN_TOWN}(?:,?\s{_EN_END})|,?\s{_EN_END}|,\s{_EN_TOWN}(?=\s*(?:\n|$|\.\s|\.$)))?"
)
_ADDRESS = re.compile(
    rf"(?:{_FR_STREET}){_FR_TAIL}?|(?:{_FR_ZONE}){_FR_TAIL}|{_EN_ADDRESS}",
)


# After a street written without a number: its town ("place Gilbert Chapuis à Pechbusque").
_TOWN_AFTER = re.compile(r"(?:,\s*|\s+à\s+|\s+in\s+)[A-ZÉÈÎ][\w'’]+(?:[\s-][A-ZÉÈÎ][\w'’]+)*")


def addresses(text: str) -> Iterator[Hit]:
    """Postal addresses. A street written without a number, a postcode or a town is where
    a market or a walk takes place ("sur la place du Vigan"), not an address, unless the
    sentence ties it to someone (names.tied_to_person)."""
    from sanitize.detect.names import tied_to_person

    for match in _ADDRESS.finditer(text):
        value = match.group().rstrip(" ,.-–")
        end = match.start() + len(value)
        if not re.search(r"\d", value):
            town = _TOWN_AFTER.match(text, end)
            if town:
                end = town.end()
            elif not tied_to_person(text, match.start()):
                continue
        yield Hit("LOCATION", match.start(), end, 0.85)


RECOGNIZERS: dict[str, Recognizer] = {
    "ADDRESS": addresses,
    "EMAIL": emails,
    "PHONE": phones,
    "PRICE": prices,
    "IBAN": ibans,
    "CREDIT_CARD": cards,
    "FR_IDS": french_ids,
    "IP_ADDRESS": ip_addresses,
    "URL": urls,
    "SECRET": secrets,
}
