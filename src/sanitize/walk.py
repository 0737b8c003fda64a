"""Turn the paths given on the command line into the list of files to process."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CLEAN_MARK = ".clean"


@dataclass(frozen=True)
class Target:
    path: Path  # the file as the user would name it
    root: Path | None  # the folder it was found in, for mirroring under -o; None if named
    skip_reason: str | None = None  # set for files reported but never read
    data: bytes | None = field(default=None, repr=False)  # content given in memory (git index)


def is_own_output(path: Path) -> bool:
    """True for ``NAME.clean.EXT`` (or ``NAME.clean``) files that ``clean`` writes."""
    stem = path.name
    return stem.endswith(CLEAN_MARK) or f"{CLEAN_MARK}." in stem[1:]


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


Excluded = Callable[[Path], bool]


def collect(
    paths: list[Path],
    exclude_dir: Path | None = None,
    is_excluded: Excluded | None = None,
    force_exclude: bool = False,
) -> list[Target]:
    """Files named directly, and every file below folders named, in a stable order.

    Below a folder: hidden folders are skipped, as are our own ``*.clean.*`` outputs,
    the output folder, and symlinks that lead outside the folder (reported, not read).
    """
    targets: list[Target] = []
    excluded = exclude_dir.resolve() if exclude_dir else None
    for given in paths:
        if given.is_dir():
            targets.extend(_walk(given, excluded, is_excluded))
        elif not (force_exclude and is_excluded and given.exists() and is_excluded(given)):
            targets.append(Target(given, None))
    return targets


def _walk(folder: Path, excluded: Path | None, is_excluded: Excluded | None) -> list[Target]:
    found: list[Target] = []
    real_root = folder.resolve()
    for directory, subdirs, files in os.walk(folder, followlinks=False):
        here = Path(directory)
        kept = []
        for name in sorted(subdirs):
            sub = here / name
            if name.startswith(".") or sub.is_symlink():
                continue  # symlinked folders inside the tree are walked where they really are
            if excluded is not None and sub.resolve() == excluded:
                continue
            if is_excluded and is_excluded(sub):
                continue
            kept.append(name)
        subdirs[:] = kept
        for name in sorted(files):
            path = here / name
            if is_own_output(path) or name.startswith(".sanitize-"):
                continue
            if is_excluded and is_excluded(path):
                continue
            if path.is_symlink():
                try:
                    real = path.resolve(strict=True)
                except (OSError, RuntimeError):  # a loop or a dangling link
                    found.append(Target(path, folder, "broken or looping symlink; not followed"))
                    continue
                if not _inside(real, real_root):
                    found.append(
                        Target(path, folder, "symlink points outside the folder; not followed")
                    )
                    continue
                if not real.is_file():
                    continue
            found.append(Target(path, folder))
    return found
