"""Running the app under uvicorn: in the foreground (``spinscope serve``) or in a background thread
(tests, benchmarks).

Several workers each listen on their own ``SO_REUSEPORT`` socket, so the kernel spreads new connections
over the worker processes (by hash: fair on average, not load-aware). uvicorn's own ``workers=N`` shares one
listening socket, and there the kernel kept handing connections to the same worker: measured with 4
keep-alive clients under load, one worker did all the work (20.9 s of CPU against 0.08 s).

Every server uses ``HeaderTimeoutProtocol``: a connection that has not sent a complete request head within
``header_timeout`` seconds (a fresh connection that sends nothing, a slow-drip "slowloris" head, or a
kept-alive connection that goes quiet) is closed. uvicorn alone closes idle kept-alive connections after an
answer, but holds a fresh connection that never sends anything for ever.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from spinscope.web.settings import ENV_VAR, WebSettings


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol with a time limit on each request head, from the moment the connection opens or
    the previous answer completes until the head has been parsed. Subclass with ``header_timeout`` set
    (``protocol_for``)."""

    header_timeout: float = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_timed_out)

    def _disarm_header_timer(self) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
            self._header_timer = None

    def _waiting_for_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._waiting_for_head():  # a request head was parsed: the request's own limits apply now
            self._disarm_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self._waiting_for_head():
            self._arm_header_timer()  # a kept-alive connection gets the same time for its next head

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def _header_timed_out(self) -> None:
        self._header_timer = None
        if self._waiting_for_head() and not self.transport.is_closing():
            self.transport.close()


def protocol_for(settings: WebSettings) -> type[HeaderTimeoutProtocol]:
    """The HTTP protocol class for ``settings`` (its header time-out)."""
    return type("SpinscopeHTTP", (HeaderTimeoutProtocol,), {"header_timeout": settings.header_timeout})


def uvicorn_options(settings: WebSettings) -> dict[str, object]:
    """The uvicorn settings every spinscope server uses (time-outs; no Server header)."""
    return {
        "http": protocol_for(settings),
        "timeout_keep_alive": settings.keepalive_timeout,
        "server_header": False,
    }


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def display_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _listen_socket(host: str, port: int, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _worker_main(settings_json: str, host: str, port: int, log_level: str) -> None:  # pragma: no cover (child)
    """One worker process: its own listening socket in the port's reuseport group, the app from settings."""
    os.environ[ENV_VAR] = settings_json
    sock = _listen_socket(host, port, reuse_port=True)
    options = uvicorn_options(WebSettings.from_json(settings_json))
    config = uvicorn.Config("spinscope.web.app:create_app_from_env", factory=True, log_level=log_level,
                            **options)  # type: ignore[arg-type]
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(settings: WebSettings, host: str, port: int, log_level: str = "info",
                min_uptime: float = 30.0) -> None:
    """Serve with ``settings.workers`` processes, one ``SO_REUSEPORT`` listener each, until SIGINT/SIGTERM.

    The port is first checked with a plain bind, so a port already in use (by anything, another spinscope
    included) fails here instead of silently joining its reuseport group. A worker that dies is
    restarted; one that dies within ``min_uptime`` seconds of its start (a start-up failure: a model that
    cannot load, say) stops the server with an OSError.
    """
    if not hasattr(socket, "SO_REUSEPORT"):  # pragma: no cover (not Linux/BSD/macOS)
        raise OSError("several workers need SO_REUSEPORT, which this platform lacks; use --workers 1")
    _listen_socket(host, port, reuse_port=False).close()
    log = logging.getLogger("spinscope.web")
    ctx = multiprocessing.get_context("spawn")
    args = (settings.to_json(), host, port, log_level)
    stopping: list[str] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signal.Signals(signum).name)

    saved = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    procs: list[tuple[multiprocessing.process.BaseProcess, float]] = []
    failure = ""
    try:
        for i in range(settings.workers):
            first = ctx.Process(target=_worker_main, args=args, name=f"spinscope-web-{i}", daemon=False)
            first.start()
            procs.append((first, time.monotonic()))
        while not stopping and not failure:
            time.sleep(0.2)
            for i, (proc, started) in enumerate(procs):
                if proc.is_alive() or stopping:
                    continue
                if time.monotonic() - started < min_uptime:
                    failure = f"worker {proc.name} exited with code {proc.exitcode} during start-up"
                    break
                log.warning("worker %s exited with code %s; starting a new one", proc.name, proc.exitcode)
                fresh = ctx.Process(target=_worker_main, args=args, name=proc.name, daemon=False)
                fresh.start()
                procs[i] = (fresh, time.monotonic())
    finally:
        for proc, _ in procs:
            if proc.is_alive():
                proc.terminate()  # SIGTERM: uvicorn finishes the requests in flight, then exits
        for proc, _ in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    if failure:
        raise OSError(failure)


def run(settings: WebSettings, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    """Serve in the foreground: one process, or ``settings.workers`` processes (see ``run_workers``)."""
    if settings.workers > 1:
        run_workers(settings, host, port, log_level)
    else:
        from spinscope.web.app import create_app

        options = uvicorn_options(settings)
        uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, **options)  # type: ignore[arg-type]


@contextmanager
def serve_in_thread(
    settings: WebSettings, host: str = "127.0.0.1", port: int | None = None, startup_timeout: float = 120.0
) -> Iterator[str]:
    """Start a real uvicorn server in a daemon thread; yields its base URL (no trailing slash)."""
    from spinscope.web.app import create_app

    port = port or free_port(host)
    options = uvicorn_options(settings)
    config = uvicorn.Config(
        create_app(settings), host=host, port=port, log_level="warning", lifespan="on", **options  # type: ignore[arg-type]
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"spinscope-web-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the web server stopped during start-up (see the log above)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the web server did not start within {startup_timeout:g} s")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
