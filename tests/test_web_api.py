"""HTTP API tests against real uvicorn servers on 127.0.0.1 (no test client, no mocks)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import httpx
import pytest

from spinscope.techniques import catalogue
from spinscope.web.server import free_port, serve_in_thread
from spinscope.web.settings import WebSettings

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = resources.files("spinscope").joinpath("resources/examples/example.txt").read_text("utf-8")
HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    web = WebSettings(max_article_chars=20_000, max_body_bytes=100_000, batch_max=3)
    with serve_in_thread(web) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def error_of(resp: httpx.Response, status: int) -> str:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"} and body["error"]
    assert "Traceback" not in body["error"]
    message: str = body["error"]
    return message


def test_healthz_and_techniques(api: httpx.Client) -> None:
    health = api.get("/healthz").json()
    assert health["status"] == "ok" and health["ready"] is True
    assert "lexical" in health["detectors"]
    techniques = api.get("/api/techniques").json()["techniques"]
    assert [t["name"] for t in techniques] == list(catalogue())
    assert len({t["letter"] for t in techniques}) == len(techniques)
    for t in techniques:
        assert t["colour"] == catalogue()[t["name"]].colour and t["definition"]
        assert t["pattern"] in ("solid", "dashed", "dotted", "double", "wavy")


def test_analyze_text_returns_the_report(api: httpx.Client) -> None:
    resp = api.post("/api/analyze", json={"text": EXAMPLE})
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["schema"] == "spinscope/1" and report["text"] == EXAMPLE
    assert report["spans"], "the example article has loaded language"
    for s in report["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(EXAMPLE)
        assert EXAMPLE[s["start"] : s["end"]] == s["text"]
        assert 0.0 <= s["score"] <= 1.0 and s["explanation"]
    for key in ("quotes", "sources", "claims", "headline", "outlet", "scores", "warnings"):
        assert key in report
    assert all(h in resp.headers for h in HEADERS) and resp.headers["cache-control"] == "no-store"
    # The same text again comes from the per-process cache, byte for byte.
    again = api.post("/api/analyze", json={"text": EXAMPLE})
    assert again.headers["x-spinscope-cache"] == "hit" and again.content == resp.content


def test_analyze_with_separate_title(api: httpx.Client) -> None:
    body = EXAMPLE.split("\n", 1)[1]
    report = api.post("/api/analyze", json={"title": "Harbour deal collapses", "text": body}).json()
    assert report["title"] == "Harbour deal collapses"
    assert report["text"].startswith("Harbour deal collapses\n")


def test_upload_txt_and_html(api: httpx.Client) -> None:
    resp = api.post("/api/analyze", files={"file": ("story.txt", EXAMPLE.encode("utf-8"), "text/plain")})
    assert resp.status_code == 200, resp.text
    assert resp.json()["text"].strip() == EXAMPLE.strip()
    title, body = EXAMPLE.split("\n", 1)
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n") if p.strip())
    html = f"<!doctype html><html><head><title>{title}</title></head><body><article>{paras}</article></body></html>"
    resp = api.post("/api/analyze", files={"file": ("story.html", html.encode("utf-8"), "text/html")})
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["title"] == title and report["metadata"]["input_kind"] == "html"
    assert "<p>" not in report["text"]
    msg = error_of(api.post("/api/analyze", files={"file": ("x.pdf", b"%PDF-1.4 data")}), 415)
    assert ".txt or .html" in msg
    error_of(api.post("/api/analyze", files={"file": ("empty.txt", b"   ")}), 422)
    error_of(api.post("/api/analyze", files={"file": ("bin.txt", bytes(range(256)) * 8)}), 422)


def test_bad_input_gets_one_line_json_errors(api: httpx.Client) -> None:
    assert "ISO 8601" in error_of(api.post("/api/analyze", json={"text": EXAMPLE, "date": "soon"}), 422)
    assert "http" in error_of(api.post("/api/analyze", json={"text": EXAMPLE, "url": "ftp://example.org/"}), 422)
    assert "'text'" in error_of(api.post("/api/analyze", json={}), 422)
    assert "empty" in error_of(api.post("/api/analyze", json={"text": "  \n "}), 422)
    error_of(api.post("/api/analyze", json={"text": 42}), 422)
    error_of(api.post("/api/analyze", json={"text": EXAMPLE, "colour": "red"}), 422)
    error_of(api.post("/api/analyze", json=["not", "an", "object"]), 422)
    bad_json = api.post("/api/analyze", content=b"{nope", headers={"content-type": "application/json"})
    assert "JSON" in error_of(bad_json, 400)
    error_of(api.post("/api/analyze", content=EXAMPLE.encode(), headers={"content-type": "text/plain"}), 415)
    assert "http" in error_of(api.post("/api/analyze", json={"url": "file:///etc/passwd"}), 422)
    assert "not a valid URL" in error_of(api.post("/api/analyze", json={"url": "https://example.org:x1/"}), 422)
    error_of(api.post("/api/analyze", json={"text": "two words"}), 422)
    error_of(api.get("/nowhere"), 404)
    error_of(api.get("/api/analyze"), 405)
    # Errors carry the security headers too.
    assert all(h in api.get("/nowhere").headers for h in HEADERS)


def test_size_limits(api: httpx.Client) -> None:
    long_text = "Word " * 5000  # 25,000 characters > 20,000
    assert "20000 characters" in error_of(api.post("/api/analyze", json={"text": long_text}), 413)
    big = b'{"text": "' + b"a" * 150_000 + b'"}'
    assert "100000 bytes" in error_of(
        api.post("/api/analyze", content=big, headers={"content-type": "application/json"}), 413
    )

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap is enforced while streaming
        yield b'{"text": "'
        for _ in range(20):
            yield b"b" * 10_000
        yield b'"}'

    error_of(api.post("/api/analyze", content=chunks(), headers={"content-type": "application/json"}), 413)


def test_url_guard_refuses_loopback(api: httpx.Client, http_server: object) -> None:
    http_server.routes["/a"] = _article_route()  # type: ignore[attr-defined]
    msg = error_of(api.post("/api/analyze", json={"url": http_server.url("/a")}), 403)  # type: ignore[attr-defined]
    assert "127.0.0.1" in msg and "allow-private" in msg
    assert http_server.hosts == []  # type: ignore[attr-defined]  # refused before connecting


def test_url_fetch_when_private_allowed(http_server: object) -> None:
    http_server.routes["/story"] = _article_route()  # type: ignore[attr-defined]
    http_server.routes["/gone"] = _article_route(status=404)  # type: ignore[attr-defined]
    with serve_in_thread(WebSettings(allow_private=True)) as url:
        resp = httpx.post(f"{url}/api/analyze", json={"url": http_server.url("/story")}, timeout=60)  # type: ignore[attr-defined]
        assert resp.status_code == 200, resp.text
        report = resp.json()
        assert report["metadata"]["url"] == http_server.url("/story")  # type: ignore[attr-defined]
        assert report["title"].startswith("Harbour Deal") and report["spans"]
        assert resp.headers["x-spinscope-cache"] == "miss"  # URLs are never cached
        gone = httpx.post(f"{url}/api/analyze", json={"url": http_server.url("/gone")}, timeout=60)  # type: ignore[attr-defined]
        assert "404" in error_of(gone, 422)


def _article_route(status: int = 200) -> object:
    from tests.conftest import Route

    title, body = EXAMPLE.split("\n", 1)
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n") if p.strip())
    page = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paras}</article></body></html>"
    return Route(page.encode("utf-8"), status=status)


def test_batch(api: httpx.Client) -> None:
    resp = api.post("/api/analyze/batch", json={"articles": [{"text": EXAMPLE}, {"text": ""}, {"url": "ftp://x"}]})
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert [r["status"] for r in results] == [200, 422, 422]
    assert results[0]["report"]["text"] == EXAMPLE and results[1]["error"]
    assert "at most 3" in error_of(api.post("/api/analyze/batch", json={"articles": [{"text": EXAMPLE}] * 4}), 413)
    error_of(api.post("/api/analyze/batch", json={"articles": []}), 422)
    error_of(api.post("/api/analyze/batch", json={"text": EXAMPLE}), 422)


def test_render_html_export(api: httpx.Client) -> None:
    hostile = EXAMPLE.replace("Harbour Deal", "<script>alert(1)</script> Harbour Deal", 1)
    report = api.post("/api/analyze", json={"text": hostile}).json()
    resp = api.post("/api/render/html", json=report)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/html")
    assert "attachment" in resp.headers["content-disposition"]
    assert "<script>alert(1)</script>" not in resp.text and "&lt;script&gt;" in resp.text
    broken = dict(report, spans=[{"start": 5, "end": 2, "technique": "Doubt", "score": 0.5,
                                  "explanation": "", "detector": "", "text": ""}])
    error_of(api.post("/api/render/html", json=broken), 422)
    error_of(api.post("/api/render/html", json={"schema": "other/1"}), 422)
    odd_id = api.post("/api/render/html", json=dict(report, id="常/../ü id"))
    assert odd_id.status_code == 200 and 'filename="spinscope-id.html"' in odd_id.headers["content-disposition"]


def test_time_limit() -> None:
    text = EXAMPLE * 40  # ~100k characters: takes far longer than 1 ms to analyse
    web = WebSettings(request_timeout=0.001, warm_up=False, max_article_chars=200_000, detectors=("lexical",))
    with serve_in_thread(web) as url:
        resp = httpx.post(f"{url}/api/analyze", json={"text": text}, timeout=60)
        assert "longer than 0.001 s" in error_of(resp, 504)
        assert httpx.get(f"{url}/healthz").status_code == 200


def test_page_and_static_files(api: httpx.Client) -> None:
    page = api.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert not re.search(r"<script>|\son[a-z]+=|style=", page.text), "no inline script, handlers or styles"
    assert not re.search(r"(src|href)=\"https?://", page.text), "no external resources"
    for name, kind in (("app.js", "javascript"), ("style.css", "text/css"), ("favicon.svg", "image/svg")):
        resp = api.get(f"/static/{name}")
        assert resp.status_code == 200 and kind in resp.headers["content-type"]
    script = api.get("/static/app.js").text
    assert not re.search(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|eval\(", script)


def test_openapi_served_and_committed_copy_is_current(api: httpx.Client) -> None:
    served = api.get("/openapi.json").json()
    committed = json.loads((REPO / "docs" / "openapi.json").read_text("utf-8"))
    assert served == committed, "docs/openapi.json is stale: run scripts/export_openapi.py"
    assert {"/api/analyze", "/api/analyze/batch", "/api/techniques", "/healthz"} <= set(served["paths"])
    check = subprocess.run([sys.executable, str(REPO / "scripts" / "export_openapi.py"), "--check"], cwd=REPO)
    assert check.returncode == 0


def test_serve_command_with_two_workers() -> None:
    port = free_port()
    env = {**os.environ, "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "spinscope", "serve", "--port", str(port), "--workers", "2",
           "--detectors", "lexical,rhetoric", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO)
    try:
        line = proc.stdout.readline().decode() if proc.stdout else ""
        assert f"http://127.0.0.1:{port}/" in line
        deadline = time.monotonic() + 90
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    pass
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30).json()
                if health["ready"]:
                    break
            except (OSError, httpx.HTTPError):
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "spinscope serve did not come up"
            time.sleep(0.2)
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30).json()
        assert health["detectors"] == ["lexical", "rhetoric"]
        codes = {httpx.post(f"http://127.0.0.1:{port}/api/analyze", json={"text": EXAMPLE + " " * i}, timeout=60)
                 .status_code for i in range(4)}
        assert codes == {200}
        if sys.platform.startswith("linux"):
            # 16 kept-alive connections are spread over both worker processes (one SO_REUSEPORT listener
            # each), not all handed to one; the chance that a fair hash puts all 16 on one side is 2 / 65,536
            clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) for _ in range(16)]
            try:
                assert all(c.get("/healthz").status_code == 200 for c in clients)
                workers = children_of(proc.pid)
                listeners = sockets_by_process(port, workers, "0A")  # LISTEN
                assert len(listeners) == 2 and all(len(v) == 1 for v in listeners.values()), listeners
                assert len(set().union(*listeners.values())) == 2  # one listener each, not one shared
                per_worker = {pid: len(v) for pid, v in sockets_by_process(port, workers, "01").items()}
                assert len(per_worker) == 2 and sum(per_worker.values()) == 16, per_worker
            finally:
                for c in clients:
                    c.close()
        # a second server on the same port fails with a clear message instead of sharing the port
        second = subprocess.run([sys.executable, "-m", "spinscope", "serve", "--port", str(port), "--workers", "2",
                                 "--detectors", "lexical"], capture_output=True, env=env, cwd=REPO, timeout=60)
        assert second.returncode != 0 and b"cannot listen on" in second.stderr and b"Traceback" not in second.stderr
        proc.terminate()
        assert proc.wait(timeout=30) == 0 and children_of(proc.pid) == []  # workers stopped with it
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def children_of(pid: int) -> list[int]:
    """Live child processes of ``pid`` (Linux /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(d.name))
    return out


def sockets_by_process(port: int, pids: list[int], state: str) -> dict[int, set[str]]:
    """The TCP sockets on local ``port`` in ``state`` ("01" established, "0A" listening) that each of
    ``pids`` holds, as inode numbers (Linux /proc)."""
    inodes: dict[str, int] = {}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes[target[8:-1]] = pid
    held: dict[int, set[str]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == state and cols[9] in inodes:
                held.setdefault(inodes[cols[9]], set()).add(cols[9])
    return held


def test_serve_command_rejects_bad_options() -> None:
    for bad in (["--workers", "0"], ["--detectors", "nonesuch"]):
        out = subprocess.run([sys.executable, "-m", "spinscope", "serve", *bad], capture_output=True, cwd=REPO)
        assert out.returncode != 0 and b"Traceback" not in out.stderr, out.stderr
    assert b"unknown detector" in out.stderr


def test_concurrent_requests_match_sequential_ones() -> None:
    """One Analyzer shared by the analysis threads: concurrent answers equal one-at-a-time answers."""
    from concurrent.futures import ThreadPoolExecutor

    paragraphs = [p for p in EXAMPLE.split("\n\n") if len(p.split()) > 12]
    texts = [f"Story {i}\n\n" + "\n\n".join(paragraphs[i:] + paragraphs[:i]) for i in range(4)]

    def strip(report: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in report.items() if k != "timings_ms"}

    with serve_in_thread(WebSettings(cache_size=0, threads=3)) as url, httpx.Client(base_url=url, timeout=60) as c:
        sequential = [strip(c.post("/api/analyze", json={"text": t}).json()) for t in texts]
        with ThreadPoolExecutor(4) as pool:
            responses = list(pool.map(lambda t: c.post("/api/analyze", json={"text": t}), texts * 2))
    assert all(r.status_code == 200 for r in responses)
    assert [strip(r.json()) for r in responses] == sequential * 2


# -- admission control, cancellation, door checks (issues 20 and 21) ------------------------------------------
class DripServer:
    """A real HTTP server on 127.0.0.1 that answers 200 and then sends its body one byte every ``interval``
    seconds for ``seconds`` (a slow page). It counts the connections still open, so a test can see the
    fetcher give up."""

    def __init__(self, interval: float = 0.2, seconds: float = 60.0) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.open = 0
        self.served = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                with lock:
                    outer.open += 1
                    outer.served += 1
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", str(int(seconds / interval)))
                    self.end_headers()
                    deadline = time.monotonic() + seconds
                    while time.monotonic() < deadline:
                        self.wfile.write(b"a")
                        self.wfile.flush()
                        time.sleep(interval)
                except OSError:
                    pass  # the client went away
                finally:
                    with lock:
                        outer.open -= 1

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/slow"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def drip() -> Iterator[DripServer]:
    server = DripServer()
    try:
        yield server
    finally:
        server.close()


def wait_for(condition: object, seconds: float) -> float:
    """Seconds until ``condition()`` is true; fails after ``seconds``."""
    t0 = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - t0 < seconds, f"not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - t0


def test_busy_server_refuses_at_once_and_stays_observable(drip: DripServer) -> None:
    """One analysis slot, one queue place: the slot is held by a slow URL, one request waits and is refused
    after the queue wait, the others are refused at once with 503 + Retry-After; /healthz and /readyz answer
    fast and say saturated; a batch gets a refusal per article; the slot frees once the work is cancelled."""
    from concurrent.futures import ThreadPoolExecutor

    web = WebSettings(threads=1, queue_size=1, queue_wait=0.6, request_timeout=4, allow_private=True,
                      detectors=("lexical",), warm_up=False)
    with serve_in_thread(web) as url, httpx.Client(base_url=url, timeout=30) as c, ThreadPoolExecutor(4) as pool:
        hold = pool.submit(c.post, "/api/analyze", json={"url": drip.url})
        wait_for(lambda: c.get("/healthz").json()["running"] == 1, 5)
        waiting = pool.submit(c.post, "/api/analyze", json={"text": EXAMPLE})
        wait_for(lambda: c.get("/healthz").json()["queued"] == 1, 5)
        health = c.get("/healthz")
        assert health.status_code == 200 and health.json()["saturated"] is True
        ready = c.get("/readyz")
        assert ready.status_code == 503 and int(ready.headers["retry-after"]) >= 1 and ready.json()["saturated"]
        t0 = time.monotonic()
        refused = c.post("/api/analyze", json={"text": EXAMPLE + " again"})
        assert time.monotonic() - t0 < 0.5, "a full queue refuses at once"
        assert "busy" in error_of(refused, 503) and int(refused.headers["retry-after"]) >= 1
        waited = waiting.result()
        assert "could not start within 0.6 s" in error_of(waited, 503)
        batch = c.post("/api/analyze/batch", json={"articles": [{"text": EXAMPLE}, {"text": EXAMPLE + " b"}]})
        assert batch.status_code == 200
        results = batch.json()["results"]
        assert [r["index"] for r in results] == [0, 1] and {r["status"] for r in results} == {503}
        assert all(r["retry_after"] >= 1 and "busy" in r["error"] for r in results)
        assert "timed out fetching" in error_of(hold.result(), 422)  # the fetch ends before the time limit
        wait_for(lambda: c.get("/healthz").json()["running"] == 0, 1.5)  # the slow fetch was stopped
        wait_for(lambda: drip.open == 0, 1.5)
        assert c.get("/readyz").status_code == 200
        assert c.post("/api/analyze", json={"text": EXAMPLE}).status_code == 200
        assert c.get("/healthz").json()["refused"] == 4


def test_timed_out_analysis_stops_and_leaves_the_analyzer_sound() -> None:
    """A CPU-bound analysis that passes the time limit is stopped (its thread is free within a second of the
    504, not seconds later), and the next analysis equals one made before."""
    web = WebSettings(threads=1, request_timeout=0.8, max_article_chars=200_000, cache_size=0)
    with serve_in_thread(web) as url, httpx.Client(base_url=url, timeout=60) as c:
        before = c.post("/api/analyze", json={"text": EXAMPLE})
        assert before.status_code == 200
        assert "longer than 0.8 s" in error_of(c.post("/api/analyze", json={"text": EXAMPLE * 40}), 504)
        wait_for(lambda: c.get("/healthz").json()["running"] == 0, 1.5)
        assert c.get("/healthz").json()["cancelled"] == 1
        after = c.post("/api/analyze", json={"text": EXAMPLE})
        assert after.status_code == 200

    def strip(r: httpx.Response) -> dict[str, object]:
        return {k: v for k, v in r.json().items() if k != "timings_ms"}

    assert strip(after) == strip(before)


def test_slow_and_silent_pages_answer_within_the_time_limit(drip: DripServer) -> None:
    """A page that drips one byte every 0.2 s, or a server that accepts and never answers: the request is
    answered within its time limit + 1 s, and no analysis thread is busy after the answer."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts (the kernel completes the handshake), never reads or answers
    web = WebSettings(threads=1, request_timeout=2, allow_private=True, detectors=("lexical",), warm_up=False)
    try:
        with serve_in_thread(web) as url, httpx.Client(base_url=url, timeout=30) as c:
            for target in (drip.url, f"http://127.0.0.1:{silent.getsockname()[1]}/never"):
                t0 = time.monotonic()
                resp = c.post("/api/analyze", json={"url": target})
                assert time.monotonic() - t0 < 3.0
                assert "timed out fetching" in error_of(resp, 422)
                assert wait_for(lambda: c.get("/healthz").json()["running"] == 0, 1.0) < 0.5
            wait_for(lambda: drip.open == 0, 1.0)
    finally:
        silent.close()


def test_client_that_goes_away_cancels_its_analysis(drip: DripServer) -> None:
    web = WebSettings(threads=1, request_timeout=30, allow_private=True, detectors=("lexical",), warm_up=False)
    with serve_in_thread(web) as url, httpx.Client(base_url=url, timeout=30) as c:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{url}/api/analyze", json={"url": drip.url}, timeout=1.0)
        wait_for(lambda: c.get("/healthz").json()["running"] == 0, 2.0)
        wait_for(lambda: drip.open == 0, 1.5)
        assert drip.served == 1 and c.get("/healthz").json()["cancelled"] == 1
        # A batch whose client leaves: the article running is stopped, the ones after it never start.
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{url}/api/analyze/batch", json={"articles": [{"url": drip.url}] * 3}, timeout=1.0)
        wait_for(lambda: c.get("/healthz").json()["running"] == 0, 2.0)
        time.sleep(0.5)
        assert drip.served == 2 and drip.open == 0 and c.get("/healthz").json()["cancelled"] == 2


def test_rate_limit_per_client() -> None:
    web = WebSettings(rate_limit=0.5, rate_burst=2, detectors=("lexical",), warm_up=False, cache_size=0)
    with serve_in_thread(web) as url, httpx.Client(base_url=url, timeout=30) as c:
        codes = [c.post("/api/analyze", json={"text": EXAMPLE}).status_code for _ in range(2)]
        assert codes == [200, 200]
        over = c.post("/api/analyze", json={"text": EXAMPLE})
        assert "too many requests" in error_of(over, 429) and 1 <= int(over.headers["retry-after"]) <= 2
        batch = c.post("/api/analyze/batch", json={"articles": [{"text": EXAMPLE}] * 2}).json()["results"]
        assert [r["status"] for r in batch] == [429, 429] and all(r["retry_after"] >= 1 for r in batch)
        assert c.get("/healthz").status_code == 200  # probes are not rate limited


def test_lone_surrogates_are_repaired_at_the_door(api: httpx.Client) -> None:
    """JSON text with lone surrogates (valid JSON, not valid Unicode) is repaired with U+FFFD and a warning
    before any detector sees it, so every detector runs; in a URL or a posted report it is refused."""
    title, body = EXAMPLE.split("\n", 1)
    raw = json.dumps({"title": title + " \ud800", "text": body.replace(". ", ". \udfff ", 2)})
    resp = api.post("/api/analyze", content=raw.encode("ascii"), headers={"content-type": "application/json"})
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["degraded"] == [] and "techniques" in report["detectors"]
    assert not any("failed" in w for w in report["warnings"])
    assert any("title held 1 invalid" in w for w in report["warnings"])
    assert any("text held 2 invalid" in w for w in report["warnings"])
    assert report["text"].count("\ufffd") == 3 and report["spans"]
    same_text = {"title": title + " \ufffd", "text": body.replace(". ", ". \ufffd ", 2)}  # as repaired, no warning
    clean = api.post("/api/analyze", json=same_text)
    assert clean.headers["x-spinscope-cache"] == "miss", "a repaired text does not share the clean text's cache"
    url = json.dumps({"url": "https://example.org/\ud800"}).encode()
    assert "invalid Unicode" in error_of(
        api.post("/api/analyze", content=url, headers={"content-type": "application/json"}), 400
    )
    report_raw = json.dumps(dict(report, title="x \ud800")).encode()
    assert "invalid Unicode" in error_of(
        api.post("/api/render/html", content=report_raw, headers={"content-type": "application/json"}), 400
    )


def test_degraded_report_is_marked_and_never_cached() -> None:
    """A detector that fails (here the techniques tokenizer, given a lone surrogate behind the door's back)
    leaves the report marked degraded, and the service does not cache it."""
    import asyncio

    from spinscope.web.service import AnalysisService, Submission

    service = AnalysisService(WebSettings(detectors=("lexical", "techniques"), warm_up=False))
    try:
        sub = Submission(kind="text", text=EXAMPLE.replace(". ", ". \ud800 ", 3))
        for _ in range(2):
            body, hit = asyncio.run(service.analyze(sub))
            report = json.loads(body)
            assert hit is False and report["degraded"] == ["techniques"]
            assert any(w.startswith("detector techniques failed") for w in report["warnings"])
        good = Submission(kind="text", text=EXAMPLE)
        assert asyncio.run(service.analyze(good))[1] is False
        assert asyncio.run(service.analyze(good))[1] is True  # complete reports are cached
    finally:
        service.close()


def test_host_header_and_cross_site_posts_are_refused(http_server: object) -> None:
    """With --allow-private, neither a rebound name nor a form on another site can make the server fetch."""
    http_server.routes["/a"] = _article_route()  # type: ignore[attr-defined]
    target = {"url": http_server.url("/a")}  # type: ignore[attr-defined]
    web = WebSettings(allow_private=True, detectors=("lexical",), warm_up=False)
    with serve_in_thread(web) as url, httpx.Client(base_url=url, timeout=30) as c:
        port = url.rsplit(":", 1)[1]
        rebound = c.post("/api/analyze", json=target, headers={"host": f"attacker.example:{port}"})
        assert "Host" in error_of(rebound, 400)
        assert c.get("/", headers={"host": "attacker.example"}).status_code == 400
        assert c.get("/healthz", headers={"host": "10.1.2.3:8000"}).status_code == 200  # probes by address
        for headers in ({"origin": "https://attacker.example"}, {"origin": "null"},
                        {"sec-fetch-site": "cross-site"}, {"sec-fetch-site": "same-site"},
                        {"origin": f"http://127.0.0.1:{int(port) + 1}"}):
            assert "refused" in error_of(c.post("/api/analyze", json=target, headers=headers), 403)
            form = c.post("/api/analyze", data={"url": target["url"]}, files={"x": ("", b"")}, headers=headers)
            assert error_of(form, 403)
        assert http_server.hosts == []  # type: ignore[attr-defined]  # nothing was fetched
        same = {"origin": url, "sec-fetch-site": "same-origin"}
        assert c.post("/api/analyze", json=target, headers=same).status_code == 200
        assert c.post("/api/analyze", json=target, headers={"host": f"localhost:{port}"}).status_code == 200
        assert len(http_server.hosts) == 2  # type: ignore[attr-defined]


def test_header_body_and_idle_time_limits() -> None:
    """A connection that sends nothing, or drips its request head, is closed after the header time-out; a body
    that does not arrive in time gets 408; an idle kept-alive connection is closed after its time-out."""
    web = WebSettings(header_timeout=0.6, keepalive_timeout=0.6, body_timeout=0.6, detectors=("lexical",),
                      warm_up=False)
    with serve_in_thread(web) as url:
        host, port = url.removeprefix("http://").split(":")

        def closed_after(send: list[bytes], interval: float = 0.0) -> float:
            """Seconds until the server closes a connection that sends ``send``, one chunk per ``interval``."""
            with socket.create_connection((host, int(port)), timeout=5) as s:
                t0 = time.monotonic()
                try:
                    for chunk in send:
                        s.sendall(chunk)
                        time.sleep(interval)
                    while s.recv(4096):
                        pass
                except OSError:  # reset by the server (or no close within 5 s: then the time says so)
                    pass
                return time.monotonic() - t0

        assert closed_after([]) < 1.5  # silent connection
        drip = [b"GET /healthz HTTP/1.1\r\n"] + [b"X-A: b\r\n"] * 30  # 30 headers, one per 0.1 s
        assert closed_after(drip, interval=0.1) < 1.5
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(b"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 100\r\n\r\n{\"text\": ")
            t0 = time.monotonic()
            answer = b""
            while chunk := s.recv(4096):
                answer += chunk
            assert time.monotonic() - t0 < 1.5
            assert b" 408 " in answer.split(b"\r\n", 1)[0] and b"did not arrive within" in answer
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            t0 = time.monotonic()
            data = b""
            while chunk := s.recv(4096):
                data += chunk
            assert b"200 OK" in data and time.monotonic() - t0 < 1.5  # kept alive, then closed when idle


def test_text_with_url_outlet_and_date_as_metadata(api: httpx.Client) -> None:
    """Pasted text can say where it comes from: the URL is not fetched, the outlet profile uses it."""
    meta = {"url": "https://www.reuters.com/world/x", "date": "2024-05-01"}
    resp = api.post("/api/analyze", json={"text": EXAMPLE, **meta})
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["metadata"]["url"] == "https://www.reuters.com/world/x" and report["metadata"]["date"] == "2024-05-01"
    assert report["outlet"]["domain"] == "reuters.com" and report["outlet"]["rated"]
    named = api.post("/api/analyze", json={"text": EXAMPLE, "outlet": "BBC"}).json()
    assert named["metadata"]["source"] == "BBC" and named["outlet"]["domain"] == "bbc.com"
    plain = api.post("/api/analyze", json={"text": EXAMPLE}).json()
    assert plain["outlet"] == {}  # the cache keeps reports with and without metadata apart
    upload = api.post("/api/analyze", files={"file": ("story.txt", EXAMPLE.encode())}, data={"outlet": "reuters.com"})
    assert upload.status_code == 200 and upload.json()["outlet"]["domain"] == "reuters.com"


def test_host_and_origin_parsing() -> None:
    from spinscope.web.security import same_origin, split_host

    assert split_host("Example.ORG:8080") == ("example.org", "8080")
    assert split_host("[::1]:8000") == ("::1", "8000") and split_host("[::1]") == ("::1", "")
    assert split_host("::1") == ("::1", "") and split_host("localhost") == ("localhost", "")
    assert same_origin("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert same_origin("https://example.org", "example.org") and same_origin("http://example.org", "example.org:80")
    assert same_origin("http://[::1]:8000", "[::1]:8000")
    assert not same_origin("http://127.0.0.1:8001", "127.0.0.1:8000")
    assert not same_origin("https://example.org", "example.org:80")  # https defaults to 443
    assert not same_origin("http://example.org.attacker.example", "example.org")
    assert not same_origin("null", "example.org") and not same_origin("http://x:99999", "x:99999")
