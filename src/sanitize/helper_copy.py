"""One run inside a forked copy of the warm helper (sanitize.helper).

The copy reads the caller's request, checks that the caller runs in the helper's context
(sanitize.launch_context), prepares the caller's environment and standard streams, and
answers ACCEPTED with its process id. Only when the caller answers GO does it take over the
caller's descriptors and run the command; until then anything that goes wrong ends the copy
silently and the caller runs the command itself. A thread watches the connection: if the
caller goes away, the copy's process group (the copy and its workers) is killed, as the
run would have died with its own process. The copy ends with the command's exit status,
or by the signal that ended it; the helper reports that status to the caller.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import marshal
import os
import signal
import socket
import sys
from typing import Any

from sanitize.launch import ACCEPTED, GO, HEADER, PID, REFUSED

MAX_REQUEST = 16 * 1024 * 1024  # the environment and arguments of one run
DESCRIPTORS = 4  # standard input, output, error; the working directory
EX_SOFTWARE = 70


def _receive(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    header, fds, _flags, _address = socket.recv_fds(connection, HEADER.size, DESCRIPTORS)
    if len(header) != HEADER.size or len(fds) != DESCRIPTORS:
        for fd in fds:
            os.close(fd)
        raise OSError("incomplete request")
    (size,) = HEADER.unpack(header)
    payload = bytearray()
    while len(payload) < min(size, MAX_REQUEST + 1):
        chunk = connection.recv(size - len(payload))
        if not chunk:
            break
        payload += chunk
    if len(payload) != size or size > MAX_REQUEST:
        raise OSError("incomplete or oversized request")
    request = marshal.loads(bytes(payload))
    if not isinstance(request, dict) or not _well_formed(request):
        raise OSError("malformed request")
    return request, fds


def _well_formed(request: dict[str, Any]) -> bool:
    def strings(value: object) -> bool:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)

    env, streams = request.get("env"), request.get("streams")
    return (
        strings(request.get("argv"))
        and bool(request["argv"])
        and isinstance(request.get("prog_name"), str)
        and isinstance(request.get("context"), str)
        and isinstance(request.get("umask"), int)
        and isinstance(request.get("ignored"), list)
        and all(isinstance(number, int) for number in request["ignored"])
        and isinstance(env, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
        and isinstance(streams, list)
        and len(streams) == 3
        and all(_stream_settings(settings) for settings in streams)
    )


def _stream_settings(settings: object) -> bool:
    return (
        isinstance(settings, tuple)
        and len(settings) == 4
        and isinstance(settings[0], str)
        and isinstance(settings[1], str)
    )


def _stream(fd: int, name: str, settings: tuple[str, str, bool, bool]) -> io.TextIOWrapper:
    """A standard stream built as CPython builds one: buffered, no newline translation."""
    encoding, errors, line_buffering, write_through = settings
    raw = io.FileIO(fd, "r" if fd == 0 else "w", closefd=False)
    raw.name = name  # shown in messages as CPython names it
    # Unbuffered output (-u, PYTHONUNBUFFERED) writes straight to the descriptor.
    output = raw if write_through else io.BufferedWriter(raw)
    buffer = io.BufferedReader(raw) if fd == 0 else output
    return io.TextIOWrapper(
        buffer,
        encoding=encoding,
        errors=errors,
        newline="\n",
        line_buffering=line_buffering,
        write_through=write_through,
    )


def _prepare(request: dict[str, Any], fds: list[int]) -> list[io.TextIOWrapper]:
    """Everything that can fail, done before the run is accepted (the caller's standard
    streams are not touched yet): a failure here refuses the run, which the caller then
    makes itself."""
    os.fchdir(fds[3])
    names = ("<stdin>", "<stdout>", "<stderr>")
    streams = [_stream(fd, names[fd], tuple(request["streams"][fd])) for fd in range(3)]
    os.environ.clear()
    os.environ.update(request["env"])
    return streams


def _take_over(request: dict[str, Any], fds: list[int], streams: list[io.TextIOWrapper]) -> None:
    """Become the caller's run: its descriptors, umask, arguments and signals."""
    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
    for fd in fds:
        os.close(fd)
    sys.stdin, sys.stdout, sys.stderr = streams
    os.umask(int(request["umask"]))
    sys.argv = list(request["argv"])
    for number in (signal.SIGHUP, signal.SIGQUIT, signal.SIGTERM, signal.SIGTSTP):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for number in request["ignored"]:  # ignored by the caller (nohup, a background job)
        with contextlib.suppress(ValueError, OSError):
            signal.signal(number, signal.SIG_IGN)


def record_models(path: str, preloaded: frozenset[str]) -> None:
    """Tell the helper which language models this run loaded that it does not hold (a
    line each in ``path``, in the helper's private directory): it loads them for the runs
    that follow."""
    ner = sys.modules.get("sanitize.detect.ner")
    languages = [x for x in (ner.loaded_languages() if ner else []) if x not in preloaded]
    if not languages:
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    with contextlib.suppress(OSError):
        fd = os.open(path, flags, 0o600)
        try:
            os.write(fd, "".join(f"{language}\n" for language in languages).encode())
        finally:
            os.close(fd)


def run(connection: socket.socket, context: str, models: str, preloaded: frozenset[str]) -> None:
    """Serve one caller, then end this process (never returns). ``models``: where to
    record the language models the run loaded; ``preloaded``: those the helper holds.
    The helper watches the caller: if it goes away, it kills this copy's process group."""
    code = EX_SOFTWARE
    try:
        connection.settimeout(10.0)
        request, fds = _receive(connection)
        try:
            if request["context"] != context:
                raise OSError("the caller runs in another context")
            streams = _prepare(request, fds)
        except (OSError, ValueError, LookupError):
            connection.sendall(REFUSED)
            os._exit(0)
        connection.sendall(ACCEPTED + PID.pack(os.getpid()))
        # No time limit: the caller either sends GO or closes the connection, and a caller
        # stopped (Ctrl-Z) or swapped out between the two must not lose its run.
        connection.settimeout(None)
        if connection.recv(1) != GO:
            os._exit(0)  # the caller gave up waiting and runs the command itself
        code = 1  # from here on, as CPython ends on an uncaught exception
        _take_over(request, fds, streams)
        code = _run_command(list(request["argv"]), str(request["prog_name"]))
    except BaseException:  # nothing may escape a forked copy: it would run the helper's loop
        with contextlib.suppress(BaseException):
            sys.excepthook(*sys.exc_info())
    with contextlib.suppress(BaseException):
        record_models(models, preloaded)
    _exit(code)


def _run_command(argv: list[str], prog_name: str) -> int:
    from sanitize.cli import main

    try:
        main(args=argv[1:], prog_name=prog_name)
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        print(exc.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # As CPython ends on an uncaught interrupt: by the signal itself.
        _flush_all()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return 0


def _flush_all() -> bool:
    """Flush the standard streams as an interpreter does on exit; False if one failed."""
    ok = True
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError) as exc:
            ok = False
            with contextlib.suppress(BaseException):
                sys.__stderr__.write(f"Exception ignored in: {stream!r}\n")  # type: ignore[union-attr]
                sys.__stderr__.write(f"{type(exc).__name__}: {exc}\n")  # type: ignore[union-attr]
    return ok


def _exit(code: int) -> None:
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    if not _flush_all():
        code = 120  # what CPython exits with when flushing its output fails
    os._exit(code & 0xFF)
