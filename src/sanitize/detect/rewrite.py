"""Masked previews for reports and replacements for redacted copies."""

from __future__ import annotations

import math
import re

from sanitize.detect.engine import Span

CURRENCIES = [
    (re.compile(r"€|\beur(?:os?)?\b", re.IGNORECASE), "€"),
    (re.compile(r"US\$|\$|\busd\b|\bdollars?\b", re.IGNORECASE), "$"),
    (re.compile(r"£|\bgbp\b|\blivres?\b|\bpounds?\b", re.IGNORECASE), "£"),
    (re.compile(r"\bchf\b|francs? suisses", re.IGNORECASE), "CHF"),
    (re.compile(r"¥|\bjpy\b", re.IGNORECASE), "¥"),
]
MULTIPLIERS = {
    "k": 1e3,
    "m": 1e6,
    "md": 1e9,
    "mil": 1e3,
    "mille": 1e3,
    "milles": 1e3,
    "million": 1e6,
    "millions": 1e6,
}


def mask(kind: str, value: str) -> str:
    """A preview that shows the shape of a finding, never its value."""
    value = " ".join(value.split())
    masked = _mask(kind, value)
    if masked == value:  # too short to show anything of it
        return "".join("*" if c.isalnum() else c for c in value)
    return masked


def _mask(kind: str, value: str) -> str:
    if kind == "EMAIL" and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == "URL":
        match = re.match(r"((?:https?://)?[^/]+)", value)
        return f"{match.group(1) if match else value[:8]}/***"
    if kind in ("PERSON", "LOCATION", "CLIENT"):
        return " ".join(word[:1] + "***" for word in value.split())
    if kind == "PRICE":
        digits = [i for i, c in enumerate(value) if c.isdigit()]
        chars = list(value)
        for index in digits[1:]:
            chars[index] = "*"
        return "".join(chars)
    keep = [i for i, c in enumerate(value) if c.isalnum()]
    if len(keep) <= 4:
        return "*" * len(value)
    visible = set(keep[:2] + keep[-2:])
    return "".join(c if (i in visible or not c.isalnum()) else "*" for i, c in enumerate(value))


def _amount(value: str) -> tuple[float | None, str, str]:
    """(amount, currency symbol, unit suffix) of a price as written."""
    unit_match = re.search(r"\s?/\s?[^\d\s]+$", value)
    unit = unit_match.group().replace(" ", "") if unit_match else ""
    body = value[: unit_match.start()] if unit_match else value
    currency = next((symbol for pattern, symbol in CURRENCIES if pattern.search(body)), "")
    number = re.search(r"\d[\d \u00a0\u202f.,]*", body)
    if not number:
        # Written in words ("trois mille euros", "five grand"): the words give the value.
        from sanitize.detect import numwords

        values = [n.value for run in numwords.runs(body) for n in run.numbers]
        return (max(values) if values else None), currency, unit
    raw = number.group().strip().replace("\u00a0", " ").replace("\u202f", " ")
    # 1,200 or 1.200 with three digits after: thousands; 2,5 or 2.50: decimals.
    groups = re.split(r"[ .,]", raw)
    if (
        len(groups) > 1
        and all(len(g) == 3 for g in groups[1:])
        and not re.search(r"[.,]\d{1,2}$", raw)
    ):
        amount = float("".join(groups))
    else:
        last = max(raw.rfind(","), raw.rfind("."))
        whole = re.sub(r"[ .,]", "", raw[:last]) if last >= 0 else raw.replace(" ", "")
        amount = float(f"{whole}.{raw[last + 1 :]}") if last >= 0 else float(whole)
    suffix = re.search(r"(?<=\d)\s?(md|k|m|mil(?:le)?s?|millions?)(?![a-z])", body, re.IGNORECASE)
    if suffix:
        amount *= MULTIPLIERS[suffix.group(1).lower()]
    return amount, currency, unit


def price_range(value: str) -> str:
    """``2 500 €`` -> ``[2–5 k€]``: the order of magnitude, in the same currency."""
    amount, currency, unit = _amount(value)
    if not amount or amount <= 0:
        return "[PRICE]"
    exponent = math.floor(math.log10(amount))
    mantissa = amount / 10**exponent
    low, high = (1, 2) if mantissa < 2 else (2, 5) if mantissa < 5 else (5, 10)
    low, high = low * 10**exponent, high * 10**exponent
    scale, prefix = (1e6, "M") if high >= 1e6 else (1e3, "k") if high >= 1e3 else (1, "")

    def number(x: float) -> str:
        scaled = x / scale
        return f"{scaled:g}"

    joiner = " " if prefix or currency else ""
    return f"[{number(low)}–{number(high)}{joiner}{prefix}{currency}{unit}]".replace(" ]", "]")


def replacement(span: Span) -> str:
    if span.type == "CLIENT":
        return span.placeholder or "[CLIENT]"
    if span.type == "PRICE":
        return price_range(span.text)
    return f"[{span.type}]"


def redact(text: str, spans: list[Span]) -> str:
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + replacement(span) + text[span.end :]
    return text
