"""Tracking parameters in links (the closed list in sanitize/data/tracking_params.txt)."""

from __future__ import annotations

import functools
from importlib import resources
from urllib.parse import unquote


@functools.cache
def _rules() -> tuple[frozenset[str], tuple[str, ...]]:
    text = resources.files("sanitize.data").joinpath("tracking_params.txt").read_text("utf-8")
    names = [line.strip().lower() for line in text.splitlines()]
    names = [n for n in names if n and not n.startswith("#")]
    exact = frozenset(n for n in names if not n.endswith("*"))
    return exact, tuple(n[:-1] for n in names if n.endswith("*"))


def is_tracking(name: str) -> bool:
    exact, prefixes = _rules()
    key = unquote(name).strip().lower()
    return key in exact or key.startswith(prefixes)


def split_url(url: str) -> tuple[str, list[str], str]:
    """(everything before the query, the query's ``&``-separated fields, ``#fragment``)."""
    base, hash_mark, fragment = url.partition("#")
    head, question, query = base.partition("?")
    fields = query.split("&") if question else []
    return head, fields, hash_mark + fragment


def tracking_fields(url: str) -> list[str]:
    """The names of the tracking parameters ``url`` carries."""
    _, fields, _ = split_url(url)
    return [f.split("=", 1)[0] for f in fields if f and is_tracking(f.split("=", 1)[0])]


def strip_tracking(url: str) -> str:
    """``url`` without its tracking parameters; the other fields stay as they were written."""
    head, fields, fragment = split_url(url)
    kept = [f for f in fields if not (f and is_tracking(f.split("=", 1)[0]))]
    if len(kept) == len(fields):
        return url
    query = "&".join(f for f in kept if f)
    return head + ("?" + query if query else "") + fragment
