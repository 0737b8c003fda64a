"""The model is loaded only for texts where its entities could change a finding (gate.py).

The gate must never change a finding: on every benchmark text it lets through, any
entities at all (not just what a model says) leave the findings as they are; with the
models installed, every benchmark text gives the same findings with and without it."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from sanitize.config import Config
from sanitize.detect import gate, ner
from sanitize.detect.engine import Detector
from sanitize.detect.filters import keep_name, trim_name
from sanitize.detect.ner import Entity
from sanitize.detect.patterns import Hit

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
LABELS = ("PERSON", "LOCATION", "ORG", "MISC")
# Where a model's entity can start and end: between tokens, never between two letters.
STARTS = re.compile(r"(?<![^\W\d_])[^\W\d_]")
ENDS = re.compile(r"(?<=[^\w\s]|_)|(?<=[^\W\d_])(?![^\W\d_])|(?<=\d)(?!\d)")


@lru_cache(maxsize=1)
def benchmark_texts() -> tuple[str, ...]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import textscore
    finally:
        sys.path.remove(str(BENCHMARKS))
    texts = [
        doc.text
        for path in sorted((BENCHMARKS / "data").glob("*.txt"))
        for doc in textscore.load_drafts(path)
    ]
    texts += [doc.text for doc in textscore.load_realprose(BENCHMARKS / "realprose" / "docs")]
    return tuple(texts)


def kept_names(detector: Detector, text: str, language: str, entities: list[Entity]) -> list[Hit]:
    """The names and places Detector.scan weighs against the other findings of ``text``
    when the model says ``entities`` (the same list gives the same findings)."""
    kept = []
    for hit in detector._names(text, entities, language):
        trimmed = trim_name(text, hit)
        if trimmed is not None and keep_name(text, trimmed):
            kept.append(trimmed)
    return kept


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Spring campaign proposal", "en"),
        ("Section 0: deliverables, timing and the brief, in detail. " * 4, "en"),
        ("je t'envoie le devis demain, avec la facture", "fr"),
        ("Merci pour le devis, je reviens vers toi demain.", "fr"),
        ("Le devis est prêt. Tarif : 450 € HT par jour.", "fr"),
        ("Invoice 2024-003 is attached. Payment within 30 days.", "en"),
        # Unknown capitalised words alone: nothing says they name someone.
        ("See the attached PDF and the SEO report. Canva is great for this.", "en"),
        # A place after "to" is not tied to anyone by the rules ("in", "at" would be).
        ("We moved our studio to Leeds last year.", "en"),
        # A given name that is first of all a function word opens no name ("Will you").
        ("Will you send the invoice?", "en"),
        # A model's name ends at its first word in lower case: "Le devis est prêt …" is
        # "Le", a function word, whatever entity the model returns over it.
        ("Devis\n\nLe devis est prêt : 450 € HT par jour, merci.", "fr"),
    ],
)
def test_texts_that_do_not_need_the_model(text: str, language: str) -> None:
    assert not gate.model_could_matter(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Julie sends the invoice tomorrow.", "en"),  # a given name, not at a sentence start
        ("Bonjour Marie, voici le devis.", "fr"),  # a name from data and context alone
        ("Le projet est en place depuis lundi.", "fr"),  # a street word inside a place
        ("We meet at Brindleford every Monday.", "en"),  # a place tied to someone
        ("Rendez-vous avec Mme Vasseur.", "fr"),  # a title before a name
        ("Thanks,\nOkonkwo", "en"),  # a signature
        ("I sent the draft to Okonkwo's team.", "en"),  # a possessive
        ("Zyxqa Plonk, designer, joins us.", "en"),  # a role after a comma
        ("Le devis de Jean-Pierre est prêt.", "fr"),  # a name after a hyphen
    ],
)
def test_texts_that_need_the_model(text: str, language: str) -> None:
    assert gate.model_could_matter(text, language)


def _entities(text: str, rng: random.Random) -> list[list[Entity]]:
    """Entity lists a model could give: a person and a place from each capitalised word to
    each of the next six token ends, then random spans and sets of spans of any label."""
    starts = [m.start() for m in STARTS.finditer(text)]
    ends = [m.start() for m in ENDS.finditer(text)]
    if not starts or not ends:
        return []

    def following(start: int, count: int) -> list[int]:
        return [end for end in ends if end > start][:count]

    lists: list[list[Entity]] = []
    for start in starts:
        if text[start].isupper():
            for end in following(start, 6):
                lists += [[Entity(label, start, end, True)] for label in LABELS[:2]]

    def random_entity() -> Entity:
        start = rng.choice(starts)
        end = rng.choice(following(start, 12) or [len(text)])
        return Entity(rng.choice(LABELS), start, end, rng.random() < 0.8)

    lists += [[random_entity()] for _ in range(20)]
    lists += [[random_entity() for _ in range(rng.randint(2, 6))] for _ in range(10)]
    return lists


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_entities_change_the_findings_of_a_text_let_through(language: str) -> None:
    """The gate's claim, checked without a model: for the benchmark texts it keeps from the
    model, entities of any label and span give exactly the names of no entities: none (a
    name found without the model is a reason to ask it)."""
    detector = Detector(Config())
    rng = random.Random(14)
    skipped = 0
    for text in benchmark_texts():
        if gate.model_could_matter(text, language):
            continue
        skipped += 1
        assert kept_names(detector, text, language, []) == []
        for entities in _entities(text, rng):
            assert kept_names(detector, text, language, entities) == [], (text, entities)
    assert skipped >= 40  # the gate keeps the model from a good share of the drafts


class _Recorder:
    """Stands in for a loaded engine and records the texts it is asked about."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def analyze(self, texts: list[str]) -> list[list[Entity]]:
        self.seen += texts
        return [[] for _ in texts]


def test_only_the_texts_that_need_it_reach_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = _Recorder()
    monkeypatch.setattr(ner, "engine_for", lambda language: recorder)
    detector = Detector(Config())
    texts = ["Spring campaign proposal", "Julie sends the invoice tomorrow.", "Thanks!"]
    detector.scan(texts, "en")
    assert recorder.seen == ["Julie sends the invoice tomorrow."]
    recorder.seen.clear()
    detector.scan(["Spring campaign proposal", "See the SEO report."], "en")
    assert recorder.seen == []


def test_a_missing_model_is_still_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner, "installed_model", lambda language: None)
    monkeypatch.setattr(ner, "engine_for", lambda language: None)
    detector = Detector(Config())
    detector.scan(["Spring campaign proposal"], "en")
    assert any("name detection is off" in notice for notice in detector.notices)


def test_check_of_a_draft_with_no_name_does_not_import_spacy(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(
        "Tarifs 2025\n\nLe tarif est de 450 € HT par jour, écrivez à jane.doe@gmail.com.\n",
        encoding="utf-8",
    )
    code = (
        "import sys; from sanitize.cli import main\n"
        "try:\n    main(['check', '-q', '--no-cache', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'thinc'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(draft)], capture_output=True, text=True
    )
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fr", "en"])
def test_same_findings_with_and_without_the_gate(language: str) -> None:
    """With the installed models: every benchmark text, alone and all in one batch."""
    if ner.installed_model(language) is None:
        pytest.skip(f"no spaCy model for {language}")
    gated, ungated = Detector(Config()), Detector(Config())
    ungated.gated = False
    texts = list(benchmark_texts())
    for text in texts:
        assert gated.scan([text], language) == ungated.scan([text], language), text
    assert gated.scan(texts, language) == ungated.scan(texts, language)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_engine_per_process_for_a_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: str
) -> None:
    """check and clean on a folder load the model once in each process (the workers too),
    not once per file."""
    from click.testing import CliRunner

    from sanitize.cli import main
    from sanitize.detect import get_detector

    record = tmp_path / "engines.txt"

    class CountedEngine:
        def __init__(self, language: str, model: str):
            with record.open("a", encoding="utf-8") as out:
                out.write(f"{os.getpid()} {language}\n")

        def analyze(self, texts: list[str]) -> list[list[Entity]]:
            return [[] for _ in texts]

    monkeypatch.setattr(ner, "NerEngine", CountedEngine)
    monkeypatch.setattr(ner, "installed_model", lambda language: "a_model")
    ner.engine_for.cache_clear()
    get_detector.cache_clear()
    folder = tmp_path / "drafts"
    folder.mkdir()
    for index in range(6):
        (folder / f"d{index}.md").write_text(
            f"Draft {index}\n\nJulie sends the invoice tomorrow, thanks.\n", encoding="utf-8"
        )
    try:
        for command in ("check", "clean"):
            record.unlink(missing_ok=True)
            ner.engine_for.cache_clear()
            args = [command, "-q", "-j", jobs, str(folder)]
            args += ["--no-cache"] if command == "check" else ["-o", str(tmp_path / "out")]
            result = CliRunner().invoke(main, args)
            assert result.exit_code in (0, 1), result.output
            built = record.read_text(encoding="utf-8").splitlines()
            assert built and len(built) == len(set(built)) <= int(jobs), (command, built)
    finally:
        ner.engine_for.cache_clear()
        get_detector.cache_clear()


def test_the_model_loads_without_spacys_command_line() -> None:
    """spaCy's command line (and typer, weasel, requests) stays out of a scan; asked for
    afterwards, the real one is there."""
    if ner.installed_model("en") is None:
        pytest.skip("no spaCy model for en")
    code = (
        "import sys\n"
        "from sanitize.detect import ner\n"
        "engine = ner.engine_for('en')\n"
        "assert engine.analyze(['Laura Bennett lives in Leeds.'])[0]\n"
        "print(sorted({'spacy.cli', 'typer', 'weasel'} & set(sys.modules)))\n"
        "import spacy.cli\n"
        "print(callable(spacy.cli.download), callable(spacy.cli.info))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split("\n")[:2] == ["[]", "True True"], result.stdout + result.stderr
