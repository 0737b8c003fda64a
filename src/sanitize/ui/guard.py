"""Who may talk to the server: only this machine's browser, holding this run's token.

- The ``Host`` header must be ``127.0.0.1:PORT``. A web page elsewhere can make a name of
  its own resolve to 127.0.0.1 (DNS rebinding); its requests then carry that name, and are
  refused.
- The token printed with the address is required. The first visit with ``?t=TOKEN`` sets a
  cookie (HttpOnly, SameSite=Strict: other sites' pages cannot send it) and redirects to
  the same page without the token, so it does not stay in the address bar.
- Every response carries a Content-Security-Policy that allows nothing but this origin.
"""

from __future__ import annotations

import hmac
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "sanitize_token"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


class Guard:
    def __init__(self, app: ASGIApp, token: str, port: int) -> None:
        self.app = app
        self.token = token
        self.host = f"127.0.0.1:{port}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets
        headers = dict(scope["headers"])
        if headers.get(b"host", b"") != self.host:
            await _refuse(send, 421, "This server answers only at its own address (127.0.0.1).")
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("t", [""])[0]
        if given and self._valid(given):
            if scope["method"] == "GET":
                await _enter(send, scope["path"], self.token)
                return
        elif not self._valid(_cookie(headers.get(b"cookie", b""))):
            await _refuse(send, 403, "Open the address printed by `sanitize ui` (it holds a key).")
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _valid(self, candidate: str) -> bool:
        return bool(candidate) and hmac.compare_digest(candidate.encode(), self.token.encode())


def _cookie(raw: bytes) -> str:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except Exception:  # a malformed cookie header is simply no cookie
        return ""
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else ""


async def _enter(send: Send, path: str, token: str) -> None:
    cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", (path or "/").encode()),
                (b"set-cookie", cookie.encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
