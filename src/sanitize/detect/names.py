"""Private persons and private places, from evidence rather than lists of exceptions.

A capitalised word is a person's name when the evidence says so: the model's entity
label, given-name and surname data (census and registry frequencies), how often the word
is written as an ordinary word of the language (wordfreq), and the context it sits in
(a greeting, a title, a sign-off, a role after a comma, capitals, a possessive). A name
written far more often than its bearers' share of the population predicts belongs to a
public figure (or a brand), not to a private person. Places count only where they are
tied to someone (where they live, work or meet), not when mentioned in passing.

Everything here is a pure function over strings and the model's plain entities; the
data files under data/ say where they come from (tools/build_name_data.py builds them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Protocol, TypeVar

from sanitize.detect import vocab
from sanitize.detect.clients import fold
from sanitize.detect.ner import Entity
from sanitize.detect.patterns import Hit

# A word written at least this often (Zipf scale: 3 = once per million words) is a word of
# the language; as a lone capitalised word it is not a name without context.
ORDINARY_ZIPF = 3.0
# A surname written this much more often (in Zipf units, i.e. 100 times) than the surnames
# of its rank in the population is a famous person's (or a brand's).
FAME_EXCESS = 2.0
# Scores: the model's word alone, and the model or the data backed by context.
# Given names written this often (a thousand times per million words) are first of all
# function words of the language: "elle", "will", "may".
FUNCTION_ZIPF = 6.0
# A given name written this often is also a common word ("hope", "mark", "grace"): a verb
# after it, opening a sentence, does not make it a person.
COMMON_AS_WORD_ZIPF = 5.0
MODEL_SCORE = 0.85
RULE_SCORE = 0.8

_UPPER = "A-ZÀ-ÖØ-Þ"
# Context cues are grammar, not data about names: the words that introduce a person.
_GREETING = (
    r"bonjour|bonsoir|salut|coucou|hello|hi|hey|dear|cher|chère|merci|thanks|thank\s+you|"
    r"bises|bisous|cheers|bravo|félicitations|congrats|welcome|bienvenue"
)
_TITLE = (
    r"mm|mme|mmes|mlle|madame|mademoiselle|monsieur|messieurs|m\.|mr|mrs|ms|miss|dr|docteur|"
    r"doctor|maître|me|prof|professeur|professor|sir|"
    # Titles of office written before a member's name in minutes: "Cllr Mrs B Abbott".
    r"cllrs?|coun|councillors?|councilors?|alderman|rev|revd|reverend|abbé|père"
)
_INTRODUCER = (
    r"avec|pour|par|chez|cc|de\s+la\s+part\s+de|signé|with|for|from|by|to|and|et|ou|or|"
    r"via|selon|according\s+to|contact|contacter|auprès\s+de|à|a"
)
_SIGN_OFFS = (
    r"cordialement|bien\s+à\s+(?:vous|toi)|bien\s+cordialement|belle\s+journée|"
    r"bonne\s+journée|à\s+bientôt|a\s+bientot|bises|bisous|amitiés|merci|"
    r"regards|best(?:\s+regards)?|kind\s+regards|cheers|thanks|thank\s+you|love|"
    r"sincerely|yours(?:\s+truly)?|xo+|signé|signed"
)
_SIGN_OFF = re.compile(rf"^\W*(?:{_SIGN_OFFS})\W*$", re.IGNORECASE)
# A byline, on the same line or the line above: "Écrit par\nMargot", "Posted by Greg".
_BYLINE = re.compile(
    r"(?:^|\W)(?:(?:écrit|rédigé|publié|posté|proposé)e?s?\s+par|(?:written|posted|published|"
    r"submitted)\s+by|auteure?|author)[ \t]*:?[ \t]*\n?[ \t]*$",
    re.IGNORECASE,
)
_AFTER_SIGN_OFF = re.compile(rf"(?:^|\W)(?:{_SIGN_OFFS})[ \t]*,[ \t]*$", re.IGNORECASE)
_BEFORE_GREETING = re.compile(
    rf"(?:^|\W)(?:{_GREETING})(?:[\s,!]+(?:à|a|to))?[\s,!]*$", re.IGNORECASE
)  # "Merci à Ghislain", "thanks to Dwayne"
# A title, possibly followed by a list of names: "MM. DION, MARCDARGENT et VAN DEN BROUCKE".
_BEFORE_TITLE = re.compile(
    rf"(?:^|\W)(?:(?i:{_TITLE})\.?\s+)+(?:[{_UPPER}][\w'’.-]*(?:\s+[{_UPPER}][\w'’-]*)*"
    r"\s*(?:,|\bet\b|\band\b)\s*)*$"
)
_DETERMINER = re.compile(
    r"\b(?:the|a|an|our|your|le|la|les|l['’]|un|une|du|des|ce|cette|au|aux)"
    r"\s+$",
    re.IGNORECASE,
)
# Context that names someone by itself; "avec", "pour", "and" only help a known name.
STRONG_CUES = ("title", "greeting", "signature", "possessive", "role", "introduction")
# Someone saying their own name: "Moi, c'est Marie", "je m'appelle Inès", "my name is Dev".
_SELF_INTRODUCTION = re.compile(
    r"(?:^|\W)(?:moi,?\s+c['’]est|je\s+m['’]appelle|mon\s+(?:pr[ée]nom|nom)\s+est|"
    r"my\s+name\s+is|my\s+name['’]s|call\s+me|i['’]m|i\s+am)\s+$",
    re.IGNORECASE,
)
_BEFORE_INTRODUCER = re.compile(rf"(?:^|\W)(?:{_INTRODUCER})\s+$", re.IGNORECASE)
_TITLE_ONLY = re.compile(rf"(?:{_TITLE})\.?", re.IGNORECASE)
_CAP_WORD = rf"[{_UPPER}][\w'’-]*"
_PARTICLE = r"(?:de|du|des|van|von|le|la|da|di|dos|bin|el)"  # "Van Den Broucke", "de Rivoli"
# A run of capitalised words: "Julie Martin", "CLAIRE MOREAU", "Cllr Mr A H Porter" (titles and
# initials make runs of up to six words).
_RUN = re.compile(
    rf"(?<![\w@#/.-]){_CAP_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_CAP_WORD}){{0,5}}(?![\w@])"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Places: streets are addresses; a place after a preposition in a sentence about the
# writer or someone they know is tied to a person.
_STREET = re.compile(
    r"\b(?:rue|avenue|av\.|boulevard|bd|place|impasse|allée|chemin|quai|cours|route|"
    r"street|st\.|road|rd\.|lane|avenue|drive|square)\b",
    re.IGNORECASE,
)
_PLACE_PREPOSITION = re.compile(
    r"(?:\b(?:à|a|au|aux|en|dans|sur|près\s+de|vers|in|at|near|around|from)\s+)$", re.IGNORECASE
)
# What ties a place to a person, as the labelling policy puts it: where they live, work
# or meet. A first-person pronoun alone does not ("je serai à Paris", "our fair in
# Chicago" are travel and events, mentioned in passing).
_PERSONAL = re.compile(
    r"\b(?:chez\s+(?:moi|nous|lui|elle|eux)|habite|habitons|habitez|habitent|vivons|vis|vit|"
    r"installée?s?|basée?s?|domicili\w*|déménag\w*|rdv|rendez-vous|retrouve\w*|"
    r"(?:mon|ma|notre|nos|mes|son|sa|leur)\s+(?:atelier|studio|bureau|boutique|cabinet|"
    r"magasin|local|maison|appartement|appart)|"
    r"live|lives|living|based|moved|meet|meeting|home|"
    r"(?:my|our|his|her|their)\s+(?:studio|office|workshop|shop|store|house|flat|"
    r"apartment|place))\b",
    re.IGNORECASE,
)
# How far back a sentence is read for those cues.
_CONTEXT = 80


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    return frozenset(_lines("given_names.txt"))


@lru_cache(maxsize=2)
def words(language: str) -> dict[str, float]:
    found = {}
    for line in _lines(f"words_{language}.txt"):
        word, zipf = line.split("\t")
        found[word] = int(zipf) / 10
    return found


@lru_cache(maxsize=2)
def surnames(language: str) -> tuple[dict[str, int], list[tuple[float, float]]]:
    """Surname -> rank, and the median written frequency by band of log10(rank)."""
    path = resources.files("sanitize.detect") / "data" / f"surnames_{language}.txt"
    bands: list[tuple[float, float]] = []
    ranks: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# #!"):
            for pair in line[4:].split():
                band, zipf = pair.split("=")
                bands.append((float(band), float(zipf)))
        elif line and not line.startswith("#"):
            ranks.setdefault(line, len(ranks) + 1)
    return ranks, bands


def _lines(name: str) -> Iterable[str]:
    path = resources.files("sanitize.detect") / "data" / name
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line


def zipf(word: str, language: str) -> float:
    return words(language).get(fold(word), 0.0)


def is_given(word: str) -> bool:
    return fold(word) in given_names()


def is_surname(word: str) -> bool:
    key = fold(word)
    return any(key in surnames(language)[0] for language in ("fr", "en"))


def ordinary(word: str, language: str) -> bool:
    """A word of the language, not a given name: "Astuce", "Objectif", "Rappel". English
    words count in French text too ("Brand", "Story", "Post" are written there as such)."""
    written = max(zipf(word, language), zipf(word, "en"))
    return written >= ORDINARY_ZIPF and not is_given(word)


def famous(word: str, language: str) -> bool:
    """Written far more often than a surname of its rank: "Macron", "Obama", "Zuckerberg"."""
    if is_given(word):
        return False
    written = zipf(word, language)
    if written < ORDINARY_ZIPF:
        return False
    ranks, bands = surnames(language)
    rank = ranks.get(fold(word))
    if rank is None or not bands:
        return False  # not a known surname: a famous name and a plain word look alike here
    band = math.floor(math.log10(rank) * 2) / 2
    expected = next((z for b, z in reversed(bands) if b <= band), bands[0][1])
    return written - expected >= FAME_EXCESS


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"«“'(*-•>")
    return not before or before[-1] in ".!?\n:;|"


def _line_bounds(text: str, position: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, end if end >= 0 else len(text)


def _previous_line(text: str, position: int) -> str:
    start, _ = _line_bounds(text, position)
    lines = text[: max(start - 1, 0)].rstrip("\n").split("\n")
    return lines[-1] if start > 0 and lines else ""


def _cue(text: str, start: int, end: int) -> str | None:
    """The context that introduces a name at [start, end), if any."""
    before = text[max(0, start - _CONTEXT) : start]
    line_start, line_end = _line_bounds(text, start)
    if _BEFORE_TITLE.search(before) or _BEFORE_OFFICE.search(before):
        return "title"
    if _BEFORE_GREETING.search(before):
        return "greeting"
    if _BYLINE.search(before):
        return "signature"
    if _SELF_INTRODUCTION.search(before):
        return "introduction"
    after = text[end : end + 3]
    if after.startswith(("'s", "’s")):
        return "possessive"
    line = text[line_start:line_end].strip(" \t*_>-•")
    name = text[start:end]
    if line.startswith(name) and _SIGN_OFF.match(_previous_line(text, start)):
        return "signature"  # "Bises,\nLéa"
    if re.match(r"[ \t]*,[ \t]*(?:\w+[ \t]*){1,4}(?:$|[,.\n])", text[end : end + 60]) and (
        line.startswith(name) or _BEFORE_INTRODUCER.search(before)
    ):
        return "role"  # "Julie Martin, photographe"
    if _AFTER_SIGN_OFF.search(before):
        return "signature"  # "Bises, Léa"
    if _BEFORE_INTRODUCER.search(before):
        return "introducer"
    return None


def _tokens(value: str) -> list[str]:
    return _WORD.findall(value)


def _all_caps(word: str) -> bool:
    return word.isupper() and len(word) > 1


def _strip_title(text: str, start: int, end: int) -> int:
    """Move past a title the model kept in the span ("Mme Garnier" -> "Garnier")."""
    match = re.match(rf"(?:(?:{_TITLE})\.?\s+)+", text[start:end], re.IGNORECASE)
    return start + match.end() if match else start


def _person_from_run(text: str, start: int, end: int, language: str) -> Hit | None:
    """A run of capitalised words read as a name by the data and the context."""
    tokens = text[start:end].split()
    cue = _cue(text, start, end)
    strong = cue in STRONG_CUES
    first = tokens[0]
    if cue == "title" and all(_plain_word(t, language) for t in _tokens(text[start:end])):
        return None  # a role in a list after a title: "Mr W Grosvenor Clerk and Executive Officer"
    if len(first) > 1 and zipf(first, language) >= FUNCTION_ZIPF:
        return None  # "Les", "Elle", "Will": function words before given names
    if cue == "title" and (
        len(tokens) > 1 or not ordinary(first, language) or _all_caps(first) or is_surname(first)
    ):
        # "Mme Garnier", "MM. DION, PARESY", "Cllr Vaughan"; the role written after the
        # name is not part of it ("Mr D L Nicholson Deputy Parish Clerk").
        return Hit("PERSON", start, _before_role(text, start, end, language), RULE_SCORE)
    surname_first = _surname_first(tokens, language)
    if surname_first:
        # "BUAN Jean-Marc", "DE LA VILLEON Laure": the surname in capitals, then the
        # given name, as French minutes and forms list people.
        return Hit("PERSON", start, start + len(" ".join(tokens[:surname_first])), RULE_SCORE)
    if cue == "introduction" and not ordinary(first, language) and not _all_caps(first):
        return Hit("PERSON", start, start + len(first), RULE_SCORE)  # "my name is Torin"
    if not is_given(first) or (len(tokens) == 1 and _all_caps(first) and not strong):
        return None  # a lone word in capitals is an acronym (IBAN, ITP) unless titled
    if _DETERMINER.search(text[max(0, start - 12) : start]):
        return None  # "the Ward Councillor", "la Rose des vents"
    if len(tokens) >= 2:
        last = tokens[-1]
        if is_surname(last) or not ordinary(last, language) or _initial(last):
            return Hit("PERSON", start, end, RULE_SCORE)  # "Julie Martin", "Alain R"
        if _list_item(text, start, end):
            return Hit("PERSON", start, end, RULE_SCORE)  # "• Fiona Lean" in a list of members
        if not strong:
            return None  # "Rose Garden", "Grace Period": a title-case phrase, not a name
        end = start + len(first)
    if ordinary(first, language) and not strong:
        return None
    if strong:
        return Hit("PERSON", start, end, RULE_SCORE)
    if _calendar_at(text, start, end):
        return None  # "Sun, Jun 10": the calendar
    if zipf(first, language) >= FUNCTION_ZIPF:
        return None  # "Elle", "Will", "May": given names, but first of all function words
    if _sentence_start(text, start):
        # "Mark the date", a heading: a first name opening a sentence needs what a person
        # does after it: a comma, a verb of saying or an auxiliary ("Kathy has", "Didier
        # va"), or another name it is listed with ("Luc et Marie-Noëlle").
        after = text[end : end + 40]
        # A name that is also a common word ("Hope is", "Grace was") needs more than a verb.
        verb = _PERSON_VERB_AFTER.match(after) and zipf(first, language) < COMMON_AS_WORD_ZIPF
        if after[:1] == "," or verb or _names_listed_after(after):
            return Hit("PERSON", start, end, RULE_SCORE)
        return None
    if zipf(first, language) >= ORDINARY_ZIPF + 2:
        return None  # "Paris", "France": given names too, but mostly written as words
    return Hit("PERSON", start, end, RULE_SCORE)


def _whole_line(text: str, start: int, end: int) -> bool:
    """The words are all their line says (a list item, a signature, a byline)."""
    line_start, line_end = _line_bounds(text, start)
    return not text[line_start:start].strip(" \t-–—•*>·") and not text[end:line_end].strip(" \t,.;")


def _run_person(text: str, run: re.Match[str], language: str) -> Hit | None:
    """The name in a run of capitalised words, which may start with a greeting or a
    heading word ("Bonjour Camille", "Merci Zara", "Compte Rendu Julie Martin")."""
    group = re.sub(r"['’]s$", "", run.group())  # "Paul's"
    for word in re.finditer(r"\S+", group):
        start = run.start() + word.start()
        if start > run.start() and group[word.start() - 1] not in " \t":
            continue
        if (
            re.fullmatch(_PARTICLE, word.group())
            or _TITLE_ONLY.fullmatch(word.group())
            or _OFFICE.fullmatch(word.group().rstrip(",:"))
        ):
            continue  # the name starts after its titles: "Cllr Mrs B Abbott" -> "B Abbott"
        if _SAINT.fullmatch(word.group()):
            return None  # "Saint Paul", "St John": a saint, a church or a place
        hit = _person_from_run(text, start, run.start() + len(group), language)
        if hit is not None:
            return hit
        if (
            not _sentence_start(text, run.start())
            and not _GREETING_WORD.fullmatch(word.group())
            and not _all_caps(word.group())
        ):
            # Inside a sentence, the capitalised words before a given name are part of
            # one proper name ("benefit Pine Glen"); heading words open a line.
            return None
        if _unknown_proper(word.group(), language):
            # "Pamber Heath", "Sherborne St John": a name that starts with a proper noun
            # the data does not know as a name is a place's or a thing's, not a person's.
            return None
    return None


def _plain_word(token: str, language: str) -> bool:
    """An ordinary word of the language that is not also a common name: "Executive",
    "Officer", "Finance" (a rare surname too), but not "Baker"."""
    return len(token) > 1 and ordinary(token, language) and not _common_surname(token)


def _unknown_proper(word: str, language: str) -> bool:
    """A capitalised word that is neither a word of the language nor a known name."""
    tokens = _tokens(word)
    return bool(tokens) and not any(
        ordinary(t, language) or is_given(t) or is_surname(t) or len(t) == 1 for t in tokens
    )


def _model_person(text: str, entity: Entity, language: str) -> Hit | None:
    """The model's PERSON, kept unless the data or the context say it is not one."""
    start = _strip_title(text, entity.start, entity.end)
    newline = text.find("\n", start, entity.end)
    end = newline if newline >= 0 else entity.end  # a byline glued to the next lines
    end = start + len(text[start:end].rstrip(" \t-–—,;:"))
    # A comma or a spaced dash ends a name: the model glued two members of a list
    # ("Annick LAROCHE,- Evelyne").
    separator = _NAME_SEPARATOR.search(text, start, end)
    if separator is not None:
        end = separator.start()
    end = _name_extent(text, start, end, language)
    value = text[start:end]
    tokens = _tokens(value)
    if not tokens or not value[:1].isupper() or text[start - 1 : start] in ("@", "#"):
        return None  # handles and hashtags are left to the handle policy
    if all(_TITLE_ONLY.fullmatch(t) for t in value.split()):
        return None  # "Cllr", "Mrs": a title the model took for the name it introduces
    cue = _cue(text, start, end)
    strong = cue in STRONG_CUES
    if not entity.proper and not strong:
        return None  # a verb or a common noun the model took for a name
    if len(tokens) == 1:
        word = tokens[0]
        if _all_caps(word) and len(word) <= 6 and cue != "title":
            return None  # an acronym: TJM, SEO, ITP
        if ordinary(word, language) and cue != "title":
            return None
        if not (is_given(word) or is_surname(word)) and not strong:
            return None  # an unknown word with nothing to say it names someone: "Canva"
        if not strong and _DETERMINER.search(text[max(0, start - 12) : start]):
            return None
        if cue is None and fold(word) in _lower_words(text):
            return None  # the text itself writes it as a word
        if cue is None and _sentence_start(text, start) and not _subject_name(word, language):
            return None
    elif not strong and ordinary(tokens[0], language):
        return None  # "Objectif Lune", "Brand photography": names start with a name
    elif (
        not strong
        and ordinary(tokens[-1], language)
        and not is_surname(tokens[-1])
        and (
            len(tokens) > 2
            or not is_given(tokens[0])
            or _DETERMINER.search(text[max(0, start - 12) : start])
        )
    ):
        return None  # "the Ward Councillor", "Royal Mint Court": a title-case phrase
    elif (
        not strong
        and not any(is_given(t) or is_surname(t) for t in tokens)
        and any(ordinary(t, language) or not t.istitle() for t in tokens)
    ):
        return None  # "My API"
    return Hit("PERSON", start, end, MODEL_SCORE)


@lru_cache(maxsize=64)
def _lower_words(text: str) -> frozenset[str]:
    """Words the text itself writes in lower case: then they are not names there."""
    return frozenset(fold(w) for w in _WORD.findall(text) if w.islower())


def _public(text: str, hit: Hit, language: str) -> bool:
    tokens = _tokens(text[hit.start : hit.end])
    if not tokens:
        return True
    last = tokens[-1]
    return famous(last, language) and not (len(tokens) == 1 and is_given(last))


def _tied_place(text: str, entity: Entity) -> bool:
    """A place in an address, or where someone lives, works or meets."""
    value = text[entity.start : entity.end]
    street = _STREET.search(value) or _STREET.search(text[max(0, entity.start - 12) : entity.start])
    # A street with a number or a postcode is an address; a street or a square alone is
    # where a market or an event is held, unless the sentence ties it to someone.
    if street and (
        _HOUSE_NUMBER.search(text[max(0, entity.start - 16) : entity.start + 12])
        or _POSTCODE.search(text[entity.end : entity.end + 40])
    ):
        return True
    before = text[max(0, entity.start - _CONTEXT) : entity.start]
    if not _PLACE_PREPOSITION.search(before):
        return False
    sentence = re.split(r"[.!?\n]", before)[-1]
    return bool(_PERSONAL.search(sentence))


def _brand(text: str, hit: Hit, entities: list[Entity]) -> bool:
    """A lone given name the model reads as an organisation or a place ("Zara", "Paris"),
    unless someone is greeted or addressed by it ("Merci Zara")."""
    if len(_tokens(text[hit.start : hit.end])) > 1:
        return False
    if _cue(text, hit.start, hit.end) in ("greeting", "title", "signature", "introduction"):
        return False
    return any(
        e.label in ("ORG", "LOCATION") and e.start <= hit.start and hit.end <= e.end
        for e in entities
    )


def find(text: str, entities: list[Entity], language: str) -> list[Hit]:
    """PERSON and LOCATION findings in one text."""
    language = language if language in ("fr", "en") else "en"
    persons: list[Hit] = []
    for entity in entities:
        if entity.label == "PERSON":
            hit = _model_person(text, entity, language)
            if hit is not None:
                persons.append(hit)
    for match in _RUN.finditer(text):
        hit = _run_person(text, match, language)
        if hit is None or any(h.start < hit.end and hit.start < h.end for h in persons):
            continue
        if _brand(text, hit, entities):
            continue
        persons.append(hit)
    listed_places = _listed_places(text, entities, language)
    members = _listed_members(text, persons)
    persons = [
        h
        for h in persons
        if (h in members or not _public(text, h, language))
        and not _in_place_name(text, h)
        and not any(s <= h.start and h.end <= e for s, e in listed_places)
        and not _saint(text, h.start)
        and not _author_of_work(text, h.start)
        and not _saint_in(text, h)
        and not _lone_calendar(text, h)
    ]
    persons += _other_mentions(text, persons, language)
    persons += _surnames_in_capitals(text, persons, language)
    places = [
        Hit("LOCATION", e.start, e.end, MODEL_SCORE)
        for e in entities
        if e.label == "LOCATION" and _tied_place(text, e)
    ]
    return persons + places


# A name inside a street or place name belongs to the place ("place Gilbert Chapuis",
# "rue Victor Hugo", "Baker Street", "Royal Mint Court"): the labelling policy's
# hard negatives. The street types are the closed classes of sanitize.detect.vocab.
_STREET_BEFORE = re.compile(
    rf"(?:^|[\s,(])(?i:{vocab.alternation(vocab.FR_STREET_TYPES + vocab.FR_VENUE_TYPES)})[ \t]+"
    rf"(?:(?i:{vocab.alternation(vocab.FR_NAME_PARTICLES)})[ \t]+)?$"
)
_PLACE_NOUNS_AFTER = vocab.alternation(vocab.EN_STREET_TYPES + vocab.EN_INSTITUTION_TYPES)
_STREET_AFTER = re.compile(rf"[ \t]+({_PLACE_NOUNS_AFTER})(?!\w)")
_LAST_STREET_TYPE = re.compile(rf"\s({_PLACE_NOUNS_AFTER})$")


def _in_place_name(text: str, hit: Hit) -> bool:
    before = text[max(0, hit.start - 30) : hit.start]
    if _STREET_BEFORE.search(before):
        return True
    # The street type ends the name or follows it. "Hill", "Lane", "Way" are surnames too:
    # "Jane Hill" stays a person.
    value = text[hit.start : hit.end]
    last = _LAST_STREET_TYPE.search(value)
    after = _STREET_AFTER.match(text, hit.end)
    word = last.group(1) if last else after.group(1) if after else None
    return word is not None and not _common_surname(word.rstrip("."))


# Rank under which a street type is read as a surname ("Hill" 33rd, "Lane" 182nd in the US
# census) rather than as part of a place ("Street", "Court", "Way" rank in the thousands).
COMMON_SURNAME_RANK = 1000


def _common_surname(word: str) -> bool:
    key = fold(word)
    return any(
        surnames(language)[0].get(key, COMMON_SURNAME_RANK + 1) <= COMMON_SURNAME_RANK
        for language in ("fr", "en")
    )


def _other_mentions(text: str, persons: list[Hit], language: str) -> list[Hit]:
    """Every mention counts: "Julie Martin ... Julie ... MARTIN" once the full name is known."""
    full: set[str] = set()
    parts: set[str] = set()
    for hit in persons:
        tokens = _tokens(text[hit.start : hit.end])
        if len(tokens) >= 2:
            full.add(" ".join(tokens))
            # A lone part is the person only if it reads as a name, not as a word.
            parts.update(
                t
                for t in tokens
                if len(t) > 2 and (is_given(t) or is_surname(t) or not ordinary(t, language))
            )
        elif len(tokens) == 1 and len(tokens[0]) > 2 and is_given(tokens[0]):
            # A first name found once with evidence names the same person elsewhere, also
            # where it opens a sentence ("Pierre et Didier …. Didier enverra …").
            parts.add(tokens[0])
    found: list[Hit] = []
    taken = list(persons)
    # Whole names first, so that "Chris Punter's" is one mention, not two.
    for part in [*sorted(full, key=len, reverse=True), *sorted(parts)]:
        for match in re.finditer(rf"(?<![\w@.]){re.escape(part)}(?![\w@])", text, re.IGNORECASE):
            if not match.group()[:1].isupper():
                continue
            if any(h.start < match.end() and match.start() < h.end for h in taken):
                continue
            if _DETERMINER.search(text[max(0, match.start() - 12) : match.start()]):
                continue  # "the Ward": a word, not the person
            if part in parts and _inside_other_phrase(text, match.start(), match.end(), language):
                continue  # "Parish Council" once a "… Parish" is known: the word, not the person
            hit = Hit("PERSON", match.start(), match.end(), RULE_SCORE)
            taken.append(hit)
            found.append(hit)
    return found


_CAPITAL_BEFORE = re.compile(rf"{_CAP_WORD}[ \t]+$")
_CAPITAL_AFTER = re.compile(rf"[ \t]+{_CAP_WORD}")


def _inside_other_phrase(text: str, start: int, end: int, language: str) -> bool:
    """A lone part of a known name that is also a word of the language, written inside
    another run of capitalised words ("Parish" in "Parish Council"), is that word."""
    if zipf(text[start:end], language) < ORDINARY_ZIPF:
        return False
    before = text[max(0, start - 30) : start]
    return bool(_CAPITAL_BEFORE.search(before) or _CAPITAL_AFTER.match(text, end))


_NAME_PARTICLES = {
    "de",
    "du",
    "des",
    "d'",
    "d’",
    "la",
    "le",
    "van",
    "von",
    "der",
    "den",
    "da",
    "di",
    "dos",
    "del",
    "della",
    "bin",
    "ben",
    "el",
    "al",
    "ter",
    "ten",
}


def _name_extent(text: str, start: int, end: int, language: str) -> int:
    """Where a model's PERSON really ends: at the first word in lower case that is not a
    particle ("Yvonnick Dussubieux de la Boulangerie Le Treize à Vallet" ends before "de":
    after its particles comes a word of the language, not a surname)."""
    pending: int | None = None  # where a run of particles began
    for index, word in enumerate(re.finditer(r"\S+", text[start:end])):
        value = word.group()
        if index == 0:
            continue
        if (
            fold(value) in _NAME_PARTICLES
            or fold(value).startswith(("d'", "d’"))
            and len(value) <= 2
        ):
            pending = word.start() if pending is None else pending
            continue
        if not value[:1].isupper():
            return _cut(text, start, pending if pending is not None else word.start())
        if pending is not None and _plain_word(value.strip(",.;:"), language):
            return _cut(text, start, pending)  # "de la Boulangerie": a business follows
        pending = None
    return _cut(text, start, end - start if pending is None else pending)


def _cut(text: str, start: int, length: int) -> int:
    return start + len(text[start : start + length].rstrip())


# Between the members of one list: commas and conjunctions only.
_LIST_GLUE = re.compile(r"\s*(?:,|;|\bet\b|\band\b|\bor\b|\bou\b|&)\s*(?:(?:et|and|or|ou)\s+)?$")


def _listed_places(text: str, entities: list[Entity], language: str) -> list[tuple[int, int]]:
    """Entities listed together with places are places ("in Bramley, Sherborne St John and
    Pamber Heath", "entre Sainte-Pazanne et Le Cellier, Orvault, Vallet et Mouzillon"): a
    list that the model reads as places at least as often as persons, or that follows a
    preposition of place."""
    named = [e for e in entities if e.label in ("PERSON", "LOCATION")]
    groups = _lists(text, named, _LIST_GLUE)
    found: list[tuple[int, int]] = []
    for group in groups:
        # A place the model names with ordinary words only ("Design et Classique", two
        # rooms) is weak evidence; a member whose first word is a given name is a person.
        places = sum(
            e.label == "LOCATION"
            and not all(_plain_word(t, language) for t in _tokens(text[e.start : e.end]))
            for e in group
        )
        if len(group) < 2 or not places:
            continue
        persons = len(group) - places
        after_preposition = _PLACE_PREPOSITION.search(
            text[max(0, group[0].start - 20) : group[0].start]
        )
        glues = [text[a.end : b.start] for a, b in zip(group, group[1:], strict=False)]
        if not any(re.search(r"\b(?:et|and|or|ou)\b|&", glue) for glue in glues):
            continue  # "A Sainte-Pazanne, Stéphane Gauthier …": a comma alone lists nothing
        if places >= persons or after_preposition:
            found.extend(
                (e.start, e.end) for e in group if not _given_first(text[e.start : e.end], language)
            )
    return found


def _given_first(value: str, language: str) -> bool:
    tokens = _tokens(value)
    return bool(tokens) and is_given(tokens[0]) and not ordinary(tokens[0], language)


_SAINT = re.compile(rf"(?i:{vocab.alternation(vocab.SAINT_WORDS)})")
_SAINT_BEFORE = re.compile(rf"(?:^|[^\w])(?i:{vocab.alternation(vocab.SAINT_WORDS)})[ \t-]+$")
_GREETING_WORD = re.compile(rf"(?i:{_GREETING})[,!]?")
_PERSON_VERB_AFTER = re.compile(
    rf"[ \t]+(?:{vocab.alternation(vocab.PERSON_VERBS_AFTER)})(?![\w'’])", re.IGNORECASE
)
_LISTED_NAME_AFTER = re.compile(rf"[ \t]+(?:et|and|&)[ \t]+({_CAP_WORD})")
_CALENDAR = frozenset(fold(w) for w in vocab.CALENDAR_WORDS)


def _names_listed_after(after: str) -> bool:
    """ "Luc et Marie-Noëlle ont…": a name coordinated with another given name."""
    match = _LISTED_NAME_AFTER.match(after)
    return match is not None and is_given(match.group(1))


def _calendar_at(text: str, start: int, end: int) -> bool:
    """A day or a month next to a date ("Sun, Jun 10", "3 May"), not "my wife, Jan"."""
    if fold(text[start:end]).rstrip(".") not in _CALENDAR:
        return False
    after = re.match(r"[\s,.]*(\d|[^\W\d_]+)", text[end : end + 20])
    before = re.search(r"(\d|[^\W\d_]+)[\s,.]*$", text[max(0, start - 20) : start])
    return any(
        m is not None and (m.group(1).isdigit() or fold(m.group(1)) in _CALENDAR)
        for m in (after, before)
    )


def _list_item(text: str, start: int, end: int) -> bool:
    """The words are all of a bulleted line ("• Fiona Lean")."""
    line_start, line_end = _line_bounds(text, start)
    prefix = text[line_start:start].strip(" \t")
    return prefix in ("•", "-", "*", "–", "·", "◦", "▪") and not text[end:line_end].strip(" \t,.;")


def _initial(token: str) -> bool:
    """A surname written as its initial: "Alain R", "Eric P."."""
    return len(token.rstrip(".")) == 1 and token[:1].isupper()


def _saint(text: str, start: int) -> bool:
    return bool(_SAINT_BEFORE.search(text[max(0, start - 12) : start]))


def _saint_in(text: str, hit: Hit) -> bool:
    tokens = text[hit.start : hit.end].split()
    return bool(tokens) and bool(_SAINT.fullmatch(tokens[0]))


def _lone_calendar(text: str, hit: Hit) -> bool:
    """A lone day or month next to a date is the calendar."""
    return len(_tokens(text[hit.start : hit.end])) == 1 and _calendar_at(text, hit.start, hit.end)


# A word of an address is read as a name only from this length: shorter pieces ("al",
# "le", "jo") are found by chance inside any word.
ADDRESS_NAME_LENGTH = 4


def names_in_address(address: str) -> bool:
    """A person's name written in a web address: each label of the host and path is cut
    at hyphens, dots and slashes, each piece spelled with known words, and a piece that
    starts with a given name or a surname is a person's ("paulmakes" -> paul + makes,
    "julie-martin"); a name found further inside a piece is chance ("l-atelier-urbain")."""
    host = address.split("/", 1)[0]
    pieces = [p for p in re.split(r"[-_./~@+]+", address.lower().split("?", 1)[0]) if p]
    suffix = host.count(".")  # the last label of the host is its suffix (.fr, .com)
    for index, piece in enumerate(pieces):
        if index == suffix:
            continue
        word = _segment(fold(piece))[0]
        if len(word) >= ADDRESS_NAME_LENGTH and (is_given(word) or is_surname(word)):
            return True
    return False


@lru_cache(maxsize=256)
def _segment(piece: str) -> tuple[str, ...]:
    """The fewest known words (of either language, or names) that spell ``piece``; the
    piece itself when it cannot be spelled so."""
    if not piece.isalpha() or len(piece) > 40:
        return (piece,)
    known = _address_vocabulary()
    best: list[tuple[str, ...] | None] = [()] + [None] * len(piece)
    for end in range(1, len(piece) + 1):
        for start in range(max(0, end - 20), end):
            head = best[start]
            word = piece[start:end]
            if head is None or (word not in known and len(word) > 1):
                continue
            candidate = (*head, word)
            current = best[end]
            if current is None or len(candidate) < len(current):
                best[end] = candidate
    found = best[len(piece)]
    return found if found is not None else (piece,)


@lru_cache(maxsize=1)
def _address_vocabulary() -> frozenset[str]:
    return frozenset(words("fr")) | frozenset(words("en")) | given_names()


def preload() -> None:
    """Read the name data of both languages now: a warm helper (sanitize.helper) does it
    once, and each run it serves starts with it."""
    _address_vocabulary()  # reads given names and the words of both languages
    for language in ("fr", "en"):
        surnames(language)


# The author of a work cited by its title: « La comédie humaine » d'Honoré de Balzac, "Les
# Rougon-Macquart" d'Émile Zola, "Atomic Habits" by James Clear. Published authors are
# public figures.
_AFTER_WORK_TITLE = re.compile(r"[\"»”]\s*(?:,\s*)?(?:de|d['’]|by|par|from)\s*$", re.IGNORECASE)


def _author_of_work(text: str, start: int) -> bool:
    return bool(_AFTER_WORK_TITLE.search(text[max(0, start - 12) : start]))


# An address's number before its street ("8 impasse", "27 Marlowe Road", "12 bis, rue"),
# or its postcode after the street (French, British, American).
_HOUSE_NUMBER = re.compile(r"(?<![\d:h])\d{1,4}(?:\s?(?:bis|ter|[a-c]))?,?\s+\S", re.IGNORECASE)
_POSTCODE = re.compile(r"\b\d{5}\b|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|\b[A-Z]{2}\s\d{5}\b")


def tied_to_person(text: str, start: int) -> bool:
    """The sentence before ``start`` says someone lives, works or meets there."""
    sentence = re.split(r"[.!?\n]", text[max(0, start - _CONTEXT) : start])[-1]
    return bool(_PERSONAL.search(sentence))


def _before_role(text: str, start: int, end: int, language: str) -> int:
    """Where a titled name ends: before the first word of the language that follows a
    word of the name ("D L Nicholson Deputy Parish" -> "D L Nicholson")."""
    named = False
    for word in re.finditer(r"\S+", text[start:end]):
        token = word.group()
        if named and _plain_word(token, language):
            return _cut(text, start, word.start())
        named = named or not (_initial(token) or _plain_word(token, language))
    return end


def _listed_members(text: str, persons: list[Hit]) -> set[Hit]:
    """Names listed with other names, by commas ("Adhérents : Marie Frère, Danièle Mottin,
    Marc Frère, …"): members of a list of private persons, whatever the fame of a surname
    that is also a word ("Frère")."""
    groups = _lists(text, persons, _MEMBER_GLUE)
    return {hit for group in groups if len(group) >= 3 for hit in group}


_MEMBER_GLUE = re.compile(r"\s*(?:,|;|\bet\b|\band\b)\s*")


class _Span(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


_S = TypeVar("_S", bound=_Span)


def _lists(text: str, spans: list[_S], glue: re.Pattern[str]) -> list[list[_S]]:
    """The spans in text order, grouped into lists: neighbours joined on one line by nothing
    but what ``glue`` matches (commas, conjunctions)."""
    groups: list[list[_S]] = []
    for span in sorted(spans, key=lambda s: s.start):
        previous = groups[-1][-1] if groups else None
        between = (
            text[previous.end : span.start] if previous and previous.end <= span.start else None
        )
        if between is not None and "\n" not in between and glue.fullmatch(between):
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def _surnames_in_capitals(text: str, persons: list[Hit], language: str) -> list[Hit]:
    """A name cut by a line break, as columns and forms wrap it: a given name ends a line
    and a known surname in capitals opens the next ("Mme Isabelle\nSEGRETAIN",
    "Philippe\nRAGOT, diacre"). Names do not run across lines, so the surname is its own
    finding."""
    found: list[Hit] = []
    for match in _WRAPPED_SURNAME.finditer(text):
        word = match.group("surname")
        if any(h.start < match.end() and match.start("surname") < h.end for h in persons):
            continue
        if not is_given(match.group("given")) or not is_surname(word):
            continue
        if max(zipf(word, language), zipf(word, "en")) >= ORDINARY_ZIPF:
            continue
        found.append(Hit("PERSON", match.start("surname"), match.end("surname"), RULE_SCORE))
    return found


_WRAPPED_SURNAME = re.compile(
    rf"(?<![\w-])(?P<given>[{_UPPER}][\w'’-]+)[ \t]*\n[ \t]*"
    rf"(?P<surname>[{_UPPER}]{{3,}}(?:-[{_UPPER}]{{2,}})?)(?![\w@])"
)


_OFFICE = re.compile(rf"(?i:{vocab.alternation(vocab.OFFICE_TITLES)})")
# An office introduces a name after a determiner ("notre Maire X", "the Treasurer, X") or
# a comma or colon ("Trésorière : X"); in a title-case heading it does not ("Ticket
# Secretary Leaves").
_BEFORE_OFFICE = re.compile(
    rf"(?:(?:^|\W)(?i:le|la|l['’]|notre|votre|leur|son|sa|the|our|your|their|its|club|parish)"
    rf"[ \t]+(?i:{vocab.alternation(vocab.OFFICE_TITLES)})[ \t]*,?"
    rf"|(?:^|\W)(?i:{vocab.alternation(vocab.OFFICE_TITLES)})[ \t]*[,:])[ \t]*\Z"
)


def _subject_name(word: str, language: str) -> bool:
    """A lone word the model reads as a person, opening a sentence: a given name that is
    not also a common word ("Julie sends the invoice"; not "Mark the date", "Hope is")."""
    return (
        is_given(word) and zipf(word, language) < COMMON_AS_WORD_ZIPF and not _calendar_word(word)
    )


def _calendar_word(word: str) -> bool:
    return fold(word).rstrip(".") in _CALENDAR


_NAME_SEPARATOR = re.compile(r",|;|[ \t][-–—][ \t]|[-–—][ \t]")


def _surname_first(tokens: list[str], language: str) -> int:
    """How many tokens make a name written surname first, in capitals ("BUAN Jean-Marc",
    "GOUDE VENIEN Laure"): capitals, at least one of them no word of the language, then a
    given name; 0 when the tokens are not such a name."""
    index = 0
    while index < len(tokens) and _all_caps(tokens[index].strip(",.;")):
        index += 1
    if index == 0 or index >= len(tokens):
        return 0
    capitals = [t.strip(",.;") for t in tokens[:index]]
    if all(_plain_word(t.capitalize(), language) and not is_surname(t) for t in capitals):
        return 0  # a heading in capitals: "COMPTE RENDU Marie…"
    given = tokens[index].strip(",.;")
    if not given[:1].isupper() or given.isupper() or not is_given(given):
        return 0
    return index + 1
