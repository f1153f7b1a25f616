"""Property-based API tests: schemathesis generates requests from the OpenAPI schema the real server serves
(GET /openapi.json on 127.0.0.1) and checks every response: no 5xx, status codes, content types and bodies
as documented. Bounded: a few examples per operation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from spinscope.web.server import serve_in_thread  # noqa: E402
from spinscope.web.settings import WebSettings  # noqa: E402

OPERATIONS = [
    "GET /healthz",
    "GET /readyz",
    "GET /api/techniques",
    "POST /api/analyze",
    "POST /api/analyze/batch",
    "POST /api/render/html",
    "POST /api/compare",
]


@pytest.fixture(scope="module")
def api_schema() -> Iterator[object]:
    # Small caps keep generated inputs cheap; a short fetch timeout bounds generated URLs (no internet here);
    # a generous time limit keeps a busy shared CPU from turning slow analyses into 504s.
    web = WebSettings(max_article_chars=5_000, max_body_bytes=100_000, fetch_timeout=3, request_timeout=60)
    with serve_in_thread(web) as url:
        yield schemathesis.openapi.from_url(f"{url}/openapi.json")


def test_schema_lists_every_operation(api_schema: object) -> None:
    found = {f"{op.method.upper()} {op.path}" for op in (r.ok() for r in api_schema.get_all_operations())}  # type: ignore[attr-defined]
    assert found == set(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms_to_schema(api_schema: object, label: str) -> None:
    method, path = label.split(" ", 1)
    operation = api_schema[path][method]  # type: ignore[index]
    seen: list[int] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: object) -> None:
        # A schema-valid body can still be no article (two words, an unreachable URL): 4xx is right there.
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])  # type: ignore[attr-defined]
        seen.append(response.status_code)

    check()
    assert seen and all(code < 500 for code in seen)
