"""``sanitize ui``: start the page's server on 127.0.0.1, print its address, open it.

The socket is bound before the server starts, so the printed port is the one in use
(port 0 asks the system for a free one) and no other program can take it in between.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import secrets
import signal
import socket
import sys
import threading
import webbrowser
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import click
import uvicorn

from sanitize.runner import default_jobs
from sanitize.ui.app import State, create_app
from sanitize.ui.guard import Guard
from sanitize.ui.store import Store
from sanitize.walk import collect


def bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def preload(store: Store, paths: list[Path]) -> None:
    """Cards for the files named on the command line (folders keep their own name, so
    "download all" gives back the same tree)."""
    for target in collect(paths):
        if target.skip_reason:
            continue
        if target.root is not None:
            name = f"{target.root.resolve().name}/{target.path.relative_to(target.root)}"
        else:
            name = target.path.name
        store.new(name, source=target.path)


def _ignore_interrupts() -> None:
    # Ctrl-C in a terminal reaches the whole process group: the workers leave it to the
    # server, which stops them in order (no traceback from each worker).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def serve(paths: list[Path], port: int = 0, open_browser: bool = True) -> None:
    sock = bind(port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    store = Store()
    # Spawned workers start clean (no copy of the server's threads or sockets) on every
    # platform; each imports sanitize once and then serves many files.
    workers = max(1, min(default_jobs(), 4))
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_ignore_interrupts,
    )
    try:
        preload(store, paths)
        state = State(store, pool)
        app = Guard(create_app(state), token, port)
        address = f"http://127.0.0.1:{port}/?t={token}"
        click.echo(f"sanitize ui: {address}")
        click.echo("Press Ctrl-C to stop (the files dropped on the page are deleted).", err=True)
        sys.stdout.flush()
        if open_browser:
            threading.Timer(0.5, webbrowser.open, args=(address,)).start()
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=3
        )
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl-C once stopped
            uvicorn.Server(config).run(sockets=[sock])
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        store.close()
        sock.close()
    click.echo("sanitize ui: stopped; its temporary files are deleted.", err=True)
