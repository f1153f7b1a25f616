"""Batch results as pandas DataFrames with typed columns (``spinscope.read_results``, ``read_spans``).

Every results format ``spinscope batch`` writes (.jsonl, .parquet, .sqlite, .duckdb) reads the same way:
one row per record with the columns of docs/BATCH.md, ints as nullable ``Int64``, floats as ``Float64``,
text as ``string``, ``status`` as a category and ``date`` as ``datetime64`` (``NaT`` where a record has no
date or one that is not ISO 8601; the text as given stays in the report).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinscope.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

_DTYPES = {"int": "Int64", "float": "Float64", "str": "string"}


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise InputError("reading results as a DataFrame needs pandas (pip install pandas)") from None
    return pandas


def read_results(path: str | Path, *, report: bool = False) -> pd.DataFrame:
    """The articles of a results file, one row per record (errors included, ``status == "error"``).
    ``report=True`` adds the full report JSON as a string column."""
    from spinscope.batch.results import ARTICLE_COLUMNS
    from spinscope.batch.sinks import iter_rows

    pd = _pandas()
    columns = [(name, kind) for name, kind, _ in ARTICLE_COLUMNS if report or name != "report"]
    if report:
        from spinscope.batch.results import flat_row
        from spinscope.batch.sinks import iter_results

        rows = [flat_row(rec) for rec in iter_results(path)]
    else:
        rows = [row for row, _ in iter_rows(path)]
    frame = pd.DataFrame.from_records(rows, columns=[name for name, _ in columns])
    for name, kind in columns:
        if name == "date":
            frame[name] = pd.to_datetime(frame[name], errors="coerce", format="ISO8601", utc=True).dt.tz_localize(None)
        elif name == "status":
            frame[name] = frame[name].astype("category")
        else:
            frame[name] = frame[name].astype(_DTYPES[kind])
    return frame


def read_spans(path: str | Path) -> pd.DataFrame:
    """Every span of a results file, one row each, with its article's id (``article_id``)."""
    from spinscope.batch.results import SPAN_COLUMNS
    from spinscope.batch.sinks import iter_rows

    pd = _pandas()
    rows = [span for _, spans in iter_rows(path) for span in spans]
    frame = pd.DataFrame.from_records(rows, columns=[name for name, _, _ in SPAN_COLUMNS])
    for name, kind, _ in SPAN_COLUMNS:
        frame[name] = frame[name].astype(_DTYPES[kind])
    frame["technique"] = frame["technique"].astype("category")
    return frame
