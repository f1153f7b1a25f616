"""The analysis service behind the web app: one Analyzer per process, admission control in front of a bounded
thread pool (a short queue, a wait limit, an optional per-client rate limit), a time limit per request that
cancels the analysis, input limits, and a small LRU cache of finished reports keyed by content hash."""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import json
import logging
import math
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from spinscope.analyzer import Analyzer
from spinscope.article import Article
from spinscope.errors import BlockedAddressError, FetchError, InputError, ModelError, SpinscopeError
from spinscope.inference.native_threads import cap_native_threads
from spinscope.web.settings import WebSettings

if TYPE_CHECKING:
    from starlette.requests import Request

log = logging.getLogger("spinscope.web")
T = TypeVar("T")

UPLOAD_SUFFIXES = {".txt": ".txt", ".text": ".txt", ".md": ".txt", ".html": ".html", ".htm": ".html"}
MAX_URL_CHARS = 2048
FETCH_MARGIN = 0.25  # seconds: a URL fetch ends this long before the request's time limit

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
    """An error with the HTTP status and one-line message the client sees (and, for refusals, the seconds after
    which a retry may succeed: the ``Retry-After`` header)."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "error": self.message}
        if self.retry_after is not None:
            out["retry_after"] = self.retry_after
        return out


class AnalysisCancelled(BaseException):  # noqa: N818 (like KeyboardInterrupt: not an error of the analysis)
    """Raised inside an analysis thread to stop work nobody waits for any more (time limit passed, client gone).

    A BaseException, so the analyzer's per-detector ``except Exception`` does not take it for a detector
    failure and go on with the next detector."""


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def repair_unicode(value: str, field: str) -> tuple[str, list[str]]:
    """``value`` with every lone surrogate (JSON ``"\\ud800"`` without its pair: not a character, and no
    encoder or tokenizer accepts it) replaced by U+FFFD, and a warning saying how many. Offsets are unchanged
    (one code point for one)."""
    repaired, count = _LONE_SURROGATE.subn("\ufffd", value)
    if not count:
        return value, []
    return repaired, [f"the {field} held {count} invalid Unicode code point{'s' if count > 1 else ''} "
                      "(lone surrogates); each was replaced with U+FFFD"]


def has_lone_surrogate(obj: object) -> bool:
    """True when any string in a parsed JSON value (keys included) holds a lone surrogate."""
    if isinstance(obj, str):
        return _LONE_SURROGATE.search(obj) is not None
    if isinstance(obj, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in obj.items())
    if isinstance(obj, list):
        return any(has_lone_surrogate(v) for v in obj)
    return False


@dataclass(frozen=True)
class Submission:
    """One article as the client sent it: pasted text (with optional title), a URL, or a file."""

    kind: str  # text | url | file
    text: str = ""
    title: str = ""
    url: str = ""
    data: bytes = b""
    filename: str = ""
    warnings: tuple[str, ...] = ()  # what was repaired at the door (they go into the report)
    meta_url: str = ""  # metadata given beside the article (the URL is not fetched): its address,
    outlet: str = ""  # its publisher (a domain or a name)
    date: str = ""  # and its publication date (ISO 8601)

    def cache_key(self) -> str | None:
        """A content hash, or None for URLs (a page may change between requests)."""
        if self.kind == "url":
            return None
        h = hashlib.sha256()
        h.update(self.kind.encode())
        h.update("\0".join(self.warnings).encode() + b"\0")
        h.update("\0".join((self.meta_url, self.outlet, self.date)).encode("utf-8", "surrogatepass") + b"\0")
        if self.kind == "file":
            h.update(b"\0" + self.filename.rsplit(".", 1)[-1].lower().encode() + b"\0" + self.data)
        else:
            h.update(b"\0" + self.title.encode("utf-8", "surrogatepass") + b"\0")
            h.update(self.text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()


def metadata_fields(url: object, outlet: object, date: object) -> tuple[str, str, str]:
    """The metadata given beside an article (its URL, outlet, date), checked by spinscope.ingest.metadata;
    422 on a bad value."""
    from spinscope.errors import InputError
    from spinscope.ingest.metadata import check_date, check_url

    meta_url, name, when = (str(v or "").strip() for v in (url, outlet, date))
    if any(has_lone_surrogate(v) for v in (meta_url, name, when)):
        raise WebError(400, "the metadata holds invalid Unicode (a lone surrogate)")
    if len(name) > 200:
        raise WebError(422, "'outlet' is longer than 200 characters")
    try:
        if meta_url:
            check_url(meta_url[: MAX_URL_CHARS + 1])
        if when:
            check_date(when[:64])
    except InputError as exc:
        raise WebError(422, str(exc)) from None
    return meta_url, name, when


def submission_from_fields(
    text: object, title: object, url: object, outlet: object = None, date: object = None
) -> Submission:
    """Validate the JSON (or form) fields of one article; raises WebError with a clear message.

    ``text`` with ``url``: the URL only names the article's address (nothing is fetched). ``outlet`` (a
    domain or a name) and ``date`` (ISO 8601) may accompany any input."""
    for name, value in (("text", text), ("title", title), ("url", url), ("outlet", outlet), ("date", date)):
        if value is not None and not isinstance(value, str):
            raise WebError(422, f"'{name}' must be a string")
    has_text = isinstance(text, str) and text.strip() != ""
    has_url = isinstance(url, str) and url.strip() != ""
    if has_text:
        if has_url and len(str(url)) > MAX_URL_CHARS:
            raise WebError(422, f"URL longer than {MAX_URL_CHARS} characters")
        meta_url, name, when = metadata_fields(url, outlet, date)
        body, warnings = repair_unicode(str(text), "text")
        head, title_warnings = repair_unicode(str(title or "").strip(), "title")
        return Submission(kind="text", text=body, title=head, warnings=tuple(title_warnings + warnings),
                          meta_url=meta_url, outlet=name, date=when)
    if has_url:
        if title:
            raise WebError(422, "'title' goes with 'text', not with 'url'")
        if has_lone_surrogate(url):
            raise WebError(400, "the URL holds invalid Unicode (a lone surrogate)")
        _, name, when = metadata_fields(None, outlet, date)
        return Submission(kind="url", url=str(url).strip(), outlet=name, date=when)
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


class RateLimiter:
    """Token buckets per client key: ``rate`` requests per second on average, ``burst`` at once. Keeps the
    ``max_clients`` most recent clients (an evicted client starts again with a full bucket). Event loop only."""

    def __init__(self, rate: float, burst: int, max_clients: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)

    def take(self, key: str) -> int | None:
        """None when the client may go ahead (one token taken), else the whole seconds until it may."""
        now = time.monotonic()
        tokens, then = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        wait: int | None = None
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = max(1, math.ceil((1.0 - tokens) / self.rate))
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


class Admission:
    """Who may start an analysis now. ``slots`` analyses run at once (the analysis threads); up to
    ``queue_size`` requests wait, first come first served, each at most ``max_wait`` seconds. A request is
    refused at once (503) when the queue is full or when the expected wait (requests ahead x the recent mean
    analysis time / slots) exceeds ``max_wait``; one that waited ``max_wait`` without starting is refused then.

    Lives on the event loop: ``acquire`` is awaited there and ``release`` is called there (the analysis thread's
    completion is delivered to the loop). A slot is released when the analysis thread has really finished, not
    when the client got its answer, so the counts never hide a thread that is still busy."""

    def __init__(self, slots: int, queue_size: int, max_wait: float) -> None:
        self.slots = slots
        self.queue_size = queue_size
        self.max_wait = max_wait
        self.running = 0
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.mean_seconds = 0.3  # running mean of one analysis (exponentially weighted), a first guess
        self.refused = 0

    def expected_wait(self) -> float:
        """Seconds a request arriving now would wait before it starts (0 when a slot is free)."""
        if self.running < self.slots and not self.waiters:
            return 0.0
        return (len(self.waiters) + 1) * self.mean_seconds / self.slots

    def saturated(self) -> bool:
        """True when a request arriving now would be refused."""
        return self.running >= self.slots and (
            len(self.waiters) >= self.queue_size or self.expected_wait() > self.max_wait
        )

    def retry_after(self) -> int:
        """Whole seconds after which the work queued now should be done."""
        return max(1, math.ceil((len(self.waiters) + self.running) * self.mean_seconds / self.slots))

    def _refuse(self, why: str) -> WebError:
        self.refused += 1
        retry = self.retry_after()
        return WebError(503, f"the server is busy ({why}); try again in {retry} s", retry_after=retry)

    async def acquire(self) -> None:
        """Take a slot, waiting in the queue if allowed; raises WebError(503) when refused."""
        if self.running < self.slots and not self.waiters:
            self.running += 1
            return
        if len(self.waiters) >= self.queue_size:
            raise self._refuse(f"{self.running} analyses running and {len(self.waiters)} waiting")
        if self.expected_wait() > self.max_wait:
            raise self._refuse(f"an analysis could not start within {self.max_wait:g} s")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters.append(future)
        try:
            await asyncio.wait_for(future, self.max_wait)  # returns if the slot came, even at the last moment
        except TimeoutError:
            raise self._refuse(f"an analysis could not start within {self.max_wait:g} s") from None
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # the slot was handed over just as this request was cancelled
            raise
        finally:
            if not future.done() or future.cancelled():
                try:
                    self.waiters.remove(future)
                except ValueError:
                    pass

    def release(self) -> None:
        """Hand the slot to the first request still waiting, or free it."""
        while self.waiters:
            future = self.waiters.popleft()
            if not future.done():
                future.set_result(None)
                return
        self.running -= 1

    def record(self, seconds: float) -> None:
        self.mean_seconds = 0.8 * self.mean_seconds + 0.2 * seconds


def _raise_in_thread(thread_id: int, exc_type: type[BaseException] | None) -> None:
    """Schedule ``exc_type`` in the Python thread ``thread_id`` (None clears a scheduled one). CPython raises it
    at that thread's next bytecode boundary: native calls (a model's forward pass, a blocking socket read)
    finish first."""
    set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    changed = set_async_exc(ctypes.c_ulong(thread_id), ctypes.py_object(exc_type) if exc_type else None)
    if changed > 1:  # never expected (thread ids are unique); undo, as CPython's documentation asks
        set_async_exc(ctypes.c_ulong(thread_id), None)


class Job:
    """A callable for the analysis pool that can be cancelled while it runs (by ``AnalysisCancelled`` raised in
    its thread, and by setting ``event``, which a URL fetch watches) or before it starts."""

    def __init__(self, func: Callable[[], Any], event: threading.Event | None = None) -> None:
        self.func = func
        self.event = event or threading.Event()
        self.cancelled = False
        self._lock = threading.Lock()
        self._thread: int | None = None

    def __call__(self) -> Any:
        with self._lock:
            if self.cancelled:
                raise AnalysisCancelled()
            self._thread = threading.get_ident()
        try:
            return self.func()
        finally:
            with self._lock:
                self._thread = None
                _raise_in_thread(threading.get_ident(), None)  # a cancellation that came after the work ended

    def cancel(self) -> bool:
        """Stop the work; True while its thread is still running it. Call again until False: an exception
        raised in a thread can land in a finaliser or weakref callback, where Python prints and drops it."""
        with self._lock:
            self.cancelled = True
            self.event.set()
            if self._thread is None:
                return False
            _raise_in_thread(self._thread, AnalysisCancelled)
            return True


async def _watch_disconnect(request: Request, gone: asyncio.Event) -> None:
    """Set ``gone`` when the client closes the connection (the request body has been read by then)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return


class AnalysisService:
    """Owns the process's Analyzer (models load once) and runs analyses off the event loop, under admission
    control, the per-request time limit and cancellation."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.analyzer = Analyzer(settings.options())
        self.cache = ReportCache(settings.cache_size)
        self.executor = ThreadPoolExecutor(settings.threads, thread_name_prefix="spinscope-analysis")
        self.admission = Admission(settings.threads, settings.queue_size, settings.queue_wait)
        self.limiter = RateLimiter(settings.rate_limit, settings.rate_burst) if settings.rate_limit else None
        self.ready = False
        self.warm_up_error: str | None = None
        self.cancelled = 0  # analyses stopped because nobody waited for them any more

    # -- lifecycle -------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Build the detectors and load their models (before any concurrent use) by analysing the bundled
        example article, which has quotes, sources and claims, so every lazy load happens here."""
        from importlib import resources

        try:
            example = resources.files("spinscope").joinpath("resources/examples/example.txt")
            text = example.read_text("utf-8") if example.is_file() else WARM_UP_TEXT
            t0 = time.perf_counter()
            self.analyzer.analyze_article(self._article_from_text(text, ""))
            self.admission.mean_seconds = time.perf_counter() - t0
            cap_native_threads(self.analyzer.options)  # with a model_threads budget, BLAS/OpenMP pools too
            self.ready = True
        except Exception as exc:  # keep serving; requests will report the real error
            self.warm_up_error = f"{type(exc).__name__}: {exc}"
            log.warning("spinscope web: warm-up failed: %s", self.warm_up_error)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    def detector_names(self) -> list[str]:
        return list(self.analyzer.options.detectors)

    def status(self) -> dict[str, Any]:
        """Readiness and load, cheap enough for every probe: no analysis, no lock."""
        a = self.admission
        return {
            "ready": self.ready,
            "saturated": a.saturated(),
            "running": a.running,
            "queued": len(a.waiters),
            "slots": a.slots,
            "queue_size": a.queue_size,
            "expected_wait_s": round(a.expected_wait(), 3),
            "mean_analysis_s": round(a.mean_seconds, 3),
            "refused": a.refused,
            "cancelled": self.cancelled,
        }

    # -- analysis --------------------------------------------------------------------------------
    def check_rate(self, request: Request | None) -> None:
        """Raises WebError(429) when the client is over the rate limit (one analysis = one token)."""
        if self.limiter is None or request is None or request.client is None:
            return
        wait = self.limiter.take(request.client.host)
        if wait is not None:
            raise WebError(429, f"too many requests from this client; try again in {wait} s", retry_after=wait)

    def _client_gone(self, request: Request | None) -> asyncio.Event | None:
        """An event set when the client of ``request`` disconnects (one watcher per request)."""
        if request is None:
            return None
        gone: asyncio.Event | None = getattr(request.state, "spinscope_gone", None)
        if gone is None:
            gone = asyncio.Event()
            request.state.spinscope_gone = gone
            request.state.spinscope_watch = asyncio.create_task(_watch_disconnect(request, gone))
        return gone

    async def run(self, func: Callable[[], T], request: Request | None = None, *,
                  cancel: threading.Event | None = None, started: float | None = None) -> T:
        """Run ``func`` in the analysis pool once admitted, under the per-request time limit counted from
        ``started`` (default now; queueing included). When the limit passes (504) or the client disconnects,
        the analysis is cancelled: ``cancel`` is set, the thread stops at its next Python bytecode, and its
        slot is free again once it has."""
        loop = asyncio.get_running_loop()
        started = time.monotonic() if started is None else started
        limit = self.settings.request_timeout
        gone = self._client_gone(request)
        if gone is not None and gone.is_set():  # e.g. the rest of a batch whose client left
            raise WebError(499, "the client closed the connection before the analysis started")
        try:
            await asyncio.wait_for(self.admission.acquire(), limit)
        except TimeoutError:
            raise WebError(504, f"analysis took longer than {limit:g} s") from None
        if gone is not None and gone.is_set():
            self.admission.release()
            raise WebError(499, "the client closed the connection before the analysis started")
        job = Job(func, cancel)
        t0 = time.monotonic()
        future = loop.run_in_executor(self.executor, job)

        def finished(f: asyncio.Future[T]) -> None:
            self.admission.release()
            if not f.cancelled() and f.exception() is None:
                self.admission.record(time.monotonic() - t0)

        future.add_done_callback(finished)
        watch = asyncio.ensure_future(gone.wait()) if gone is not None else None
        waits: set[asyncio.Future[Any]] = {future} | ({watch} if watch is not None else set())
        try:
            await asyncio.wait(waits, timeout=max(0.0, limit - (time.monotonic() - started)),
                               return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            self._cancel(job, future)
            raise
        finally:
            if watch is not None:
                watch.cancel()
        if future.done():
            try:
                return future.result()
            except AnalysisCancelled:  # cancelled at the very moment it finished
                raise WebError(504, f"analysis took longer than {limit:g} s") from None
        self._cancel(job, future)
        if gone is not None and gone.is_set():
            raise WebError(499, "the client closed the connection before the analysis finished")
        raise WebError(504, f"analysis took longer than {limit:g} s")

    def _cancel(self, job: Job, future: asyncio.Future[Any]) -> None:
        """Cancel ``job``, and again every 50 ms until its thread has let go of it."""
        self.cancelled += 1
        loop = asyncio.get_running_loop()

        def again() -> None:
            if not future.done() and job.cancel():
                loop.call_later(0.05, again)

        again()

    async def analyze(self, submission: Submission, request: Request | None = None) -> tuple[bytes, bool]:
        """The encoded spinscope/1 report for ``submission`` and whether it came from the cache. A report whose
        detectors did not all succeed (``degraded``) is returned but never cached."""
        self.check_limits(submission)
        self.check_rate(request)
        key = submission.cache_key()
        cached = self.cache.get(key)
        if cached is not None:
            return cached, True
        started = time.monotonic()
        # A URL fetch ends a little before the request's time limit, so a slow page gets its own clear error.
        fetch_deadline = started + max(0.0, self.settings.request_timeout - FETCH_MARGIN)
        cancel = threading.Event()
        body, complete = await self.run(lambda: self.analyze_sync(submission, fetch_deadline, cancel), request,
                                        cancel=cancel, started=started)
        if complete:
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

    def analyze_sync(self, submission: Submission, fetch_deadline: float | None = None,
                     cancel: threading.Event | None = None) -> tuple[bytes, bool]:
        """Read and analyse one submission in the calling thread: the encoded report and whether every
        detector succeeded; errors become WebError. A URL is fetched by ``fetch_deadline`` (a
        ``time.monotonic()`` instant; default: the fetch time-out) and stops when ``cancel`` is set."""
        t0 = time.perf_counter()
        try:
            article = self.read(submission, fetch_deadline, cancel)
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
        if report.degraded:
            log.warning("spinscope web: degraded report %s: %s failed", report.id, ", ".join(report.degraded))
        return dump_json(report.to_dict()), not report.degraded

    def read(self, submission: Submission, fetch_deadline: float | None = None,
             cancel: threading.Event | None = None) -> Article:
        from spinscope.ingest.metadata import with_metadata

        article = self._read(submission, fetch_deadline, cancel)
        return with_metadata(
            article, url=submission.meta_url or None, outlet=submission.outlet or None, date=submission.date or None
        )

    def _read(self, submission: Submission, fetch_deadline: float | None, cancel: threading.Event | None) -> Article:
        if submission.kind == "text":
            return self._article_from_text(submission.text, submission.title, submission.warnings)
        if submission.kind == "url":
            from spinscope.ingest import read_url

            options = self.analyzer.options
            deadline = time.monotonic() + options.fetch_timeout
            if fetch_deadline is not None:
                deadline = min(deadline, fetch_deadline)
            return read_url(submission.url, options, deadline=deadline, cancel=cancel)
        return self._article_from_upload(submission.data, submission.filename)

    def _article_from_text(self, text: str, title: str, warnings: tuple[str, ...] = ()) -> Article:
        """Pasted text is always text (markup in it is shown literally; upload HTML as a file)."""
        from spinscope.ingest import article_from_text

        return article_from_text(text, title=title or None, warnings=warnings, options=self.analyzer.options)

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
