"""Regular-expression recognisers with validation: no model needed, fast on any text."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sanitize.detect import checksums


@dataclass(frozen=True)
class Hit:
    type: str
    start: int
    end: int
    score: float


Recognizer = Callable[[str], Iterator[Hit]]

# -- EMAIL -----------------------------------------------------------------------------
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*"
    r"(?:@|\s?[\[(]\s?(?:at|arobase)\s?[\])]\s?)"
    r"[A-Za-z0-9-]+(?:(?:\.|\s?[\[(]\s?(?:dot|point)\s?[\])]\s?)[A-Za-z0-9-]+)*"
    r"(?:\.|\s?[\[(]\s?(?:dot|point)\s?[\])]\s?)[A-Za-z]{2,}\b"
)


def emails(text: str) -> Iterator[Hit]:
    for match in _EMAIL.finditer(text):
        yield Hit("EMAIL", match.start(), match.end(), 1.0)


# -- PHONE -----------------------------------------------------------------------------
_SEP = r"[ .\-\u00a0]?"
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    # French: 06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78, 0033 (0)6 12 34 56 78
    rf"(?:(?:\+|00)33{_SEP}(?:\(0\){_SEP})?|0)[1-9](?:{_SEP}\d{{2}}){{4}}"
    # International: +44 20 7946 0958, +1 (415) 555-0132, +49 30 1234567
    rf"|(?:\+|00)[1-9]\d{{0,2}}{_SEP}(?:\(\d{{1,4}}\){_SEP})?\d{{1,4}}(?:{_SEP}\d{{2,4}}){{1,4}}"
    # North American without a country code: (415) 555-0132, 415-555-0132
    r"|\(\d{3}\)\s?\d{3}[-.\s]\d{4}|\b\d{3}[-.]\d{3}[-.]\d{4}"
    # UK and other national numbers: 07700 900123, 020 7946 0958
    r"|\b0\d{3,4}[ .-]?\d{3}[ .-]?\d{3,4}"
    r")(?![\w])"
)


def phones(text: str) -> Iterator[Hit]:
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 8 <= len(digits) <= 15:
            yield Hit("PHONE", match.start(), match.end(), 0.9)


# -- PRICE -----------------------------------------------------------------------------
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
# Multipliers: "5k", "1.2M", "£1.5m" (an attached lower-case m), "3 millions".
_MULT = r"(?:\s?(?:k|K|M|Md|mil(?:le)?s?|millions?)(?![a-zA-Z])|m(?![a-zA-Z²³]))?"
_CURRENCY_AFTER = (
    r"(?:€|EUR\b|eur\b|euros?\b|Euros?\b|\$|USD\b|dollars?\b|£|GBP\b|livres?\b|pounds?\b|"
    r"CHF\b|francs?\s+suisses\b|CAD\b|AUD\b|¥|JPY\b|balles\b|bucks\b|quid\b)"
)
_CURRENCY_BEFORE = r"(?:€|\$|US\$|£|¥|EUR|USD|GBP|CHF|CAD|AUD)"
_UNIT = r"(?:\s?/\s?(?:day|jour|j|h|hour|heure|month|mois|an|year|yr|week|semaine|post|pièce))?"
_PRICE_WITH_CURRENCY = re.compile(
    rf"(?<![\w.,])(?:(?:{_NUMBER}){_MULT}\s?(?:{_CURRENCY_AFTER}))"
    rf"|(?<![\w]){_CURRENCY_BEFORE}\s?(?:{_NUMBER}){_MULT}(?![\d])"
)
# Amounts whose currency only the context gives: "TJM de 450", "budget 5K".
_MONEY_WORDS = (
    r"(?:TJM|tjm|taux journalier|tarifs?|tarif journalier|prix|co[ûu]ts?|budgets?|salaires?|"
    r"r[ée]mun[ée]ration|cachets?|honoraires|facture|devis|forfait|montant|"
    r"day rate|daily rate|rates?|fees?|budget|salary|price|pricing|cost|quote|invoice|"
    r"retainer|paid|pay[ée]?s?|payment|charges?|charging|factur\w*|bill(?:s|ed|ing)?)"
)
_CONTEXT_PRICE = re.compile(
    rf"\b{_MONEY_WORDS}\b(?:\s*[(:=]|\s+(?:de|d'|of|:|=|à|a|is|est|was|around|autour de|"
    rf"environ|about|between|entre|from|"
    rf"max|maximum|min|minimum|total|global|HT|TTC|brut|net|annuel|mensuel|~|≈|de\s+l'ordre\s+de))*"
    rf"\s*(?P<amount>(?:{_NUMBER}){_MULT})(?![\d%.,]?\d)"
    rf"(?!\s?(?:%|pour ?cent|percent|ans\b|years?\b|"
    rf"followers|abonnés|posts?\b|vues|views|likes|jours\b|days\b|mois\b|months\b|h\b|heures\b|hours\b|"
    rf"pages?\b|slides?\b|mots\b|words\b|personnes\b|people\b|participants\b))",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(19|20)\d{2}$")


def _unit_end(text: str, end: int) -> int:
    match = re.compile(_UNIT).match(text, end)
    return match.end() if match and match.end() > end else end


_RANGE_END = re.compile(
    rf"\s?(?:et|and|to|à|-|–)\s?(?P<amount>(?:{_NUMBER}){_MULT})(?![\d%.,]?\d)(?!\s?%)"
)
_RANGE_START = re.compile(rf"(?P<amount>{_NUMBER}){_MULT}\s?(?:et|and|to|à|-|–)\s?$")


def prices(text: str) -> Iterator[Hit]:
    taken: list[tuple[int, int]] = []
    for match in _PRICE_WITH_CURRENCY.finditer(text):
        start, end = match.start(), _unit_end(text, match.end())
        taken.append((start, end))
        yield Hit("PRICE", start, end, 0.95)
        # The first amount of a range takes the second's currency: "250 et 350 €".
        before = _RANGE_START.search(text[max(0, start - 24) : start])
        if before and not _YEAR.match(before.group("amount")):
            offset = max(0, start - 24)
            first = (offset + before.start("amount"), offset + before.end("amount"))
            taken.append(first)
            yield Hit("PRICE", first[0], first[1], 0.9)
    for match in _CONTEXT_PRICE.finditer(text):
        start, end = match.start("amount"), match.end("amount")
        amount = match.group("amount").strip()
        if any(s <= start < e for s, e in taken) or _YEAR.match(amount):
            continue
        if re.fullmatch(r"\d", amount):  # "budget 3" is rarely money
            continue
        yield Hit("PRICE", start, _unit_end(text, end), 0.8)
        # "between 250 and 350 a day": the second amount of the range too.
        second = _RANGE_END.match(text, end)
        if second and not _YEAR.match(second.group("amount")):
            taken.append((second.start("amount"), second.end("amount")))
            yield Hit("PRICE", second.start("amount"), second.end("amount"), 0.8)


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
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and checksums.luhn(digits):
            yield Hit("CREDIT_CARD", match.start(), match.end(), 1.0)


# -- French identifiers ----------------------------------------------------------------
_SIRET = re.compile(r"(?<![\d])\d{3} ?\d{3} ?\d{3} ?\d{5}(?![\d])")
_SIREN = re.compile(r"(?<![\d])\d{3} ?\d{3} ?\d{3}(?![\d ]?\d)")
_NIR = re.compile(
    r"(?<![\d])[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[ABab])"
    r" ?\d{3} ?\d{3} ?\d{2}(?![\d])"
)
_COMPANY_CONTEXT = re.compile(r"\b(?:siret|siren|rcs|n°\s?tva|tva intra|immatricul)", re.IGNORECASE)


def _context_before(text: str, start: int, width: int = 40) -> bool:
    return bool(_COMPANY_CONTEXT.search(text[max(0, start - width) : start]))


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
        yield Hit("URL", match.start(), match.start() + len(value), 1.0 if share else 0.85)


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
_ADDRESS = re.compile(
    r"(?:\b\d{1,4}(?:\s?(?:bis|ter))?,?\s)?"
    r"\b(?:rue|avenue|av\.|boulevard|bd|place|allée|impasse|chemin|quai|cours|passage|route)"
    r"\s(?:(?:de|du|des|de la|d'|l')\s?)?[A-ZÉÈÀ][\w'’-]+(?:\s[A-ZÉÈÀ][\w'’-]+)*"
    r"(?:,?\s\d{5}\s[A-ZÉÈ][\w-]+(?:[\s-][A-ZÉÈ][\w-]+)*)?"
    r"|\b\d{1,5}\s[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)*\s(?:Street|St\.|Avenue|Ave\.?|Road|Rd\.?|"
    r"Lane|Boulevard|Blvd\.?|Drive|Dr\.|Court|Place|Square|Way)\b(?:,\s[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?"
)


def addresses(text: str) -> Iterator[Hit]:
    for match in _ADDRESS.finditer(text):
        yield Hit("LOCATION", match.start(), match.end(), 0.85)


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
