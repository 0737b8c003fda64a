"""Property-based fuzzing of every cleaner's parser: only SanitizeError may escape.

CI runs a short, seeded budget. For a longer run:

    SANITIZE_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py -q
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seeds
from sanitize import filetype
from sanitize.context import Context
from sanitize.errors import SanitizeError
from sanitize.options import Options
from sanitize.registry import default_registry

EXAMPLES = int(os.environ.get("SANITIZE_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
OPTIONS = Options(time_limit=10, max_inflated_size=64 * 1024**2)


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with a few bytes flipped, cut, duplicated or inserted."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "duplicate", "zero"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            del data[position : position + draw(st.integers(1, 4096))]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=64))
        elif action == "duplicate":
            data[position:position] = data[position : position + draw(st.integers(1, 512))]
        elif data:
            data[position : position + 4] = b"\x00" * len(data[position : position + 4])
    return bytes(data)


def exercise(data: bytes) -> None:
    """Open, inspect, clean, re-inspect and verify as the pipeline does, through the same
    guard. Only SanitizeError may come out: an InternalError (a TypeError or AttributeError
    inside a cleaner) or any other exception fails the test."""
    from sanitize.pipeline import time_limit

    context = Context(OPTIONS, default_registry())
    kind = filetype.detect(data)
    cleaner = context.registry.for_kind(kind)
    if cleaner is None:
        return
    try:
        with time_limit(OPTIONS.time_limit):
            parsed = context.open(cleaner, data, kind)
            context.call(cleaner, parsed.items)
            context.call(cleaner, parsed.text_parts)
            result = context.call(cleaner, parsed.clean)
            context.reopen_verified(cleaner, parsed, result.data)
    except SanitizeError:
        pass


@pytest.mark.parametrize("extension", sorted(seeds.samples()))
def test_mutated_files(extension: str) -> None:
    seed = seeds.samples()[extension]

    @FUZZ
    @given(mutated(seed))
    def run(data: bytes) -> None:
        exercise(data)

    run()


@FUZZ
@given(
    st.sampled_from(
        [
            b"\xff\xd8\xff",
            b"\x89PNG\r\n\x1a\n",
            b"GIF89a",
            b"RIFF\x00\x00\x00\x00WEBP",
            b"II*\x00",
            b"%PDF-1.7\n",
            b"PK\x03\x04",
            b"\x00\x00\x00\x18ftypheic",
            b"\x00\x00\x00\x18ftypisom",
            b"\x1a\x45\xdf\xa3",
            b"ID3",
            b"fLaC",
            b"OggS",
            b"RIFF\x00\x00\x00\x00WAVE",
            b"<svg",
            b"<!DOCTYPE html><html>",
            b"\x00\x00\x00\x0cJXL \r\n\x87\n",
            b"\xff\x0a",
            b"BM",
            b"P6\n",
            b"P7\nWIDTH 1\nENDHDR\n",
            bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c"),
            b"d8:announce",
        ]
    ),
    st.binary(max_size=2048),
)
def test_random_bytes_behind_real_signatures(signature: bytes, tail: bytes) -> None:
    exercise(signature + tail)
