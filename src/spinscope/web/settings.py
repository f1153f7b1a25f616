"""Settings of the web app: limits and safety switches, one frozen object passed to ``create_app``."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from typing import Any

from spinscope.config import Options

ENV_VAR = "SPINSCOPE_WEB_SETTINGS"


@dataclass(frozen=True, kw_only=True)
class WebSettings:
    """Limits of the web app. Every limit answers with a JSON ``{"error": ...}`` and a 4xx/5xx status."""

    max_body_bytes: int = 4_000_000  # request bodies larger than this get 413
    max_article_chars: int = 100_000  # articles (text, upload or fetched page) longer than this get 413
    request_timeout: float = 30.0  # seconds per analysis (queueing included); 504 when exceeded
    allow_private: bool = False  # allow URLs that resolve to loopback/private/link-local addresses
    batch_max: int = 16  # most articles in one POST /api/analyze/batch
    workers: int = 1  # uvicorn worker processes (each loads the models once)
    threads: int = 2  # analysis threads per worker process
    cache_size: int = 128  # reports kept in memory per process, keyed by content hash (0 disables)
    fetch_timeout: float = 15.0  # seconds per URL fetch
    warm_up: bool = True  # analyse a short text at start-up so models load before the first request
    detectors: tuple[str, ...] | None = None  # None: the default detectors
    model_threads: int | None = None  # onnxruntime intra-op threads per model session (None: its default)
    # Admission control, per worker process: at most ``threads`` analyses run; at most ``queue_size`` more wait,
    # each at most ``queue_wait`` seconds; a request that cannot start in time is refused at once with 503.
    queue_size: int = 16
    queue_wait: float = 2.0
    rate_limit: float | None = None  # analyses per second per client address and worker (None: no limit); 429
    rate_burst: int = 10  # analyses a client may send at once before the rate limit applies
    header_timeout: float = 10.0  # seconds a connection may take to send a request's headers, idle ones included
    keepalive_timeout: float = 5.0  # seconds an idle kept-alive connection stays open after an answer
    body_timeout: float = 30.0  # seconds a client may take to send a request body
    # Host header values (without port) the server answers; "*" accepts any (behind a proxy that checks it).
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_article_chars", "batch_max", "workers", "threads", "rate_burst"):
            if getattr(self, name) < 1:
                raise ValueError(f"web setting {name} must be at least 1")
        times = (self.request_timeout, self.fetch_timeout, self.header_timeout, self.keepalive_timeout,
                 self.body_timeout)
        if min(times) <= 0:
            raise ValueError("web time limits must be positive")
        if self.queue_size < 0 or self.queue_wait < 0:
            raise ValueError("web settings queue_size and queue_wait must not be negative")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise ValueError("web setting rate_limit must be positive")
        if not self.allowed_hosts:
            raise ValueError("web setting allowed_hosts must name at least one host (or '*')")
        if self.model_threads is not None and self.model_threads < 1:
            raise ValueError("web setting model_threads must be at least 1")
        if self.cache_size < 0:
            raise ValueError("web setting cache_size must not be negative")

    def options(self) -> Options:
        """The analysis options these settings imply (URL guard, fetch limits, detectors)."""
        kwargs: dict[str, Any] = {
            "allow_private": self.allow_private,
            "fetch_timeout": min(self.fetch_timeout, self.request_timeout),
            "max_bytes": self.max_body_bytes,
        }
        if self.detectors is not None:
            kwargs["detectors"] = tuple(self.detectors)
        if self.model_threads is not None:
            kwargs["extra"] = {"ptc_threads": str(self.model_threads)}
        return Options(**kwargs)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> WebSettings:
        data = json.loads(raw)
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown web settings: {', '.join(sorted(unknown))}")
        for name in ("detectors", "allowed_hosts"):
            if data.get(name) is not None:
                data[name] = tuple(data[name])
        return cls(**data)

    @classmethod
    def from_env(cls) -> WebSettings:
        """Settings from the ``SPINSCOPE_WEB_SETTINGS`` JSON (``spinscope serve`` passes them to workers)."""
        raw = os.environ.get(ENV_VAR)
        return cls.from_json(raw) if raw else cls()
