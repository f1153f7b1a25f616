"""The FastAPI app: ``create_app(settings)`` builds a fresh app (no module-level state).

Routes: ``GET /`` (the page), ``/static/*``, ``GET /healthz``, ``GET /readyz``, ``GET /api/techniques``,
``POST /api/analyze``, ``POST /api/analyze/batch``, ``POST /api/render/html``, ``GET /openapi.json``.
Errors are always JSON ``{"error": message}``; stack traces stay in the server log.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from spinscope.report import Report
from spinscope.web.schemas import (
    AnalyzeRequest,
    BatchOut,
    BatchRequest,
    ErrorOut,
    HealthOut,
    ReportOut,
    TechniquesOut,
)
from spinscope.web.security import (
    BodySizeLimitMiddleware,
    BodyTooLarge,
    RequestGuardMiddleware,
    SecurityHeadersMiddleware,
)
from spinscope.web.service import (
    AnalysisService,
    Submission,
    WebError,
    has_lone_surrogate,
    metadata_fields,
    submission_from_fields,
)
from spinscope.web.settings import WebSettings

log = logging.getLogger("spinscope.web")


# The HTML export may hold inline styles of the standalone report; it never runs our scripts.
EXPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox"


def _version() -> str:
    try:
        return metadata.version("spinscope")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def techniques_payload() -> dict[str, Any]:
    """The catalogue with a letter and an underline pattern per technique (colour is never the only cue);
    the same marks as the terminal and HTML reports (spinscope.render.common.marks)."""
    from spinscope.render.common import marks

    return {
        "techniques": [
            {"name": m.name, "short": m.short, "ptc": m.ptc, "colour": m.colour, "letter": m.letter,
             "pattern": m.pattern, "definition": m.definition}
            for m in marks().values()
        ]
    }


def _error(status: int, message: str) -> Response:
    # ASCII-escaped JSON: an echoed fragment of bad input may hold lone surrogates.
    return Response(json.dumps({"error": message}), status_code=status, media_type="application/json")


ERROR_REF = "#/components/schemas/ErrorOut"
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/json": {"schema": {"$ref": ERROR_REF}}}}
    for code, text in (
        (400, "Malformed request"),
        (403, "The URL points at a loopback/private address (refused unless the server allows it)"),
        (413, "Body, file or article too large"),
        (415, "Unsupported content type or file type"),
        (408, "The request body did not arrive within the body time limit"),
        (422, "Invalid input (empty, not an article, wrong fields, a URL that cannot be fetched)"),
        (429, "This client is over the rate limit; retry after the Retry-After header's seconds"),
        (500, "Internal error (details only in the server log)"),
        (503, "The server is busy: the analysis could not start in time; retry after Retry-After seconds"),
        (504, "The analysis exceeded the time limit"),
    )
}

MULTIPART_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "A .txt or .html article."},
    },
    "required": ["file"],
}


def _analyze_request_schema() -> dict[str, Any]:
    """One of: ``{text, title?, url?, outlet?, date?}`` or ``{url, outlet?, date?}`` (stricter than the
    AnalyzeRequest model, for clients). Beside ``text`` the URL only names the article's address."""
    text = {"type": "string", "pattern": r"\S", "description": "The article (headline on the first line)."}
    title = {"type": "string", "description": "Headline, when it is not the first line of the text."}
    url = {"type": "string", "pattern": "^https?://[^\\s/]+", "maxLength": 2048, "description": "http(s) URL"}
    meta_url = {**url, "description": "The article's address (metadata: not fetched)."}
    outlet = {"type": "string", "maxLength": 200, "description": "The publisher: a domain (bbc.co.uk) or a name."}
    date = {"type": "string", "maxLength": 64, "description": "Publication date, ISO 8601 (2024-05-01)."}
    return {
        "oneOf": [
            {
                "type": "object",
                "title": "Text",
                "properties": {"text": text, "title": title, "url": meta_url, "outlet": outlet, "date": date},
                "required": ["text"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "title": "URL",
                "properties": {"url": url, "outlet": outlet, "date": date},
                "required": ["url"],
                "not": {"required": ["text"]},
                "additionalProperties": False,
            },
        ]
    }


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """A new app with its own Analyzer (built in the lifespan, so once per worker process)."""
    settings = settings or WebSettings()
    version = _version()
    templates = Environment(
        loader=PackageLoader("spinscope.web", "templates"), autoescape=select_autoescape(default=True)
    )
    techniques = techniques_payload()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = AnalysisService(settings)
        app.state.service = service
        if settings.warm_up:
            await asyncio.get_running_loop().run_in_executor(service.executor, service.warm_up)
        else:
            service.ready = True
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="spinscope",
        version=version,
        summary="See how a news article persuades: techniques, sources, headline and outlet, span by span.",
        docs_url=None,  # the Swagger/ReDoc pages load scripts from a CDN; the schema is at /openapi.json
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(RequestGuardMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(packages=[("spinscope.web", "static")]), name="static")

    def service_of(request: Request) -> AnalysisService:
        service: AnalysisService = request.app.state.service
        return service

    # -- errors ----------------------------------------------------------------------------------
    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        response = _error(exc.status, exc.message)
        if exc.retry_after is not None:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(BodyTooLarge)
    async def body_too_large(request: Request, exc: BodyTooLarge) -> Response:
        return _error(413, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return _error(422, "invalid request: " + _describe_errors(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("spinscope web: unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "internal server error")

    # -- pages -----------------------------------------------------------------------------------
    page = templates.get_template("index.html").render(
        version=version,
        max_article_chars=settings.max_article_chars,
        max_body_bytes=settings.max_body_bytes,
        batch_max=settings.batch_max,
    )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get("/healthz", response_model=HealthOut, tags=["meta"])
    async def healthz(request: Request) -> dict[str, Any]:
        """Liveness (always 200 while the process serves) with readiness and load: ``ready`` turns true once
        the models are loaded, ``saturated`` while a new analysis would be refused."""
        service = service_of(request)
        return {"status": "ok", "version": version, "detectors": service.detector_names(), **service.status()}

    @app.get("/readyz", response_model=HealthOut, tags=["meta"],
             responses={503: {"model": HealthOut, "description": "Not ready yet, or saturated"}})
    async def readyz(request: Request) -> Response:
        """For load balancers: 200 when this worker is ready and can take an analysis now, else 503 (models
        still loading, or every slot and the queue taken) with ``Retry-After`` when saturated."""
        service = service_of(request)
        state = service.status()
        body = {"status": "ok", "version": version, "detectors": service.detector_names(), **state}
        ok = state["ready"] and not state["saturated"]
        headers = {} if ok else {"Retry-After": str(service.admission.retry_after())}
        return JSONResponse(body, status_code=200 if ok else 503, headers=headers)

    @app.get("/api/techniques", response_model=TechniquesOut, tags=["analysis"])
    async def list_techniques() -> dict[str, Any]:
        """The technique catalogue: definitions, colours, letters and underline patterns."""
        return techniques

    # -- analysis --------------------------------------------------------------------------------
    @app.post(
        "/api/analyze",
        tags=["analysis"],
        response_class=JSONResponse,
        responses={
            200: {"model": ReportOut, "description": "The spinscope/1 report"},
            400: {"model": ErrorOut, "description": "Malformed request"},
            **ERROR_RESPONSES,
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": _analyze_request_schema()},
                    "multipart/form-data": {"schema": MULTIPART_SCHEMA},
                },
            }
        },
    )
    async def analyze(request: Request) -> Response:
        """Analyse one article: JSON ``{"text": ...}``, ``{"title": ..., "text": ...}`` or ``{"url": ...}``,
        or a multipart upload of a .txt/.html ``file``. Returns the "spinscope/1" report."""
        submission = await _read_submission(request, settings)
        body, hit = await service_of(request).analyze(submission, request)
        headers = {"X-Spinscope-Cache": "hit" if hit else "miss"}
        return Response(body, media_type="application/json", headers=headers)

    @app.post(
        "/api/analyze/batch",
        tags=["analysis"],
        response_model=BatchOut,
        responses=ERROR_RESPONSES,
    )
    async def analyze_batch(request: Request, batch: BatchRequest) -> Response:
        """Analyse up to the server's batch limit of articles (JSON only); each result holds a report or an
        error, refusals included (503/429 with ``retry_after``): nothing is dropped. Each article has the
        per-request time limit and goes through admission on its own, at most ``threads`` of a batch at once."""
        if not batch.articles:
            raise WebError(422, "the batch is empty")
        if len(batch.articles) > settings.batch_max:
            raise WebError(413, f"at most {settings.batch_max} articles per batch")
        service = service_of(request)
        in_flight = asyncio.Semaphore(settings.threads)

        async def one(index: int, item: AnalyzeRequest) -> bytes:
            try:
                sub = submission_from_fields(item.text, item.title, item.url, item.outlet, item.date)
                async with in_flight:
                    body, _ = await service.analyze(sub, request)
                return b'{"index":%d,"status":200,"report":%s}' % (index, body)
            except WebError as exc:
                return json.dumps({"index": index, **exc.to_dict()}).encode()

        parts = await asyncio.gather(*(one(i, a) for i, a in enumerate(batch.articles)))
        return Response(b'{"results":[' + b",".join(parts) + b"]}", media_type="application/json")

    @app.post(
        "/api/render/html",
        tags=["export"],
        response_class=HTMLResponse,
        responses={
            200: {"description": "The standalone HTML report (a download)"},
            **ERROR_RESPONSES,
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportOut"}}},
            }
        },
    )
    async def render_report_html(request: Request) -> Response:
        """Render a spinscope/1 report (as returned by /api/analyze) as the standalone HTML report."""
        raw = await _json_body(request)
        if not isinstance(raw, dict):
            raise WebError(422, "the body must be a spinscope/1 report object")
        if has_lone_surrogate(raw):
            raise WebError(400, "the report holds invalid Unicode (a lone surrogate)")
        if len(str(raw.get("text", ""))) > settings.max_article_chars:
            raise WebError(413, f"article longer than {settings.max_article_chars} characters")
        try:
            ReportOut.model_validate(raw)
        except ValidationError as exc:
            raise WebError(422, "not a valid spinscope/1 report: " + _describe_errors(exc.errors())) from None
        report = _report_from_dict(raw)
        html = await service_of(request).run(lambda: _render_html(report).encode("utf-8"), request)
        name = "".join(c for c in report.id if c.isascii() and (c.isalnum() or c in "-_"))[:64] or "report"
        return Response(
            html,
            media_type="text/html; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="spinscope-{name}.html"',
                "Content-Security-Policy": EXPORT_CSP,
            },
        )

    compare_page = templates.get_template("compare.html").render(
        version=version, max_article_chars=settings.max_article_chars
    )

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    async def compare_view() -> HTMLResponse:
        return HTMLResponse(compare_page)

    @app.post(
        "/api/compare",
        tags=["analysis"],
        response_class=JSONResponse,
        responses={200: {"description": "The spinscope-compare/1 comparison"}, **ERROR_RESPONSES},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "a": {"$ref": "#/components/schemas/ReportOut"},
                                "b": {"$ref": "#/components/schemas/ReportOut"},
                            },
                            "required": ["a", "b"],
                            "additionalProperties": False,
                        }
                    }
                },
            }
        },
    )
    async def compare_reports(request: Request) -> Response:
        """Compare two spinscope/1 reports (as /api/analyze returns them) on the same story: techniques,
        sources, claims and headline checks side by side, and what each says that the other does not."""
        from spinscope.compare import compare

        raw = await _json_body(request)
        if not isinstance(raw, dict) or set(raw) != {"a", "b"}:
            raise WebError(422, "the body must be a JSON object {\"a\": report, \"b\": report}")
        reports = []
        for key in ("a", "b"):
            item = raw[key]
            if not isinstance(item, dict):
                raise WebError(422, f"'{key}' must be a spinscope/1 report object")
            if has_lone_surrogate(item):
                raise WebError(400, f"report '{key}' holds invalid Unicode (a lone surrogate)")
            if len(str(item.get("text", ""))) > settings.max_article_chars:
                raise WebError(413, f"article '{key}' longer than {settings.max_article_chars} characters")
            try:
                ReportOut.model_validate(item)
            except ValidationError as exc:
                message = f"'{key}' is not a valid spinscope/1 report: " + _describe_errors(exc.errors())
                raise WebError(422, message) from None
            reports.append(_report_from_dict(item))
        result = await service_of(request).run(lambda: compare(reports[0], reports[1]).to_dict(), request)
        return JSONResponse(result)

    return app


def create_app_from_env() -> FastAPI:
    """App factory for uvicorn workers: settings come from the SPINSCOPE_WEB_SETTINGS environment JSON."""
    return create_app(WebSettings.from_env())


# -- helpers -------------------------------------------------------------------------------------
def _describe_errors(errors: Any) -> str:
    parts = []
    for e in list(errors)[:3]:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p != "body")
        parts.append(f"{loc}: {e.get('msg', 'invalid')}" if loc else str(e.get("msg", "invalid")))
    return "; ".join(parts) or "invalid body"


async def _json_body(request: Request) -> Any:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise WebError(415, "send JSON (Content-Type: application/json)")
    body = await request.body()
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebError(400, "the body is not valid JSON") from None


async def _read_submission(request: Request, settings: WebSettings) -> Submission:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=8, max_part_size=settings.max_body_bytes)
        try:
            upload = form.get("file")
            text, title, url, outlet, date = (form.get(k) for k in ("text", "title", "url", "outlet", "date"))
            if any(isinstance(v, UploadFile) for v in (text, title, url, outlet, date)):
                raise WebError(422, "put the file in the 'file' field")
            if not isinstance(upload, UploadFile):
                return submission_from_fields(text, title, url, outlet, date)
            meta_url, name, when = metadata_fields(url, outlet, date)  # a file may come with its metadata
            data = await upload.read()
            return Submission(kind="file", data=data, filename=upload.filename or "upload.txt",
                              meta_url=meta_url, outlet=name, date=when)
        finally:
            await form.close()
    raw = await _json_body(request)
    if not isinstance(raw, dict):
        raise WebError(422, "the body must be a JSON object with 'text' or 'url'")
    try:
        item = AnalyzeRequest.model_validate(raw)
    except ValidationError as exc:
        raise WebError(422, "invalid request: " + _describe_errors(exc.errors())) from None
    return submission_from_fields(item.text, item.title, item.url, item.outlet, item.date)


def _report_from_dict(raw: dict[str, Any]) -> Report:
    try:
        report = Report.from_dict(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WebError(422, f"not a valid spinscope/1 report: {type(exc).__name__}: {exc}") from None
    n = len(report.text)
    for s in report.spans:
        if s.end > n:
            raise WebError(422, "not a valid spinscope/1 report: a span ends after the text")
    return report


def _render_html(report: Report) -> str:
    from spinscope.render.html import render_html

    try:
        html: str = render_html(report)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise WebError(422, f"cannot render this report: {type(exc).__name__}: {exc}") from None
    return html


def openapi_document() -> dict[str, Any]:
    """The OpenAPI schema of the app (what ``GET /openapi.json`` serves; docs/openapi.json is a copy)."""
    schema: dict[str, Any] = create_app(WebSettings(warm_up=False)).openapi()
    return schema
