"""URL fetching against real servers on 127.0.0.1/127.0.0.2: the address guard (every hop, every DNS
answer, no second lookup), the total deadline against slow and silent servers, redirects, size cap."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from spinscope.config import Options
from spinscope.errors import BlockedAddressError, FetchError
from spinscope.ingest import read_url
from spinscope.ingest.url import fetch, is_public

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
    with pytest.raises(BlockedAddressError, match="public.example") as err:
        read_url(f"http://public.example:{http_server.port}/a", opts)
    assert "127.0.0.1" not in str(err.value)  # the internal address is never echoed
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


# ---------------------------------------------------------------------------- special-purpose addresses


@pytest.mark.parametrize(
    "host",
    [
        "224.0.0.1",  # multicast: Python calls it global, only the multicast check refuses it
        "239.255.255.250",
        "[ff0e::1]",  # global-scope IPv6 multicast, also "global" to Python
        "100.64.0.1",  # shared address space: not private, only "not global" refuses it
        "[64:ff9b::7f00:1]",  # NAT64 form of 127.0.0.1
        "[64:ff9b:1::a00:1]",  # local-use NAT64
        "[2002:7f00:1::]",  # 6to4 form of 127.0.0.1
        "[::7f00:1]",  # IPv4-compatible 127.0.0.1
        "[::ffff:127.0.0.1]",  # IPv4-mapped
        "[::ffff:a9fe:a9fe]",  # IPv4-mapped 169.254.169.254
        "192.0.0.8",
        "192.88.99.1",
        "198.18.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "[fec0::1]",
        "[fc00::1]",
        "[2001:db8::1]",
    ],
)
def test_special_purpose_addresses_are_refused(host: str) -> None:
    t0 = time.monotonic()
    with pytest.raises(BlockedAddressError) as err:
        read_url(f"http://{host}/latest/meta-data/", Options(fetch_timeout=3))
    assert time.monotonic() - t0 < 1  # refused before connecting, not after a timeout
    assert "allow-private" in str(err.value)


def test_public_addresses_pass_the_guard() -> None:
    for address in ("8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001::1"):
        assert is_public(ipaddress.ip_address(address)), address


# ---------------------------------------------------------------------------- servers on two loopback addresses


class RawServer:
    """A TCP server on ``host`` whose connections are handed to ``serve(conn)`` in a thread."""

    def __init__(self, host: str, serve: Callable[[socket.socket], None], port: int = 0) -> None:
        self.sock = socket.create_server((host, port))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.serve = serve
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            self.serve(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.closed.set()
        self.sock.close()


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def page_server(host: str, body: bytes, *, location: str | None = None, port: int = 0) -> RawServer:
    def serve(conn: socket.socket) -> None:
        _read_request(conn)
        if location:
            head = f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n"
            conn.sendall(head.encode() + b"Connection: close\r\n\r\n")
            return
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
        conn.sendall(head.encode() + b"Connection: close\r\n\r\n" + body)

    return RawServer(host, serve, port)


@pytest.fixture
def servers() -> Iterator[list[RawServer]]:
    made: list[RawServer] = []
    yield made
    for s in made:
        s.close()


PUBLIC_PAGE = PAGE
SECRET_PAGE = PAGE.replace(b"Council Rejects Harbour Lease", b"INTERNAL SECRET Harbour Lease")
ONLY_127_0_0_1 = {"allow_networks": "127.0.0.1/32"}  # 127.0.0.1 plays the public internet, 127.0.0.2 the inside


def test_dns_rebinding_connects_to_the_checked_address(servers: list[RawServer]) -> None:
    outside = page_server("127.0.0.1", PUBLIC_PAGE)
    inside = page_server("127.0.0.2", SECRET_PAGE, port=outside.port)  # same port: only the address differs
    servers += [outside, inside]
    answers: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:  # public for the check, internal afterwards
        answers.append(host)
        return ["127.0.0.1"] if len(answers) == 1 else ["127.0.0.2"]

    a = read_url(f"http://news.example:{outside.port}/a", Options(extra=ONLY_127_0_0_1), resolver=rebinding)
    assert a.metadata.domain == "news.example"
    assert "Council Rejects Harbour Lease" in a.text and "SECRET" not in a.text
    assert answers == ["news.example"]  # resolved once
    assert outside.connections == 1 and inside.connections == 0


def test_dns_rebinding_to_loopback_after_a_public_answer(servers: list[RawServer]) -> None:
    loopback = page_server("127.0.0.1", SECRET_PAGE)
    servers.append(loopback)
    answers: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        answers.append(host)
        return ["93.184.216.34"] if len(answers) == 1 else ["127.0.0.1"]

    t0 = time.monotonic()
    with pytest.raises(FetchError) as err:  # no internet here: the public address cannot be reached
        fetch(f"http://news.example:{loopback.port}/", Options(fetch_timeout=2), resolver=rebinding)
    assert time.monotonic() - t0 < 3
    assert not isinstance(err.value, BlockedAddressError)
    assert answers == ["news.example"] and loopback.connections == 0


def test_every_address_of_a_dns_answer_is_checked(servers: list[RawServer]) -> None:
    outside = page_server("127.0.0.1", PUBLIC_PAGE)
    inside = page_server("127.0.0.2", SECRET_PAGE, port=outside.port)
    servers += [outside, inside]
    with pytest.raises(BlockedAddressError) as err:
        read_url(
            f"http://news.example:{outside.port}/",
            Options(extra=ONLY_127_0_0_1),
            resolver=lambda host, port: ["127.0.0.1", "127.0.0.2"],
        )
    assert "127.0.0" not in str(err.value)
    assert outside.connections == 0 and inside.connections == 0


def test_every_redirect_hop_is_checked(servers: list[RawServer]) -> None:
    inside = page_server("127.0.0.2", SECRET_PAGE)
    servers.append(inside)
    target = f"http://127.0.0.2:{inside.port}/secret"
    hop2 = page_server("127.0.0.1", b"", location=target)
    hop1 = page_server("127.0.0.1", b"", location=f"http://127.0.0.1:{hop2.port}/next")
    servers += [hop2, hop1]
    with pytest.raises(BlockedAddressError) as err:
        read_url(f"http://127.0.0.1:{hop1.port}/start", Options(extra=ONLY_127_0_0_1))
    assert "127.0.0.2" not in str(err.value)
    assert (hop1.connections, hop2.connections, inside.connections) == (1, 1, 0)


# ---------------------------------------------------------------------------- the total deadline


def drip_body(conn: socket.socket) -> None:
    """Headers at once, then one byte of a 1,000-byte body every second: each read succeeds."""
    _read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(1000):
        time.sleep(1)
        conn.sendall(b"x")


def drip_headers(conn: socket.socket) -> None:
    _read_request(conn)
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Slow: " + b"y" * 1000:
        time.sleep(1)
        conn.sendall(bytes([byte]))


def silent(conn: socket.socket) -> None:
    _read_request(conn)
    time.sleep(30)


@pytest.mark.parametrize("behaviour", [drip_body, drip_headers, silent], ids=["drip-body", "drip-headers", "silent"])
def test_slow_servers_are_cut_at_the_total_deadline(servers: list[RawServer], behaviour: object) -> None:
    server = RawServer("127.0.0.1", behaviour)  # type: ignore[arg-type]
    servers.append(server)
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        read_url(f"http://127.0.0.1:{server.port}/", Options(allow_private=True, fetch_timeout=2.5))
    elapsed = time.monotonic() - t0
    assert 2.4 < elapsed < 3.5, elapsed


def test_the_callers_deadline_and_cancel_event_end_a_fetch(servers: list[RawServer]) -> None:
    server = RawServer("127.0.0.1", drip_body)
    servers.append(server)
    url = f"http://127.0.0.1:{server.port}/"
    opts = Options(allow_private=True, fetch_timeout=60)
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(url, opts, deadline=time.monotonic() + 1.5)
    assert time.monotonic() - t0 < 2.5
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="cancelled"):
        fetch(url, opts, cancel=cancel)
    assert 0.9 < time.monotonic() - t0 < 1.8


# ---------------------------------------------------------------------------- TLS to the pinned address


def _self_signed(tmp_path: object, host: str) -> tuple[str, str]:
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    d = Path(str(tmp_path))
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={host}",
         "-addext", f"subjectAltName=DNS:{host}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return str(cert), str(key)


def test_tls_goes_to_the_checked_address_with_the_original_server_name(
    servers: list[RawServer], tmp_path: object
) -> None:
    import ssl

    cert, key = _self_signed(tmp_path, "news.example")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    names: list[str | None] = []
    ctx.sni_callback = lambda sock, name, context: names.append(name)  # type: ignore[assignment,misc,return-value]

    def serve(conn: socket.socket) -> None:
        with ctx.wrap_socket(conn, server_side=True) as tls:
            _read_request(tls)

    server = RawServer("127.0.0.1", serve)
    servers.append(server)
    with pytest.raises(FetchError) as err:  # the test certificate is not trusted: the client checked it
        fetch(f"https://news.example:{server.port}/", Options(extra=ONLY_127_0_0_1, fetch_timeout=5),
              resolver=lambda host, port: ["127.0.0.1"])
    assert "certificate" in str(err.value).lower()
    assert names == ["news.example"] and server.connections == 1  # SNI of the URL, socket to the pinned IP


def test_a_tls_server_that_never_finishes_the_handshake_is_cut_at_the_deadline(servers: list[RawServer]) -> None:
    server = RawServer("127.0.0.1", silent)  # accepts, reads the ClientHello, never answers
    servers.append(server)
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"https://127.0.0.1:{server.port}/", Options(allow_private=True, fetch_timeout=2))
    assert time.monotonic() - t0 < 3


def test_the_next_checked_address_is_tried_when_one_refuses(servers: list[RawServer]) -> None:
    server = page_server("127.0.0.1", PUBLIC_PAGE)
    servers.append(server)
    answers = lambda host, port: ["127.0.0.3", "127.0.0.1"]  # noqa: E731 - nothing listens on 127.0.0.3
    a = read_url(f"http://news.example:{server.port}/a", Options(extra={"allow_networks": "127.0.0.0/8"}),
                 resolver=answers)
    assert "Council Rejects Harbour Lease" in a.text and server.connections == 1
