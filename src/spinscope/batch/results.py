"""Result records and their flat, queryable form (the documented Parquet/SQLite/DuckDB schema).

A *result record* is what a batch run writes for every input record, exactly once, keyed by ``id``::

    {"id": str, "status": "ok" | "error", "error": str | None, "input": str,
     "worker": str, "elapsed_ms": float, "report": {... spinscope/1 ...} | None}

JSONL results hold these records verbatim. Parquet, SQLite and DuckDB results hold the *flat row*
(``ARTICLE_COLUMNS``) plus the spans (a nested column in Parquet, a ``spans`` table in SQLite/DuckDB),
and the full report as a JSON string in the ``report`` column, so nothing is lost in any format.
See docs/BATCH.md for the schema with examples.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from spinscope.techniques import is_ptc_technique

OK = "ok"
ERROR = "error"

# name, type ("str" | "int" | "float"), description. The order is the column order in every format.
ARTICLE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "str", "record id: given by the input, or the first 16 hex digits of the text's sha256"),
    ("status", "str", "'ok' (analysed) or 'error' (could not be analysed; see error)"),
    ("error", "str", "the error message when status = 'error', else null"),
    ("input", "str", "where the record came from (file, and line or row where applicable)"),
    ("worker", "str", "the worker that produced the record (host:pid or Dask worker address)"),
    ("elapsed_ms", "float", "wall time spent on the record by the worker"),
    ("title", "str", "headline"),
    ("url", "str", "article URL if known"),
    ("domain", "str", "URL domain if known"),
    ("outlet", "str", "outlet: the corpus 'source' field, else the outlet profile's name, else domain"),
    ("date", "str", "publication date as given (ISO 8601 preferred)"),
    ("language", "str", "detected or given language"),
    ("words", "int", "analysable words (outside excluded clutter)"),
    ("sentences", "int", "analysable sentences"),
    ("persuasion", "float", "article persuasion score in [0, 1] (see docs/SCHEMA.md)"),
    ("techniques_per_100_words", "float", "PTC technique spans per 100 analysable words"),
    ("n_spans", "int", "number of PTC technique spans"),
    ("top_technique", "str", "the most frequent PTC technique in the article (null if none)"),
    ("clickbait", "float", "headline clickbait score in [0, 1] when a headline detector gives one"),
    ("anonymous_sources", "int", "sources attributed anonymously/vaguely (null without a sources section)"),
    ("named_sources", "int", "sources attributed by name (null without a sources section)"),
    ("n_quotes", "int", "quotes found"),
    ("n_claims", "int", "check-worthy claims found"),
    ("report", "str", "the full spinscope/1 report as JSON (null for errors)"),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c[0] for c in ARTICLE_COLUMNS)

# The spans table (SQLite/DuckDB) / the elements of the nested ``spans`` column (Parquet).
SPAN_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("article_id", "str", "id of the article (the articles table's id)"),
    ("start", "int", "start offset, a Python str index into the report's text"),
    ("end", "int", "end offset, exclusive"),
    ("technique", "str", "technique label (PTC name or a spinscope label)"),
    ("score", "float", "confidence in [0, 1]"),
    ("detector", "str", "detector that found it"),
    ("text", "str", "the covered text"),
)

_ANONYMOUS = {"anonymous", "unnamed", "vague", "unattributed", "anonymous_source", "unnamed_source"}
_NAMED = {"named", "named_source", "person", "organisation", "organization", "official", "document"}


def ok_record(
    record_id: str, report: dict[str, Any], *, input_ref: str, worker: str, elapsed_ms: float
) -> dict[str, Any]:
    return {
        "id": record_id,
        "status": OK,
        "error": None,
        "input": input_ref,
        "worker": worker,
        "elapsed_ms": round(elapsed_ms, 2),
        "report": report,
    }


def error_record(
    record_id: str,
    message: str,
    *,
    input_ref: str,
    worker: str = "",
    elapsed_ms: float = 0.0,
    record: Any = None,
) -> dict[str, Any]:
    """An error result. ``record`` (the input record) lends its title/url/source/date, so an error
    still counts against its outlet."""
    rec: dict[str, Any] = {
        "id": record_id,
        "status": ERROR,
        "error": message or "unknown error",
        "input": input_ref,
        "worker": worker,
        "elapsed_ms": round(elapsed_ms, 2),
        "report": None,
    }
    meta = {k: getattr(record, k, None) for k in ("title", "url", "source", "date")}
    if any(meta.values()):
        rec["record"] = meta
    return rec


def dumps(record: dict[str, Any]) -> str:
    """One JSONL line (no newline). ``ensure_ascii`` keeps lines free of raw line separators."""
    return json.dumps(record, ensure_ascii=True, separators=(",", ":"))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        for key in ("score", "probability", "value"):
            if key in value:
                return _number(value[key])
    return None


def clickbait_score(headline: dict[str, Any]) -> float | None:
    """The clickbait score a headline section carries, under any of the keys detectors use."""
    for key in ("clickbait", "clickbait_score", "clickbait_probability"):
        if key in headline:
            score = _number(headline[key])
            if score is not None:
                return score
    return None


def source_kind(source: dict[str, Any]) -> str | None:
    """'anonymous', 'named' or None (unknown) for one entry of a report's sources section."""
    if isinstance(source.get("anonymous"), bool):
        return "anonymous" if source["anonymous"] else "named"
    if isinstance(source.get("named"), bool):
        return "named" if source["named"] else "anonymous"
    for key in ("kind", "type", "attribution", "category"):
        value = source.get(key)
        if isinstance(value, str):
            v = value.lower()
            if v in _ANONYMOUS or "anonym" in v or "unnamed" in v or "vague" in v:
                return "anonymous"
            if v in _NAMED or v.startswith("named"):
                return "named"
    return None


def outlet_of(report: dict[str, Any]) -> str | None:
    meta = report.get("metadata") or {}
    outlet = report.get("outlet") or {}
    for value in (meta.get("source"), outlet.get("name"), outlet.get("outlet"), meta.get("domain")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def ptc_span_counts(report: dict[str, Any]) -> Counter[str]:
    return Counter(s["technique"] for s in report.get("spans", []) if is_ptc_technique(s.get("technique", "")))


def flat_row(record: dict[str, Any], *, with_report_json: bool = True) -> dict[str, Any]:
    """The flat row (``ARTICLE_COLUMNS``) of a result record."""
    row: dict[str, Any] = dict.fromkeys(COLUMN_NAMES)
    for key in ("id", "status", "error", "input", "worker", "elapsed_ms"):
        row[key] = record.get(key)
    report = record.get("report")
    if not report:
        given = record.get("record") or {}
        row.update(title=given.get("title"), url=given.get("url"), outlet=given.get("source"), date=given.get("date"))
        return row
    meta = report.get("metadata") or {}
    scores = report.get("scores") or {}
    counts = ptc_span_counts(report)
    sources = [s for s in report.get("sources", []) if isinstance(s, dict)]
    kinds = [source_kind(s) for s in sources]
    has_sources = bool(sources) or any("source" in d for d in report.get("detectors", []))
    row.update(
        title=report.get("title") or None,
        url=meta.get("url"),
        domain=meta.get("domain"),
        outlet=outlet_of(report),
        date=meta.get("date"),
        language=report.get("language") or meta.get("language"),
        words=int(scores.get("words", 0)),
        sentences=int(scores.get("sentences", 0)),
        persuasion=_number(scores.get("persuasion")),
        techniques_per_100_words=_number(scores.get("techniques_per_100_words")),
        n_spans=sum(counts.values()),
        top_technique=counts.most_common(1)[0][0] if counts else None,
        clickbait=clickbait_score(report.get("headline") or {}),
        anonymous_sources=kinds.count("anonymous") if has_sources else None,
        named_sources=kinds.count("named") if has_sources else None,
        n_quotes=len(report.get("quotes", [])),
        n_claims=len(report.get("claims", [])),
        report=dumps(report) if with_report_json else None,
    )
    return row


def span_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    report = record.get("report") or {}
    text = report.get("text", "")
    rows = []
    for s in report.get("spans", []):
        start, end = int(s["start"]), int(s["end"])
        rows.append(
            {
                "article_id": record["id"],
                "start": start,
                "end": end,
                "technique": s.get("technique"),
                "score": _number(s.get("score")),
                "detector": s.get("detector"),
                "text": s.get("text", text[start:end]),
            }
        )
    return rows
