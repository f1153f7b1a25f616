"""The web page against a busy server, in a real headless chromium (Playwright) and a real uvicorn server on
127.0.0.1: a 503 is shown as a status with a countdown and retried after Retry-After, and the retry that
finds a free slot shows the report."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from spinscope.web.server import serve_in_thread
from spinscope.web.settings import WebSettings
from tests.test_web_api import EXAMPLE, DripServer, drip, wait_for  # noqa: F401 (drip: a fixture)
from tests.test_web_browser import browser, context, open_page, wait_done  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_page_retries_politely_when_the_server_is_busy(context: Any, drip: DripServer) -> None:  # noqa: F811
    # One analysis slot and no queue: while a slow page holds the slot (its fetch ends after ~1.25 s), the
    # page's request is refused at once with 503 + Retry-After, and a later retry gets the slot.
    web = WebSettings(threads=1, queue_size=0, queue_wait=0, request_timeout=1.5, allow_private=True,
                      detectors=("lexical",), warm_up=False)
    with serve_in_thread(web) as url, httpx.Client(base_url=url, timeout=30) as c:
        page, rec = open_page(context, url + "/")
        holder = threading.Thread(target=c.post, args=("/api/analyze",), kwargs={"json": {"url": drip.url}})
        holder.start()
        try:
            wait_for(lambda: c.get("/healthz").json()["running"] == 1, 5)
            page.check("#mode-text")
            page.fill("#text-input", EXAMPLE)
            page.click("#analyze-button")
            page.locator("#status", has_text="The server is busy; trying again in").wait_for(timeout=5_000)
            assert "attempt 2 of 4" in page.locator("#status").inner_text()
            wait_done(page)
        finally:
            holder.join()
        assert page.locator("#error").is_hidden()
        assert page.locator("#article mark.hl").count() > 0
        assert c.get("/healthz").json()["refused"] >= 1
        assert all("503" in e for e in rec.errors), rec.errors  # only the refused fetches are logged
