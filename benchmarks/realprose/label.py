"""Turn the labelling specs of the real-prose set into one JSON file per document.

    python benchmarks/realprose/label.py

A spec (``specs/<id>.txt``) holds a header, the excerpt and the labels::

    id: fr-blog-example
    lang: fr
    source: https://example.org/page
    kind: blog
    =====TEXT
    ...the excerpt, unchanged...
    =====LABELS
    E PERSON | Claire Moreau | *
    E PRICE | 450 € | 2
    O LOCATION | Montreuil
    N PUBLIC | Malt

Each label line is ``<E|O|N> TYPE | substring | occurrence``: E an entity, O an optional span,
N a hard negative (types PUBLIC, CITY, NAMELIKE, PLACEHOLDER, NUM). The occurrence is the
1-based rank of the substring among its occurrences bounded by non-word characters (all
occurrences when none is bounded; default 1) or ``*`` for every occurrence not
already inside a span of the same kind and bounded by non-word characters. Offsets come from
``str.find`` only; a substring that is not found stops the run. Entities may not overlap.
The split (tune or heldout) is drawn from a hash of the source address, half of each language,
unless the header forces it (``split: tune``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"
DOCS = HERE / "docs"
KINDS = {"E": "entities", "O": "optional", "N": "negatives"}
NEGATIVE_TYPES = {"PUBLIC", "CITY", "NAMELIKE", "PLACEHOLDER", "NUM"}


def occurrences(text: str, sub: str) -> list[int]:
    found, start = [], text.find(sub)
    while start != -1:
        found.append(start)
        start = text.find(sub, start + 1)
    return found


def bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() and text[start].isalnum()) and not (
        after.isalnum() and text[end - 1].isalnum()
    )


def parse(path: Path) -> dict:
    raw = path.read_text(encoding="utf-8")
    head, rest = raw.split("=====TEXT\n", 1)
    text, labels = rest.split("\n=====LABELS\n", 1)
    doc: dict = {}
    for line in head.splitlines():
        if line.strip():
            key, value = line.split(":", 1)
            doc[key.strip()] = value.strip()
    doc["text"] = text
    for kind in KINDS.values():
        doc[kind] = []
    for number, line in enumerate(labels.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split(" | ")]
        mark, typ = fields[0].split()
        sub = fields[1]
        which = fields[2] if len(fields) > 2 else "1"
        kind = KINDS[mark]
        if kind == "negatives":
            assert typ in NEGATIVE_TYPES, f"{path.name}:{number}: negative type {typ}"
        spots = occurrences(text, sub)
        assert spots, f"{path.name}:{number}: {sub!r} not found"
        if which == "*":
            taken = doc[kind]
            chosen = [
                s
                for s in spots
                if bounded(text, s, s + len(sub))
                and not any(t["start"] < s + len(sub) and s < t["end"] for t in taken)
            ]
            assert chosen, f"{path.name}:{number}: no free occurrence of {sub!r}"
        else:
            rank = int(which)
            free = [s for s in spots if bounded(text, s, s + len(sub))]
            spots = free or spots
            assert rank <= len(spots), f"{path.name}:{number}: {sub!r} occurs {len(spots)} times"
            chosen = [spots[rank - 1]]
        for start in chosen:
            span = {"type": typ, "start": start, "end": start + len(sub), "text": sub}
            assert text[span["start"] : span["end"]] == sub
            doc[kind].append(span)
    ents = sorted(doc["entities"], key=lambda s: s["start"])
    for a, b in zip(ents, ents[1:], strict=False):
        assert a["end"] <= b["start"], f"{path.name}: overlapping entities {a} {b}"
    for kind in KINDS.values():
        doc[kind].sort(key=lambda s: (s["start"], s["end"]))
    return doc


def split(docs: list[dict]) -> None:
    """Half of each language to tuning, half held out, by a hash of the source address.

    A spec may force its split with a header line ``split: tune`` (documents added after the
    first draw); such documents are left out of the draw, so the others keep their split.
    """
    for doc in docs:
        if "split" in doc:
            assert doc["split"] in ("tune", "heldout"), f"{doc['id']}: split {doc['split']}"
    for lang in {d["lang"] for d in docs}:
        group = sorted(
            (d for d in docs if d["lang"] == lang and "split" not in d),
            key=lambda d: hashlib.sha256(d["source"].encode()).hexdigest(),
        )
        for rank, doc in enumerate(group):
            doc["split"] = "tune" if rank < (len(group) + 1) // 2 else "heldout"


def main() -> None:
    docs = [parse(p) for p in sorted(SPECS.glob("*.txt"))]
    ids = [d["id"] for d in docs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    sources = [d["source"] for d in docs]
    assert len(sources) == len(set(sources)), "duplicate sources"
    split(docs)
    DOCS.mkdir(exist_ok=True)
    for old in DOCS.glob("*.json"):
        old.unlink()
    order = ["id", "lang", "split", "source", "kind", "text", "entities", "optional", "negatives"]
    for doc in docs:
        out = {key: doc[key] for key in order}
        (DOCS / f"{doc['id']}.json").write_text(
            json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    for lang in sorted({d["lang"] for d in docs}):
        for part in ("tune", "heldout"):
            group = [d for d in docs if d["lang"] == lang and d["split"] == part]
            print(
                f"{lang} {part}: {len(group)} documents, "
                f"{sum(len(d['entities']) for d in group)} entities, "
                f"{sum(not d['entities'] for d in group)} with nothing to find"
            )
    if "-v" in sys.argv:
        for doc in docs:
            print(doc["id"], len(doc["text"]), [(e["type"], e["text"]) for e in doc["entities"]])


if __name__ == "__main__":
    main()
