"""`spinscope serve`: the web page and HTTP API under uvicorn."""

from __future__ import annotations

import os
import socket

import typer

from spinscope.cli.app import app, fail, one_line_errors, parse_detectors


@app.command("serve")
@one_line_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (each loads models)."),
    threads: int = typer.Option(2, "--threads", min=1, max=64, help="Analysis threads per worker."),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow URLs that resolve to loopback/private/link-local addresses."
    ),
    timeout: float = typer.Option(30.0, "--timeout", min=0.1, help="Time limit per analysis, in seconds."),
    max_chars: int = typer.Option(100_000, "--max-chars", min=1, help="Longest article, in characters."),
    max_body: int = typer.Option(4_000_000, "--max-body", min=1, help="Largest request body, in bytes."),
    batch_max: int = typer.Option(16, "--batch-max", min=1, help="Most articles per batch request."),
    cache_size: int = typer.Option(128, "--cache-size", min=0, help="Reports cached per worker (0: none)."),
    model_threads: int = typer.Option(
        0, "--model-threads", min=0, help="onnxruntime threads per model (0: CPUs / (workers x threads))."
    ),
    detectors: str = typer.Option("", "--detectors", help="Comma-separated detectors (default: all)."),
    queue: int = typer.Option(16, "--queue", min=0, help="Requests that may wait for an analysis, per worker."),
    queue_wait: float = typer.Option(
        2.0, "--queue-wait", min=0.0, help="Longest wait for an analysis to start, in seconds (then 503)."
    ),
    rate_limit: float = typer.Option(
        0.0, "--rate-limit", min=0.0, help="Analyses per second per client address and worker (0: no limit; 429)."
    ),
    rate_burst: int = typer.Option(10, "--rate-burst", min=1, help="Analyses a client may send at once."),
    header_timeout: float = typer.Option(
        10.0, "--header-timeout", min=0.1, help="Seconds a connection may take to send a request's headers."
    ),
    allowed_hosts: list[str] = typer.Option(  # noqa: B008
        [], "--allowed-host", help="A Host name clients use to reach the server (repeatable; '*': any)."
    ),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
) -> None:
    """Serve the web page and the HTTP API (POST /api/analyze, /api/analyze/batch, GET /api/techniques)."""
    from spinscope.web.server import display_url, run
    from spinscope.web.settings import WebSettings

    chosen = parse_detectors(detectors) or None
    if model_threads == 0:
        model_threads = max(1, (os.cpu_count() or 1) // (workers * threads))
    settings = WebSettings(
        detectors=chosen,
        model_threads=model_threads,
        workers=workers,
        threads=threads,
        allow_private=allow_private,
        request_timeout=timeout,
        max_article_chars=max_chars,
        max_body_bytes=max_body,
        batch_max=batch_max,
        cache_size=cache_size,
        queue_size=queue,
        queue_wait=queue_wait,
        rate_limit=rate_limit or None,
        rate_burst=rate_burst,
        header_timeout=header_timeout,
        allowed_hosts=host_names(host, allowed_hosts),
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"spinscope: warning: listening on {host}; the page has no authentication", err=True)
    typer.echo(f"spinscope: serving on {display_url(host, port)} (workers={workers}); Ctrl-C stops")
    try:
        run(settings, host=host, port=port, log_level=log_level)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc}")


def host_names(host: str, extra: list[str]) -> tuple[str, ...]:
    """The Host header names the server answers: loopback names, the address it listens on, and (listening on
    every interface) this machine's names, plus ``--allowed-host`` values."""
    names = ["localhost", "127.0.0.1", "::1"]
    if host in ("0.0.0.0", "::", ""):
        names += [socket.gethostname(), socket.getfqdn()]
    else:
        names.append(host)
    names += [h.strip() for h in extra if h.strip()]
    return tuple(dict.fromkeys(n.lower() for n in names))
