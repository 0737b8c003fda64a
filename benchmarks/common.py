"""Helpers shared by the benchmarks: timing of whole commands, side by side."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
sys.path.insert(0, str(HERE.parent / "tests"))


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def time_command(
    argv: list[str],
    before: Callable[[], None] | None = None,
    repeat: int = 5,
    ok: tuple[int, ...] = (0,),
) -> float:
    """Median wall time of ``argv`` over ``repeat`` runs; ``before`` resets outputs untimed.

    ``ok``: the exit statuses that are no failure (`sanitize clean` exits 1 when a copy
    still holds sensitive text it flagged)."""
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode not in ok:
            sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
            raise subprocess.CalledProcessError(done.returncode, argv, stderr=done.stderr)
    return statistics.median(times)


def require(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        sys.exit(f"{tool} is not installed; the benchmark compares against it")
    return found


def report(label: str, ours: float, theirs: float, other: str) -> None:
    print(
        f"{label}: sanitize {ours:.3f} s, {other} {theirs:.3f} s, "
        f"ratio {theirs / ours:.2f}x ({'faster' if ours < theirs else 'slower'})"
    )
