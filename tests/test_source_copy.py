"""copy_range falls back from copy_file_range to sendfile to a buffered copy, and the
bytes written are the same whichever copies them."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sanitize.source import copy_range


def _refuse(code: int):  # type: ignore[no-untyped-def]
    def refuse(*args: object) -> int:
        raise OSError(code, os.strerror(code))

    return refuse


@pytest.mark.parametrize(
    "broken",
    [(), ("copy_file_range",), ("copy_file_range", "sendfile")],
    ids=["kernel", "sendfile", "buffered"],
)
def test_copy_range_gives_the_same_bytes_down_every_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: tuple[str, ...]
) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    source, target = tmp_path / "in", tmp_path / "out"
    source.write_bytes(data)
    for name in broken:
        if hasattr(os, name):
            monkeypatch.setattr(os, name, _refuse(errno.EXDEV))
    with source.open("rb") as src, target.open("wb") as dst:
        dst.write(b"head")
        dst.flush()
        copy_range(src.fileno(), dst.fileno(), 100, len(data) - 200)
    assert target.read_bytes() == b"head" + data[100:-100]


def test_copy_range_reports_a_source_shorter_than_asked(tmp_path: Path) -> None:
    source, target = tmp_path / "in", tmp_path / "out"
    source.write_bytes(b"x" * 1000)
    with source.open("rb") as src, target.open("wb") as dst, pytest.raises(EOFError):
        copy_range(src.fileno(), dst.fileno(), 500, 1000)
