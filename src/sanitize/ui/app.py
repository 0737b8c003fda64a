"""The web page's HTTP interface: uploads, cards, cleaning, downloads, drafts, settings.

Every file goes through ``sanitize.pipeline.process``, the function behind the command
line, in a pool of worker processes: the same detection, cleaning, verification and
one-line errors, a per-file time limit that works (it needs a process's main thread), and
a server that stays responsive while photos are cleaned.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zipfile
from collections import Counter
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor
from dataclasses import replace
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sanitize import config as config_module
from sanitize.config import Config, user_switches
from sanitize.errors import SanitizeError
from sanitize.options import Options
from sanitize.pipeline import process
from sanitize.report import FileReport
from sanitize.ui import drafts, groups, places, settings
from sanitize.ui.store import Item, Store
from sanitize.walk import Target

STATIC = Path(__file__).parent / "static"
# Kinds the browser can show as a picture on the card (the original, on this machine only).
PREVIEWS = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}
TEXT_KINDS = {"text", "docx", "pptx", "xlsx", "pdf", "svg"}
CHUNK_LIMIT = 1024 * 1024  # bytes written per await while streaming an upload
# Already compressed: deflating them again costs seconds per hundred photos and saves nothing.
STORED = {
    ".jpg",
    ".jpeg",
    ".png",
    ".webp",
    ".gif",
    ".heic",
    ".avif",
    ".mp4",
    ".mov",
    ".m4v",
    ".m4a",
    ".mkv",
    ".webm",
    ".mp3",
    ".ogg",
    ".flac",
    ".docx",
    ".xlsx",
    ".pptx",
    ".zip",
}
CLOSE_GRACE = 15.0  # seconds after the page says goodbye before its uploads are deleted


class State:
    """What the routes share: the items, the worker pool, the page's last goodbye."""

    def __init__(self, store: Store, pool: Executor) -> None:
        self.store = store
        self.pool = pool
        self.closing_at: float | None = None

    async def run(self, function: Callable[..., FileReport], *args: Any) -> FileReport:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, function, *args)


def config_for(item: Item) -> Config:
    # Uploads live in a temporary folder: only the user's settings apply to them. Files
    # named on the command line get what the command line would give them.
    if item.uploaded:
        return config_module.user()
    return config_module.find(item.source.resolve().parent)


def options_for(item: Item, **changes: Any) -> Options:
    switches = user_switches()
    base = Options(
        keep_notes=switches["keep_notes"],
        keep_annotations=switches["keep_annotations"],
        keep_bookmarks=switches["keep_bookmarks"],
        keep_hidden=switches["keep_hidden"],
        keep_forms=switches["keep_forms"],
        strip_tracking=switches["strip_tracking"],
        flatten="raster" if switches["flatten_raster"] else None,
        config=config_for(item),
    )
    return replace(base, **changes)


def report_json(report: FileReport | None) -> dict[str, object] | None:
    if report is None:
        return None
    return {
        "kind": report.kind,
        "status": report.status,
        "error": report.error,
        "notes": report.notes,
        "groups": groups.grouped(report.metadata),
        "findings": len(report.findings),
        "finding_types": dict(Counter(f.type for f in report.findings)),
        "kept": report.kept,
    }


def item_json(item: Item) -> dict[str, object]:
    inspected = item.inspected
    kind = inspected.kind if inspected else "unknown"
    return {
        "id": item.id,
        "name": item.name,
        "size": item.size,
        "kind": kind,
        "preview": kind in PREVIEWS,
        "reviewable": kind in TEXT_KINDS,
        "inspected": report_json(inspected),
        "cleaned": report_json(item.cleaned),
        "redacted": report_json(item.redacted),
    }


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _state(request: Request) -> State:
    state: State = request.app.state.ui
    return state


def _item(request: Request) -> Item | None:
    return _state(request).store.get(request.path_params["item"])


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


async def overview(request: Request) -> Response:
    state = _state(request)
    state.closing_at = None  # a page is open (again): keep its files
    return JSONResponse({"items": [item_json(i) for i in state.store.listing()]})


async def upload(request: Request) -> Response:
    """Stream one file's body to disk, then read what it carries."""
    state = _state(request)
    name = request.query_params.get("name", "")
    if not name:
        return _error("missing name")
    item = state.store.new(name)
    limit = Options().max_file_size
    written = 0
    with item.source.open("wb") as handle:
        async for chunk in request.stream():
            # Past the limit the rest is read and dropped: the pipeline then reports the
            # same one-line error as the command line, from the size on disk.
            if written <= limit:
                for start in range(0, len(chunk), CHUNK_LIMIT):
                    handle.write(chunk[start : start + CHUNK_LIMIT])
            written += len(chunk)
    item.size = written
    await inspect(state, item)
    return JSONResponse(item_json(item))


async def inspect(state: State, item: Item) -> None:
    item.inspected = await state.run(process, Target(item.source, None), "show", options_for(item))


async def read_item(request: Request) -> Response:
    item = _item(request)
    return JSONResponse(item_json(item)) if item else _error("no such file", 404)


async def clean(request: Request) -> Response:
    item = _item(request)
    if item is None:
        return _error("no such file", 404)
    options = options_for(item, output_dir=item.folder / "out")
    item.cleaned = await _state(request).run(process, Target(item.source, None), "clean", options)
    return JSONResponse(item_json(item))


async def redact(request: Request) -> Response:
    """A copy with every finding replaced except those the user keeps, exactly as
    ``clean --redact`` writes it (the kept values are allowed for this request only)."""
    item = _item(request)
    if item is None:
        return _error("no such file", 404)
    body = await request.json()
    kept = [str(v) for v in body.get("keep", []) if isinstance(v, str)]
    options = options_for(item, output_dir=item.folder / "redacted", redact=True)
    options = replace(options, config=drafts.with_kept(config_for(item), kept))
    item.redacted = await _state(request).run(process, Target(item.source, None), "clean", options)
    return JSONResponse(item_json(item))


def _output(report: FileReport | None) -> Path | None:
    if report is None or report.status == "error" or not report.output:
        return None
    path = Path(report.output)
    return path if path.is_file() else None


async def download(request: Request) -> Response:
    item = _item(request)
    which = request.path_params["which"]
    report = None if item is None else item.redacted if which == "redacted" else item.cleaned
    path = _output(report)
    if item is None or path is None:
        return _error("nothing to download", 404)
    return FileResponse(path, filename=Path(item.name).name, media_type="application/octet-stream")


async def preview(request: Request) -> Response:
    item = _item(request)
    kind = item.inspected.kind if item and item.inspected else ""
    if item is None or kind not in PREVIEWS or not item.source.is_file():
        return _error("no preview", 404)
    return FileResponse(item.source, media_type=PREVIEWS[kind], content_disposition_type="inline")


async def download_all(request: Request) -> Response:
    """Every cleaned copy in one zip, under the names (and folders) they were dropped with."""
    store = _state(request).store
    chosen: list[tuple[str, Path]] = []
    for item in store.listing():
        path = _output(item.redacted) or _output(item.cleaned)
        if path is not None:
            chosen.append((item.name, path))
    if not chosen:
        return _error("nothing cleaned yet", 404)
    archive = store.root / f"all-{time.monotonic_ns()}.zip"
    await asyncio.get_running_loop().run_in_executor(None, _zip, chosen, archive)
    return FileResponse(
        archive,
        filename="sanitized.zip",
        media_type="application/zip",
        background=BackgroundTask(archive.unlink, missing_ok=True),
    )


def _zip(members: list[tuple[str, Path]], archive: Path) -> None:
    seen: set[str] = set()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, path in members:
            unique, number = name, 1
            while unique in seen:  # two drops of "photo.jpg" must not overwrite each other
                stem, dot, suffix = name.rpartition(".")
                unique = f"{stem} ({number}).{suffix}" if dot else f"{name} ({number})"
                number += 1
            seen.add(unique)
            method = zipfile.ZIP_STORED if path.suffix.lower() in STORED else zipfile.ZIP_DEFLATED
            bundle.write(path, unique, compress_type=method)


async def remove(request: Request) -> Response:
    _state(request).store.remove(request.path_params["item"])
    return Response(status_code=204)


async def goodbye(request: Request) -> Response:
    # Sent when the page is hidden for good. A reload says goodbye too, then asks for the
    # overview again within the grace period, which cancels the deletion.
    _state(request).closing_at = time.monotonic()
    return Response(status_code=204)


async def draft(request: Request) -> Response:
    body = await request.json()
    text = body.get("text", "")
    if not isinstance(text, str):
        return _error("text must be a string")
    config, options = config_module.user(), Options()
    loop = asyncio.get_running_loop()
    review = await loop.run_in_executor(None, drafts.review_text, text, config, options)
    return JSONResponse(review)


async def review(request: Request) -> Response:
    item = _item(request)
    if item is None:
        return _error("no such file", 404)
    loop = asyncio.get_running_loop()
    try:
        found = await loop.run_in_executor(
            None, drafts.review_file, item.source, config_for(item), options_for(item)
        )
    except SanitizeError as exc:
        return _error(str(exc), 422)
    return JSONResponse(found)


async def read_settings(request: Request) -> Response:
    try:
        return JSONResponse(settings.current())
    except SanitizeError as exc:
        return _error(str(exc), 422)


async def write_settings(request: Request) -> Response:
    body = await request.json()
    if not isinstance(body, dict):
        return _error("expected an object")
    try:
        return JSONResponse(settings.save(body))
    except SanitizeError as exc:
        return _error(str(exc), 422)


async def allow(request: Request) -> Response:
    body = await request.json()
    value = body.get("value", "") if isinstance(body, dict) else ""
    if not isinstance(value, str) or not value.strip():
        return _error("missing value")
    try:
        settings.allow(value)
    except SanitizeError as exc:
        return _error(str(exc), 422)
    return Response(status_code=204)


async def _housekeeping(state: State) -> None:
    """Delete uploads an hour old, and those of a page that was closed."""
    while True:
        await asyncio.sleep(2)
        state.store.expire()
        if state.closing_at is not None and time.monotonic() - state.closing_at > CLOSE_GRACE:
            state.closing_at = None
            state.store.clear(uploads_only=True)


def create_app(state: State) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        loop.run_in_executor(None, places.GAZETTEER.load)  # ready before the first photo
        task = asyncio.create_task(_housekeeping(state))
        # Files named on the command line: their cards fill in while the page opens.
        pending = [
            asyncio.create_task(inspect(state, item))
            for item in state.store.listing()
            if item.inspected is None
        ]
        try:
            yield
        finally:
            task.cancel()
            for job in pending:
                job.cancel()

    routes = [
        Route("/", index),
        Route("/api/files", overview),
        Route("/api/files", upload, methods=["PUT"]),
        Route("/api/files/{item}", read_item),
        Route("/api/files/{item}", remove, methods=["DELETE"]),
        Route("/api/files/{item}/clean", clean, methods=["POST"]),
        Route("/api/files/{item}/redact", redact, methods=["POST"]),
        Route("/api/files/{item}/review", review),
        Route("/api/files/{item}/preview", preview),
        Route("/api/files/{item}/download/{which}", download),
        Route("/api/all.zip", download_all),
        Route("/api/bye", goodbye, methods=["POST"]),
        Route("/api/draft", draft, methods=["POST"]),
        Route("/api/settings", read_settings),
        Route("/api/settings", write_settings, methods=["PUT"]),
        Route("/api/allow", allow, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.ui = state
    return app
