"""The corpus report: one self-contained HTML page (inline SVG charts drawn here, no script, no CDN),
or the same summary as JSON, or the per-outlet table as CSV."""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

from spinscope.aggregate import CorpusSummary
from spinscope.techniques import PTC_TECHNIQUES, catalogue

CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem} h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ddd}
.meta,.note{color:#555;font-size:.9rem} .kpis{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.kpi{border:1px solid #ddd;border-radius:6px;padding:.5rem .9rem} .kpi b{display:block;font-size:1.3rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem} th,td{padding:.25rem .5rem;text-align:left}
th{border-bottom:2px solid #ccc;position:sticky;top:0;background:#fff}
tr:nth-child(even) td{background:#f7f7f7}
td.n{text-align:right;font-variant-numeric:tabular-nums} .wrap{overflow-x:auto} td.t{white-space:nowrap}
svg{max-width:100%;height:auto} svg text{font:11px system-ui,sans-serif;fill:#333}
.sw{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:middle}
"""
GREY = "#7f7f7f"


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _colour(technique: str) -> str:
    t = catalogue().get(technique)
    return t.colour if t else GREY


def _short(technique: str) -> str:
    t = catalogue().get(technique)
    return t.short if t else technique


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------------------------------ charts


def hbar_chart(items: list[tuple[str, float, str]], *, title: str, unit: str = "", width: int = 640) -> str:
    """Horizontal bars: (label, value, colour)."""
    if not items:
        return ""
    label_w, bar_h, gap = 240, 18, 6
    top = 8
    height = top + len(items) * (bar_h + gap) + 8
    vmax = max(v for _, v, _ in items) or 1.0
    plot_w = width - label_w - 70
    parts = [
        f'<svg role="img" aria-label="{_e(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
    ]
    for i, (label, value, colour) in enumerate(items):
        y = top + i * (bar_h + gap)
        w = max(1.0, plot_w * value / vmax) if value > 0 else 0.0
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.72:.1f}" text-anchor="end">'
            f"{_e(_clip(label, 36))}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{_e(colour)}" rx="2">'
            f"<title>{_e(label)}: {_e(_fmt(value, 3))}{_e(unit)}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h * 0.72:.1f}">{_e(_fmt(value, 2))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram_chart(bins: list[dict[str, Any]], *, title: str, width: int = 640, height: int = 220) -> str:
    if not bins or not any(b["articles"] for b in bins):
        return ""
    left, bottom, top = 44, 30, 10
    plot_w, plot_h = width - left - 10, height - bottom - top
    vmax = max(b["articles"] for b in bins)
    bw = plot_w / len(bins)
    parts = [
        f'<svg role="img" aria-label="{_e(title)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
    ]
    for frac in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - frac)
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{round(vmax * frac)}</text>'
        )
    for i, b in enumerate(bins):
        h = plot_h * b["articles"] / vmax
        x = left + i * bw
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
            f'fill="#0072B2"><title>{b["from"]:.2f}–{b["to"]:.2f}: {b["articles"]} articles</title></rect>'
        )
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = left + plot_w * frac
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{frac:.2f}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 2}" text-anchor="middle">persuasion score</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    points: list[dict[str, Any]],
    series: list[tuple[str, str, str]],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
) -> str:
    """One line per (key, label, colour) over ``points`` (each with 'period'); each series is scaled
    to its own maximum (the legend gives the maxima)."""
    if len(points) < 2:
        return ""
    left, right, bottom, top = 20, 20, 44, 26
    plot_w, plot_h = width - left - right, height - bottom - top
    step = plot_w / (len(points) - 1)
    parts = [
        f'<svg role="img" aria-label="{_e(title)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>',
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#bbb"/>',
    ]
    legend_x = left
    for key, label, colour in series:
        values = [p.get(key) for p in points]
        vmax = max((v for v in values if v is not None), default=0) or 1.0
        coords = [(left + i * step, top + plot_h * (1 - v / vmax)) for i, v in enumerate(values) if v is not None]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y), p in zip(coords, [p for p in points if p.get(key) is not None], strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{_e(p["period"])}: '
                f"{_e(label)} {_e(_fmt(p[key], 3))} ({p['articles']} articles)</title></circle>"
            )
        parts.append(
            f'<rect x="{legend_x}" y="6" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="15">{_e(label)} (max {_e(_fmt(vmax, 3))})</text>'
        )
        legend_x += 260
    every = max(1, len(points) // 8)
    for i, p in enumerate(points):
        if i % every == 0 or i == len(points) - 1:
            parts.append(
                f'<text x="{left + i * step:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{_e(p["period"])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def heatmap_chart(outlets: list[dict[str, Any]], techniques: list[str], *, title: str) -> str:
    """Outlets (rows) x techniques (columns), shaded by technique spans per 1,000 words."""
    if not outlets or not techniques:
        return ""
    label_w, cell_w, cell_h, head_h = 190, 40, 20, 110
    width = label_w + cell_w * len(techniques) + 10
    height = head_h + cell_h * len(outlets) + 10
    vmax = max((o["technique_per_1000_words"][t] for o in outlets for t in techniques), default=0) or 1.0
    parts = [
        f'<svg role="img" aria-label="{_e(title)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
    ]
    for j, t in enumerate(techniques):
        x = label_w + j * cell_w + cell_w / 2
        parts.append(f'<text transform="translate({x:.1f},{head_h - 6}) rotate(-55)">{_e(_short(t))}</text>')
    for i, o in enumerate(outlets):
        y = head_h + i * cell_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + cell_h * 0.7:.1f}" text-anchor="end">{_e(_clip(o["outlet"], 30))}</text>'
        )
        for j, t in enumerate(techniques):
            v = o["technique_per_1000_words"][t]
            alpha = 0.06 + 0.94 * (v / vmax) if v > 0 else 0.0
            parts.append(
                f'<rect x="{label_w + j * cell_w}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="#D55E00" fill-opacity="{alpha:.3f}" stroke="#eee"><title>{_e(o["outlet"])} – '
                f"{_e(t)}: {v:.2f} per 1,000 words</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


# ------------------------------------------------------------------------------------------ tables


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{_e(_fmt(v))}</td>' if i in numeric else f"<td>{v}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f'<div class="wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _technique_cell(t: str | None) -> str:
    if not t:
        return "–"
    return f'<span class="sw" style="background:{_e(_colour(t))}"></span>{_e(t)}'


def render_html(s: CorpusSummary) -> str:
    top_outlets = [o for o in s.outlets if o["articles"]][:20]
    used = [t["technique"] for t in s.techniques if t["spans"]]
    sections: list[str] = []
    kpis = [
        ("records", s.records),
        ("analysed", s.articles),
        ("errors", s.errors),
        ("outlets", len(s.outlets)),
        ("words", s.words),
        ("technique spans", s.spans),
        ("per 1,000 words", round(1000 * s.spans / s.words, 2) if s.words else 0.0),
        ("mean persuasion", s.mean_persuasion),
    ]
    sections.append(
        '<div class="kpis">'
        + "".join(f'<div class="kpi"><b>{_e(_fmt(v))}</b>{_e(k)}</div>' for k, v in kpis)
        + "</div>"
    )
    if s.notes:
        sections.append("".join(f'<p class="note">Note: {_e(n)}.</p>' for n in s.notes))

    sections.append("<h2>Techniques</h2>")
    sections.append(
        hbar_chart(
            [(t["technique"], t["per_1000_words"], _colour(t["technique"])) for t in s.techniques if t["spans"]],
            title="Technique spans per 1,000 words, whole corpus",
            unit=" per 1,000 words",
        )
    )
    sections.append(
        _table(
            ["technique", "spans", "articles", "share of articles", "per 1,000 words"],
            [
                [
                    _technique_cell(t["technique"]),
                    t["spans"],
                    t["articles"],
                    t["share_of_articles"],
                    t["per_1000_words"],
                ]
                for t in s.techniques
            ],
            {1, 2, 3, 4},
        )
    )

    sections.append("<h2>Outlets</h2>")
    sections.append("<h3>Technique frequency per 1,000 words by outlet</h3>")
    sections.append(
        heatmap_chart(top_outlets, used, title="Technique spans per 1,000 words by outlet")
        or '<p class="note">No technique spans.</p>'
    )
    sections.append(
        _table(
            [
                "outlet",
                "articles",
                "errors",
                "words",
                "spans",
                "per 1,000 words",
                "mean persuasion",
                "median persuasion",
                "top technique",
                "mean clickbait",
                "sources",
                "anonymous share",
            ],
            [
                [
                    _e(o["outlet"]),
                    o["articles"],
                    o["errors"],
                    o["words"],
                    o["spans"],
                    o["per_1000_words"],
                    o["mean_persuasion"],
                    o["median_persuasion"],
                    _technique_cell(o["top_technique"]),
                    o["clickbait"],
                    o["sources"],
                    o["anonymous_share"],
                ]
                for o in s.outlets
            ],
            {1, 2, 3, 4, 5, 6, 7, 9, 10, 11},
        )
    )
    if used:
        sections.append(
            "<details><summary>Every technique per 1,000 words by outlet</summary>"
            + _table(
                ["outlet", *[_short(t) for t in PTC_TECHNIQUES]],
                [[_e(o["outlet"]), *[o["technique_per_1000_words"][t] for t in PTC_TECHNIQUES]] for o in s.outlets],
                set(range(1, len(PTC_TECHNIQUES) + 1)),
            )
            + "</details>"
        )

    sections.append("<h2>Distribution of persuasion scores</h2>")
    sections.append(
        histogram_chart(s.persuasion_histogram, title="Articles by persuasion score")
        or '<p class="note">No scores.</p>'
    )

    sections.append("<h2>Trend over time</h2>")
    if s.trend:
        sections.append(
            f'<p class="meta">{s.dated_articles} of {s.articles} articles have a date; by {s.trend_period}.</p>'
        )
        sections.append(
            line_chart(
                s.trend,
                [
                    ("mean_persuasion", "mean persuasion", "#0072B2"),
                    ("techniques_per_1000_words", "spans per 1,000 words", "#D55E00"),
                ],
                title="Persuasion and technique frequency over time",
            )
        )
        sections.append(
            _table(
                ["period", "articles", "mean persuasion", "spans per 1,000 words"],
                [
                    [_e(p["period"]), p["articles"], p["mean_persuasion"], p["techniques_per_1000_words"]]
                    for p in s.trend
                ],
                {1, 2, 3},
            )
        )
    else:
        sections.append('<p class="note">No dated articles.</p>')

    sections.append("<h2>Most anonymous-sourced outlets</h2>")
    if s.anonymous_outlets:
        sections.append(
            hbar_chart(
                [(o["outlet"], o["anonymous_share"], "#CC79A7") for o in s.anonymous_outlets],
                title="Share of sources that are anonymous, by outlet",
            )
        )
        sections.append(
            _table(
                ["outlet", "articles", "sources", "anonymous", "anonymous share"],
                [
                    [
                        _e(o["outlet"]),
                        o["articles"],
                        o["sources"],
                        o["anonymous_sources"],
                        o["anonymous_share"],
                    ]
                    for o in s.anonymous_outlets
                ],
                {1, 2, 3, 4},
            )
        )
    else:
        sections.append('<p class="note">No sourcing information in these results.</p>')

    sections.append("<h2>Top clickbait headlines</h2>")
    if s.clickbait_headlines:
        sections.append(
            _table(
                ["clickbait", "headline", "outlet", "persuasion", "id"],
                [
                    [h["clickbait"], _e(h["title"]), _e(h["outlet"]), h["persuasion"], _e(h["id"])]
                    for h in s.clickbait_headlines
                ],
                {0, 3},
            )
        )
    else:
        sections.append('<p class="note">No clickbait scores in these results.</p>')

    sections.append("<h2>Most persuasive articles</h2>")
    sections.append(
        _table(
            ["persuasion", "headline", "outlet", "id"],
            [[a["persuasion"], _e(a["title"]), _e(a["outlet"]), _e(a["id"])] for a in s.most_persuasive],
            {0},
        )
    )
    if s.error_messages:
        sections.append("<h2>Errors</h2>")
        sections.append(_table(["error", "records"], [[_e(e["error"]), e["records"]] for e in s.error_messages], {1}))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>spinscope corpus report: {_e(s.source)}</title><style>{CSS}</style></head><body>"
        f'<h1>Corpus report</h1><p class="meta">{_e(s.source)} · how articles persuade, in aggregate. '
        "Counts of techniques are what spinscope's detectors found; they describe writing, not truth.</p>"
        + "".join(sections)
        + "</body></html>\n"
    )


def render_json(s: CorpusSummary) -> str:
    return json.dumps(s.to_dict(), indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = [
    "outlet",
    "articles",
    "errors",
    "words",
    "spans",
    "per_1000_words",
    "mean_persuasion",
    "median_persuasion",
    "top_technique",
    "clickbait",
    "sources",
    "anonymous_sources",
    "anonymous_share",
]


def render_csv(s: CorpusSummary) -> str:
    """The per-outlet table, one column per technique (spans per 1,000 words) after the totals."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*CSV_COLUMNS, *(f"per_1000_words:{t}" for t in PTC_TECHNIQUES)])
    for o in s.outlets:
        w.writerow(
            [("" if o[c] is None else o[c]) for c in CSV_COLUMNS]
            + [o["technique_per_1000_words"][t] for t in PTC_TECHNIQUES]
        )
    return buf.getvalue()
