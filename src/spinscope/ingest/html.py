"""HTML to article: trafilatura finds the title, author, date and main text; comments and boilerplate are left out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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


# Elements whose end tag is optional or absent: left out of the nesting depth count.
_NO_DEPTH = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th thead tbody tfoot option optgroup rb rt rp colgroup caption".split()
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*?(/?)>")
MAX_DEPTH = 1000  # libxml2 keeps 256 levels (2048 with huge_tree); deeper wrappers are dropped, text kept


def flatten_deep(html: str, limit: int = MAX_DEPTH) -> str:
    """``html`` with the start and end tags nested deeper than ``limit`` removed (their text stays):
    the HTML parser silently drops everything below its depth limit. One linear pass; a page that
    stays within the limit is returned as it is."""
    depth = 0
    dropped: dict[str, int] = {}
    pieces: list[str] = []
    last = 0
    changed = False
    for m in _TAG.finditer(html):
        closing, tag, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if tag in _NO_DEPTH or self_closing:
            continue
        if not closing:
            if depth >= limit:
                dropped[tag] = dropped.get(tag, 0) + 1
                pieces.append(html[last : m.start()])
                last = m.end()
                changed = True
                continue
            depth += 1
        elif dropped.get(tag):
            dropped[tag] -= 1
            pieces.append(html[last : m.start()])
            last = m.end()
        else:
            depth = max(0, depth - 1)
    if not changed:
        return html
    pieces.append(html[last:])
    return "".join(pieces)


def parse_html(html: str) -> Any:
    """An lxml tree of ``html`` that keeps deep nesting (``huge_tree``: 2048 levels, and ``flatten_deep``
    beyond ``MAX_DEPTH``), so text below 255 nested elements is not dropped."""
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True)
    return lxml.html.document_fromstring(flatten_deep(html), parser=parser)


def extract_html(html: str, *, url: str | None = None, name: str = "input") -> Extracted:
    """Main text and metadata of an HTML page. Raises InputError when the page holds no article."""
    import trafilatura
    from lxml.etree import ParserError

    try:
        tree = parse_html(html)
    except (ParserError, ValueError):
        raise InputError(f"{name}: no article text found in the HTML page") from None
    doc = trafilatura.bare_extraction(
        tree,
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
            parse_html(html),
            url=url,
            include_comments=False,
            include_tables=False,
            favor_recall=True,
            with_metadata=True,
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
