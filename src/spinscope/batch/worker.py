"""What a worker does with one record: build the Article, analyse it, return one journal line.

Used the same way by local worker processes and by Dask workers. Every exception a record raises is
turned into an error record carrying the message, so a bad record never takes a run down or vanishes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import signal
import socket
import threading
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from spinscope.analyzer import Analyzer
from spinscope.batch.results import OK, dumps, error_record, ok_record
from spinscope.budget import BudgetExceeded
from spinscope.config import Options
from spinscope.errors import SpinscopeError
from spinscope.inference.native_threads import cap_native_threads

WARM_UP_TEXT = (
    "Officials warn of a shocking crisis\n\n"
    "The radical plan is a disaster, critics said on Monday, and everybody knows it.\n"
    "According to a source who asked not to be named, the numbers will get much worse.\n"
)

Line = tuple[str, str, str]  # (id, status, JSON line)


@dataclass(frozen=True, slots=True)
class Job:
    """One input record to analyse. ``error`` set means it could not even be read."""

    id: str
    input_ref: str
    record: Any = None
    error: str | None = None


def error_message(exc: BaseException) -> str:
    if isinstance(exc, SpinscopeError):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def analyze_job(analyzer: Analyzer, job: Job, worker: str) -> Line:
    """Analyse one job into ``(id, status, line)``; never raises for a bad record."""
    t0 = time.perf_counter()
    if job.error is not None:
        rec = error_record(job.id, job.error, input_ref=job.input_ref, worker=worker, record=job.record)
        return job.id, rec["status"], dumps(rec)
    try:
        from spinscope.budget import Budget
        from spinscope.ingest import article_from_record

        with Budget.from_options(analyzer.options):  # reading and analysis, within the per-article budget
            article = article_from_record(job.record, analyzer.options)
            if article.id != job.id:
                article = dataclasses.replace(article, id=job.id)
            report = analyzer.analyze_article(article).to_dict()
        elapsed = (time.perf_counter() - t0) * 1000
        rec = ok_record(job.id, report, input_ref=job.input_ref, worker=worker, elapsed_ms=elapsed)
    except Exception as exc:  # a failed record becomes an error record, never an exception
        elapsed = (time.perf_counter() - t0) * 1000
        rec = error_record(
            job.id, error_message(exc), input_ref=job.input_ref, worker=worker, elapsed_ms=elapsed, record=job.record
        )
    return job.id, rec["status"], dumps(rec)


def stopped_by_budget(line: Line) -> bool:
    """True for the error line of a record whose analysis the budget interrupted. Such an interruption
    can land anywhere, even halfway through a detector building some lazy state, so the worker then
    replaces its Analyzer rather than trust it with the next record."""
    if line[1] == OK:
        return False
    return str(json.loads(line[2]).get("error", "")).startswith(f"{BudgetExceeded.__name__}: ")


def warm_up(analyzer: Analyzer) -> None:
    """Load every detector's models now, so the first record does not pay for it (and, on Dask,
    so threads of one worker never race to build the same lazy model)."""
    from spinscope.ingest import article_from_text

    analyzer.analyze_article(article_from_text(WARM_UP_TEXT, id="spinscope-warm-up"))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# ------------------------------------------------------------------------ local worker processes
# A worker process keeps one Analyzer per options for its whole life: ``analyzer_for`` caches it
# (per process; the cache is keyed by the pickled options, as Options holds a dict and is unhashable).


@cache
def analyzer_for(options_blob: bytes) -> Analyzer:
    options: Options = pickle.loads(options_blob)
    analyzer = Analyzer(options)
    try:
        warm_up(analyzer)
    except Exception:  # noqa: S110 - a broken model shows up as error records, with its message
        pass
    cap_native_threads(options)  # after warm-up: the pools the models load are capped too
    return analyzer


def init_process(options_blob: bytes, parent_pid: int) -> None:
    """Process-pool initializer: ignore Ctrl-C (the coordinator handles it), exit when the parent
    dies (even by SIGKILL), and build the Analyzer once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="parent-watch").start()
    analyzer_for(options_blob)


def _watch_parent(parent_pid: int) -> None:
    """Exit when the coordinator is gone (with forkserver it is not our direct parent)."""
    while True:
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass
        time.sleep(0.5)


def run_chunk(options_blob: bytes, jobs: list[Job]) -> list[Line]:
    name = worker_name()
    lines = []
    for job in jobs:
        line = analyze_job(analyzer_for(options_blob), job, name)
        if stopped_by_budget(line):
            analyzer_for.cache_clear()  # the next record gets a freshly built Analyzer
        lines.append(line)
    return lines
