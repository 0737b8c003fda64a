"""Helpers shared by the benchmarks: timing of whole commands, side by side."""

from __future__ import annotations

import os
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


def user_environment() -> dict[str, str]:
    """The environment a user's shell gives the command: without PYTHONDONTWRITEBYTECODE,
    which a development shell may set. With it, Python compiles every module it imports
    on every run instead of reading the cached bytecode that a pip install writes, and a
    Python command would be timed tens of milliseconds slower than it runs for users.

    Without the warm helper (sanitize.launch), unless a command asks for it with
    ``with_helper``: a run handed to the helper is done in another process, whose time and
    memory the figures of a one-off run must not hide."""
    environment = {
        name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
    }
    environment["SANITIZE_HELPER"] = "0"
    return environment


def with_helper(argv: list[str], runtime: Path) -> list[str]:
    """``argv`` run as repeated runs are: through the warm helper (see ``start_helper``).
    ``runtime``: the helper's directory; remove it after the benchmark and the helper exits
    within a second."""
    return ["env", "SANITIZE_HELPER=1", f"XDG_RUNTIME_DIR={runtime}", *argv]


def helper_listening(runtime: Path) -> bool:
    return any(runtime.glob("sanitize-helper-*/*.sock"))


def start_helper(runtime: Path) -> None:
    """Start the helper in ``runtime`` and wait until it listens: the runs timed through
    it are then served by it, not run in their own process while it starts."""
    for _ in range(2):  # a helper starts at the second run: one-off runs start none
        subprocess.run(
            with_helper([sys.executable, "-m", "sanitize", "--version"], runtime),
            stdout=subprocess.DEVNULL,
            env=user_environment(),
            check=True,
        )
    deadline = time.monotonic() + 30
    while not helper_listening(runtime):
        if time.monotonic() > deadline:
            sys.exit("the warm helper did not start (its socket path may be too long)")
        time.sleep(0.05)


def time_command(
    argv: list[str],
    before: Callable[[], None] | None = None,
    repeat: int = 5,
    ok: tuple[int, ...] = (0,),
) -> float:
    """Median wall time of ``argv`` over ``repeat`` runs; ``before`` resets outputs untimed.

    One untimed run comes first: it writes the bytecode caches (``__pycache__``) of a
    fresh checkout, as a user's first run after installing does, and brings the
    program and its input into the page cache, so that every timed run, of either
    tool, starts from the same warm state.

    ``ok``: the exit statuses that are no failure (`sanitize clean` exits 1 when a copy
    still holds sensitive text it flagged)."""
    environment = user_environment()
    times = []
    for run in range(repeat + 1):
        if before:
            before()
        start = time.perf_counter()
        done = subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment
        )
        if run:  # the first run only warms up
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


# Runs a command in a child and reports its wall time and peak resident memory: the
# child's own getrusage, so that the Python measuring it does not count.
PEAK_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": done.returncode, "seconds": elapsed, "peak_kb": peak,
                  "err": done.stderr.decode(errors="replace")[-500:]}))
"""


def measure_peak(command: list[str]) -> dict[str, float]:
    """Wall time (``seconds``) and peak RSS (``peak_kb``) of one run of ``command``."""
    import json

    done = subprocess.run(
        [sys.executable, "-c", PEAK_WRAPPER, *command],
        capture_output=True,
        text=True,
        check=True,
        env=user_environment(),
    )
    result = json.loads(done.stdout)
    if result["code"] != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result['err']}")
    return result  # type: ignore[no-any-return]


def interleaved(commands: list[tuple[list[str], Callable[[], None]]], repeat: int) -> list[float]:
    """The median time of each command, run in turn (one of each, ``repeat`` times): on a
    shared machine a change of load then weighs on every command alike, not on one. One
    untimed round first: the first run compiles the bytecode that an install ships."""
    for argv, reset in commands:
        time_command(argv, reset, 1)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for index, (argv, reset) in enumerate(commands):
            times[index].append(time_command(argv, reset, 1))
    return [statistics.median(each) for each in times]
