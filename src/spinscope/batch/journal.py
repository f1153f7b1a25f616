"""The run journal: an append-only, fsynced JSONL of finished result records beside the results file.

``RESULTS.journal/results.jsonl`` receives every result record as soon as the coordinator has it
(one writer, so no interleaving). A record is *committed* once its whole line, newline included, is on
disk. After a crash (SIGKILL, power loss) the file may end in a torn line: opening the journal cuts it
off, so that record is simply analysed again. The journal is the source of truth for ``--resume``;
when a run completes, the results file is written from it atomically and the journal is removed.
When an id appears more than once (``--retry-errors`` replaced an error), the last line wins.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from spinscope.batch.lock import OutputLock
from spinscope.batch.results import dumps
from spinscope.batch.sinks import fsync_dir

_DECODER = json.JSONDecoder()


def journal_dir(out: Path) -> Path:
    return out.with_name(out.name + ".journal")


class Journal:
    """Append-only record journal for one results file. Use as a context manager. It writes only under
    the results file's ``OutputLock``: the caller's (``lock``, held already and kept after ``close``) or
    its own, taken by ``open`` and released by ``close``."""

    def __init__(self, out: str | Path, *, sync_every: float = 0.5, lock: OutputLock | None = None) -> None:
        self.out = Path(out)
        self.dir = journal_dir(self.out)
        self.path = self.dir / "results.jsonl"
        self.sync_every = sync_every
        self.status: dict[str, str] = {}  # id -> "ok" | "error" (the last line's status)
        self._last_line: dict[str, int] = {}  # id -> number of its last line
        self._lines = 0
        self._file: IO[bytes] | None = None
        self._given_lock = lock
        self._own_lock: OutputLock | None = None
        self._last_sync = 0.0
        self._unsynced = False
        self.repaired_bytes = 0

    def exists(self) -> bool:
        return self.path.exists()

    # ------------------------------------------------------------------ open / close
    def __enter__(self) -> Journal:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        if self._given_lock is not None:
            if not self._given_lock.held:
                raise RuntimeError("the results file's lock must be held to open its journal")
        else:
            self._own_lock = OutputLock(self.out)
            self._own_lock.acquire()
        self.dir.mkdir(parents=True, exist_ok=True)
        self._scan()
        self._file = self.path.open("ab")
        fsync_dir(self.dir)

    def close(self) -> None:
        if self._file is not None:
            self.sync()
            self._file.close()
            self._file = None
        if self._own_lock is not None:
            self._own_lock.release()
            self._own_lock = None

    def remove(self) -> None:
        """Delete the journal (after the results file has been written from it)."""
        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        fsync_dir(self.out.parent)

    # ------------------------------------------------------------------ scan and repair
    def _scan(self) -> None:
        """Index committed lines and cut off a torn (or corrupt) tail."""
        if not self.path.exists():
            self.path.touch()
            return
        good_end = 0
        bad_lines: list[int] = []
        with self.path.open("rb") as f:
            lineno = 0
            for raw in f:
                if not raw.endswith(b"\n"):
                    break  # torn tail: written partly when the process died
                rid, status = _id_and_status(raw)
                if rid is None:
                    bad_lines.append(lineno)
                else:
                    self._index(rid, status, lineno)
                lineno += 1
                good_end += len(raw)
        size = self.path.stat().st_size
        if bad_lines:
            self._rewrite_without(set(bad_lines))
        elif size > good_end:
            self.repaired_bytes = size - good_end
            with self.path.open("rb+") as f:
                f.truncate(good_end)
                os.fsync(f.fileno())

    def _index(self, rid: str, status: str, lineno: int) -> None:
        self.status[rid] = status
        self._last_line[rid] = lineno
        self._lines = lineno + 1

    def _rewrite_without(self, bad: set[int]) -> None:
        tmp = self.path.with_suffix(".repair")
        self.status.clear()
        self._last_line.clear()
        self._lines = 0
        with self.path.open("rb") as src, tmp.open("wb") as dst:
            n = 0
            for i, raw in enumerate(src):
                if i in bad or not raw.endswith(b"\n"):
                    self.repaired_bytes += len(raw)
                    continue
                rid, status = _id_and_status(raw)
                if rid is None:
                    continue
                dst.write(raw)
                self._index(rid, status, n)
                n += 1
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, self.path)

    # ------------------------------------------------------------------ writing
    def append(self, lines: Iterable[tuple[str, str, str]]) -> None:
        """Append ``(id, status, json_line)`` entries; they are on disk after the next ``sync``."""
        if self._file is None:
            raise RuntimeError("journal is not open")
        buf = []
        for rid, status, line in lines:
            buf.append(line.encode("utf-8") + b"\n")
            self._index(rid, status, self._lines)
        if buf:
            self._file.write(b"".join(buf))
            self._unsynced = True
        if time.monotonic() - self._last_sync >= self.sync_every:
            self.sync()

    def append_record(self, record: dict[str, Any]) -> None:
        self.append([(record["id"], record["status"], dumps(record))])

    def sync(self) -> None:
        if self._file is not None and self._unsynced:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._unsynced = False
        self._last_sync = time.monotonic()

    # ------------------------------------------------------------------ reading
    def iter_lines(self) -> Iterator[bytes]:
        """Each id's last committed line (newline included), in journal order."""
        self.sync()
        with self.path.open("rb") as f:
            for lineno, raw in enumerate(f):
                if not raw.endswith(b"\n"):
                    break
                rid, _ = _id_and_status(raw)
                if rid is not None and self._last_line.get(rid) == lineno:
                    yield raw

    def iter_records(self) -> Iterator[dict[str, Any]]:
        """Each id's last committed record, in journal order."""
        for raw in self.iter_lines():
            yield json.loads(raw)

    def __len__(self) -> int:
        return len(self.status)


def _id_and_status(raw: bytes) -> tuple[str | None, str]:
    """Id and status of a journal line; (None, "") when the line is not a complete record.

    Lines are written by ``results.dumps`` with ``id`` and ``status`` first, so only the head is decoded
    for speed; the tail is checked to close the object."""
    try:
        line = raw.decode("utf-8").rstrip("\n")
        if not (line.startswith('{"id":') and line.endswith("}")):
            return None, ""
        rid, pos = _DECODER.raw_decode(line, 6)
        if not line.startswith(',"status":', pos):
            return None, ""
        status, _ = _DECODER.raw_decode(line, pos + 10)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, ""
    if not isinstance(rid, str) or status not in ("ok", "error"):
        return None, ""
    return rid, status
