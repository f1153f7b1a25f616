"""Run jobs on local worker processes (or inline), streaming finished lines to a callback.

At most ``2 x workers`` chunks are in flight, so memory stays flat however long the input is. When a
worker process dies (OOM killer, a crash in native code) its chunks are retried one record at a time
in a fresh pool; a record that kills a worker twice becomes an error record.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from spinscope.batch.results import dumps, error_record
from spinscope.batch.worker import Job, Line, analyzer_for, init_process, run_chunk, worker_name
from spinscope.config import Options

OnLines = Callable[[list[Line]], None]
ShouldStop = Callable[[], bool]
MAX_ATTEMPTS = 2


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run_inline(jobs: Iterator[Job], options: Options, on_lines: OnLines, should_stop: ShouldStop) -> bool:
    """Analyse in this process. Returns False when stopped early."""
    blob = pickle.dumps(options)
    analyzer_for(blob)
    for job in jobs:
        if should_stop():
            return False
        on_lines(run_chunk(blob, [job]))
    return True


def run_local(
    jobs: Iterator[Job],
    options: Options,
    on_lines: OnLines,
    should_stop: ShouldStop,
    *,
    workers: int,
    chunk_size: int = 4,
    max_tasks_per_child: int | None = None,
) -> bool:
    """Analyse on ``workers`` processes. Returns False when stopped early (in-flight work is dropped
    and will be redone by ``--resume``)."""
    blob = pickle.dumps(options)
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=init_process,
            initargs=(blob, os.getpid()),
            max_tasks_per_child=max_tasks_per_child,
        )

    pool = new_pool()
    pending: dict[Future[list[Line]], tuple[list[Job], int]] = {}
    retry: list[tuple[list[Job], int]] = []
    window = 2 * workers
    exhausted = False
    try:
        while True:
            if should_stop():
                return False
            while len(pending) < window and (retry or not exhausted):
                if retry:
                    chunk, attempt = retry.pop()
                else:
                    chunk = list(islice(jobs, chunk_size))
                    attempt = 1
                    if not chunk:
                        exhausted = True
                        break
                try:
                    pending[pool.submit(run_chunk, blob, chunk)] = (chunk, attempt)
                except BrokenProcessPool:
                    retry.append((chunk, attempt))
                    pool = _restart(pool, new_pool, pending, retry)
            if not pending:
                return True
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                chunk, attempt = pending.pop(fut)
                try:
                    on_lines(fut.result())
                except BrokenProcessPool:
                    broken = True
                    _requeue(chunk, attempt, retry, on_lines)
            if broken:
                pool = _restart(pool, new_pool, pending, retry)
    finally:
        _stop_pool(pool)


def _requeue(chunk: list[Job], attempt: int, retry: list[tuple[list[Job], int]], on_lines: OnLines) -> None:
    """Retry a chunk lost with a dead worker one record at a time; give up on a record after
    MAX_ATTEMPTS (it is the likely culprit) by writing an error record."""
    if attempt >= MAX_ATTEMPTS and len(chunk) == 1:
        job = chunk[0]
        rec = error_record(
            job.id,
            f"worker process died while analysing this record ({MAX_ATTEMPTS} attempts)",
            input_ref=job.input_ref,
            worker=worker_name(),
            record=job.record,
        )
        on_lines([(job.id, rec["status"], dumps(rec))])
        return
    retry.extend(([job], attempt + 1) for job in chunk)


def _restart(
    pool: ProcessPoolExecutor,
    new_pool: Callable[[], ProcessPoolExecutor],
    pending: dict[Future[list[Line]], tuple[list[Job], int]],
    retry: list[tuple[list[Job], int]],
) -> ProcessPoolExecutor:
    """Replace a broken pool; every chunk that was in flight goes back on the retry list."""
    for fut, (chunk, attempt) in list(pending.items()):
        if fut.done() and not fut.cancelled() and fut.exception() is None:
            continue  # finished fine: collected by the caller's next wait()
        pending.pop(fut)
        retry.extend(([job], attempt + 1 if len(chunk) == 1 else attempt) for job in chunk)
    _stop_pool(pool)
    return new_pool()


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down and stop its processes now: an interrupted run must not wait for chunks it
    will not keep (nor for a worker still loading its models)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
