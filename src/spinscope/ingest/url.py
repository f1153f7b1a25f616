"""Fetch a URL safely: timeouts, a size cap, a redirect limit checked hop by hop, and refusal of
loopback, private, link-local and other non-public addresses unless explicitly allowed."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from spinscope.config import Options
from spinscope.errors import BlockedAddressError, FetchError


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


def _check_address(host: str, port: int, options: Options, resolve: dict[str, str]) -> str:
    """Resolve ``host``; refuse non-public addresses unless allowed. Returns the IP to connect to."""
    try:
        if host in resolve:
            addresses = [resolve[host]]
        else:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            addresses = [str(info[4][0]) for info in infos]
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc}") from None
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r}")
    if not options.allow_private:
        for addr in addresses:
            ip = ipaddress.ip_address(addr.split("%", 1)[0])
            if not ip.is_global or ip.is_multicast:
                raise BlockedAddressError(
                    f"refusing to fetch {host} ({ip}): a loopback, private or link-local address "
                    "(use --allow-private to allow it)"
                )
    return addresses[0]


def fetch(url: str, options: Options) -> Fetched:
    """GET ``url`` following at most ``options.max_redirects`` redirects, each hop checked."""
    current = url
    resolve = resolve_overrides(options)
    timeout = httpx.Timeout(options.fetch_timeout, connect=min(10.0, options.fetch_timeout))
    headers = {"User-Agent": options.user_agent, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}
    with httpx.Client(timeout=timeout, follow_redirects=False, headers=headers, trust_env=False) as client:
        for _ in range(options.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(f"not an http(s) URL: {current}")
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
            except ValueError:
                raise FetchError(f"bad port in URL: {current}") from None
            ip = _check_address(parts.hostname, port, options, resolve)
            request_url = current
            extra_headers: dict[str, str] = {}
            if parts.hostname in resolve:
                # connect to the given address, keep the original Host (like curl --resolve)
                netloc_ip = f"[{ip}]" if ":" in ip else ip
                request_url = parts._replace(netloc=f"{netloc_ip}:{port}").geturl()
                extra_headers["Host"] = parts.netloc
            try:
                with client.stream("GET", request_url, headers=extra_headers) as resp:
                    if resp.is_redirect:
                        location = resp.headers.get("location")
                        if not location:
                            raise FetchError(f"redirect without a Location from {current}")
                        current = urljoin(current, location)
                        continue
                    if resp.status_code >= 400:
                        raise FetchError(f"{current} answered HTTP {resp.status_code}")
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > options.max_bytes:
                        raise FetchError(f"{current} is larger than the {options.max_bytes} byte limit")
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > options.max_bytes:
                            raise FetchError(f"{current} is larger than the {options.max_bytes} byte limit")
                        chunks.append(chunk)
                    return Fetched(
                        url=current,
                        content=b"".join(chunks),
                        content_type=resp.headers.get("content-type", ""),
                        encoding=resp.charset_encoding,
                    )
            except httpx.TimeoutException:
                raise FetchError(f"timed out fetching {current}") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"cannot fetch {current}: {exc}") from None
    raise FetchError(f"too many redirects (more than {options.max_redirects}) from {url}")
