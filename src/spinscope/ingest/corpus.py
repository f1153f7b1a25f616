"""Corpora: JSONL or CSV files (``id,title,text`` and optional ``url,source`` (or ``outlet``) ``,date``),
directories of .txt/.html files (with an optional ``metadata.csv``/``metadata.jsonl`` sidecar), and globs.
Records stream; a malformed record becomes a Record with an ``error``."""

from __future__ import annotations

import csv
import glob
import json
import stat
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
    data: bytes | None = None  # the file's bytes, read by the coordinator for workers that cannot see ``path``


def _from_mapping(row: dict[str, object], where: str) -> Record:
    def get(key: str) -> str | None:
        value = row.get(key)
        return None if value is None or value == "" else str(value)

    text = get("text") or get("body") or ""
    title = get("title") or get("headline")
    rid = get("id") or content_id((title or "") + "\n" + text)
    url, source, date = get("url"), get("source") or get("outlet"), get("date")
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


SIDECARS = ("metadata.csv", "metadata.jsonl")


def read_sidecar(folder: Path) -> dict[str, dict[str, str]]:
    """A folder's metadata sidecar (``metadata.csv`` or ``metadata.jsonl``): one row per article file, keyed
    by ``file`` (its name) or ``id`` (its name without the suffix), with ``url``, ``outlet`` (or ``source``),
    ``date`` and optionally a new ``id``. Returns {file name or stem: row}; no sidecar: {}."""
    rows: list[dict[str, str]] = []
    for name in SIDECARS:
        p = folder / name
        if not p.is_file():
            continue
        with p.open(encoding="utf-8", errors="replace", newline="") as fh:
            if name.endswith(".csv"):
                reader = csv.DictReader(fh)
                rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in r.items()} for r in reader]
            else:
                for lineno, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise InputError(f"{p}:{lineno}: invalid JSON ({exc.msg})") from None
                    if not isinstance(row, dict):
                        raise InputError(f"{p}:{lineno}: a JSON object was expected")
                    rows.append({str(k).lower(): "" if v is None else str(v).strip() for k, v in row.items()})
        out: dict[str, dict[str, str]] = {}
        for i, row in enumerate(rows, 1):
            key = row.get("file") or row.get("id")
            if not key:
                raise InputError(f"{p}: row {i} names no 'file' or 'id'")
            out[key] = row
        return out
    return {}


def not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as an article file (None when it is a regular file)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"{path}: a broken symbolic link" if path.is_symlink() else f"{path}: no such file"
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return f"{path} is a directory, not an article file"
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"{path} is {kind}, not a regular file"


def _iter_files(paths: list[Path], sidecar: dict[str, dict[str, str]] | None = None) -> Iterator[Record]:
    """One record per path; a path that is not a readable regular file gives an error record."""
    for p in sorted(paths):
        row = (sidecar or {}).get(p.name) or (sidecar or {}).get(p.stem) or {}
        yield Record(
            id=(row.get("id") if row.get("file") else None) or p.stem,
            path=str(p),
            url=row.get("url") or None,
            source=row.get("outlet") or row.get("source") or None,
            date=row.get("date") or None,
            error=not_a_file(p),
        )


def iter_records(source: str | Path) -> Iterator[Record]:
    """Records of a JSONL/CSV file, a directory of .txt/.html files, or a glob of such files. Every entry
    named like an article (.txt/.html) gives a record: an error record when it is not a readable regular
    file (a broken symbolic link, a FIFO, a directory), so nothing named as input vanishes."""
    path = Path(source)
    if path.is_dir():
        files = [p for p in path.iterdir() if p.suffix.lower() in FILE_SUFFIXES]
        yield from _iter_files(files, read_sidecar(path))
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
            if m.suffix.lower() in FILE_SUFFIXES and not_a_file(m) is not None:
                yield from _iter_files([m])  # an error record, and the other matches still follow
            else:
                yield from iter_records(m)
    elif path.is_symlink() or path.exists():
        raise InputError(not_a_file(path) or f"{source}: cannot be read")
    else:
        raise InputError(f"{source}: no such file or directory")
