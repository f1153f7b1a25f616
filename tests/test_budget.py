"""The per-article budget: work past its time or memory is stopped with a clear error, in any thread,
even inside C code that holds the GIL (a regex) and even though the Analyzer confines detector errors."""

from __future__ import annotations

import random
import re
import threading
import time
from pathlib import Path

import pytest

from spinscope.analyzer import Analyzer
from spinscope.batch import iter_results, run_batch
from spinscope.budget import Budget, BudgetExceeded, rss_mb
from spinscope.config import Options
from spinscope.errors import InputError
from spinscope.ingest import article_from_text

SENTENCES = [
    "The radical plan is a total disaster for every hard-working family in the country.",
    "Critics warned that the corrupt elite will never stop lying to ordinary people.",
    "Officials said on Monday that the budget would be reviewed by the committee next week.",
]


def long_article(lines: int) -> str:
    rng = random.Random(0)
    return "A headline about the plan\n\n" + "\n".join(rng.choice(SENTENCES) for _ in range(lines))


def _in_thread(fn: object) -> BaseException | None:
    box: list[BaseException | None] = [None]

    def run() -> None:
        try:
            fn()  # type: ignore[operator]
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box[0] = exc

    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    return box[0]


def test_time_budget_stops_python_and_regex_work_in_the_main_thread() -> None:
    t0 = time.monotonic()
    with pytest.raises(BudgetExceeded, match="time budget"):
        with Budget(seconds=0.5):
            re.match(r"(a+)+$", "a" * 40 + "b")  # hours of backtracking inside C, holding the GIL
    assert time.monotonic() - t0 < 1.0
    t0 = time.monotonic()
    with pytest.raises(BudgetExceeded):
        with Budget(seconds=0.3):
            for _ in range(100):
                try:
                    time.sleep(0.1)
                except Exception:  # noqa: S110 - a broad except inside the work must not swallow the stop
                    pass
    assert time.monotonic() - t0 < 0.8
    assert issubclass(BudgetExceeded, InputError)


def test_time_budget_and_cancel_in_another_thread() -> None:
    def spin() -> None:
        with Budget(seconds=0.5):
            while True:
                sum(range(1000))

    t0 = time.monotonic()
    exc = _in_thread(spin)
    assert isinstance(exc, BudgetExceeded) and time.monotonic() - t0 < 1.5
    budget = Budget()
    threading.Timer(0.3, budget.cancel, ("the client went away",)).start()

    def wait() -> None:
        with budget:
            while True:
                sum(range(1000))

    exc = _in_thread(wait)
    assert isinstance(exc, BudgetExceeded) and "client went away" in str(exc)


def test_memory_budget_counts_process_memory() -> None:
    limit = rss_mb() + 150
    held: list[bytearray] = []
    with pytest.raises(BudgetExceeded, match="memory budget"):
        with Budget(memory_mb=limit):
            while True:
                held.append(bytearray(b"x" * 5_000_000))  # touched pages: resident
                time.sleep(0.002)
    assert len(held) * 5 < 400  # stopped near the limit, not at the end of memory
    held.clear()


def test_work_that_ends_in_time_is_never_interrupted_later() -> None:
    for i in range(200):
        with Budget(seconds=0.2):
            sum(range(i * 100))
    time.sleep(0.5)  # a timer left armed would raise here (or, with the default SIGALRM action, kill pytest)
    assert _in_thread(lambda: [Budget(seconds=0.2).__enter__().__exit__(None, None, None) for _ in range(200)]) is None
    time.sleep(0.3)


def test_an_interruption_swallowed_by_a_weakref_callback_is_repeated() -> None:
    """Python drops an exception raised inside a weakref callback (or __del__) run by the garbage collector;
    the budget repeats its interruption until the work has left the block."""
    import gc
    import weakref

    class Node:
        pass

    def churn() -> None:
        end = time.monotonic() + 3  # without the repetition a lost interruption lets this run to the end
        while time.monotonic() < end:  # objects with weakref callbacks die all the time, as in a model runtime
            nodes = [Node() for _ in range(200)]
            refs = [weakref.ref(n, lambda r: sum(range(50))) for n in nodes]
            del nodes
            gc.collect(0)
            assert refs

    for _ in range(3):  # a one-shot interruption is lost in ~6 runs of 10 here
        t0 = time.monotonic()
        with pytest.raises(BudgetExceeded):
            with Budget(seconds=0.3):
                churn()
        assert time.monotonic() - t0 < 2


def test_an_analysis_past_its_budget_stops_as_a_whole() -> None:
    """The Analyzer catches every detector's Exception; the budget's interruption is not one of them."""
    analyzer = Analyzer(Options(detectors=("lexical", "rhetoric", "quotes")))
    analyzer.analyze_article(article_from_text(long_article(20)))  # models and matchers loaded
    text = long_article(5000)  # ~415,000 characters: seconds of work even for linear detectors
    t0 = time.monotonic()
    with pytest.raises(BudgetExceeded, match="time budget"):
        with Budget(seconds=0.5):
            analyzer.analyze_article(article_from_text(text, options=analyzer.options))
    elapsed = time.monotonic() - t0
    assert elapsed < 1.5, elapsed
    report = analyzer.analyze_article(article_from_text(long_article(20)))  # the analyzer still works
    assert report.degraded == [] and report.spans, report.warnings


@pytest.mark.parametrize("workers", [0, 2])
def test_batch_record_past_its_budget_is_an_error_record(tmp_path: Path, workers: int) -> None:
    import json

    from spinscope.batch.worker import analyzer_for

    corpus = tmp_path / "c.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for i in range(4):
            f.write(json.dumps({"id": f"small-{i}", "text": long_article(5 + i)}) + "\n")
            if i == 1:
                f.write(json.dumps({"id": "huge", "text": long_article(5000)}) + "\n")
    options = Options(detectors=("lexical", "rhetoric", "quotes"), time_budget=0.5)
    analyzer_for.cache_clear()
    t0 = time.monotonic()
    s = run_batch([corpus], tmp_path / "r.jsonl", options=options, workers=workers, chunk_size=8)
    recs = {r["id"]: r for r in iter_results(tmp_path / "r.jsonl")}
    assert (s.done, s.failed) == (4, 1)
    assert "BudgetExceeded" in recs["huge"]["error"] and "time budget (0.5 s)" in recs["huge"]["error"]
    assert recs["huge"]["elapsed_ms"] < 1500
    assert time.monotonic() - t0 < 60
    if workers == 0:  # in this process: the interrupted Analyzer was dropped (which also resets the cache's
        # counters) and a fresh one built for small-2 (a miss) and reused for small-3 (a hit); else 5 hits
        info = analyzer_for.cache_info()
        assert (info.hits, info.misses) == (1, 1), info


def test_cli_refuses_a_text_over_the_character_limit_at_once(tmp_path: Path) -> None:
    from .conftest import run_cli

    big = tmp_path / "book.txt"
    big.write_text(long_article(8000), encoding="utf-8")  # ~666,000 characters, under the 5 MB byte cap
    t0 = time.monotonic()
    r = run_cli("analyze", str(big), "--format", "json")
    assert r.code != 0 and "character limit" in r.stderr and "Traceback" not in r.stderr
    assert time.monotonic() - t0 < 60  # refused before any analysis (the process start is most of it)


def test_budgets_do_not_nest_in_the_main_thread() -> None:
    with Budget(seconds=5):
        with pytest.raises(RuntimeError, match="do not nest"):
            with Budget(seconds=1):
                pass
    with Budget(seconds=0.05):  # the outer one left everything as it found it
        pass
    time.sleep(0.1)
