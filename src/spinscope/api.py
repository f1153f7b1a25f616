"""``spinscope.analyze``: one article in one call, as fast as a reused Analyzer.

Each distinct ``Options`` value gets one Analyzer, built on first use and kept (at most ``MAX_ANALYZERS``,
least recently used dropped), so a loop of ``spinscope.analyze(...)`` loads the models once. Building
and looking up analyzers is guarded by a lock: threads may call ``analyze`` concurrently.

What a value means is explicit, so an untrusted string is never read as a file path:

- ``text=`` is the article's text (or an HTML page); ``path=`` is a file; ``url=`` alone is fetched;
  ``url=`` beside ``text=``/``path=`` only names the article's address (metadata, nothing is fetched).
- A positional argument: a ``pathlib.Path`` is a file, an ``Article`` is analysed as is, a ``str`` is the
  text, or a URL to fetch when it is one line starting with http:// or https://. A one-word ``str``
  ending in .txt/.html/.htm is refused with a hint (it is almost certainly a file name given as a str).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import fields
from pathlib import Path

from spinscope.analyzer import Analyzer
from spinscope.article import Article
from spinscope.config import Options
from spinscope.errors import InputError
from spinscope.report import Report

MAX_ANALYZERS = 4

_lock = threading.Lock()
_analyzers: OrderedDict[str, Analyzer] = OrderedDict()


def _options_key(options: Options) -> str:
    parts = []
    for f in fields(options):
        value = getattr(options, f.name)
        parts.append((f.name, sorted(value.items()) if isinstance(value, dict) else value))
    return repr(parts)


def default_analyzer(options: Options | None = None) -> Analyzer:
    """The shared Analyzer for ``options`` (built on first use; thread-safe)."""
    options = options or Options()
    key = _options_key(options)
    with _lock:
        analyzer = _analyzers.get(key)
        if analyzer is None:
            analyzer = Analyzer(options)
            _ = analyzer.detectors  # instantiate (and configure) the detectors here, under the lock
            _analyzers[key] = analyzer
            while len(_analyzers) > MAX_ANALYZERS:
                _analyzers.popitem(last=False)
        else:
            _analyzers.move_to_end(key)
        return analyzer


def clear_analyzers() -> None:
    """Drop the shared analyzers (and their models)."""
    with _lock:
        _analyzers.clear()


def _looks_like_file_name(text: str) -> bool:
    word = text.strip()
    return bool(word) and len(word.split()) == 1 and word.lower().endswith((".txt", ".html", ".htm"))


def _is_url(text: str) -> bool:
    line = text.strip()
    return "\n" not in line and " " not in line and line.lower().startswith(("http://", "https://"))


def analyze(
    source: str | Path | Article | None = None,
    /,
    options: Options | None = None,
    *,
    text: str | None = None,
    path: str | Path | None = None,
    url: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    date: str | None = None,
    id: str | None = None,
) -> Report:
    """Analyse one article (see the module docstring for what each argument means).

    >>> report = spinscope.analyze(text=article_text, outlet="bbc.co.uk", date="2024-05-01")
    >>> report = spinscope.analyze(path="article.txt")
    >>> report = spinscope.analyze(url="https://example.org/story")
    """
    from spinscope.ingest import article_from_html, article_from_text, read_file, read_url
    from spinscope.ingest.html import looks_like_html
    from spinscope.ingest.metadata import with_metadata

    given = [name for name, v in (("source", source), ("text", text), ("path", path)) if v is not None]
    if len(given) > 1:
        raise InputError(f"give one of source, text= and path=, not {' and '.join(given)}")
    if not given and url is None:
        raise InputError("give the article as text=, path=, url= (or a positional source)")
    if source is not None:
        if isinstance(source, Article | Path):
            pass
        elif _is_url(source) and url is None:
            url = source.strip()
            source = None
        elif _looks_like_file_name(source):
            raise InputError(
                f"{source!r} looks like a file name, but a str is the article's text; "
                "to read a file pass a pathlib.Path or path="
            )
        else:
            text = source
            source = None
    analyzer = default_analyzer(options)
    opts = analyzer.options
    if isinstance(source, Article):
        article = source
    elif isinstance(source, Path) or path is not None:
        article = read_file(Path(source if isinstance(source, Path) else str(path)), opts)
    elif text is not None:
        if looks_like_html(text):
            article = article_from_html(text, url=url, options=opts)
        else:
            article = article_from_text(text, title=title, options=opts)
    else:
        assert url is not None
        article = read_url(url, opts)
        url = None  # fetched: the page's own address stands
    article = with_metadata(article, url=url, outlet=outlet, date=date, id=id)
    return analyzer.analyze_article(article)
