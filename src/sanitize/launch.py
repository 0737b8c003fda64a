"""The ``sanitize`` command's first step: hand the run to a warm helper, or run it here.

Before it reads a byte of the user's file, a run pays for the interpreter and for importing
click, qpdf, Pillow and the cleaners: more than cleaning a photo or checking a draft takes.
For repeated runs (a pre-commit hook, an editor saving a file, a script over a few files)
a helper process (``sanitize.helper``) imports all of that once and forks a copy of itself
for each run. This module is all a run imports before that choice, so it uses only modules
the interpreter has loaded already or that cost nothing (no ``socket``, ``json``, ``signal``
or ``typing``: each would add milliseconds to every run).

The helper starts on demand: a run that finds none starts one in the background and does
its own work itself. It listens on a socket in a directory only the user can enter, serves
only processes of the same user (the kernel says who is calling), in the same context
(sanitize.launch_context), forks per run (the helper itself never reads a request), and
exits after ``IDLE_SECONDS`` without a run. It is never required: a run that cannot reach
it, or is refused by it, runs here as it always did. It is not used off Linux, under CI,
for ``sanitize ui``, and when ``SANITIZE_HELPER=0``.

The exchange, on one connection:
1. this process sends the request (arguments, environment, umask, the standard streams'
   encodings) with four descriptors: its standard input, output and error, and its
   working directory;
2. the copy answers REFUSED, or ACCEPTED and its process id;
3. this process answers GO: only then does the copy run. A copy that does not hear GO (this
   process gave up waiting and runs the command itself) never runs it;
4. once the copy has ended, the helper sends its exit status as the kernel reported it.
Signals this process gets are passed on to the copy's process group (the copy and any
workers it started), as a terminal would send them to a process run here; Ctrl-Z stops
both. If this process dies, the copy and its workers are killed.
"""

from __future__ import annotations

import _socket
import marshal
import os
import struct
import sys
import time
import zlib

from sanitize import launch_context

TYPE_CHECKING = False  # not typing's: importing typing costs every run milliseconds
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

# The C module itself: ``signal`` would import ``enum`` on every run (this one is loaded
# at start-up already).
_signals: Any = __import__("_signal")
IDLE_SECONDS = 600
REFUSED, ACCEPTED, GO = b"\x02", b"\x01", b"\x03"
HEADER = struct.Struct("!I")
PID = struct.Struct("!i")
EXIT = struct.Struct("!i")  # as os.waitstatus_to_exitcode: negative for a signal
OFF_WORDS = ("0", "no", "off", "false")
ON_WORDS = ("1", "yes", "on", "true")
# Signals passed on to the copy: SIGHUP, SIGINT, SIGQUIT, SIGTERM; and job control.
FORWARDED = (1, 2, 3, 15)
_SIGTSTP, _SIGCONT = 20, 18
_SO_PEERCRED = 17  # Linux <asm-generic/socket.h>
_MAX_SOCKET_PATH = 100  # sockaddr_un holds 108 bytes
ANSWER_SECONDS = 10.0  # a helper that does not answer within this is stuck: run here


def enabled(environ: Mapping[str, str], argv: list[str]) -> bool:
    """Whether this run may go to a helper."""
    if not sys.platform.startswith("linux"):
        return False
    setting = environ.get("SANITIZE_HELPER", "").strip().lower()
    if setting in OFF_WORDS:
        return False
    if environ.get("CI", "").strip().lower() not in ("", *OFF_WORDS) and setting not in ON_WORDS:
        return False  # a CI job runs once, and must not leave a process behind
    words = [word for word in argv[1:] if not word.startswith("-")]
    return not (words and words[0] == "ui")  # a server of its own, long-lived


def private_directory(environ: Mapping[str, str]) -> str | None:
    """The helper's directory, made if needed: owned by this user, closed to all others.
    None when no such directory can be had (then no helper is used)."""
    uid = os.getuid()
    runtime = environ.get("XDG_RUNTIME_DIR") or environ.get("TMPDIR") or "/tmp"
    path = os.path.join(os.path.abspath(runtime), f"sanitize-helper-{uid}")
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    return path if is_private(path) else None


def is_private(path: str) -> bool:
    """A directory (not a link) of this user's that no one else may enter."""
    try:
        status = os.lstat(path)
    except OSError:
        return False
    mode = status.st_mode
    return (mode & 0o170000) == 0o040000 and status.st_uid == os.getuid() and not mode & 0o077


def _tree_stamp(root: str) -> tuple[int, int]:
    """The newest change time and the number of entries under ``root``: any edit, added
    or removed file changes one of them."""
    newest, count = 0, 0
    pending = [root]
    while pending:
        try:
            entries = os.scandir(pending.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.name == "__pycache__":
                    continue
                try:
                    status = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                count += 1
                newest = max(newest, status.st_mtime_ns, status.st_ctime_ns)
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
    return newest, count


def stamp(context: list[object]) -> str:
    """Names the helper for this context and this code: a new one after an upgrade (an
    import directory's times change as packages come and go) or an edit of sanitize."""
    parts: list[object] = [context]
    for entry in launch_context.import_path():
        try:
            status = os.stat(entry)
            parts.append((entry, status.st_mtime_ns, status.st_ctime_ns))
        except OSError:
            parts.append((entry, None))
    parts.append(_tree_stamp(os.path.dirname(os.path.abspath(__file__))))
    text = repr(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(text):08x}{zlib.crc32(text, 0x5A17):08x}"


def program_name(argv: list[str]) -> str:
    """The name usage messages give the command, as click would find it."""
    if os.path.basename(argv[0]) == "__main__.py":
        return "python -m sanitize"
    return os.path.basename(argv[0]) or "sanitize"


def helper_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """What a helper is started with: what decides how Python starts and imports, not the
    first run's secrets (each run brings its own environment)."""
    kept = ("PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "XDG_RUNTIME_DIR")
    return {
        name: value
        for name, value in environ.items()
        if name in kept or name.startswith(("PYTHON", "LC_", "SANITIZE_HELPER"))
    }


def interpreter_options(orig_argv: list[str]) -> list[str]:
    """The options this interpreter was started with (``-X``, ``-W``, ``-O``, ``-s``...,
    a script's shebang ones too): everything before the script, ``-m`` or ``-c``."""
    options: list[str] = []
    words = iter(orig_argv[1:])
    for word in words:
        if word in ("-m", "-c") or not word.startswith("-") or word == "-":
            break
        options.append(word)
        if word in ("-X", "-W"):  # their argument follows apart
            options.append(next(words, ""))
    return options


def _start_helper(directory: str, name: str) -> None:
    """Start a helper in its own session, detached from this run's terminal and pipes, with
    this interpreter's options, every signal at its default and none blocked. It starts
    with ``-c``; unless ``-P`` left it out, it drops its first import path entry (this
    folder) before importing anything of its own."""
    null = os.devnull
    if sys.flags.safe_path:  # -P: this folder is not on the import path to begin with
        code = "from sanitize.helper import main; main()"
    else:
        code = (
            "import sys; del sys.path[0]; import sanitize.launch_context as c; "
            "c.SCRIPT_ENTRY_FIRST = False; from sanitize.helper import main; main()"
        )
    defaults = [n for n in _signals.valid_signals() if n not in (9, 19)]  # not KILL, STOP
    try:  # noqa: SIM105 - contextlib is one more import on every run
        os.posix_spawn(
            sys.executable,
            [sys.executable, *interpreter_options(sys.orig_argv), "-c", code, directory, name],
            helper_environment(os.environ),
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, null, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, null, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, null, os.O_WRONLY, 0),
            ],
            setsid=True,
            setsigdef=defaults,
            setsigmask=[],
        )
    except OSError:
        pass  # no helper this time: nothing is lost


def _second_run(directory: str, name: str) -> bool:
    """Whether another run of this stamp came within IDLE_SECONDS: a helper is worth
    starting only for repeated runs, and a one-off run leaves no process behind."""
    seen = os.path.join(directory, f"{name}.seen")
    try:
        recent = os.stat(seen).st_mtime > time.time() - IDLE_SECONDS
    except OSError:
        recent = False
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        os.close(os.open(seen, flags, 0o600))
        os.utime(seen)
    except OSError:
        return False
    return recent


def _streams() -> list[tuple[str, str, bool, bool]]:
    found = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if stream is None:
            raise OSError("a standard stream is closed")
        found.append(
            (
                stream.encoding,
                str(stream.errors),
                bool(getattr(stream, "line_buffering", False)),
                bool(getattr(stream, "write_through", False)),
            )
        )
    return found


def _request(argv: list[str], context: list[object], ignored: list[int]) -> bytes:
    umask = os.umask(0o022)
    os.umask(umask)
    return marshal.dumps(
        {
            "argv": list(argv),
            "prog_name": program_name(argv),
            "env": dict(os.environ),
            "umask": umask,
            "streams": _streams(),
            "context": repr(context),
            "ignored": ignored,
        }
    )


def _receive_exactly(sock: _socket.socket, size: int) -> bytes:
    received = b""
    while len(received) < size:
        chunk = sock.recv(size - len(received))
        if not chunk:
            break
        received += chunk
    return received


def run_through_helper(argv: list[str]) -> int | None:
    """The exit status of ``argv`` run by a helper, or None: run it here."""
    environ = os.environ
    if not enabled(environ, argv):
        return None
    directory = private_directory(environ)
    if directory is None:
        return None
    context = launch_context.describe(environ)
    name = stamp(context)
    path = os.path.join(directory, f"{name}.sock")
    if len(path) > _MAX_SOCKET_PATH or os.path.exists(os.path.join(directory, f"{name}.off")):
        return None
    ignored = [n for n in (*FORWARDED, _SIGTSTP) if _signals.getsignal(n) == _signals.SIG_IGN]
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    sock.settimeout(ANSWER_SECONDS)
    try:
        try:
            sock.connect(path)
            pid = _handed_over(sock, argv, context, ignored)
            if pid is None:
                return None
            # A copy that does not get GO never runs: if it cannot be sent, run here.
            sock.sendall(GO)
        except (FileNotFoundError, ConnectionRefusedError):
            if _second_run(directory, name):
                _start_helper(directory, name)
            return None
        except OSError:
            return None
        # From GO on the copy runs the command: whatever happens, it is not run here too.
        sock.settimeout(None)
        try:
            return _wait(sock, pid, ignored)
        except OSError:
            return _report_lost()
    finally:
        sock.close()


def _handed_over(
    sock: _socket.socket, argv: list[str], context: list[object], ignored: list[int]
) -> int | None:
    """Send the request; the copy's process id once it has accepted, else None."""
    _pid, uid, _gid = struct.unpack("iII", sock.getsockopt(1, _SO_PEERCRED, 12))
    if uid != os.getuid():
        return None
    request = _request(argv, context, ignored)
    # O_PATH: a folder this process may enter but not list can still be handed over.
    here = os.open(".", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        descriptors = struct.pack("4i", 0, 1, 2, here)
        sock.sendmsg([HEADER.pack(len(request))], [(1, _socket.SCM_RIGHTS, descriptors)])
    finally:
        os.close(here)
    sock.sendall(request)
    answer = _receive_exactly(sock, 1 + PID.size)
    if answer[:1] != ACCEPTED or len(answer) != 1 + PID.size:
        return None  # refused, or gone before it took the run: nothing has run yet
    return int(PID.unpack(answer[1:])[0])


def _report_lost() -> int:
    sys.stderr.write("sanitize: error: the helper process stopped before the run ended\n")
    return 1


def _wait(sock: _socket.socket, pid: int, ignored: list[int]) -> int:
    """Wait for the copy's exit status, passing signals on to its process group."""

    def forward(signal_number: int, _frame: object) -> None:
        try:  # noqa: SIM105 - see _start_helper
            os.killpg(pid, signal_number)
        except OSError:
            pass

    def stop(_signal_number: int, _frame: object) -> None:
        forward(_SIGTSTP, None)  # the copy has no terminal to stop it: pass Ctrl-Z on
        _signals.signal(_SIGTSTP, _signals.SIG_DFL)
        os.kill(os.getpid(), _SIGTSTP)  # stop here too, as the shell expects
        # Here again: resumed (fg), or never stopped (the kernel drops SIGTSTP in an
        # orphaned process group, where a run of its own would have gone on).
        _signals.signal(_SIGTSTP, stop)
        forward(_SIGCONT, None)

    def resume(_signal_number: int, _frame: object) -> None:
        _signals.signal(_SIGTSTP, stop)
        forward(_SIGCONT, None)

    handlers: dict[int, Any] = {number: forward for number in FORWARDED}
    handlers.update({_SIGTSTP: stop, _SIGCONT: resume})
    previous = {}
    for number, handler in handlers.items():
        if number not in ignored:
            previous[number] = _signals.signal(number, handler)
    try:
        status = _receive_exactly(sock, EXIT.size)
    except OSError:
        status = b""
    finally:
        for number, handler in previous.items():
            _signals.signal(number, handler)
    if len(status) != EXIT.size:
        return _report_lost()
    code = int(EXIT.unpack(status)[0])
    if code < 0:  # the copy was ended by a signal: end the same way
        try:  # noqa: SIM105 - see _start_helper
            _signals.signal(-code, _signals.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL: its default cannot be set, and is the default already
        os.kill(os.getpid(), -code)
        return 128 - code
    return code


def main() -> None:
    status = run_through_helper(sys.argv)
    if status is None:
        from sanitize.cli import main as run_here

        run_here()
        return
    sys.exit(status)
