"""Corpora: JSONL or CSV files (``id,title,text`` and optional ``url,source,date``), directories of
.txt/.html files, and globs. Records stream; a malformed record becomes a Record with an ``error``."""

from __future__ import annotations

import csv
import glob
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spinscope.article import content_id
from spinscope.errors import InputError

FILE_SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True)
class Record:
    id: str
    text: str = ""
    title: str | None = None
    url: str | None = None
    source: str | None = None
    date: str | None = None
    path: str | None = None  # a file to read (directory inputs), instead of text
    error: str | None = None  # why this record could not be read (kept, never dropped)


def _from_mapping(row: dict[str, object], where: str) -> Record:
    def get(key: str) -> str | None:
        value = row.get(key)
        return None if value is None or value == "" else str(value)

    text = get("text") or get("body") or ""
    title = get("title") or get("headline")
    rid = get("id") or content_id((title or "") + "\n" + text)
    url, source, date = get("url"), get("source"), get("date")
    if not text.strip():  # kept with its metadata, so the failure still counts under its outlet and date
        return Record(id=rid, title=title, url=url, source=source, date=date, error=f"{where}: record has no text")
    return Record(id=rid, text=text, title=title, url=url, source=source, date=date)


def _iter_jsonl(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{lineno}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Record(id=content_id(line), error=f"{where}: invalid JSON ({exc.msg})")
                continue
            if not isinstance(row, dict):
                yield Record(id=content_id(line), error=f"{where}: a JSON object was expected")
                continue
            yield _from_mapping(row, where)


def _iter_csv(path: Path) -> Iterator[Record]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not ({"text", "body"} & {f.strip().lower() for f in reader.fieldnames}):
            raise InputError(f"{path}: a CSV corpus needs a header with a 'text' column")
        for lineno, row in enumerate(reader, 2):
            clean = {(k or "").strip().lower(): v for k, v in row.items()}
            yield _from_mapping(clean, f"{path.name}:{lineno}")


def _iter_files(paths: list[Path]) -> Iterator[Record]:
    for p in sorted(paths):
        yield Record(id=p.stem, path=str(p))


def iter_records(source: str | Path) -> Iterator[Record]:
    """Records of a JSONL/CSV file, a directory of .txt/.html files, or a glob of such files."""
    path = Path(source)
    if path.is_dir():
        yield from _iter_files([p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FILE_SUFFIXES])
    elif path.is_file():
        suffix = path.suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            yield from _iter_jsonl(path)
        elif suffix == ".csv":
            yield from _iter_csv(path)
        elif suffix in FILE_SUFFIXES:
            yield from _iter_files([path])
        else:
            raise InputError(f"{path}: unknown corpus format (use .jsonl, .csv, .txt/.html or a directory)")
    elif any(ch in str(source) for ch in "*?["):
        matches = [Path(m) for m in glob.glob(str(source), recursive=True)]
        if not matches:
            raise InputError(f"no files match {source}")
        for m in sorted(matches):
            yield from iter_records(m)
    else:
        raise InputError(f"{source}: no such file or directory")
