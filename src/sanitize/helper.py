"""The warm helper behind ``sanitize`` runs (sanitize.launch says when it is used, and the
exchange with a run).

Started by a run, in a session of its own, in ``/``, with /dev/null for its standard
streams and only the environment that decides how Python starts. It imports the command
line, every cleaner and text detection's data once, then waits on ``DIRECTORY/STAMP.sock``.
For each connection from a process of the same user it forks: the copy (sanitize.helper_copy)
reads the request, takes on the caller's streams, directory, environment and umask, and
runs the command. The helper itself never reads a request. It reaps each copy as soon as
it ends, kills what the copy left running, and sends the caller the copy's exit status.
Once a run has loaded a language model, the helper loads it too (the copies record which
in ``STAMP.models``), so that the next runs find it loaded.
It exits after ``IDLE_SECONDS`` without a run, or once its socket is taken away. A lock
file keeps to one helper per stamp; a helper that cannot serve leaves ``STAMP.off`` so that
runs stop starting it.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import select
import signal
import socket
import sys
import threading
import time

from sanitize import helper_copy, launch, launch_context
from sanitize.launch import EXIT, IDLE_SECONDS, is_private

# Modules the cleaners load on first use, loaded here once so that no run pays for them.
WARM_MODULES = (
    "sanitize.cli",
    "sanitize.api",
    "sanitize.pipeline",
    "pikepdf",
    "pypdfium2",
    "PIL.Image",
    "lxml.etree",
)


def _import_all(names: list[str]) -> None:
    import importlib

    for name in names:
        with contextlib.suppress(Exception):  # a module that fails loads in the run, or not
            importlib.import_module(name)


def warm() -> None:
    """Import the command line, the registry, each cleaner's modules and text detection
    (its patterns and its name data: tens of milliseconds a run otherwise pays). Not a
    language model: a second or more to load and hundreds of megabytes to hold, for texts
    that rarely need it; a run that does loads it as it would on its own."""
    import pkgutil

    _import_all(list(WARM_MODULES))
    import sanitize.cleaners
    import sanitize.detect
    import sanitize.formats
    from sanitize.registry import default_registry

    with contextlib.suppress(Exception):
        default_registry()
    for package in (sanitize.cleaners, sanitize.formats, sanitize.detect):
        prefix = package.__name__ + "."
        _import_all([module.name for module in pkgutil.iter_modules(package.__path__, prefix)])
    from sanitize.detect.names import preload

    with contextlib.suppress(Exception):
        preload()


def _lines(path: str) -> set[str]:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return {line.strip() for line in handle}
    except OSError:
        return set()


def load_models(path: str, loaded: set[str]) -> str | None:
    """Load the language models that runs have needed (recorded by the copies in
    ``path``), once each: the next runs that need one find it loaded. Returns a language
    whose model started threads (the helper may then no longer fork), recorded in
    ``path``.unsafe so that no helper loads it again."""
    wanted = _lines(path) - loaded - _lines(f"{path}.unsafe")
    if not wanted:
        return None
    from sanitize.detect import ner

    for language in sorted(wanted & set(ner.MODELS)):
        loaded.add(language)
        with contextlib.suppress(Exception):
            ner.engine_for(language)
        if not _single_threaded():
            _append_line(f"{path}.unsafe", language)
            return language
    gc.freeze()  # the copies then leave the model's objects alone: no copy-on-write
    return None


def _append_line(path: str, line: str) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    with contextlib.suppress(OSError):
        fd = os.open(path, flags, 0o600)
        try:
            os.write(fd, f"{line}\n".encode())
        finally:
            os.close(fd)


def _single_threaded() -> bool:
    """Forking is safe only without other threads, Python's or a library's own."""
    try:
        tasks = len(os.listdir("/proc/self/task"))
    except OSError:
        tasks = 1
    return threading.active_count() == 1 and tasks == 1


def _pidfds_work() -> bool:
    """The loop learns that a copy ended through its pidfd (Linux 5.3 and later)."""
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return False
    return True


def serve(directory: str, stamp: str, idle_seconds: float = IDLE_SECONDS) -> None:
    if not is_private(directory):
        return
    path = os.path.join(directory, f"{stamp}.sock")
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    lock = os.open(os.path.join(directory, f"{stamp}.lock"), flags, 0o600)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # another helper for this stamp is running or starting
        warm()
        models, loaded = os.path.join(directory, f"{stamp}.models"), set[str]()
        unsafe = load_models(models, loaded)  # what runs needed from earlier helpers
        from sanitize.runner import reuse_memory

        reuse_memory()  # the copies inherit it
        gc.freeze()
        named = launch.stamp(launch_context.describe(os.environ))
        if unsafe or named != stamp or not _single_threaded() or not _pidfds_work():
            # A helper no run can use (it would refuse them all), or one that cannot fork
            # safely: runs of this stamp stop starting one.
            _give_up(directory, stamp if unsafe is None else None)
            return
        context = repr(launch_context.describe(os.environ))
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)  # left by a helper that died; the lock is ours now
            old_umask = os.umask(0o177)
            try:
                listener.bind(path)
            finally:
                os.umask(old_umask)
            listener.listen(64)
            inode = os.stat(path).st_ino
            try:
                Loop(listener, lock, context, models, loaded).run(path, inode, idle_seconds)
            finally:
                if _socket_is(path, inode):
                    os.unlink(path)
    finally:
        os.close(lock)


def _give_up(directory: str, stamp: str | None) -> None:
    """Mark ``stamp`` as one no helper can serve (None: the next helper may try again)."""
    if stamp is None:
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    with contextlib.suppress(OSError):
        os.close(os.open(os.path.join(directory, f"{stamp}.off"), flags, 0o600))


def _socket_is(path: str, inode: int) -> bool:
    try:
        return os.stat(path).st_ino == inode
    except OSError:
        return False


class Loop:
    """Accepts runs and reaps copies. It wakes as soon as a copy ends (its pidfd), so the
    caller gets the exit status at once, and as soon as a caller hangs up (its socket), so
    that a run whose command was killed dies with it, even a stopped one."""

    HANG_UP = select.POLLRDHUP | select.POLLHUP | select.POLLERR

    def __init__(
        self, listener: socket.socket, lock: int, context: str, models: str, loaded: set[str]
    ) -> None:
        self.listener: socket.socket | None = listener
        self.lock = lock
        self.context = context
        self.models, self.loaded = models, loaded
        self.poller = select.poll()
        self.poller.register(listener, select.POLLIN)
        self.copies: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, caller)
        self.callers: dict[int, int] = {}  # caller's socket -> pid of its copy

    def run(self, path: str, inode: int, idle_seconds: float) -> None:
        quiet_since = time.monotonic()
        while self.listener is not None or self.copies:
            events = self.poller.poll(1000)
            for fd, event in events:
                if self.listener is not None and fd == self.listener.fileno():
                    self._accept()
                elif fd in self.copies:
                    self._reap(fd)
                    if load_models(self.models, self.loaded) is not None:
                        self._stop_listening(path, inode)  # forking is no longer safe
                elif fd in self.callers and event & self.HANG_UP:
                    self.poller.unregister(fd)
                    with contextlib.suppress(OSError):
                        os.killpg(self.callers.pop(fd), signal.SIGKILL)
            if self.copies or events:
                quiet_since = time.monotonic()
            elif not _socket_is(path, inode) or time.monotonic() - quiet_since > idle_seconds:
                self._stop_listening(path, inode)

    def _stop_listening(self, path: str, inode: int) -> None:
        """Take no more runs; the loop ends once the runs in progress have ended."""
        if self.listener is not None:
            self.poller.unregister(self.listener)
            self.listener.close()
            self.listener = None
        if _socket_is(path, inode):
            os.unlink(path)

    def _accept(self) -> None:
        assert self.listener is not None
        try:
            caller, _ = self.listener.accept()
        except OSError:
            return
        credentials = caller.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        if int.from_bytes(credentials[4:8], sys.byteorder) != os.getuid():
            caller.close()
            return
        try:
            pid = os.fork()
        except OSError:  # no process to spare: the caller runs the command itself
            caller.close()
            return
        if pid == 0:
            try:
                os.setpgid(0, 0)  # the copy and its workers: one group, signalled together
                self.listener.close()
                os.close(self.lock)
                for other_pidfd, (_pid, other) in self.copies.items():
                    os.close(other_pidfd)
                    other.close()  # another caller's end must close when its own copy ends
                helper_copy.run(caller, self.context, self.models, frozenset(self.loaded))
            finally:
                os._exit(helper_copy.EX_SOFTWARE)  # never back into the helper's loop
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)  # as the copy does: whichever runs first
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            caller.close()
            return
        self.copies[pidfd] = (pid, caller)
        self.poller.register(pidfd, select.POLLIN)
        self.callers[caller.fileno()] = pid
        self.poller.register(caller, self.HANG_UP)

    def _reap(self, pidfd: int) -> None:
        pid, caller = self.copies.pop(pidfd)
        self.poller.unregister(pidfd)
        if self.callers.pop(caller.fileno(), None) is not None:
            self.poller.unregister(caller)
        # Workers the copy left behind, while its zombie still holds the group's number.
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        try:
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        except ChildProcessError:
            code = helper_copy.EX_SOFTWARE
        os.close(pidfd)
        with caller, contextlib.suppress(OSError):
            caller.settimeout(1.0)
            caller.sendall(EXIT.pack(code))


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: python -m sanitize.helper DIRECTORY STAMP")
    os.chdir("/")  # hold no folder of the run that started it (a USB stick, say)
    # The signals of a parent that ignored children or blocked signals must not reach the
    # loop: it waits for its copies itself.
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    # A language model loaded here must leave the helper able to fork: no thread pools.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    for name in os.listdir("/proc/self/fd"):  # nor any descriptor it had open
        if int(name) > 2:
            with contextlib.suppress(OSError):
                os.close(int(name))
    directory, stamp = sys.argv[1], sys.argv[2]
    idle = os.environ.get("SANITIZE_HELPER_IDLE")
    serve(directory, stamp, float(idle) if idle else IDLE_SECONDS)


if __name__ == "__main__":
    main()
