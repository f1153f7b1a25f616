"""Results files: JSONL (default), Parquet, SQLite and DuckDB, chosen by extension.

Every writer builds the complete file beside the target and renames it into place (``os.replace``), so
a results file is either the previous complete version or the new complete version, never half written.
Readers give back result records (``iter_results``) or flat rows with their spans (``iter_rows``).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from spinscope.batch.results import ARTICLE_COLUMNS, COLUMN_NAMES, SPAN_COLUMNS, dumps, flat_row, span_rows
from spinscope.errors import InputError

BATCH_SCHEMA = "spinscope-batch/1"
_KINDS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".db": "sqlite",
    ".duckdb": "duckdb",
}
_SQL_TYPES = {"str": "TEXT", "int": "BIGINT", "float": "DOUBLE"}
_RESULT_KEYS = ("id", "status", "error", "input", "worker", "elapsed_ms")
BATCH_ROWS = 256


def sink_kind(path: str | Path) -> str:
    """'jsonl', 'parquet', 'sqlite' or 'duckdb' from the file extension (JSONL when unknown)."""
    return _KINDS.get(Path(path).suffix.lower(), "jsonl")


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_results(path: str | Path, records: Iterable[dict[str, Any]] | Iterable[bytes]) -> int:
    """Write result records to ``path`` atomically (temporary file, fsync, rename) under the results
    file's lock (``InputError`` while a batch run writes it). Returns the count.

    ``records`` may also be JSONL lines as bytes (the journal's), copied as they are to a JSONL file."""
    from spinscope.batch.lock import OutputLock

    with OutputLock(path):
        return write_results_locked(path, records)


def write_results_locked(path: str | Path, records: Iterable[dict[str, Any]] | Iterable[bytes]) -> int:
    """``write_results`` for a caller that holds the results file's ``OutputLock`` already."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    kind = sink_kind(target)
    try:
        if kind == "jsonl":
            n = _write_jsonl(tmp, records)
        else:
            dicts = (json.loads(r) if isinstance(r, bytes) else r for r in records)
            if kind == "parquet":
                n = _write_parquet(tmp, dicts)
            elif kind == "sqlite":
                n = _write_sqlite(tmp, dicts)
            else:
                n = _write_duckdb(tmp, dicts)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    fsync_dir(target.parent)
    return n


def _chunks(records: Iterable[dict[str, Any]], size: int = BATCH_ROWS) -> Iterator[list[dict[str, Any]]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def _write_jsonl(tmp: Path, records: Iterable[dict[str, Any]] | Iterable[bytes]) -> int:
    n = 0
    with tmp.open("wb") as f:
        for rec in records:
            f.write(rec if isinstance(rec, bytes) else (dumps(rec) + "\n").encode("utf-8"))
            n += 1
        f.flush()
        os.fsync(f.fileno())
    return n


def arrow_schema() -> Any:
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64()}
    span_struct = pa.struct([(name, types[t]) for name, t, _ in SPAN_COLUMNS if name != "article_id"])
    fields = [pa.field(name, types[t], nullable=name != "id") for name, t, _ in ARTICLE_COLUMNS]
    fields.insert(len(fields) - 1, pa.field("spans", pa.list_(span_struct)))
    return pa.schema(fields, metadata={"schema": BATCH_SCHEMA})


def _arrow_rows(chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for rec in chunk:
        row = flat_row(rec)
        row["spans"] = [{k: v for k, v in s.items() if k != "article_id"} for s in span_rows(rec)]
        rows.append(row)
    return rows


def _write_parquet(tmp: Path, records: Iterable[dict[str, Any]]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    n = 0
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for chunk in _chunks(records):
            writer.write_table(pa.Table.from_pylist(_arrow_rows(chunk), schema=schema))
            n += len(chunk)
    with tmp.open("rb+") as f:
        os.fsync(f.fileno())
    return n


def _ddl(quote: str = '"') -> list[str]:
    cols = ", ".join(
        f"{quote}{name}{quote} {_SQL_TYPES[t]}" + (" PRIMARY KEY" if name == "id" else "")
        for name, t, _ in ARTICLE_COLUMNS
    )
    span_cols = ", ".join(f"{quote}{name}{quote} {_SQL_TYPES[t]}" for name, t, _ in SPAN_COLUMNS)
    return [
        "CREATE TABLE spinscope_meta (key TEXT PRIMARY KEY, value TEXT)",
        f"CREATE TABLE articles ({cols})",
        f"CREATE TABLE spans ({span_cols})",
        "CREATE INDEX spans_article ON spans (article_id)",
        "CREATE INDEX spans_technique ON spans (technique)",
    ]


def _meta_rows() -> list[tuple[str, str]]:
    from spinscope import __name__ as pkg

    return [("schema", BATCH_SCHEMA), ("writer", pkg)]


def _write_sqlite(tmp: Path, records: Iterable[dict[str, Any]]) -> int:
    con = sqlite3.connect(tmp)
    n = 0
    try:
        for stmt in _ddl():
            con.execute(stmt)
        con.executemany("INSERT INTO spinscope_meta VALUES (?, ?)", _meta_rows())
        marks = ", ".join("?" for _ in COLUMN_NAMES)
        span_marks = ", ".join("?" for _ in SPAN_COLUMNS)
        for chunk in _chunks(records):
            con.executemany(
                f"INSERT INTO articles VALUES ({marks})",
                [tuple(flat_row(r)[c] for c in COLUMN_NAMES) for r in chunk],
            )
            con.executemany(
                f"INSERT INTO spans VALUES ({span_marks})",
                [tuple(s[c] for c, _, _ in SPAN_COLUMNS) for r in chunk for s in span_rows(r)],
            )
            n += len(chunk)
        con.commit()
    finally:
        con.close()
    return n


def _write_duckdb(tmp: Path, records: Iterable[dict[str, Any]]) -> int:
    import duckdb
    import pyarrow as pa

    con = duckdb.connect(str(tmp))
    n = 0
    try:
        for stmt in _ddl():
            con.execute(stmt)
        con.executemany("INSERT INTO spinscope_meta VALUES (?, ?)", _meta_rows())
        types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64()}
        art_schema = pa.schema([(c, types[t]) for c, t, _ in ARTICLE_COLUMNS])
        span_schema = pa.schema([(c, types[t]) for c, t, _ in SPAN_COLUMNS])
        for chunk in _chunks(records, 1024):
            articles = pa.Table.from_pylist([flat_row(r) for r in chunk], schema=art_schema)
            spans = pa.Table.from_pylist([s for r in chunk for s in span_rows(r)], schema=span_schema)
            con.register("batch_articles", articles)
            con.register("batch_spans", spans)
            con.execute("INSERT INTO articles SELECT * FROM batch_articles")
            con.execute("INSERT INTO spans SELECT * FROM batch_spans")
            con.unregister("batch_articles")
            con.unregister("batch_spans")
            n += len(chunk)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return n


# --------------------------------------------------------------------------------------------- readers


def iter_results(path: str | Path) -> Iterator[dict[str, Any]]:
    """Result records (``report`` parsed back into a dict) from a results file of any format."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"no results file at {p}")
    kind = sink_kind(p)
    if kind == "jsonl":
        yield from _read_jsonl(p)
        return
    for row, _spans in _iter_rows(p, kind, with_report=True):
        rec = {k: row.get(k) for k in _RESULT_KEYS}
        rec["report"] = json.loads(row["report"]) if row.get("report") else None
        given = {"title": row.get("title"), "url": row.get("url"), "source": row.get("outlet"), "date": row.get("date")}
        if rec["report"] is None and any(given.values()):
            rec["record"] = given
        yield rec


def iter_rows(path: str | Path) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Flat rows (without the report JSON) and their spans, from a results file of any format."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"no results file at {p}")
    kind = sink_kind(p)
    if kind == "jsonl":
        for rec in _read_jsonl(p):
            row = flat_row(rec, with_report_json=False)
            yield row, span_rows(rec)
        return
    yield from _iter_rows(p, kind, with_report=False)


def _read_jsonl(p: Path) -> Iterator[dict[str, Any]]:
    with p.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}:{lineno}: not a JSON line ({exc.msg})") from None
            if not isinstance(rec, dict) or "id" not in rec or "status" not in rec:
                raise InputError(f"{p}:{lineno}: not a spinscope batch result record")
            yield rec


def _iter_rows(p: Path, kind: str, *, with_report: bool) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    columns = [c for c in COLUMN_NAMES if with_report or c != "report"]
    if kind == "parquet":
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(p)
        except Exception as exc:
            raise InputError(f"{p}: not a Parquet file ({exc})") from None
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=[*columns, "spans"]):
            for row in batch.to_pylist():
                spans = [{"article_id": row["id"], **s} for s in row.pop("spans") or []]
                yield row, spans
        return
    if kind == "sqlite":
        con: Any = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
    else:
        import duckdb

        con = duckdb.connect(str(p), read_only=True)
    try:
        yield from _sql_rows(con, columns)
    finally:
        con.close()


def _sql_rows(con: Any, columns: list[str]) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Articles and their spans in id order, merged in one pass over two ordered cursors."""
    col_sql = ", ".join(f'"{c}"' for c in columns)
    span_names = [c for c, _, _ in SPAN_COLUMNS]
    span_sql = ", ".join(f'"{c}"' for c in span_names)
    try:
        art_cur = con.cursor()
        art_cur.execute(f"SELECT {col_sql} FROM articles ORDER BY id")
        span_cur = con.cursor()
        span_cur.execute(f'SELECT {span_sql} FROM spans ORDER BY article_id, "start", "end"')
    except Exception as exc:
        raise InputError(f"not a spinscope batch database ({exc})") from None
    pending = span_cur.fetchone()
    while True:
        rows = art_cur.fetchmany(BATCH_ROWS)
        if not rows:
            break
        for values in rows:
            row = dict(zip(columns, values, strict=True))
            spans: list[dict[str, Any]] = []
            while pending is not None and pending[0] < row["id"]:
                pending = span_cur.fetchone()
            while pending is not None and pending[0] == row["id"]:
                spans.append(dict(zip(span_names, pending, strict=True)))
                pending = span_cur.fetchone()
            yield row, spans
