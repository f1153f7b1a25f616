"""HTML to article: trafilatura finds the title, author, date and main text; comments and boilerplate are left out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spinscope.errors import InputError

_HTML_HINT = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|article|div|p)\b", re.I)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:5000]))


@dataclass(frozen=True)
class Extracted:
    title: str
    body: str
    author: str | None
    date: str | None
    url: str | None
    language: str | None


def extract_html(html: str, *, url: str | None = None, name: str = "input") -> Extracted:
    """Main text and metadata of an HTML page. Raises InputError when the page holds no article."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        favor_precision=True,
        deduplicate=True,
        with_metadata=True,
    )
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not body:
        # trafilatura may refuse very short pages with precision on; retry favouring recall.
        doc = trafilatura.bare_extraction(
            html, url=url, include_comments=False, include_tables=False, favor_recall=True, with_metadata=True
        )
        body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not body or len(body.split()) < 5:
        raise InputError(f"{name}: no article text found in the HTML page")
    title = (getattr(doc, "title", None) or "").strip()
    # trafilatura may repeat the title as the first line of the body
    first, _, rest = body.partition("\n")
    if title and first.strip() == title and rest.strip():
        body = rest.strip()
    return Extracted(
        title=" ".join(title.split()),
        body=body,
        author=getattr(doc, "author", None) or None,
        date=getattr(doc, "date", None) or None,
        url=getattr(doc, "url", None) or url,
        language=getattr(doc, "language", None) or None,
    )


def compose_text(title: str, body: str) -> str:
    """The news/PTC convention: headline on the first line, a blank line, then one paragraph per line."""
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    joined = "\n\n".join(paragraphs)
    return f"{title}\n\n{joined}\n" if title else f"{joined}\n"
