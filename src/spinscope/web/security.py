"""ASGI middleware: security headers on every response, a Host and cross-site request check, and a cap on
request body size and time."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script anywhere; styles only from our own stylesheet (colours are set through the CSSOM).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


class SecurityHeadersMiddleware:
    """Adds the security headers (unless a route set its own Content-Security-Policy), and
    ``Cache-Control: no-store`` on API answers (they echo the articles people analyse)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        api = str(scope.get("path", "")).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((k, v) for k, v in SECURITY_HEADERS if k not in present)
                if api and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised while reading a request body that exceeds the cap (an HTTPException, so that FastAPI's own body
    parsing passes it on instead of turning it into a generic 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(413, message)

    def __str__(self) -> str:
        return str(self.detail)


class BodyTimeout(HTTPException):
    """Raised when a request body does not arrive within the body time-out (408)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"the request body did not arrive within {seconds:g} s")


def _json_error(status: int, message: str) -> tuple[Message, Message]:
    body = json.dumps({"error": message}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }
    return start, {"type": "http.response.body", "body": body}


class BodySizeLimitMiddleware:
    """Refuses bodies over ``max_bytes``: up front from Content-Length, or while streaming (413); and bodies that
    take longer than ``timeout`` seconds to arrive (408), so a slow upload cannot hold a connection and a
    request slot indefinitely. Once the body is complete, ``receive`` waits without limit (for the disconnect
    message the service watches)."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body larger than {self.max_bytes} bytes"
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > self.max_bytes:
                    status = 413 if declared > self.max_bytes else 400
                    for m in _json_error(status, message if status == 413 else "bad Content-Length"):
                        await send(m)
                    return
        received = 0
        body_done = False
        deadline = time.monotonic() + self.timeout

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done:
                return await receive()
            try:
                msg = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise BodyTimeout(self.timeout) from None
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(message)
                body_done = not msg.get("more_body", False)
            return msg

        await self.app(scope, limited_receive, send)


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OPEN_PATHS = frozenset({"/healthz", "/readyz"})  # load balancers probe these by address; they change nothing


def split_host(value: str) -> tuple[str, str]:
    """A ``Host`` header value as (name, port): lower case, IPv6 brackets removed, port "" when absent."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        return name, rest[1:] if rest.startswith(":") else ""
    if value.count(":") == 1:
        name, _, port = value.partition(":")
        return name, port
    return value, ""  # a bare name, or a bare IPv6 address


def same_origin(origin: str, host_header: str) -> bool:
    """True when the ``Origin`` header names the site the request was sent to (its Host header)."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    default = 443 if parts.scheme == "https" else 80
    name, given = split_host(host_header)
    return (parts.hostname, port or default) == (name, int(given) if given.isdigit() else default)


class RequestGuardMiddleware:
    """Two checks before any route runs:

    * **Host**: the request's Host header must name one of ``allowed_hosts`` (port ignored; ``"*"`` accepts any).
      A page on another site whose name was re-pointed at this server (DNS rebinding) sends its own name in
      Host, so it is refused (400). ``/healthz`` and ``/readyz`` are exempt: probes address servers by IP.
    * **Cross-site requests** (CSRF): a POST/PUT/PATCH/DELETE that a browser marks as coming from another site
      (``Sec-Fetch-Site`` other than ``same-origin``/``none``, or an ``Origin`` that is not this Host, or
      ``Origin: null``) is refused with 403. A form on another site could otherwise post a URL for this server
      to fetch, an internal one under ``--allow-private``. Clients that are not browsers send neither header
      and are not affected.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...]) -> None:
        self.app = app
        self.any_host = "*" in allowed_hosts
        self.allowed = frozenset(h.strip().strip("[]").lower() for h in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name: value.decode("latin-1") for name, value in scope.get("headers", [])}
        host = headers.get(b"host", "")
        refusal: tuple[int, str] | None = None
        if scope.get("path") not in OPEN_PATHS and not self.any_host and split_host(host)[0] not in self.allowed:
            refusal = (400, "this server does not answer for that Host name (see spinscope serve --allowed-host)")
        elif scope.get("method") in UNSAFE_METHODS:
            site = headers.get(b"sec-fetch-site", "").lower()
            origin = headers.get(b"origin")
            if site not in ("", "same-origin", "none"):
                refusal = (403, "cross-site request refused: post from this server's own page")
            elif origin is not None and not same_origin(origin, host):
                refusal = (403, "cross-origin request refused: post from this server's own page")
        if refusal is not None:
            for m in _json_error(*refusal):
                await send(m)
            return
        await self.app(scope, receive, send)
