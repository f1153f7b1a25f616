"""URL fetching against a real server on 127.0.0.1: the address guard, redirects, size cap, errors."""

from __future__ import annotations

import pytest

from spinscope.config import Options
from spinscope.errors import BlockedAddressError, FetchError
from spinscope.ingest import read_url

from .conftest import FIXTURES, Route, Server

PAGE = (FIXTURES / "html" / "news_page.html").read_bytes()


def test_loopback_is_refused_by_default(http_server: Server) -> None:
    http_server.routes["/a"] = Route(PAGE)
    with pytest.raises(BlockedAddressError, match="allow-private"):
        read_url(http_server.url("/a"))
    assert http_server.hosts == []  # refused before any request was made


@pytest.mark.parametrize("host", ["10.0.0.1", "192.168.1.1", "169.254.169.254", "[::1]", "0.0.0.0"])
def test_private_and_link_local_addresses_are_refused(host: str) -> None:
    with pytest.raises(BlockedAddressError):
        read_url(f"http://{host}/latest/meta-data/")


def test_allowed_loopback_page_matches_the_plain_text_version(http_server: Server) -> None:
    http_server.routes["/a"] = Route(PAGE)
    a = read_url(http_server.url("/a"), Options(allow_private=True))
    txt = (FIXTURES / "html" / "news_page.txt").read_text(encoding="utf-8")
    assert a.text == txt
    assert a.title == "Council Rejects Harbour Lease After Months of Talks"
    assert a.metadata.domain == "127.0.0.1" and a.metadata.input_kind == "url"


def test_resolve_keeps_the_host_name(http_server: Server) -> None:
    http_server.routes["/a"] = Route(PAGE)
    opts = Options(allow_private=True, extra={"resolve": "news.example.org:127.0.0.1"})
    a = read_url(f"http://news.example.org:{http_server.port}/a", opts)
    assert a.metadata.domain == "news.example.org"
    assert http_server.hosts == [f"news.example.org:{http_server.port}"]


def test_redirects_are_limited_and_checked(http_server: Server) -> None:
    for i in range(10):
        http_server.routes[f"/r{i}"] = Route(b"", 302, headers={"Location": f"/r{i + 1}"})
    with pytest.raises(FetchError, match="too many redirects"):
        read_url(http_server.url("/r0"), Options(allow_private=True, max_redirects=3))
    # every hop is checked: a redirect to another scheme is refused
    http_server.routes["/to-file"] = Route(b"", 302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="not an http"):
        read_url(http_server.url("/to-file"), Options(allow_private=True))


def test_resolve_cannot_bypass_the_guard(http_server: Server) -> None:
    http_server.routes["/a"] = Route(PAGE)
    opts = Options(allow_private=False, extra={"resolve": "public.example:127.0.0.1"})
    with pytest.raises(BlockedAddressError, match="127.0.0.1"):
        read_url(f"http://public.example:{http_server.port}/a", opts)
    assert http_server.hosts == []


def test_size_cap_and_http_errors(http_server: Server) -> None:
    http_server.routes["/big"] = Route(b"<html><body>" + b"<p>word</p>" * 100_000 + b"</body></html>")
    with pytest.raises(FetchError, match="limit"):
        read_url(http_server.url("/big"), Options(allow_private=True, max_bytes=100_000))
    with pytest.raises(FetchError, match="404"):
        read_url(http_server.url("/missing"), Options(allow_private=True))


def test_unreachable_host() -> None:
    with pytest.raises(FetchError):
        read_url("http://unreachable.invalid/", Options(fetch_timeout=3))


def test_bad_port_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match="bad port"):
        read_url("http://example.org:http/")
