"""Standalone HTML report: one self-contained file (no external resources) in the web page's order and
marks. The headline, a summary and the legend (with a toggle per technique) come first; then the article
with highlights (the technique's colour, underline pattern and letter, as on the web page) beside the
checks (headline, outlet, sources, quotes, claims, notes); then every finding with its reasons, for
reading and printing (print styles keep the colours and drop the controls).

Safety: every piece of article text goes through ``html.escape``; the embedded JSON escapes ``<``, ``>``
and ``&``; a Content-Security-Policy allows only this file's own script (by hash) and styles. Without the
script the report still reads (highlights, letters, legend, findings); the script adds the explanation
box and the toggles.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib import resources
from typing import Any

from spinscope.render.common import (
    CLAIMS_HELP,
    QUOTE_MARKS,
    count_noun,
    headline_lines,
    layers,
    mark_of,
    outlet_profile,
    reasons,
    segments,
    summary_line,
    technique_counts,
    top_techniques,
    unquote,
)
from spinscope.report import Report
from spinscope.spans import Span


def _asset(name: str) -> str:
    return resources.files("spinscope").joinpath(f"resources/html/{name}").read_text("utf-8")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _safe_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _article_html(report: Report, spans: list[Span]) -> str:
    """The article as the web page draws it: each piece covered by spans is one <mark> painted with its
    innermost span's technique; only a piece where a span starts carries letters and a tab stop."""
    out: list[str] = []
    for seg in segments(report, spans):
        piece = _e(report.text[seg.start : seg.end])
        if seg.excluded:
            out.append(f'<span class="excluded" title="page clutter, not analysed: {_e(seg.excluded)}">{piece}</span>')
            continue
        if not seg.spans:
            out.append(piece)
            continue
        inner = min(seg.spans, key=lambda i: (spans[i].end - spans[i].start, -spans[i].score))
        m = mark_of(spans[inner].technique)
        starting = [i for i in seg.spans if spans[i].start == seg.start]
        attrs = [f'class="hl pat-{m.pattern}{" multi" if len(seg.spans) > 1 else ""}"', f'style="--c:{_e(m.colour)}"']
        attrs.append(f'data-s="{" ".join(map(str, seg.spans))}" data-at="{seg.start}"')
        if starting:
            letters = "".join(dict.fromkeys(mark_of(spans[i].technique).letter for i in starting))
            names = ", ".join(f"{mark_of(spans[i].technique).title} {spans[i].score:.0%}" for i in starting)
            attrs += [f'data-letters="{_e(letters)}"', 'tabindex="0"', 'role="button"']
            attrs.append(f'aria-label="{piece} (highlight: {_e(names)})"')
        out.append(f"<mark {' '.join(attrs)}>{piece}</mark>")
    return "".join(out)


def _legend(report: Report) -> str:
    counts = technique_counts(report)
    if not counts:
        return '<section class="legend"><h2>Techniques found</h2><p class="muted">No techniques were found.</p>' + (
            "</section>"
        )
    items = []
    for label, n, mean in counts:
        m = mark_of(label)
        items.append(
            f'<li><label><input type="checkbox" checked data-technique="{_e(label)}"> '
            f'<span class="swatch pat-{m.pattern}" style="--c:{_e(m.colour)}" aria-hidden="true">{_e(m.letter)}</span> '
            f'<b>{_e(m.title)}</b> <span class="count">{count_noun(n, "span")}, mean score {mean:.2f}</span></label>'
            f'<span class="definition">{_e(m.definition)}</span></li>'
        )
    return (
        '<section class="legend" aria-labelledby="legend-h"><h2 id="legend-h">Techniques found</h2>'
        '<p class="help">Each highlight has its technique\'s colour, underline pattern and letter. Untick a technique '
        "to hide it; select a highlight (click, or Tab to it and press Enter) for the reasons.</p>"
        f'<ul class="legend-items">{"".join(items)}</ul>'
        '<p class="legend-actions"><button type="button" id="show-all">Show all</button> '
        '<button type="button" id="hide-all">Hide all</button></p></section>'
    )


def _panel(key: str, title: str, body: str) -> str:
    return f'<section class="panel" id="panel-{key}"><h3>{_e(title)}</h3>{body}</section>'


def _empty(text: str) -> str:
    return f'<p class="muted empty">{_e(text)}</p>'


def _headline_panel(report: Report) -> str:
    lines = headline_lines(report)
    if not lines:
        return _panel("headline", "Headline check", _empty("The headline check did not run."))
    return _panel("headline", "Headline check", "<ul>" + "".join(f"<li>{_e(x.strip())}</li>" for x in lines) + "</ul>")


def _outlet_panel(report: Report) -> str:
    profile = outlet_profile(report)
    if profile is None:
        return ""
    if not profile:
        return _panel(
            "outlet", "Outlet", _empty("unknown (no domain or URL): the text was given without a link or an outlet.")
        )
    from spinscope.outlets import card_rows

    rows = "".join(
        f"<tr><th scope='row'>{_e(label)}</th><td{' class=unrated' if value.startswith('unrated') else ''}>"
        f"{_e(value)}</td></tr>"
        for label, value in card_rows(profile)
    )
    return _panel("outlet", "Outlet", f"<table>{rows}</table>")


def _sources_panel(report: Report) -> str:
    if not report.sources:
        return _panel("sources", "Sources", _empty("No one is quoted or cited as a source in the analysed text."))
    items = "".join(
        f"<li><b>{_e(s.get('name', ''))}</b> <span class='kind'>{_e(s.get('kind', ''))}"
        f"{', anonymous' if s.get('anonymous') and s.get('kind') != 'anonymous' else ''}</span> "
        f"<span class='muted'>{count_noun(len(s.get('mentions', [])), 'mention')}</span></li>"
        for s in report.sources
    )
    anon = sum(1 for s in report.sources if s.get("anonymous"))
    note = f"{anon} of {len(report.sources)} sources are anonymous." if anon else "No anonymous sources."
    return _panel("sources", "Sources", f"<p class='help'>{note}</p><ul class='items'>{items}</ul>")


def _quotes_panel(report: Report) -> str:
    speech = [q for q in report.quotes if q.get("kind") == "speech"]
    if not speech:
        return _panel("quotes", "Quotes", _empty("No quoted statements in the analysed text."))
    items = "".join(
        f"<li><blockquote>{_e(unquote(str(q.get('text', ''))))}</blockquote>"
        f"<div>— {_e((q.get('speaker') or {}).get('name') or 'speaker unknown')}</div></li>"
        for q in speech
    )
    return _panel("quotes", "Quotes", f"<ul class='items'>{items}</ul>")


def _claims_panel(report: Report) -> str:
    if not report.claims:
        return _panel("claims", "Claims to check", _empty("No sentence reads as a checkable factual claim."))
    items = "".join(
        f"<li><blockquote>{_e(report.text[c['start'] : c['end']])}</blockquote>"
        f"<div class='muted'>#{_e(c.get('rank', ''))} · chosen by fact-checkers {float(c.get('score', 0)):.0%}"
        "</div></li>"
        for c in report.claims[:15]
    )
    body = f"<p class='help'>{_e(CLAIMS_HELP)}</p><ul class='items'>{items}</ul>"
    return _panel("claims", "Claims to check", body)


def _notes_panel(report: Report) -> str:
    if not report.warnings:
        return ""
    return _panel("warnings", "Notes", "<ul>" + "".join(f"<li>{_e(w)}</li>" for w in report.warnings) + "</ul>")


def _findings(report: Report, spans: list[Span]) -> str:
    if not spans:
        return ""
    rows = []
    for i, s in enumerate(spans):
        m = mark_of(s.technique)
        why = "".join(f"<li>{_e(r)}</li>" for r in reasons(s))
        quoted = _e(report.text[s.start : s.end].strip(QUOTE_MARKS + " "))
        rows.append(
            f'<li data-i="{i}" data-technique="{_e(s.technique)}"><span class="swatch pat-{m.pattern}" '
            f'style="--c:{_e(m.colour)}" aria-hidden="true">{_e(m.letter)}</span> <b>{_e(m.title)}</b> '
            f'<span class="muted">{s.score:.2f} · {s.start}–{s.end} · {_e(layers(s))}</span> <q>{quoted}</q>'
            f"<ul>{why}</ul></li>"
        )
    return f'<section class="findings"><h2>Findings ({len(spans)})</h2><ol>{"".join(rows)}</ol></section>'


def render_html(report: Report) -> str:
    """A standalone HTML page for ``report``."""
    spans = report.spans_sorted()
    marks = {s.technique: mark_of(s.technique) for s in spans}
    payload = {
        "spans": [
            {"technique": s.technique, "score": s.score, "start": s.start, "end": s.end, "reasons": reasons(s),
             "layers": layers(s)}
            for s in spans
        ],
        "techniques": {
            name: {"title": m.title, "letter": m.letter, "colour": m.colour, "pattern": m.pattern,
                   "definition": m.definition}
            for name, m in marks.items()
        },
    }
    js, css = _asset("report.js"), _asset("report.css")
    script_hash = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:"
    meta = report.metadata
    meta_bits = [f"{label}: {_e(meta[k])}" for k, label in (("source", "outlet"), ("url", "link"), ("domain", "domain"),
                                                             ("author", "by"), ("date", "published")) if meta.get(k)]
    top = top_techniques(report)
    panels = "".join(
        (_headline_panel(report), _outlet_panel(report), _sources_panel(report), _quotes_panel(report),
         _claims_panel(report), _notes_panel(report))
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>spinscope: {_e(report.title or report.id)}</title><style>{css}</style></head>
<body><header><p class="meta">spinscope report · {_e(report.id)}{" · " + " · ".join(meta_bits) if meta_bits else ""}</p>
<h1>{_e(report.title or "(untitled)")}</h1><p class="summary">{_e(summary_line(report))}</p>
{f'<p class="summary">{_e(top)}</p>' if top else ""}</header>
{_legend(report)}
<div class="layout"><main><h2 id="article-h">The article</h2>
<p class="help">Highlighted: persuasion techniques (the letters match the legend). Struck through: page clutter that
was not analysed. spinscope highlights and explains; you decide.</p>
<div class="article" role="region" aria-labelledby="article-h">{_article_html(report, spans)}</div></main>
<aside aria-label="Explanations and checks"><section class="panel" id="explain" aria-live="polite"><h3>Explanation</h3>
<p class="muted">Select a highlight to see the technique's definition, the score and why it was marked.</p></section>
{panels}</aside></div>
{_findings(report, spans)}
<script type="application/json" id="spinscope-report">{_safe_json(payload)}</script>
<script>{js}</script>
</body></html>
"""
