"""Read what is staged in git (the index), not the working tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sanitize.errors import SanitizeError
from sanitize.walk import Target


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, input=data, capture_output=True, check=False
        )
    except FileNotFoundError as exc:
        raise SanitizeError("git is not installed") from exc
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SanitizeError(f"git {args[0]} failed: {message[0] if message else 'unknown error'}")
    return result.stdout


def staged_targets(paths: list[Path], cwd: Path | None = None) -> list[Target]:
    """One target per staged file (added, copied, modified, renamed), holding its blob."""
    cwd = cwd or Path.cwd()
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
    names = _git(["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR"], root)
    staged = [name for name in names.decode("utf-8", "surrogateescape").split("\0") if name]
    wanted = [p.resolve() for p in paths]
    if wanted:
        staged = [
            n
            for n in staged
            if any((root / n).resolve() == w or w in (root / n).resolve().parents for w in wanted)
        ]
    if not staged:
        return []
    listing = _git(["ls-files", "-s", "-z", "--", *staged], root).decode("utf-8", "surrogateescape")
    blobs = {}
    for entry in listing.split("\0"):
        if entry:
            meta, _, name = entry.partition("\t")
            blobs[name] = meta.split()[1]
    batch = _git(
        ["cat-file", "--batch"],
        root,
        "".join(f"{blobs[n]}\n" for n in staged if n in blobs).encode(),
    )
    targets, pos = [], 0
    for name in (n for n in staged if n in blobs):
        header_end = batch.index(b"\n", pos)
        _, _, size = batch[pos:header_end].split()
        start = header_end + 1
        content = batch[start : start + int(size)]
        pos = start + int(size) + 1
        path = root / name
        try:
            shown = path.relative_to(cwd)
        except ValueError:
            shown = path
        targets.append(Target(shown, None, data=content))
    return targets
