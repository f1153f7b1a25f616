"""The corpus report: one self-contained HTML page (Vega-Lite charts drawn to inline SVG, no script, no
CDN), or the same summary as JSON, or the per-outlet table as CSV."""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

from spinscope.aggregate import CorpusSummary
from spinscope.render.common import display_name
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
figure.chart{margin:.5rem 0} figure.chart svg{max-width:100%;height:auto}
.charts{display:flex;flex-wrap:wrap;gap:1rem 2rem}
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


# ------------------------------------------------------------------------------------------ charts
# Vega-Lite charts built with Altair and drawn to static SVG by vl-convert (its own bundled Vega, offline:
# no script in the page, nothing fetched). Real axes with titles, legends, one y scale per chart.

FONT = "system-ui, sans-serif"


def _svg(chart: Any) -> str:
    import vl_convert

    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    svg: str = vl_convert.vegalite_to_svg(spec)
    return f'<figure class="chart">{svg}</figure>'


def _technique_scale(techniques: list[str]) -> Any:
    import altair as alt

    return alt.Scale(domain=[display_name(t) for t in techniques], range=[_colour(t) for t in techniques])


def technique_bars(rows: list[dict[str, Any]], *, title: str) -> str:
    """Horizontal bars of spans per 1,000 words per technique, in the catalogue's colours."""
    import altair as alt

    data = [{"technique": display_name(r["technique"]), "rate": r["per_1000_words"], "spans": r["spans"]} for r in rows]
    techniques = [r["technique"] for r in rows]
    chart = alt.Chart(alt.Data(values=data), title=title, width=560).mark_bar().encode(
        x=alt.X("rate:Q", title="spans per 1,000 words"),
        y=alt.Y("technique:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("technique:N", scale=_technique_scale(techniques), legend=None),
        tooltip=["technique:N", "rate:Q", "spans:Q"],
    )
    return _svg(chart)


def share_bars(rows: list[tuple[str, float]], *, title: str, axis: str, colour: str) -> str:
    import altair as alt

    data = [{"label": label, "value": value} for label, value in rows]
    chart = alt.Chart(alt.Data(values=data), title=title, width=560).mark_bar(color=colour).encode(
        x=alt.X("value:Q", title=axis, axis=alt.Axis(format="%")),
        y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
    )
    return _svg(chart)


def histogram_chart(bins: list[dict[str, Any]], *, title: str) -> str:
    import altair as alt

    if not any(b["articles"] for b in bins):
        return ""
    chart = alt.Chart(alt.Data(values=bins), title=title, width=560, height=200).mark_bar(color="#0072B2").encode(
        x=alt.X("from:Q", bin="binned", title="persuasion score", scale=alt.Scale(domain=[0, 1])),
        x2="to:Q",
        y=alt.Y("articles:Q", title="articles"),
    )
    return _svg(chart)


def trend_chart(points: list[dict[str, Any]], *, field: str, axis: str, title: str, period: str) -> str:
    """One line over time (real dates on x, a y axis with its title)."""
    import altair as alt

    data = [{"period": p["period"], "value": p[field]} for p in points if p[field] is not None]
    unit = "yearmonth" if period == "month" else "year"
    base = alt.Chart(alt.Data(values=data), title=title, width=560, height=200).encode(
        x=alt.X(f"{unit}(period):T", title=period), y=alt.Y("value:Q", title=axis)
    )
    return _svg(base.mark_line(color="#0072B2") + base.mark_point(color="#0072B2", filled=True))


def multi_trend_chart(
    rows: list[dict[str, Any]], *, series: str, field: str, axis: str, title: str, period: str, techniques: bool
) -> str:
    """Lines over time, one per technique or per outlet, with a legend."""
    import altair as alt

    data = [
        {"period": r["period"], "series": display_name(r[series]) if techniques else r[series], "value": r[field]}
        for r in rows
        if r[field] is not None
    ]
    if not data:
        return ""
    unit = "yearmonth" if period == "month" else "year"
    names = list(dict.fromkeys(r[series] for r in rows))
    colour = (
        alt.Color("series:N", title="technique", scale=_technique_scale(names))
        if techniques
        else alt.Color("series:N", title="outlet", scale=alt.Scale(scheme="tableau10"))
    )
    chart = alt.Chart(alt.Data(values=data), title=title, width=560, height=240).mark_line(point=True).encode(
        x=alt.X(f"{unit}(period):T", title=period), y=alt.Y("value:Q", title=axis), color=colour
    )
    return _svg(chart)


def heatmap_chart(outlets: list[dict[str, Any]], techniques: list[str], *, title: str) -> str:
    """Outlet x technique, spans per 1,000 words (colour and a number in each cell)."""
    import altair as alt

    if not outlets or not techniques:
        return ""
    data = [
        {"outlet": o["outlet"], "technique": display_name(t), "rate": o["technique_per_1000_words"][t]}
        for o in outlets
        for t in techniques
    ]
    base = alt.Chart(
        alt.Data(values=data), title=title, width=max(360, 56 * len(techniques)), height=max(60, 26 * len(outlets))
    ).encode(
        x=alt.X("technique:N", title=None, sort=[display_name(t) for t in techniques],
                axis=alt.Axis(labelAngle=-35, labelLimit=220)),
        y=alt.Y("outlet:N", title=None, sort=[o["outlet"] for o in outlets], axis=alt.Axis(labelLimit=260)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("rate:Q", title="per 1,000 words", scale=alt.Scale(scheme="oranges"))
    )
    text = base.mark_text(fontSize=10).encode(text=alt.Text("rate:Q", format=".1f"))
    return _svg(cells + text)


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
    return f'<span class="sw" style="background:{_e(_colour(t))}"></span>{_e(display_name(t))}'


def _linked(title: str, rid: str, links: dict[str, str] | None) -> str:
    """The headline, linked to that article's report when one was written beside the page."""
    text = _e(title or "(untitled)")
    href = (links or {}).get(rid)
    return f'<a href="{_e(href)}">{text}</a>' if href else text


def report_file_name(rid: str) -> str:
    """A safe file name for an article's report (ids may hold any character)."""
    import hashlib
    import re

    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", rid)[:80].strip(".") or "article"
    return f"{safe}-{hashlib.sha256(rid.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}.html"


def write_article_reports(results: Any, ids: set[str], folder: Any) -> dict[str, str]:
    """Write the HTML report of each article in ``ids`` found in ``results`` into ``folder``; returns
    {id: path relative to the folder's parent} for the corpus page's links."""
    from pathlib import Path

    from spinscope.batch import iter_results
    from spinscope.render.html import render_html as render_article
    from spinscope.report import Report

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    links: dict[str, str] = {}
    for rec in iter_results(results):
        if rec.get("status") != "ok" or rec["id"] not in ids or rec["id"] in links:
            continue
        name = report_file_name(rec["id"])
        (folder / name).write_text(render_article(Report.from_dict(rec["report"])), encoding="utf-8")
        links[rec["id"]] = f"{folder.name}/{name}"
    return links


def linked_ids(s: CorpusSummary) -> set[str]:
    """The articles the corpus page lists by name (most persuasive, top clickbait)."""
    return {a["id"] for a in s.most_persuasive} | {h["id"] for h in s.clickbait_headlines}


def render_html(s: CorpusSummary, *, links: dict[str, str] | None = None) -> str:
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
    if used:
        sections.append(
            technique_bars([t for t in s.techniques if t["spans"]], title="Technique spans per 1,000 words")
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
        period = s.trend_period
        sections.append(
            '<div class="charts">'
            + trend_chart(s.trend, field="mean_persuasion", axis="mean persuasion", title="Mean persuasion",
                          period=period)
            + trend_chart(s.trend, field="techniques_per_1000_words", axis="spans per 1,000 words",
                          title="Technique spans per 1,000 words", period=period)
            + multi_trend_chart(s.trend_techniques, series="technique", field="per_1000_words",
                                axis="spans per 1,000 words", title="Each technique over time", period=period,
                                techniques=True)
            + multi_trend_chart(s.trend_outlets, series="outlet", field="mean_persuasion", axis="mean persuasion",
                                title="Mean persuasion by outlet over time", period=period, techniques=False)
            + "</div>"
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
            share_bars(
                [(o["outlet"], o["anonymous_share"]) for o in s.anonymous_outlets],
                title="Share of sources that are anonymous, by outlet",
                axis="anonymous share of sources",
                colour="#CC79A7",
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
                    [h["clickbait"], _linked(h["title"], h["id"], links), _e(h["outlet"]), h["persuasion"], _e(h["id"])]
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
            [[a["persuasion"], _linked(a["title"], a["id"], links), _e(a["outlet"]), _e(a["id"])]
             for a in s.most_persuasive],
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
