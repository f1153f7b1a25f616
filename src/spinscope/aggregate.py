"""Corpus-level summaries of batch results: per outlet, per technique, over time.

One streaming pass over the results (``spinscope.batch.iter_rows``); memory grows with the number of
outlets and periods, plus one float per article for the score distribution and medians.
"""

from __future__ import annotations

import heapq
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from spinscope.merge import merge_findings
from spinscope.spans import Span
from spinscope.techniques import PTC_TECHNIQUES, is_ptc_technique

UNKNOWN_OUTLET = "(unknown outlet)"
HIST_BINS = 20
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})(?:-(\d{2}))?")


@dataclass
class CorpusSummary:
    """Everything the corpus report shows. ``to_dict()`` is the ``--format json`` document."""

    source: str
    records: int = 0
    articles: int = 0  # analysed (status ok)
    errors: int = 0
    words: int = 0
    spans: int = 0
    mean_persuasion: float | None = None
    techniques: list[dict[str, Any]] = field(default_factory=list)
    outlets: list[dict[str, Any]] = field(default_factory=list)
    persuasion_histogram: list[dict[str, Any]] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)
    trend_techniques: list[dict[str, Any]] = field(default_factory=list)  # {period, technique, spans, per_1000_words}
    trend_outlets: list[dict[str, Any]] = field(default_factory=list)  # {period, outlet, articles, mean_persuasion…}
    trend_period: str = "month"
    dated_articles: int = 0
    anonymous_outlets: list[dict[str, Any]] = field(default_factory=list)
    clickbait_headlines: list[dict[str, Any]] = field(default_factory=list)
    most_persuasive: list[dict[str, Any]] = field(default_factory=list)
    error_messages: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["schema"] = "spinscope-corpus/1"
        return d


@dataclass
class _Outlet:
    articles: int = 0
    errors: int = 0
    words: int = 0
    spans: int = 0
    technique_spans: Counter[str] = field(default_factory=Counter)
    persuasion: list[float] = field(default_factory=list)
    clickbait: list[float] = field(default_factory=list)
    anonymous: int = 0
    named: int = 0
    with_sources: int = 0


@dataclass
class _Period:
    articles: int = 0
    words: int = 0
    spans: int = 0
    persuasion: float = 0.0
    technique_spans: Counter[str] = field(default_factory=Counter)

    def add(self, words: int, spans: Counter[str], persuasion: float) -> None:
        self.articles += 1
        self.words += words
        self.spans += sum(spans.values())
        self.technique_spans.update(spans)
        self.persuasion += persuasion


def _rate(count: int, words: int) -> float:
    return round(1000.0 * count / words, 3) if words else 0.0


def _period(date: str | None) -> tuple[str, str] | None:
    """(month 'YYYY-MM', year 'YYYY') of a date string, or None."""
    if not date:
        return None
    m = _DATE.match(str(date))
    if not m or not (1 <= int(m.group(2)) <= 12):
        return None
    return f"{m.group(1)}-{m.group(2)}", m.group(1)


def summarize(
    rows: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]],
    *,
    source: str = "",
    top: int = 15,
    min_articles: int = 1,
) -> CorpusSummary:
    """Summarise flat result rows with their spans (see ``spinscope.batch.results``)."""
    s = CorpusSummary(source=source)
    outlets: dict[str, _Outlet] = defaultdict(_Outlet)
    technique_spans: Counter[str] = Counter()
    technique_articles: Counter[str] = Counter()
    months: dict[str, _Period] = defaultdict(_Period)
    years: dict[str, _Period] = defaultdict(_Period)
    outlet_months: dict[tuple[str, str], _Period] = defaultdict(_Period)
    outlet_years: dict[tuple[str, str], _Period] = defaultdict(_Period)
    persuasion_all: list[float] = []
    clickbait_heap: list[tuple[float, str, dict[str, Any]]] = []
    persuasive_heap: list[tuple[float, str, dict[str, Any]]] = []
    errors: Counter[str] = Counter()

    for row, spans in rows:
        s.records += 1
        name = row.get("outlet") or UNKNOWN_OUTLET
        o = outlets[name]
        if row.get("status") != "ok":
            s.errors += 1
            o.errors += 1
            errors[_error_kind(row.get("error") or "")] += 1
            continue
        s.articles += 1
        o.articles += 1
        words = int(row.get("words") or 0)
        s.words += words
        o.words += words
        ptc = Counter(sp.technique for sp in _one_per_place(spans) if is_ptc_technique(sp.technique))
        n = sum(ptc.values())
        s.spans += n
        o.spans += n
        o.technique_spans.update(ptc)
        technique_spans.update(ptc)
        technique_articles.update(ptc.keys())
        persuasion = row.get("persuasion")
        brief = {"id": row["id"], "title": row.get("title") or "", "outlet": name, "url": row.get("url")}
        if persuasion is not None:
            p = float(persuasion)
            persuasion_all.append(p)
            o.persuasion.append(p)
            _push(persuasive_heap, top, p, row["id"], {**brief, "persuasion": round(p, 4)})
        clickbait = row.get("clickbait")
        if clickbait is not None:
            c = float(clickbait)
            o.clickbait.append(c)
            _push(
                clickbait_heap,
                top,
                c,
                row["id"],
                {**brief, "clickbait": round(c, 4), "persuasion": persuasion},
            )
        if row.get("anonymous_sources") is not None:
            o.with_sources += 1
            o.anonymous += int(row["anonymous_sources"] or 0)
            o.named += int(row.get("named_sources") or 0)
        period = _period(row.get("date"))
        if period is not None:
            s.dated_articles += 1
            for key, table, by_outlet in zip(period, (months, years), (outlet_months, outlet_years), strict=True):
                table[key].add(words, ptc, float(persuasion or 0.0))
                by_outlet[(key, name)].add(words, ptc, float(persuasion or 0.0))

    s.mean_persuasion = round(statistics.fmean(persuasion_all), 4) if persuasion_all else None
    s.techniques = [
        {
            "technique": t,
            "spans": technique_spans[t],
            "articles": technique_articles[t],
            "share_of_articles": round(technique_articles[t] / s.articles, 4) if s.articles else 0.0,
            "per_1000_words": _rate(technique_spans[t], s.words),
        }
        for t in sorted(PTC_TECHNIQUES, key=lambda t: (-technique_spans[t], t))
    ]
    s.outlets = [
        _outlet_row(name, o)
        for name, o in sorted(outlets.items(), key=lambda kv: (-kv[1].articles, kv[0]))
        if o.articles >= min_articles or (o.articles == 0 and o.errors and min_articles <= 1)
    ]
    s.persuasion_histogram = _histogram(persuasion_all)
    table, s.trend_period = (months, "month") if len(months) <= 60 else (years, "year")
    s.trend = [{"period": key, **_period_row(b)} for key, b in sorted(table.items())]
    used = [t["technique"] for t in s.techniques if t["spans"]][:top]
    s.trend_techniques = [
        {"period": key, "technique": t, "spans": b.technique_spans[t],
         "per_1000_words": _rate(b.technique_spans[t], b.words)}
        for key, b in sorted(table.items())
        for t in used
    ]
    by_outlet = outlet_months if s.trend_period == "month" else outlet_years
    top_outlets = {r["outlet"] for r in s.outlets[:top] if r["articles"]}
    s.trend_outlets = [
        {"period": key, "outlet": name, **_period_row(b)}
        for (key, name), b in sorted(by_outlet.items())
        if name in top_outlets
    ]
    sourced = [r for r in s.outlets if r["anonymous_share"] is not None and r["sources"] > 0]
    s.anonymous_outlets = sorted(sourced, key=lambda r: (-r["anonymous_share"], -r["sources"], r["outlet"]))[
        :top
    ]
    s.clickbait_headlines = [item for _, _, item in sorted(clickbait_heap, key=lambda x: (-x[0], x[2]["id"]))]
    s.most_persuasive = [item for _, _, item in sorted(persuasive_heap, key=lambda x: (-x[0], x[2]["id"]))]
    s.error_messages = [{"error": k, "records": v} for k, v in errors.most_common(top)]
    if not s.dated_articles:
        s.notes.append("no record has a date: no trend over time")
    if not any(r["clickbait"] is not None for r in s.outlets):
        s.notes.append("no headline clickbait scores in these results (no headline detector ran)")
    if not sourced:
        s.notes.append("no sourcing information in these results (no sources detector ran)")
    return s


def summarize_results(path: str | Path, *, top: int = 15, min_articles: int = 1) -> CorpusSummary:
    """Summarise a results file written by ``spinscope batch`` (any format)."""
    from spinscope.batch.sinks import iter_rows

    return summarize(iter_rows(path), source=str(path), top=top, min_articles=min_articles)


def _one_per_place(spans: list[dict[str, Any]]) -> list[Span]:
    """The spans of a result row, one finding per place (spinscope.merge): results written before the
    analyzer merged its layers count the same words once too; a no-op on merged results."""
    found = [
        Span(int(sp["start"]), int(sp["end"]), str(sp["technique"]), min(1.0, max(0.0, float(sp.get("score") or 0.0))),
             "", str(sp.get("detector") or ""))
        for sp in spans
        if sp.get("technique") and int(sp["end"]) > int(sp["start"]) >= 0
    ]
    return merge_findings(found)


def _push(
    heap: list[tuple[float, str, dict[str, Any]]], top: int, score: float, rid: str, item: dict[str, Any]
) -> None:
    """Keep the ``top`` highest scores (ties broken by id, so results are deterministic)."""
    entry = (score, _neg(rid), item)
    if len(heap) < top:
        heapq.heappush(heap, entry)
    elif entry[:2] > heap[0][:2]:
        heapq.heapreplace(heap, entry)


def _neg(rid: str) -> str:
    """A key that sorts ids in reverse, so that among equal scores the smallest id is kept."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in rid)


def _period_row(b: _Period) -> dict[str, Any]:
    return {
        "articles": b.articles,
        "mean_persuasion": round(b.persuasion / b.articles, 4) if b.articles else None,
        "techniques_per_1000_words": _rate(b.spans, b.words),
    }


def _outlet_row(name: str, o: _Outlet) -> dict[str, Any]:
    sources = o.anonymous + o.named
    top = o.technique_spans.most_common(1)
    return {
        "outlet": name,
        "articles": o.articles,
        "errors": o.errors,
        "words": o.words,
        "spans": o.spans,
        "per_1000_words": _rate(o.spans, o.words),
        "mean_persuasion": round(statistics.fmean(o.persuasion), 4) if o.persuasion else None,
        "median_persuasion": round(statistics.median(o.persuasion), 4) if o.persuasion else None,
        "top_technique": top[0][0] if top else None,
        "technique_per_1000_words": {t: _rate(o.technique_spans[t], o.words) for t in PTC_TECHNIQUES},
        "clickbait": round(statistics.fmean(o.clickbait), 4) if o.clickbait else None,
        "sources": sources,
        "anonymous_sources": o.anonymous,
        "anonymous_share": round(o.anonymous / sources, 4) if sources else None,
    }


def _histogram(values: list[float]) -> list[dict[str, Any]]:
    counts = [0] * HIST_BINS
    for v in values:
        counts[min(HIST_BINS - 1, max(0, int(v * HIST_BINS)))] += 1
    return [
        {"from": round(i / HIST_BINS, 3), "to": round((i + 1) / HIST_BINS, 3), "articles": c}
        for i, c in enumerate(counts)
    ]


def _error_kind(message: str) -> str:
    """Group error messages: drop file/line prefixes and numbers so that similar errors count together."""
    msg = re.sub(r"^[^:\s]+:\d+: ", "", message.strip())
    msg = re.sub(r"\d+", "N", msg)
    return msg[:160]
