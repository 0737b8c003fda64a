"""Where the real files from real software are (see ../shared/realworld/README.md).

CI keeps the folder beside the clone; a git worktree sits one level deeper, so every
parent of the repository is tried. SANITIZE_REALWORLD names another place. Tests that
use these files skip when none is found; the files are never copied into the project.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _find() -> Path:
    if os.environ.get("SANITIZE_REALWORLD"):
        return Path(os.environ["SANITIZE_REALWORLD"])
    for parent in ROOT.parents:
        candidate = parent / "shared" / "realworld"
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "realworld"


REALWORLD = _find()
