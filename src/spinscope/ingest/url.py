"""Fetch a URL safely: one total deadline, a size cap, a redirect limit, and an address guard that
checks the very address it connects to.

* **Total deadline.** ``Options.fetch_timeout`` (or the caller's own ``deadline``, a
  ``time.monotonic()`` instant) bounds the whole fetch: DNS, connect, TLS, headers and body, over every
  redirect hop. Every socket operation waits at most until the deadline, and a timer shuts the socket
  down when it passes, so a server that sends one byte every two seconds (or nothing at all) cannot
  keep a fetch alive. A ``cancel`` event stops a fetch within a quarter of a second.
* **Resolve once, connect to what was checked.** Each hop's host is resolved once; *every* address of
  the answer is checked, and the connection goes to those very addresses, in order (the URL keeps
  its host name, so the Host header and TLS SNI/certificate check are the original ones; the next checked
  address is tried when one refuses the connection). A DNS server
  that answers a public address for the check and 127.0.0.1 for the connection (DNS rebinding) gets
  nowhere: there is no second lookup.
* **Non-public addresses refused** unless ``Options.allow_private``: anything Python does not call
  global, multicast, and the IANA special-purpose blocks that embed or translate IPv4 (IPv4-mapped and
  IPv4-compatible IPv6, NAT64 ``64:ff9b::/96`` and ``64:ff9b:1::/48``, 6to4 ``2002::/16``, Teredo)
  or that Python counts as global (AS112, AMT, ...). ``Options.extra["allow_networks"]`` ("CIDR,CIDR")
  admits chosen networks only (an intranet, or tests). Error messages never name the internal address.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from spinscope.config import Options
from spinscope.errors import BlockedAddressError, FetchError

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Special-purpose blocks (IANA IPv4/IPv6 special-purpose address registries) that ``is_global`` lets
# through in some Python versions (3.11 calls 192.0.0.8, AS112, 6to4 and NAT64 global), or that carry or
# translate an IPv4 address a gateway may forward to. Shared address space (100.64.0.0/10) and multicast
# are left to ``is_global`` and ``is_multicast``, which catch them in every version.
_SPECIAL = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.31.196.0/24",  # AS112-v4
        "192.52.193.0/24",  # AMT
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.175.48.0/24",  # direct delegation AS112
        "198.18.0.0/15",  # benchmarking
        "240.0.0.0/4",  # reserved, and 255.255.255.255
        "::/96",  # unspecified, loopback and IPv4-compatible ::a.b.c.d
        "::ffff:0:0/96",  # IPv4-mapped
        "64:ff9b::/96",  # NAT64 well-known prefix
        "64:ff9b:1::/48",  # NAT64 local-use
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, Teredo 2001::/32 included
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
    )
)
_SLICE = 0.25  # seconds: how often a blocked socket operation looks at the deadline and the cancel event


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL after redirects
    content: bytes
    content_type: str
    encoding: str | None


def resolve_overrides(options: Options) -> dict[str, str]:
    """``Options.extra["resolve"]``: "host:ip,host2:ip2", like curl --resolve (for tests and odd DNS)."""
    items = options.extra.get("resolve", "").split(",")
    return dict(item.strip().split(":", 1) for item in items if ":" in item)


def allowed_networks(options: Options) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """``Options.extra["allow_networks"]``: comma-separated CIDR blocks admitted despite being non-public."""
    items = [i.strip() for i in options.extra.get("allow_networks", "").split(",") if i.strip()]
    try:
        return tuple(ipaddress.ip_network(i, strict=False) for i in items)
    except ValueError as exc:
        raise FetchError(f"bad allow_networks setting: {exc}") from None


def is_public(ip: IPAddress) -> bool:
    """True for an address a public web page may live at: global, not multicast, in no special block."""
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local:
        return False
    if any(ip in net for net in _SPECIAL if net.version == ip.version):
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.sixtofour is not None:
        return False  # already inside 2002::/16; kept explicit as it embeds an IPv4 address
    return True


def parse_ip(address: str) -> IPAddress:
    return ipaddress.ip_address(address.split("%", 1)[0])


def check_addresses(addresses: Iterable[str], options: Options, *, what: str) -> None:
    """Refuse if *any* address is non-public (and not in an allowed network). ``what`` names the
    target in the message (the host the user gave, or "a redirect"); the address itself is never shown."""
    if options.allow_private:
        return
    allowed = allowed_networks(options)
    for address in addresses:
        ip = parse_ip(address)
        if any(ip.version == net.version and ip in net for net in allowed):
            continue
        if not is_public(ip):
            raise BlockedAddressError(
                f"refusing to fetch {what}: it resolves to a loopback, private or otherwise non-public "
                "address (use --allow-private to allow it)"
            )


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _Deadline:
    """The fetch's end time and cancel event; hands out bounded waits for socket operations."""

    def __init__(self, end: float, cancel: threading.Event | None, url: str, total: float) -> None:
        self.end = end
        self.cancel = cancel
        self.url = url
        self.total = total

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise FetchError(f"fetching {self.url} was cancelled")
        if self.left() <= 0:
            raise FetchError(f"timed out fetching {self.url} (no complete answer within {self.total:g} s)")

    def wait(self, op_end: float | None) -> float:
        """How long the next blocking step may wait: at most a slice, never past the deadline."""
        self.check()
        now = time.monotonic()
        limit = self.end if op_end is None else min(self.end, op_end)
        if limit <= now:
            raise FetchError(f"timed out fetching {self.url} (the server stopped answering)")
        return max(0.001, min(_SLICE, limit - now))

    def run(self, fn: Callable[[], list[str]]) -> list[str]:
        """Run a call that cannot be interrupted (DNS lookup) in a helper thread, waiting until the deadline."""
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
                box["error"] = exc

        worker = threading.Thread(target=target, daemon=True, name="spinscope-resolve")
        worker.start()
        while worker.is_alive():
            worker.join(self.wait(None))
        if "error" in box:
            raise box["error"]
        return list(box["value"])


class _Stream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the deadline (or on cancel); a timer shuts the
    socket down at the deadline as a backstop for anything blocking inside the TLS library."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self.inner = inner
        self.deadline = deadline
        sock = inner.get_extra_info("socket")
        self.timer = threading.Timer(max(0.0, deadline.left()) + 0.05, _shutdown, (sock,))
        self.timer.daemon = True
        self.timer.start()

    def _loop(self, op: Callable[[float], Any], timeout: float | None, timeout_exc: type[Exception]) -> Any:
        op_end = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = self.deadline.wait(op_end)
            try:
                return op(wait)
            except timeout_exc:
                continue  # one slice passed: look at the deadline and the cancel event again
            except (httpcore.ReadError, httpcore.WriteError, httpcore.ConnectError):
                self.deadline.check()  # a socket shut down by the timer reads as a timeout
                raise

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._loop(lambda w: self.inner.read(max_bytes, w), timeout, httpcore.ReadTimeout)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # a write (one small request) rarely blocks; bound it by the time left
        self.deadline.check()
        left = self.deadline.left() if timeout is None else min(timeout, self.deadline.left())
        try:
            self.inner.write(buffer, max(0.001, left))
        except (httpcore.WriteTimeout, httpcore.WriteError):
            self.deadline.check()
            raise

    def close(self) -> None:
        self.timer.cancel()
        self.inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        self.deadline.check()
        left = self.deadline.left() if timeout is None else min(timeout, self.deadline.left())
        try:
            tls = self.inner.start_tls(ssl_context, server_hostname, max(0.001, left))
        except (httpcore.ConnectTimeout, httpcore.ConnectError):
            self.deadline.check()  # the handshake was cut by the deadline timer
            raise
        self.timer.cancel()
        return _Stream(tls, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


def _shutdown(sock: socket.socket | None) -> None:
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the already-checked addresses (in the resolver's order, the next one when a connection
    is refused or unreachable), whatever host name the URL carries."""

    def __init__(self, ips: list[str], deadline: _Deadline) -> None:
        self.ips = ips
        self.deadline = deadline
        self.sync = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        for ip in self.ips:
            self.deadline.check()
            left = self.deadline.left() if timeout is None else min(timeout, self.deadline.left())
            try:
                inner = self.sync.connect_tcp(ip, port, max(0.001, left), local_address, socket_options)
            except (httpcore.ConnectTimeout, httpcore.ConnectError) as exc:
                error = exc
                continue
            return _Stream(inner, self.deadline)
        self.deadline.check()
        assert error is not None  # noqa: S101 - ips is never empty
        raise error


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool built on ``_PinnedBackend`` (httpx takes no backend
    argument; its pool is the ``_pool`` attribute, a plain httpcore.ConnectionPool)."""

    def __init__(self, backend: _PinnedBackend) -> None:
        super().__init__(trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=1,
            network_backend=backend,
        )


def fetch(
    url: str,
    options: Options,
    *,
    deadline: float | None = None,
    cancel: threading.Event | None = None,
    resolver: Resolver | None = None,
) -> Fetched:
    """GET ``url`` following at most ``options.max_redirects`` redirects, each hop resolved once and
    checked. ``deadline`` (a ``time.monotonic()`` instant; default now + ``options.fetch_timeout``) ends
    the whole fetch; ``cancel`` stops it early; ``resolver(host, port) -> [ip, ...]`` replaces DNS."""
    now = time.monotonic()
    end = now + options.fetch_timeout if deadline is None else deadline
    clock = _Deadline(end, cancel, url, max(0.0, end - now))
    overrides = resolve_overrides(options)
    resolve = resolver or system_resolver
    headers = {"User-Agent": options.user_agent, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}
    current = url
    for hop in range(options.max_redirects + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not an http(s) URL: {current}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchError(f"bad port in URL: {current}") from None
        host = parts.hostname
        what = host if hop == 0 else f"the redirect target of {url}"  # the server chose it: not echoed
        ips = _resolve_and_check(host, port, options, overrides, resolve, clock, what)
        clock.url = current
        transport = _PinnedTransport(_PinnedBackend(ips, clock))
        with httpx.Client(
            transport=transport, timeout=None, follow_redirects=False, headers=headers, trust_env=False
        ) as client:
            try:
                with client.stream("GET", current) as resp:
                    if resp.is_redirect:
                        location = resp.headers.get("location")
                        if not location:
                            raise FetchError(f"redirect without a Location from {current}")
                        current = urljoin(current, location)
                        continue
                    return _read_body(resp, current, options, clock)
            except httpx.TimeoutException:
                clock.check()
                raise FetchError(f"timed out fetching {current}") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"cannot fetch {current}: {exc}") from None
    raise FetchError(f"too many redirects (more than {options.max_redirects}) from {url}")


def _resolve_and_check(
    host: str,
    port: int,
    options: Options,
    overrides: dict[str, str],
    resolve: Resolver,
    clock: _Deadline,
    what: str,
) -> list[str]:
    """The addresses this hop may connect to: the whole answer, once every address passed the guard."""
    try:
        literal = parse_ip(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    elif host in overrides:
        addresses = [overrides[host]]
    else:
        try:
            addresses = clock.run(lambda: resolve(host, port))
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot resolve host {host!r}: {exc}") from None
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r}")
    try:
        check_addresses(addresses, options, what=what)
    except ValueError:
        raise FetchError(f"cannot resolve host {host!r}: not an IP address in the answer") from None
    return addresses


def _read_body(resp: httpx.Response, url: str, options: Options, clock: _Deadline) -> Fetched:
    if resp.status_code >= 400:
        raise FetchError(f"{url} answered HTTP {resp.status_code}")
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > options.max_bytes:
        raise FetchError(f"{url} is larger than the {options.max_bytes} byte limit")
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_bytes():
        clock.check()
        size += len(chunk)
        if size > options.max_bytes:
            raise FetchError(f"{url} is larger than the {options.max_bytes} byte limit")
        chunks.append(chunk)
    clock.check()
    return Fetched(
        url=url,
        content=b"".join(chunks),
        content_type=resp.headers.get("content-type", ""),
        encoding=resp.charset_encoding,
    )
