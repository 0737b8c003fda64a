"""Real parts for the cluster tests and benchmark: an S3 endpoint (moto in server mode) and a
Dask scheduler and workers started with Dask's own command line, all on 127.0.0.1.

Every process started here is stopped by ``close()`` (and by the fixtures' finalizers).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sanitize

SRC = str(Path(sanitize.__file__).resolve().parents[1])  # the sanitize the tests import
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(predicate: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not start within {seconds:g} s")


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


class S3:
    """moto_server on a free loopback port; credentials and endpoint as environment."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.env = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": self.endpoint,
            "FSSPEC_S3_ENDPOINT_URL": self.endpoint,
        }
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [_tool("moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

        def up() -> bool:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            except OSError:
                return False
            return True

        _wait(up, 30, "moto_server")

    def use_here(self) -> None:
        """Point this process's s3fs at the endpoint (fsspec read its env at import);
        ``close()`` puts things back."""
        self._saved = {name: os.environ.get(name) for name in self.env}
        os.environ.update(self.env)
        import fsspec.config

        fsspec.config.conf.setdefault("s3", {})["endpoint_url"] = self.endpoint

    def filesystem(self) -> Any:
        import s3fs

        return s3fs.S3FileSystem(endpoint_url=self.endpoint, skip_instance_cache=True)

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
        for name, value in getattr(self, "_saved", {}).items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if hasattr(self, "_saved"):
            import fsspec.config

            fsspec.config.conf.get("s3", {}).pop("endpoint_url", None)


class Dask:
    """``dask scheduler`` and ``dask worker`` processes (one thread each, no nanny, so that
    killing a worker's process removes it)."""

    def __init__(self, folder: Path, env: dict[str, str], workers: int = 2) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            **env,
            "PYTHONPATH": SRC,
            "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
        }
        self.scheduler_file = folder / "scheduler.json"
        self.scheduler = self._spawn(
            "scheduler.log",
            [
                _tool("dask"),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(self.scheduler_file),
            ],
        )
        _wait(self.scheduler_file.exists, 60, "dask scheduler")
        self.workers: list[subprocess.Popen[bytes]] = []
        for _ in range(workers):
            self.add_worker()
        self.client = self.connect()
        self.client.wait_for_workers(workers, timeout=90)

    @property
    def address(self) -> str:
        import json

        return str(json.loads(self.scheduler_file.read_text())["address"])

    def connect(self) -> Any:
        from distributed import Client

        return Client(scheduler_file=str(self.scheduler_file), timeout="30s")

    def _spawn(self, log: str, command: list[str]) -> subprocess.Popen[bytes]:
        handle = (self.folder / log).open("ab")
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=self.env)

    def add_worker(self) -> subprocess.Popen[bytes]:
        number = len(self.workers)
        worker = self._spawn(
            f"worker{number}.log",
            [
                _tool("dask"),
                "worker",
                "--scheduler-file",
                str(self.scheduler_file),
                "--host",
                "127.0.0.1",
                "--nthreads",
                "1",
                "--nworkers",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--memory-limit",
                "0",
                "--local-directory",
                str(self.folder / f"w{number}"),
            ],
        )
        self.workers.append(worker)
        return worker

    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [w for w in self.workers if w.poll() is None]

    def kill_worker(self) -> int:
        victim = self.alive()[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        return victim.pid

    def ensure_workers(self, count: int) -> None:
        while len(self.alive()) < count:
            self.add_worker()
        self.client.wait_for_workers(count, timeout=90)

    def close(self) -> None:
        # A client that cannot close cleanly must not keep the processes below running.
        with contextlib.suppress(Exception):
            self.client.close()
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
