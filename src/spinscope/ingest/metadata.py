"""Metadata given beside an article (CLI flags, API fields, a folder's sidecar file): its URL, outlet,
publication date and id. Each value is checked here once, so every front end refuses the same bad values
with the same one-line message."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import urlsplit

from spinscope.article import Article, Metadata
from spinscope.errors import InputError


def check_date(value: str) -> str:
    """An ISO 8601 date (``2024-05-01``, ``2024-05``, or a date-time); returns it stripped."""
    text = value.strip()
    try:
        if len(text) == 7:  # a month
            dt.date.fromisoformat(text + "-01")
        else:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"date {value!r} is not an ISO 8601 date (YYYY-MM-DD)") from None
    return text


def check_url(value: str) -> str:
    text = value.strip()
    try:
        parts = urlsplit(text)
        _ = parts.port
    except ValueError:
        raise InputError(f"url {value!r} is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"url {value!r} is not an http(s) URL")
    return text


def outlet_domain(outlet: str) -> str | None:
    """The domain an ``outlet`` value names ("bbc.co.uk", "https://www.bbc.co.uk/"), or None for a name."""
    text = outlet.strip()
    if " " in text or "." not in text:
        return None
    host = urlsplit(text if "//" in text else f"//{text}").hostname
    return host.lower().removeprefix("www.") if host else None


def with_metadata(
    article: Article,
    *,
    url: str | None = None,
    outlet: str | None = None,
    date: str | None = None,
    id: str | None = None,
) -> Article:
    """``article`` with the given metadata set (values given here win over what ingest found).

    ``outlet`` is a domain or an outlet name: a domain sets ``metadata.domain`` (the outlet profile is
    looked up by it), a name sets ``metadata.source`` (looked up among the known outlet names)."""
    if not any(v is not None and str(v).strip() for v in (url, outlet, date, id)):
        return article
    m = article.metadata
    new_url = check_url(url) if url else m.url
    domain = m.domain
    source = m.source
    named_domain = outlet_domain(outlet) if outlet else None
    if named_domain:
        domain = named_domain
    elif url:
        domain = urlsplit(new_url or "").hostname or domain
    if outlet and outlet.strip() and not named_domain:
        source = outlet.strip()
    meta = Metadata(
        url=new_url,
        domain=domain,
        author=m.author,
        date=check_date(date) if date else m.date,
        language=m.language,
        source=source,
        input_kind=m.input_kind,
    )
    new_id = id.strip() if id and id.strip() else article.id
    return replace(article, metadata=meta, id=new_id)
