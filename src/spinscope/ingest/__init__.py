"""Anything to Article: plain text, HTML, files, stdin, URLs and corpus records.

Stages (each a plain function):
1. bytes -> text (``decode.decode_bytes``: binary refused, encoding detected, mojibake repaired);
2. HTML -> title + main text (``html.extract_html``, trafilatura without comments or boilerplate);
3. text -> paragraphs (one per line) -> excluded clutter regions (``clutter.find_clutter``) -> sentences;
4. language guess; metadata (url, domain, author, date) attached.
The text handed to the Article is never changed afterwards; everything else is offsets into it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from spinscope.article import Article, Metadata, content_id
from spinscope.config import Options
from spinscope.errors import InputError
from spinscope.ingest.clutter import find_clutter
from spinscope.ingest.corpus import Record, iter_records, not_a_file
from spinscope.ingest.decode import decode_bytes
from spinscope.ingest.html import compose_text, extract_html, looks_like_html
from spinscope.ingest.language import guess_language
from spinscope.ingest.segment import paragraphs as split_paragraphs
from spinscope.ingest.segment import sentences as split_sentences
from spinscope.spans import Region

__all__ = [
    "Record",
    "article_from_html",
    "article_from_record",
    "article_from_text",
    "file_bytes",
    "iter_records",
    "read_file",
    "read_source",
    "read_url",
]

_LANGUAGE_NAMES = {
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "xx": "a non-Latin script",
}


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname
    return host.lower().rstrip(".") if host else None


def repair_surrogates(text: str) -> tuple[str, int]:
    """``text`` with surrogate pairs joined and unpaired surrogates (from JSON like ``"\\ud800"``, which no
    encoder, tokenizer or renderer accepts) replaced by U+FFFD; returns (text, replacements)."""
    try:
        text.encode("utf-8")
        return text, 0
    except UnicodeEncodeError:
        pass
    fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed, fixed.count("\ufffd") - text.count("\ufffd")


def article_from_text(
    text: str,
    *,
    id: str | None = None,
    title: str | None = None,
    metadata: Metadata | None = None,
    warnings: list[str] | tuple[str, ...] = (),
    options: Options | None = None,
) -> Article:
    """An Article from plain text: the first line is the headline (news/PTC convention) unless
    ``title`` is given, in which case the text is composed as ``title``, a blank line, the body."""
    options = options or Options()
    warns = list(warnings)
    if "\x00" in text:
        raise InputError("input contains NUL characters: not a text article")
    if title is not None and title.strip():
        text = compose_text(" ".join(title.split()), text)
    if not text.strip():
        raise InputError("input is empty")
    if len(text.encode("utf-8", "surrogatepass")) > options.max_bytes:
        raise InputError(f"input is larger than the {options.max_bytes} byte limit")
    if len(text) > options.max_chars:
        raise InputError(
            f"the article is {len(text):,} characters long, over the {options.max_chars:,}-character limit "
            "(the analysis of one article must fit its time budget): split it into articles"
        )
    paras = split_paragraphs(text)
    title_region: Region | None = None
    if len(paras) > 1 and len(text[paras[0].start : paras[0].end].split()) <= 40:
        title_region = paras[0]
    excluded = find_clutter(text, paras, skip=title_region)
    sents = split_sentences(text, paras)
    meta = metadata or Metadata()
    language = meta.language or guess_language(text)
    if language not in (None, "en"):
        lang_name = _LANGUAGE_NAMES.get(language, language)
        if options.require_english:
            raise InputError(f"the article appears to be in {lang_name}, not English; spinscope analyses English")
        warns.append(f"the article appears to be in {lang_name}; the analysis is made for English")
    if language is None:
        warns.append("could not tell the article's language; assuming English")
    meta = Metadata(
        url=meta.url,
        domain=meta.domain or domain_of(meta.url),
        author=meta.author,
        date=meta.date,
        language=language or "en",
        source=meta.source,
        input_kind=meta.input_kind,
    )
    article = Article(
        id=id or content_id(text),
        text=text,
        title=text[title_region.start : title_region.end] if title_region else "",
        title_region=title_region,
        paragraphs=tuple(paras),
        sentences=tuple(sents),
        excluded=tuple(excluded),
        metadata=meta,
        warnings=tuple(warns),
    )
    if article.word_count() - len(article.title.split()) < 3:
        raise InputError("no article text left to analyse (input is empty or only page clutter)")
    return article


def article_from_html(
    html: str,
    *,
    url: str | None = None,
    id: str | None = None,
    warnings: list[str] | tuple[str, ...] = (),
    options: Options | None = None,
    name: str = "input",
    input_kind: str = "html",
) -> Article:
    ex = extract_html(html, url=url, name=name)
    meta = Metadata(url=ex.url or url, author=ex.author, date=ex.date, language=None, input_kind=input_kind)
    return article_from_text(ex.body, id=id, title=ex.title or None, metadata=meta, warnings=warnings, options=options)


def _article_from_bytes(
    data: bytes,
    *,
    name: str,
    url: str | None,
    id: str | None,
    options: Options,
    html_hint: bool = False,
    input_kind: str = "text",
) -> Article:
    text, warns = decode_bytes(data, name=name)
    if html_hint or looks_like_html(text):
        return article_from_html(
            text,
            url=url,
            id=id,
            warnings=warns,
            options=options,
            name=name,
            input_kind="url" if input_kind == "url" else "html",
        )
    meta = Metadata(url=url, input_kind=input_kind)
    return article_from_text(text, id=id, metadata=meta, warnings=warns, options=options)


def file_bytes(path: str | Path, options: Options | None = None) -> bytes:
    """The bytes of an article file: a regular file (a FIFO or a device would block or never end) within
    ``options.max_bytes`` (checked before and while reading: the file may grow)."""
    options = options or Options()
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p} is a directory (use `spinscope batch` for a corpus)")
    reason = not_a_file(p)
    if reason:
        raise InputError(reason)
    size = p.stat().st_size
    limit = f"over the {options.max_bytes / 1e6:.1f} MB limit"
    if size > options.max_bytes:
        raise InputError(f"{p} is {size / 1e6:.1f} MB, {limit}")
    with p.open("rb") as f:
        data = f.read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        raise InputError(f"{p} is {limit}")
    return data


def read_file(path: str | Path, options: Options | None = None, *, id: str | None = None) -> Article:
    options = options or Options()
    p = Path(path)
    data = file_bytes(p, options)
    return _article_from_bytes(
        data, name=p.name, url=None, id=id or p.stem, options=options, html_hint=p.suffix.lower() in (".html", ".htm")
    )


def read_url(
    url: str,
    options: Options | None = None,
    *,
    id: str | None = None,
    deadline: float | None = None,
    cancel: threading.Event | None = None,
    resolver: Callable[[str, int], list[str]] | None = None,
) -> Article:
    """Fetch and read ``url`` (see ``ingest.url.fetch``: ``deadline`` is a ``time.monotonic()`` instant
    ending the whole fetch, default now + ``options.fetch_timeout``; ``cancel`` stops it early)."""
    from spinscope.ingest.url import fetch

    options = options or Options()
    fetched = fetch(url, options, deadline=deadline, cancel=cancel, resolver=resolver)
    is_html = "html" in fetched.content_type or looks_like_html(fetched.content[:5000].decode("latin-1"))
    return _article_from_bytes(
        fetched.content, name=fetched.url, url=fetched.url, id=id, options=options, html_hint=is_html, input_kind="url"
    )


def read_stdin(options: Options | None = None) -> Article:
    options = options or Options()
    data = sys.stdin.buffer.read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        raise InputError(f"standard input is over the {options.max_bytes / 1e6:.1f} MB limit")
    return _article_from_bytes(data, name="standard input", url=None, id=None, options=options)


def read_source(source: str | Path, options: Options | None = None) -> Article:
    """Read a path, a URL (http/https), '-' (stdin) or, for any other string, the article text itself."""
    options = options or Options()
    if isinstance(source, Path):
        return read_file(source, options)
    if source == "-":
        return read_stdin(options)
    if source.startswith(("http://", "https://")) and "\n" not in source.strip():
        return read_url(source.strip(), options)
    if (
        "\n" not in source
        and len(source) < 4096
        and (Path(source).exists() or source.endswith((".txt", ".html", ".htm")))
    ):
        return read_file(source, options)
    if looks_like_html(source):
        return article_from_html(source, options=options)
    return article_from_text(source, options=options)


def article_from_record(record: Record, options: Options | None = None) -> Article:
    """The Article of a corpus record (raises InputError when the record cannot be analysed)."""
    options = options or Options()
    if record.error:
        raise InputError(record.error)
    if record.data is not None:  # a file's bytes, sent by the coordinator (the path may not exist here)
        name = Path(record.path or record.id).name
        article = _article_from_bytes(
            record.data,
            name=name,
            url=record.url,
            id=record.id,
            options=options,
            html_hint=name.lower().endswith((".html", ".htm")),
        )
    elif record.path:
        article = read_file(record.path, options, id=record.id)
    else:  # the batch door: a JSON record may carry unpaired surrogates ("\\ud800"); no detector gets them
        text, lone = repair_surrogates(record.text)
        title, lone_title = repair_surrogates(record.title) if record.title else (record.title, 0)
        warns = []
        if lone + lone_title:
            warns.append(f"replaced {lone + lone_title} unpaired surrogate code point(s) (not encodable) with U+FFFD")
        if looks_like_html(text):
            article = article_from_html(text, url=record.url, id=record.id, options=options, warnings=warns)
        else:
            meta = Metadata(url=record.url, date=record.date, source=record.source, input_kind="corpus")
            article = article_from_text(text, id=record.id, title=title, metadata=meta, warnings=warns, options=options)
    if record.source or record.date or record.url:
        m = article.metadata
        meta = Metadata(
            url=m.url or record.url,
            domain=m.domain or domain_of(record.url),
            author=m.author,
            date=m.date or record.date,
            language=m.language,
            source=record.source or m.source,
            input_kind="corpus",
        )
        from dataclasses import replace

        article = replace(article, metadata=meta)
    return article
