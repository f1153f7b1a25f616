"""Running the app under uvicorn: in the foreground (``spinscope serve``) or in a background thread
(tests, benchmarks)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from spinscope.web.settings import ENV_VAR, WebSettings


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


def run(settings: WebSettings, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    """Serve in the foreground. Several workers re-create the app from the environment in each process."""
    if settings.workers > 1:
        os.environ[ENV_VAR] = settings.to_json()
        uvicorn.run(
            "spinscope.web.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=settings.workers,
            log_level=log_level,
            server_header=False,
        )
    else:
        from spinscope.web.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, server_header=False)


@contextmanager
def serve_in_thread(
    settings: WebSettings, host: str = "127.0.0.1", port: int | None = None, startup_timeout: float = 120.0
) -> Iterator[str]:
    """Start a real uvicorn server in a daemon thread; yields its base URL (no trailing slash)."""
    from spinscope.web.app import create_app

    port = port or free_port(host)
    config = uvicorn.Config(
        create_app(settings), host=host, port=port, log_level="warning", server_header=False, lifespan="on"
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
