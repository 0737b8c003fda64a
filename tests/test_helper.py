"""The warm helper (sanitize.launch, sanitize.helper): a run it serves is the run the
user's own process would have made (output, messages, exit status, files written); it
serves only its user, through a directory closed to others; it exits when idle or when its
socket is taken away; and a run whose caller is killed stops with it."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dirty import dirty_jpeg
from sanitize import launch, launch_context

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the helper is used on Linux only"
)

# A run through the helper, or exit status 99 when the helper did not take it.
SERVED = (
    "import sys\n"
    "from sanitize.launch import run_through_helper\n"
    "status = run_through_helper(['sanitize', *sys.argv[1:]])\n"
    "sys.exit(99 if status is None else status)\n"
)
NOT_SERVED = 99
SCRIPT = Path(sys.executable).with_name("sanitize")  # the console script, same interpreter


def processes() -> Iterator[tuple[int, Path]]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            yield int(entry.name), entry


def helper_pids(runtime: Path) -> list[int]:
    """Helpers whose socket lives under ``runtime`` (from their command lines)."""
    found = []
    for pid, entry in processes():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        helper_code = any(b"sanitize.helper" in part for part in command)
        if helper_code and any(str(runtime).encode() in part for part in command):
            found.append(pid)
    return found


def _living_with(field: int, value: int) -> list[int]:
    """Processes (not zombies) whose /proc stat field ``field`` (counted after the command
    name: 1 the parent, 2 the process group) is ``value``."""
    found = []
    for pid, entry in processes():
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[field]) == value and fields[0] != "Z":
            found.append(pid)
    return found


def children_of(parent: int) -> list[int]:
    return _living_with(1, parent)


def in_group(group: int) -> list[int]:
    return _living_with(2, group)


def state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def findings_file(path: Path, count: int = 4000) -> Path:
    """Enough findings to fill a pipe nobody reads: a run blocks writing them, as it would
    in the user's own process, until something happens to it."""
    path.write_text("".join(f"Write to person{i}@example.com today.\n" for i in range(count)))
    return path


@contextlib.contextmanager
def blocked_run(
    runtime: Path, folder: Path, args: list[str]
) -> Iterator[tuple[subprocess.Popen[bytes], int, int]]:
    """A served run blocked writing to a pipe nobody reads: (its caller, the helper's pid,
    the copy's pid)."""
    read_end, write_end = os.pipe()
    caller = subprocess.Popen(
        [sys.executable, "-c", SERVED, *args],
        cwd=folder,
        stdout=write_end,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        (helper_pid,) = helper_pids(runtime)
        assert wait_for(lambda: children_of(helper_pid))  # the run is in the helper's copy
        (copy,) = children_of(helper_pid)
        yield caller, helper_pid, copy
    finally:
        os.close(read_end)
        if caller.poll() is None:
            caller.kill()
            caller.wait(timeout=10)


def reading_run(
    runtime: Path, folder: Path, before: Callable[[], object] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """A served check of a long list of findings whose output is read (``communicate``),
    once it is in the helper's copy: (its caller, the helper's pid)."""
    findings_file(folder / "list.md")
    caller = subprocess.Popen(
        [sys.executable, "-c", SERVED, "check", "list.md"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=before,
    )
    (helper_pid,) = helper_pids(runtime)
    assert wait_for(lambda: children_of(helper_pid))
    return caller, helper_pid


def wait_for(condition: object, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


def short_directory() -> Path:
    """A runtime directory with a short path: a socket's path has at most 108 bytes, and
    pytest's own temporary folders are longer than the client accepts."""
    return Path(tempfile.mkdtemp(prefix="sh-", dir="/tmp"))


def start_helper(folder: Path, cwd: Path, options: tuple[str, ...] = ()) -> None:
    """Two runs: the first is a one-off and starts nothing, the second starts a helper.
    Neither says a word about it."""
    first = served(["--version"], cwd, options=options)
    assert (first.returncode, first.stderr) == (NOT_SERVED, b"")
    assert not list(folder.glob("sanitize-helper-*/*.sock"))  # one run: nothing left behind
    second = served(["--version"], cwd, options=options)
    assert (second.returncode, second.stderr) == (NOT_SERVED, b"")
    assert wait_for(lambda: list(folder.glob("sanitize-helper-*/*.sock")))


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A helper of this test's own, started by two runs and ready."""
    folder = short_directory()
    monkeypatch.setenv("SANITIZE_HELPER", "1")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("SANITIZE_HELPER_IDLE", "60")
    start_helper(folder, tmp_path)
    yield folder
    shutil.rmtree(folder)  # the helper sees its socket gone and exits
    assert wait_for(lambda: not helper_pids(folder), 10)


def served(
    args: list[str],
    cwd: Path,
    stdin: bytes | None = None,
    options: tuple[str, ...] = (),
    **kwargs: object,
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, *options, "-c", SERVED, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
        **kwargs,  # type: ignore[call-overload]
    )


def own_process(
    args: list[str], cwd: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
        env={**os.environ, "SANITIZE_HELPER": "0"},
    )


@pytest.mark.skipif(not SCRIPT.exists(), reason="the sanitize script is not installed here")
def test_served_runs_are_the_runs_of_the_users_own_process(runtime: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "photo.jpg").write_bytes(dirty_jpeg())
    (work / "draft.md").write_text("Write to jean.dupont@example.com before Friday.\n")
    cases: list[tuple[list[str], bytes | None]] = [
        (["clean", "photo.jpg", "-o", "{out}"], None),  # writes a file, relative paths
        (["check", "draft.md"], None),  # exit status 1: a finding
        (["check", "draft.md", "--format", "json"], None),
        (["clean", "--no-such-option"], None),  # exit status 2: usage
        (["check", "missing.pdf"], None),  # an error line, exit status 2
        (["--version"], None),
    ]
    for index, (args, stdin) in enumerate(cases):
        theirs_out, ours_out = work / f"own{index}", work / f"helper{index}"
        reference = own_process([a.format(out=theirs_out.name) for a in args], work, stdin)
        result = served([a.format(out=ours_out.name) for a in args], work, stdin)
        assert result.returncode != NOT_SERVED, args
        assert result.returncode == reference.returncode, args
        assert result.stdout.replace(ours_out.name.encode(), b"OUT") == (
            reference.stdout.replace(theirs_out.name.encode(), b"OUT")
        ), args
        assert result.stderr.replace(ours_out.name.encode(), b"OUT") == (
            reference.stderr.replace(theirs_out.name.encode(), b"OUT")
        ), args
        if theirs_out.exists():
            assert (ours_out / "photo.jpg").read_bytes() == (theirs_out / "photo.jpg").read_bytes()
            assert oct((ours_out / "photo.jpg").stat().st_mode) == oct(
                (theirs_out / "photo.jpg").stat().st_mode
            )


def test_a_run_whose_caller_is_killed_stops(runtime: Path, tmp_path: Path) -> None:
    findings_file(tmp_path / "list.md")
    with blocked_run(runtime, tmp_path, ["check", "list.md"]) as (caller, helper_pid, _):
        caller.kill()
        caller.wait(timeout=10)
        assert wait_for(lambda: not children_of(helper_pid), 10)


def test_an_interrupted_run_ends_as_it_would_at_home(runtime: Path, tmp_path: Path) -> None:
    caller, pid = reading_run(runtime, tmp_path)
    time.sleep(0.2)  # the run blocks writing its findings to the full pipe
    caller.send_signal(signal.SIGINT)
    out, err = caller.communicate(timeout=60)  # reading lets the copy write and stop
    assert caller.returncode == 1  # click's "Aborted!", as in the user's own process
    assert b"Aborted!" in err
    assert wait_for(lambda: not children_of(pid), 10)


def test_a_terminated_run_takes_its_workers_with_it(runtime: Path, tmp_path: Path) -> None:
    names = [findings_file(tmp_path / f"list{i}.md").name for i in range(3)]
    with blocked_run(runtime, tmp_path, ["check", "-j", "2", *names]) as (caller, _, copy):
        assert wait_for(lambda: len(in_group(copy)) >= 2)  # the copy and its workers
        caller.terminate()
        assert caller.wait(timeout=20) == -signal.SIGTERM  # ended as the run was
        assert wait_for(lambda: not in_group(copy), 10)  # no worker left holding a pipe


def test_signals_the_caller_ignores_are_ignored(runtime: Path, tmp_path: Path) -> None:
    # SIGHUP ignored, as nohup does.
    caller, _ = reading_run(runtime, tmp_path, lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    caller.send_signal(signal.SIGHUP)
    out, _ = caller.communicate(timeout=60)
    assert caller.returncode == 1 and out.count(b"EMAIL") == 4000  # the run went on


def test_ctrl_z_stops_the_run_and_fg_resumes_it(runtime: Path, tmp_path: Path) -> None:
    findings_file(tmp_path / "list.md")
    with blocked_run(runtime, tmp_path, ["check", "list.md"]) as (caller, _, copy):
        caller.send_signal(signal.SIGTSTP)
        assert wait_for(lambda: state(copy) == "T" and state(caller.pid) == "T", 10)
        caller.send_signal(signal.SIGCONT)
        assert wait_for(lambda: state(copy) != "T" and state(caller.pid) != "T", 10)


def test_the_callers_folder_is_never_imported_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = short_directory()
    monkeypatch.setenv("SANITIZE_HELPER", "1")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.delenv("CI", raising=False)
    marker = tmp_path / "imported"
    # A module a served run imports, planted in the folder the first run starts from.
    for name in ("click.py", "traceback.py", "pikepdf.py"):
        (tmp_path / name).write_text(f"open({str(marker)!r}, 'w').close()\n")
    try:
        start_helper(folder, tmp_path)
        result = served(["--version"], tmp_path)
        assert result.returncode == 0 and b"version" in result.stdout
        assert not marker.exists()
    finally:
        shutil.rmtree(folder)
        assert wait_for(lambda: not helper_pids(folder), 10)


def test_a_language_model_a_run_needed_stays_loaded(runtime: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    # A French draft whose names only the language model can settle.
    draft.write_text("Hier, Camille Durand a rencontré Paul Martin à la boulangerie.\n")
    args = ["check", "--no-cache", "draft.md"]  # a cached answer would need no model
    reference = own_process(args, tmp_path)
    if (
        b"spacy"
        not in subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "sanitize", *args],
            cwd=tmp_path,
            capture_output=True,
            env={**os.environ, "SANITIZE_HELPER": "0"},
        ).stderr
    ):
        pytest.skip("no French model installed: nothing to keep loaded")
    first = served(args, tmp_path)
    assert (first.returncode, first.stdout) == (reference.returncode, reference.stdout)
    (models,) = runtime.glob("sanitize-helper-*/*.models")
    assert models.read_text().split() == ["fr"]
    (helper_pid,) = helper_pids(runtime)
    assert wait_for(lambda: "/spacy/" in Path(f"/proc/{helper_pid}/maps").read_text())
    second = served(args, tmp_path)  # served with the model loaded
    assert (second.returncode, second.stdout) == (reference.returncode, reference.stdout)
    assert models.read_text().split() == ["fr"]  # a run that found it loaded adds nothing
    assert helper_pids(runtime) == [helper_pid]  # still able to serve: no thread pools


def test_a_killed_copy_ends_its_caller_the_same_way(runtime: Path, tmp_path: Path) -> None:
    findings_file(tmp_path / "list.md")
    with blocked_run(runtime, tmp_path, ["check", "list.md"]) as (caller, helper_pid, copy):
        os.kill(copy, signal.SIGKILL)  # the OOM killer, say
        assert caller.wait(timeout=20) == -signal.SIGKILL  # not run a second time here
        assert wait_for(lambda: not children_of(helper_pid), 10)


def test_a_stopped_run_whose_caller_is_killed_is_gone(runtime: Path, tmp_path: Path) -> None:
    findings_file(tmp_path / "list.md")
    with blocked_run(runtime, tmp_path, ["check", "list.md"]) as (caller, helper_pid, copy):
        caller.send_signal(signal.SIGTSTP)
        assert wait_for(lambda: state(copy) == "T", 10)
        caller.kill()
        caller.wait(timeout=10)
        assert wait_for(lambda: not children_of(helper_pid), 10)


def test_runs_with_interpreter_options_are_served_too(tmp_path: Path) -> None:
    folder = short_directory()
    environment = {
        **os.environ,
        "SANITIZE_HELPER": "1",
        "XDG_RUNTIME_DIR": str(folder),
        "SANITIZE_HELPER_IDLE": "60",
    }
    environment.pop("CI", None)
    try:
        # -O: a helper started without it would refuse every such run.
        for expected in (NOT_SERVED, NOT_SERVED):
            done = served(["--version"], tmp_path, options=("-O",), env=environment)
            assert done.returncode == expected
        assert wait_for(lambda: list(folder.glob("sanitize-helper-*/*.sock")))
        done = served(["--version"], tmp_path, options=("-O",), env=environment)
        assert done.returncode == 0 and b"version" in done.stdout
    finally:
        shutil.rmtree(folder)
        assert wait_for(lambda: not helper_pids(folder), 10)


def test_the_helper_is_private(runtime: Path) -> None:
    (directory,) = runtime.glob("sanitize-helper-*")
    assert directory.stat().st_mode & 0o777 == 0o700
    (sock,) = directory.glob("*.sock")
    assert sock.stat().st_mode & 0o077 == 0


def test_a_directory_open_to_others_is_not_used(tmp_path: Path) -> None:
    environ = {"XDG_RUNTIME_DIR": str(tmp_path)}
    directory = tmp_path / f"sanitize-helper-{os.getuid()}"
    assert launch.private_directory(environ) == str(directory)
    directory.chmod(0o770)
    assert launch.private_directory(environ) is None
    directory.chmod(0o700)
    if os.getuid() == 0:  # only root can give a directory away
        os.chown(directory, 65534, 65534)
        assert launch.private_directory(environ) is None
    directory.rmdir()
    directory.symlink_to(tmp_path)  # a link is not a directory of ours either
    assert launch.private_directory(environ) is None


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to connect as another user")
def test_another_user_is_not_served(runtime: Path) -> None:
    (sock,) = runtime.glob("sanitize-helper-*/*.sock")
    # A second name for the socket where another user can reach it (a hard link names the
    # same socket): past the directory's protection, the helper itself must refuse.
    public = Path(tempfile.mkdtemp(dir=sock.parent.parent.parent))
    public.chmod(0o755)
    link = public / "s"
    os.link(sock, link)
    link.chmod(0o777)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        status = 3
        try:
            os.setgid(65534)
            os.setuid(65534)
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(str(link))
            client.settimeout(5)  # a helper that served would wait for the request
            status = 0 if client.recv(1) == b"" else 1
        except TimeoutError:
            status = 1
        except OSError:
            status = 2  # could not even connect: the test proves nothing
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    shutil.rmtree(public)
    assert os.waitstatus_to_exitcode(status) == 0


def test_an_idle_helper_exits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = short_directory()
    monkeypatch.setenv("SANITIZE_HELPER", "1")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.setenv("SANITIZE_HELPER_IDLE", "1")
    monkeypatch.delenv("CI", raising=False)
    start_helper(folder, tmp_path)
    assert wait_for(lambda: not helper_pids(folder), 20)
    assert not list(folder.glob("sanitize-helper-*/*.sock"))  # it removed its socket
    shutil.rmtree(folder)


def test_where_the_helper_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    assert launch.enabled({}, ["sanitize", "clean", "a.jpg"])
    assert not launch.enabled({"SANITIZE_HELPER": "0"}, ["sanitize", "a.jpg"])
    assert not launch.enabled({"CI": "true"}, ["sanitize", "a.jpg"])
    assert launch.enabled({"CI": "true", "SANITIZE_HELPER": "1"}, ["sanitize", "a.jpg"])
    assert not launch.enabled({}, ["sanitize", "ui", "--port", "8000"])
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not launch.enabled({}, ["sanitize", "a.jpg"])


def test_a_caller_in_another_context_is_refused(runtime: Path) -> None:
    (sock_path,) = runtime.glob("sanitize-helper-*/*.sock")
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(10)
    client.connect(str(sock_path))
    with client:
        # Another interpreter, or another limit: refused before anything runs.
        assert launch._handed_over(client, ["sanitize", "--version"], ["other"], []) is None


def test_the_context_follows_limits_and_interpreter() -> None:
    before = launch_context.describe(os.environ)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft - 1, hard))
    try:
        assert launch_context.describe(os.environ) != before  # `ulimit -n` matters
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert launch_context.describe({**os.environ, "PYTHONHASHSEED": "1"}) != before
    assert launch_context.describe(os.environ) == before


def test_the_stamp_follows_edits_of_the_code(tmp_path: Path) -> None:
    (tmp_path / "module.py").write_text("x = 1\n")
    before = launch._tree_stamp(str(tmp_path))
    time.sleep(0.01)
    (tmp_path / "module.py").write_text("x = 2\n")
    assert launch._tree_stamp(str(tmp_path)) != before
    (tmp_path / "new.py").write_text("")
    assert launch._tree_stamp(str(tmp_path))[1] == 2
