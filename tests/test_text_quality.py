"""Detection quality on real prose must not fall below the recorded floor.

The floor (benchmarks/results/text_floor.json) holds sanitize's overlap-mode micro precision
and recall on the whole real-prose set (tuning and held-out halves), measured when the set
was built. A change that loses more than 0.03 on either fails here. Scoring follows
/work/shared/text-labelling.md (benchmarks/textscore.py). Figures only: the held-out half
must never be used to tune rules, so this test prints no error list.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
TOLERANCE = 0.03

pytestmark = pytest.mark.slow


def _models_missing() -> list[str]:
    from sanitize.detect.ner import installed_model

    return [lang for lang in ("fr", "en") if installed_model(lang) is None]


def test_realprose_quality_floor() -> None:
    missing = _models_missing()
    if missing:
        pytest.skip(f"no spaCy model installed for {', '.join(missing)}: name detection is off")
    sys.path.insert(0, str(BENCH))
    import textscore

    from sanitize.config import Config
    from sanitize.detect import get_detector

    floor = json.loads((BENCH / "results" / "text_floor.json").read_text(encoding="utf-8"))
    docs = textscore.load_realprose(BENCH / "realprose" / "docs")
    assert len(docs) >= 60
    detector = get_detector(Config())
    predictions = [[(s.type, s.start, s.end) for s in detector.scan([doc.text])[0]] for doc in docs]
    micro = textscore.score(docs, predictions)["micro"]["overlap"]
    for key in ("precision", "recall"):
        recorded = floor["realprose"][key]
        assert micro[key] >= recorded - TOLERANCE, (
            f"real-prose {key} {micro[key]:.3f} fell more than {TOLERANCE} "
            f"below the recorded {recorded:.3f}"
        )
