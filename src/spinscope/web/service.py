"""The analysis service behind the web app: one Analyzer per process, a bounded thread pool, a time
limit per request, input limits, and a small LRU cache of finished reports keyed by content hash."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from spinscope.analyzer import Analyzer
from spinscope.article import Article
from spinscope.errors import BlockedAddressError, FetchError, InputError, ModelError, SpinscopeError
from spinscope.inference.native_threads import cap_native_threads
from spinscope.web.settings import WebSettings

log = logging.getLogger("spinscope.web")

UPLOAD_SUFFIXES = {".txt": ".txt", ".text": ".txt", ".md": ".txt", ".html": ".html", ".htm": ".html"}
MAX_URL_CHARS = 2048

WARM_UP_TEXT = (
    "Council approves new budget after long debate\n\n"
    "The city council approved the budget on Tuesday. Critics called it a disgraceful giveaway, "
    "while the mayor said it was the best plan in the history of the city."
)


def dump_json(obj: object) -> bytes:
    """Compact UTF-8 JSON; falls back to ASCII escapes when the text holds lone surrogates."""
    try:
        return json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True).encode("ascii")


class WebError(Exception):
    """An error with the HTTP status and one-line message the client sees."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Submission:
    """One article as the client sent it: pasted text (with optional title), a URL, or a file."""

    kind: str  # text | url | file
    text: str = ""
    title: str = ""
    url: str = ""
    data: bytes = b""
    filename: str = ""

    def cache_key(self) -> str | None:
        """A content hash, or None for URLs (a page may change between requests)."""
        if self.kind == "url":
            return None
        h = hashlib.sha256()
        h.update(self.kind.encode())
        if self.kind == "file":
            h.update(b"\0" + self.filename.rsplit(".", 1)[-1].lower().encode() + b"\0" + self.data)
        else:
            h.update(b"\0" + self.title.encode("utf-8", "surrogatepass") + b"\0")
            h.update(self.text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()


def submission_from_fields(text: object, title: object, url: object) -> Submission:
    """Validate the JSON (or form) fields of one article; raises WebError with a clear message."""
    for name, value in (("text", text), ("title", title), ("url", url)):
        if value is not None and not isinstance(value, str):
            raise WebError(422, f"'{name}' must be a string")
    has_text = isinstance(text, str) and text.strip() != ""
    has_url = isinstance(url, str) and url.strip() != ""
    if has_text and has_url:
        raise WebError(422, "give either 'text' or 'url', not both")
    if has_url:
        if title:
            raise WebError(422, "'title' goes with 'text', not with 'url'")
        return Submission(kind="url", url=str(url).strip())
    if has_text:
        return Submission(kind="text", text=str(text), title=str(title or "").strip())
    if text is not None:
        raise WebError(422, "the article text is empty")
    raise WebError(422, "give the article as 'text' (optionally with 'title') or as 'url'")


def check_url(url: str) -> None:
    if len(url) > MAX_URL_CHARS:
        raise WebError(422, f"URL longer than {MAX_URL_CHARS} characters")
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        raise WebError(422, "not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise WebError(422, "only http:// and https:// URLs can be analysed")


class ReportCache:
    """A thread-safe LRU of encoded reports."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str | None) -> bytes | None:
        if key is None or self.size == 0:
            return None
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str | None, value: bytes) -> None:
        if key is None or self.size == 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class AnalysisService:
    """Owns the process's Analyzer (models load once) and runs analyses off the event loop."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.analyzer = Analyzer(settings.options())
        self.cache = ReportCache(settings.cache_size)
        self.executor = ThreadPoolExecutor(settings.threads, thread_name_prefix="spinscope-analysis")
        self.ready = False
        self.warm_up_error: str | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Build the detectors and load their models (before any concurrent use) by analysing the bundled
        example article, which has quotes, sources and claims, so every lazy load happens here."""
        from importlib import resources

        try:
            example = resources.files("spinscope").joinpath("resources/examples/example.txt")
            text = example.read_text("utf-8") if example.is_file() else WARM_UP_TEXT
            self.analyzer.analyze_article(self._article_from_text(text, ""))
            cap_native_threads(self.analyzer.options)  # with a model_threads budget, BLAS/OpenMP pools too
            self.ready = True
        except Exception as exc:  # keep serving; requests will report the real error
            self.warm_up_error = f"{type(exc).__name__}: {exc}"
            log.warning("spinscope web: warm-up failed: %s", self.warm_up_error)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    def detector_names(self) -> list[str]:
        return list(self.analyzer.options.detectors)

    # -- analysis --------------------------------------------------------------------------------
    async def run(self, func: Callable[[], bytes]) -> bytes:
        """Run ``func`` in the analysis pool under the per-request time limit (queueing included)."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.executor, func)
        try:
            return await asyncio.wait_for(future, timeout=self.settings.request_timeout)
        except TimeoutError:
            raise WebError(504, f"analysis took longer than {self.settings.request_timeout:g} s") from None

    async def analyze(self, submission: Submission) -> tuple[bytes, bool]:
        """The encoded spinscope/1 report for ``submission`` and whether it came from the cache."""
        self.check_limits(submission)
        key = submission.cache_key()
        cached = self.cache.get(key)
        if cached is not None:
            return cached, True
        body = await self.run(lambda: self.analyze_sync(submission))
        self.cache.put(key, body)
        return body, False

    def check_limits(self, submission: Submission) -> None:
        cap = self.settings.max_article_chars
        if submission.kind == "text" and len(submission.text) + len(submission.title) > cap:
            raise WebError(413, f"article longer than {cap} characters")
        if submission.kind == "file":
            if not submission.data.strip():
                raise WebError(422, "the uploaded file is empty")
            if len(submission.data) > self.settings.max_body_bytes:
                raise WebError(413, f"file larger than {self.settings.max_body_bytes} bytes")
        if submission.kind == "url":
            check_url(submission.url)

    def analyze_sync(self, submission: Submission) -> bytes:
        """Read and analyse one submission in the calling thread; errors become WebError."""
        t0 = time.perf_counter()
        try:
            article = self.read(submission)
            if len(article.text) > self.settings.max_article_chars:
                raise WebError(413, f"article longer than {self.settings.max_article_chars} characters")
            if not article.text.strip():
                raise WebError(422, "no article text found in the input")
            report = self.analyzer.analyze_article(article)
        except WebError:
            raise
        except BlockedAddressError as exc:
            raise WebError(403, str(exc)) from None
        except FetchError as exc:  # the URL the client gave cannot be fetched: a problem with the input
            raise WebError(422, f"could not fetch the article: {exc}") from None
        except InputError as exc:
            raise WebError(422, str(exc)) from None
        except ModelError as exc:
            log.error("spinscope web: model error: %s", exc)
            raise WebError(500, "an analysis model is missing or damaged; see the server log") from None
        except SpinscopeError as exc:
            raise WebError(422, str(exc)) from None
        report.timings_ms["web_total"] = round((time.perf_counter() - t0) * 1000, 2)
        return dump_json(report.to_dict())

    def read(self, submission: Submission) -> Article:
        if submission.kind == "text":
            return self._article_from_text(submission.text, submission.title)
        if submission.kind == "url":
            return self.analyzer.load(submission.url)
        return self._article_from_upload(submission.data, submission.filename)

    def _article_from_text(self, text: str, title: str) -> Article:
        """Pasted text is always text (markup in it is shown literally; upload HTML as a file)."""
        from spinscope.ingest import article_from_text

        return article_from_text(text, title=title or None, options=self.analyzer.options)

    def _article_from_upload(self, data: bytes, filename: str) -> Article:
        """An uploaded .txt/.html file: charset detection, HTML extraction and clutter as for a local file."""
        from spinscope.article import Metadata
        from spinscope.ingest import article_from_html, article_from_text
        from spinscope.ingest.decode import decode_bytes
        from spinscope.ingest.html import looks_like_html

        suffix = UPLOAD_SUFFIXES.get(Path(filename).suffix.lower())
        if suffix is None:
            raise WebError(415, "upload a .txt or .html file")
        name = Path(filename).name[:200] or "upload"
        text, warnings = decode_bytes(data, name=name)
        options = self.analyzer.options
        if suffix == ".html" or looks_like_html(text):
            return article_from_html(text, warnings=warnings, options=options, name=name)
        meta = Metadata(input_kind="text")
        return article_from_text(text, metadata=meta, warnings=warnings, options=options)
