"""What a run served by the warm helper must share with the process that asked for it.

A forked copy of the helper runs with the helper's interpreter and process attributes, not
the caller's. Everything here that could change what a run does, or what it may do, is
compared: the interpreter and its settings (flags, warnings, -X options, hash seed, text
encodings, import path, where sanitize itself lives), and the process's confinement (user
groups, cgroup, security label, namespaces, resource limits, CPU affinity, priority). The
description goes into the helper's name (sanitize.launch.stamp), so a caller in another
context starts a helper of its own, started from that context; and a copy still refuses a
run whose description differs from its helper's, which then runs in its own process.

Standard library only, and only modules that cost nothing to import: every run of the
command computes this before it knows whether a helper will take it.
"""

from __future__ import annotations

import os
import resource
import sys

TYPE_CHECKING = False  # not typing's: see sanitize.launch
if TYPE_CHECKING:
    from collections.abc import Mapping

# Environment variables that decide, at start-up, how an interpreter encodes text and
# seeds its hashes.
_STARTUP_VARIABLES = ("LC_ALL", "LC_CTYPE", "LANG", "PYTHONUTF8", "PYTHONHASHSEED", "TZ")
_NAMESPACES = ("mnt", "pid", "net", "user", "uts", "ipc", "cgroup")
_LIMITS = (
    "RLIMIT_AS",
    "RLIMIT_CORE",
    "RLIMIT_CPU",
    "RLIMIT_DATA",
    "RLIMIT_FSIZE",
    "RLIMIT_MEMLOCK",
    "RLIMIT_NOFILE",
    "RLIMIT_NPROC",
    "RLIMIT_RSS",
    "RLIMIT_STACK",
)


# Whether sys.path[0] is the script's folder (or the working directory under -m or -c):
# not under -P. The helper removes it before it imports anything of its own, and says so.
SCRIPT_ENTRY_FIRST = not sys.flags.safe_path


def import_path() -> list[str]:
    """Where this interpreter finds modules, less the script's folder or the working
    directory: a folder the user happens to be in must never be imported from by a helper
    serving later runs. Runs from two folders, or by the ``sanitize`` script and by
    ``python -m sanitize``, share a helper."""
    return list(sys.path[1:] if SCRIPT_ENTRY_FIRST else sys.path)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def _inode(path: str) -> int:
    try:
        return os.stat(path).st_ino
    except OSError:
        return 0


def interpreter(environ: Mapping[str, str]) -> list[object]:
    return [
        sys.executable,
        sys.version,
        repr(sys.flags),
        list(sys.warnoptions),
        sorted((str(key), str(value)) for key, value in sys._xoptions.items()),
        sys.getfilesystemencoding(),
        [environ.get(name, "") for name in _STARTUP_VARIABLES],
        import_path(),
        os.path.dirname(os.path.abspath(__file__)),  # this sanitize, not one in a folder
    ]


def process() -> list[object]:
    """The process's confinement: who it acts as and what bounds it."""
    limits = []
    for name in _LIMITS:
        number = getattr(resource, name, None)
        if number is not None:
            limits.append((name, resource.getrlimit(number)))
    return [
        os.getgid(),
        os.getegid(),
        sorted(os.getgroups()),
        _read("/proc/self/cgroup"),
        _read("/proc/self/attr/current"),
        [_inode(f"/proc/self/ns/{name}") for name in _NAMESPACES],
        limits,
        sorted(os.sched_getaffinity(0)),
        os.getpriority(os.PRIO_PROCESS, 0),
    ]


def describe(environ: Mapping[str, str]) -> list[object]:
    """Everything a served run must share with its caller."""
    return [interpreter(environ), process()]
