"""Regenerate the dirty sample files in this folder: python samples/make_samples.py"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import dirty  # noqa: E402

if __name__ == "__main__":
    for path in dirty.write_all(HERE):
        print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size} bytes)")
