"""Scoring of text detection against labelled sets, per /work/shared/text-labelling.md.

Pure Python, no sanitize import: the benchmark and the quality test feed it predictions.

Two kinds of labelled set load into the same ``Doc``:

- drafts (``benchmarks/data/*.txt``): findings marked ``[[TYPE|text]]``, drafts separated by
  a line ``---``;
- real prose (``benchmarks/realprose/docs/*.json``): one document a file, with entities,
  optional spans, hard negatives and a ``split`` (``tune`` or ``heldout``).

Matching, per the policy:

- overlap mode: same type, at least one shared character, one-to-one; a prediction longer
  than twice the gold span plus 20 characters does not match it;
- strict mode: same type and identical offsets;
- a prediction left unmatched that overlaps an optional span of its type is ignored (neither
  rewarded nor penalised); optional spans are never counted as misses.

Figures: per type and micro overall precision, recall, F1 in both modes; false positives per
10,000 characters (overlap mode) overall and on the documents with nothing to find.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# [[TYPE|text]] labels an entity; [[TYPE?|text]] an optional span (neither rewarded nor
# penalised), as the labelling policy defines them.
MARKUP = re.compile(r"\[\[([A-Z_]+)(\??)\|(.+?)\]\]")
MODES = ("overlap", "strict")

Span = tuple[str, int, int]  # (type, start, end), end exclusive


@dataclass
class Doc:
    id: str
    text: str
    entities: list[Span]
    optional: list[Span] = field(default_factory=list)
    negatives: list[Span] = field(default_factory=list)
    lang: str | None = None
    split: str | None = None
    source: str | None = None
    kind: str | None = None


# --- loading -------------------------------------------------------------------------


def parse_markup(block: str) -> tuple[str, list[Span], list[Span]]:
    """Plain text, entities and optional spans of one draft written with markup."""
    spans: list[Span] = []
    optional: list[Span] = []
    plain: list[str] = []
    last = size = 0
    for match in MARKUP.finditer(block):
        before = block[last : match.start()]
        plain.append(before)
        size += len(before)
        value = match.group(3)
        plain.append(value)
        (optional if match.group(2) else spans).append((match.group(1), size, size + len(value)))
        size += len(value)
        last = match.end()
    plain.append(block[last:])
    text = "".join(plain)
    # Strip the newlines around the draft, keeping offsets right.
    lead = len(text) - len(text.lstrip("\n"))
    text = text.strip("\n")

    def shift(found: list[Span]) -> list[Span]:
        return [(t, s - lead, e - lead) for t, s, e in found]

    return text, shift(spans), shift(optional)


def load_drafts(path: Path, lang: str | None = None, split: str | None = None) -> list[Doc]:
    docs = []
    blocks = path.read_text(encoding="utf-8").split("\n---\n")
    for number, block in enumerate(blocks, 1):
        text, spans, optional = parse_markup(block)
        for _typ, start, end in spans + optional:
            assert text[start:end] and "[[" not in text[start:end], (path, number)
        doc = Doc(f"{path.name}#{number}", text, spans, lang=lang, split=split)
        doc.optional = optional
        docs.append(doc)
    return docs


def _spans(items: Iterable[dict]) -> list[Span]:
    return [(s["type"], s["start"], s["end"]) for s in items]


def load_realprose(folder: Path, split: str | None = None) -> list[Doc]:
    """Every document of the folder (``split``: only ``tune`` or only ``heldout``)."""
    docs = []
    for path in sorted(folder.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if split and raw["split"] != split:
            continue
        doc = Doc(
            raw["id"],
            raw["text"],
            _spans(raw["entities"]),
            _spans(raw.get("optional", [])),
            _spans(raw.get("negatives", [])),
            lang=raw.get("lang"),
            split=raw.get("split"),
            source=raw.get("source"),
            kind=raw.get("kind"),
        )
        for (_typ, start, end), item in zip(doc.entities, raw["entities"], strict=True):
            assert doc.text[start:end] == item["text"], (path, item)
        docs.append(doc)
    return docs


# --- matching ------------------------------------------------------------------------


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[2], b[2]) - max(a[1], b[1]))


def _can_match(pred: Span, gold: Span, mode: str) -> bool:
    if pred[0] != gold[0]:
        return False
    if mode == "strict":
        return pred[1] == gold[1] and pred[2] == gold[2]
    return _overlap(pred, gold) > 0 and pred[2] - pred[1] <= 2 * (gold[2] - gold[1]) + 20


def match(doc: Doc, predicted: Sequence[Span], mode: str = "overlap") -> dict[str, list]:
    """One-to-one matching.

    Returns {"tp": [(pred, gold)], "fp": [pred], "fn": [gold], "ignored": [pred]}.
    """
    pairs = sorted(
        (
            (-_overlap(p, g), abs((p[2] - p[1]) - (g[2] - g[1])), i, j)
            for i, p in enumerate(predicted)
            for j, g in enumerate(doc.entities)
            if _can_match(p, g, mode)
        )
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    tp = []
    for _, _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        tp.append((predicted[i], doc.entities[j]))
    fp, ignored = [], []
    for i, p in enumerate(predicted):
        if i in used_p:
            continue
        if any(o[0] == p[0] and _overlap(p, o) > 0 for o in doc.optional):
            ignored.append(p)
        else:
            fp.append(p)
    fn = [g for j, g in enumerate(doc.entities) if j not in used_g]
    return {"tp": tp, "fp": fp, "fn": fn, "ignored": ignored}


# --- figures -------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int | None]:
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def score(
    docs: Sequence[Doc], predictions: Sequence[Sequence[Span]], types: Iterable[str] | None = None
) -> dict:
    """All figures for one set and one system.

    ``types``: when given, only those types are scored (predictions of other types are
    dropped, as are gold spans of other types).
    """
    assert len(docs) == len(predictions)
    keep = set(types) if types is not None else None
    counts: dict[str, dict[str, dict[str, int]]] = {}
    chars = empty_chars = fp_all = fp_empty = 0
    empty_docs = 0
    for doc, predicted in zip(docs, predictions, strict=True):
        if keep is not None:
            predicted = [p for p in predicted if p[0] in keep]
            doc = Doc(
                doc.id,
                doc.text,
                [g for g in doc.entities if g[0] in keep],
                doc.optional,
                doc.negatives,
                doc.lang,
                doc.split,
            )
        chars += len(doc.text)
        empty = not doc.entities
        if empty:
            empty_docs += 1
            empty_chars += len(doc.text)
        for mode in MODES:
            result = match(doc, predicted, mode)
            for key, items in (
                ("tp", [p for p, _ in result["tp"]]),
                ("fp", result["fp"]),
                ("fn", result["fn"]),
            ):
                for item in items:
                    tally = counts.setdefault(
                        item[0], {m: {"tp": 0, "fp": 0, "fn": 0} for m in MODES}
                    )
                    tally[mode][key] += 1
            if mode == "overlap":
                fp_all += len(result["fp"])
                if empty:
                    fp_empty += len(result["fp"])
    per_type = {typ: {mode: prf(**c[mode]) for mode in MODES} for typ, c in sorted(counts.items())}
    micro = {
        mode: prf(
            sum(c[mode]["tp"] for c in counts.values()),
            sum(c[mode]["fp"] for c in counts.values()),
            sum(c[mode]["fn"] for c in counts.values()),
        )
        for mode in MODES
    }
    return {
        "documents": len(docs),
        "chars": chars,
        "gold": sum(len(d.entities) for d in docs)
        if keep is None
        else sum(1 for d in docs for g in d.entities if g[0] in keep),
        "types": per_type,
        "micro": micro,
        "fp_per_10k_chars": 10_000 * fp_all / chars if chars else None,
        "empty_documents": empty_docs,
        "empty_chars": empty_chars,
        "fp_on_empty": fp_empty,
        "fp_per_10k_chars_empty": 10_000 * fp_empty / empty_chars if empty_chars else None,
    }


def errors(
    docs: Sequence[Doc], predictions: Sequence[Sequence[Span]], width: int = 40
) -> list[dict]:
    """False positives and negatives (overlap mode) with context, for the tuning sets only."""
    out = []
    for doc, predicted in zip(docs, predictions, strict=True):
        if doc.split == "heldout":
            raise ValueError(f"{doc.id}: error lists are never produced for held-out documents")
        result = match(doc, predicted, "overlap")
        for kind in ("fp", "fn"):
            for typ, start, end in result[kind]:
                before = doc.text[max(0, start - width) : start].replace("\n", "⏎")
                after = doc.text[end : end + width].replace("\n", "⏎")
                negative = next(
                    (n[0] for n in doc.negatives if _overlap(n, (typ, start, end)) > 0), None
                )
                out.append(
                    {
                        "doc": doc.id,
                        "kind": kind.upper(),
                        "type": typ,
                        "text": doc.text[start:end],
                        "context": f"…{before}⟦{doc.text[start:end]}⟧{after}…",
                        "negative": negative,
                    }
                )
    return out
