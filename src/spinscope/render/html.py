"""Standalone HTML report: one self-contained file (no external resources) with highlighted spans,
click/hover/keyboard explanations, technique definitions, the report's panels and a summary.

Safety: every piece of article text goes through ``html.escape``; the embedded report JSON escapes
``<``, ``>`` and ``&``; a Content-Security-Policy allows only this file's own script (by hash) and styles.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib import resources
from typing import Any

from spinscope.render.common import outlet_profile, segments, summary_line, technique_counts
from spinscope.report import Report
from spinscope.techniques import catalogue


def _asset(name: str) -> str:
    return resources.files("spinscope").joinpath(f"resources/html/{name}").read_text("utf-8")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _safe_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _article_html(report: Report) -> str:
    spans = report.spans_sorted()
    cat = catalogue()
    out: list[str] = []
    for seg in segments(report, spans):
        piece = _e(report.text[seg.start : seg.end])
        if seg.excluded:
            out.append(f'<span class="excl" title="page clutter, not analysed: {_e(seg.excluded)}">{piece}</span>')
        elif seg.spans:
            top = max(seg.spans, key=lambda i: spans[i].score)
            tech = cat.get(spans[top].technique)
            colour = tech.colour if tech else "#999"
            starting = [spans[i].technique for i in seg.spans if spans[i].start == seg.start]
            badges = "".join(f"<sup>{_e((cat[t].short if t in cat else t)[:3])}</sup>" for t in starting)
            labels = ", ".join(sorted({spans[i].technique for i in seg.spans}))
            cls = "sp multi" if len(seg.spans) > 1 else "sp"
            ids = " ".join(str(i) for i in seg.spans)
            out.append(
                f'<span class="{cls}" style="--c:{_e(colour)}" tabindex="0" role="button" '
                f'aria-label="{_e(labels)}" data-s="{ids}">{badges}{piece}</span>'
            )
        else:
            out.append(piece)
    return "".join(out)


def _legend(report: Report) -> str:
    cat = catalogue()
    rows = []
    for label, n, mean in technique_counts(report):
        t = cat.get(label)
        colour = t.colour if t else "#999"
        short = (t.short if t else label)[:3]
        rows.append(
            f'<tr><td><span class="sw" style="--c:{_e(colour)}">{_e(short)}</span></td><td>{_e(label)}</td>'
            f"<td>{n}</td><td>{mean:.2f}</td><td>{_e(t.definition if t else '')}</td></tr>"
        )
    if not rows:
        return "<p>No technique spans found.</p>"
    return (
        "<table><caption>Techniques found</caption><tr><th>mark</th><th>technique</th><th>spans</th>"
        "<th>mean score</th><th>definition</th></tr>" + "".join(rows) + "</table>"
    )


def _speaker(quote: dict[str, Any]) -> str:
    return str((quote.get("speaker") or {}).get("name") or "(unknown)")


def _panels(report: Report) -> str:
    parts: list[str] = []
    h = report.headline
    if h:
        items = []
        cb = h.get("clickbait") or {}
        if "probability" in cb:
            cues = ", ".join(_e(c.get("cue", "")) for c in cb.get("cues", []))
            cue_note = f" (cues: {cues})" if cues else ""
            items.append(f"<li>Clickbait probability {float(cb['probability']):.0%}{cue_note}</li>")
        st = h.get("stance") or {}
        if st.get("label"):
            items.append(f"<li>Body vs headline: <b>{_e(st['label'])}</b></li>")
        for ev in st.get("evidence", [])[:3]:
            items.append(f"<li>{_e(ev.get('role', ''))}: <q>{_e(report.text[ev['start'] : ev['end']])}</q></li>")
        un = ", ".join(_e(u.get("term", "")) for u in h.get("unsupported_terms", []))
        if un:
            items.append(f"<li>Headline terms the body never supports: {un}</li>")
        if items:
            parts.append(f'<section class="panel"><h2>Headline check</h2><ul>{"".join(items)}</ul></section>')
    profile = outlet_profile(report)
    if profile is not None:
        from spinscope.outlets import card_rows

        rows = "".join(
            f"<tr><th scope='row'>{_e(label)}</th><td{' class=unrated' if value.startswith('unrated') else ''}>"
            f"{_e(value)}</td></tr>"
            for label, value in card_rows(profile)
        )
        parts.append(f'<section class="panel"><h2>Outlet</h2><table>{rows}</table></section>')
    speech = [q for q in report.quotes if q.get("kind") == "speech"]
    if speech:
        rows = "".join(f"<tr><td>{_e(_speaker(q))}</td><td>{_e(q.get('text', ''))}</td></tr>" for q in speech)
        parts.append(
            '<section class="panel"><h2>Quotes</h2><table><tr><th>speaker</th><th>quote</th></tr>'
            f"{rows}</table></section>"
        )
    if report.sources:
        rows = "".join(
            f"<tr><td>{_e(s.get('name', ''))}</td><td>{_e(s.get('kind', ''))}</td>"
            f"<td>{'anonymous' if s.get('anonymous') else 'named'}</td><td>{len(s.get('mentions', []))}</td></tr>"
            for s in report.sources
        )
        parts.append(
            '<section class="panel"><h2>Sources</h2><table><tr><th>source</th><th>kind</th><th></th>'
            f"<th>mentions</th></tr>{rows}</table></section>"
        )
    if report.claims:
        rows = "".join(
            f"<tr><td>{c.get('rank', '')}</td><td>{float(c.get('score', 0)):.2f}</td>"
            f"<td>{_e(report.text[c['start'] : c['end']])}</td></tr>"
            for c in report.claims[:15]
        )
        parts.append(
            '<section class="panel"><h2>Claims worth checking</h2><table><tr><th>#</th><th>score</th>'
            f"<th>claim</th></tr>{rows}</table></section>"
        )
    return "".join(parts)


def render_html(report: Report) -> str:
    """A standalone HTML page for ``report``."""
    data = report.to_dict()
    payload = {
        "spans": [
            {"technique": s.technique, "score": s.score, "explanation": s.explanation} for s in report.spans_sorted()
        ],
        "definitions": {name: t.definition for name, t in catalogue().items()},
    }
    js, css = _asset("report.js"), _asset("report.css")
    script_hash = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:"
    meta = data["metadata"]
    meta_bits = [f"{k}: {_e(v)}" for k, v in meta.items() if v and k in ("url", "domain", "author", "date")]
    warnings = "".join(f"<li>{_e(w)}</li>" for w in report.warnings)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>spinscope: {_e(report.title or report.id)}</title><style>{css}</style></head>
<body><header><p class="meta">spinscope report · {_e(report.id)}{" · " + " · ".join(meta_bits) if meta_bits else ""}</p>
<h1>{_e(report.title or "(untitled)")}</h1><p>{_e(summary_line(report))}</p></header>
{_panels(report)}
<main><h2>Article</h2><p class="meta">Highlighted: persuasion techniques (hover, click or focus with Tab for the
reason). Struck through: page clutter that was not analysed. spinscope highlights and explains; you decide.</p>
<div class="article">{_article_html(report)}</div>
<div id="explain" role="status" aria-live="polite">Select a highlighted span to see why it was marked.</div>
{_legend(report)}</main>
{'<section class="panel"><h2>Warnings</h2><ul>' + warnings + "</ul></section>" if warnings else ""}
<script type="application/json" id="spinscope-report">{_safe_json(payload)}</script>
<script>{js}</script>
</body></html>
"""
