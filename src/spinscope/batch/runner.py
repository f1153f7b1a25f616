"""The batch coordinator: inputs -> jobs -> workers (local or Dask) -> journal -> results file.

Exactly once, keyed by record id: the coordinator is the only writer; an id already in the journal (or
in the results file being resumed) is skipped, an id seen twice in the inputs is written once; the
results file is written from the journal atomically at the end. SIGINT/SIGTERM stop the run cleanly
(finished records are kept); after SIGKILL the journal loses at most a torn last line. Either way
``resume=True`` analyses exactly the records that are missing.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from spinscope.batch.journal import Journal, journal_dir
from spinscope.batch.lock import OutputLock
from spinscope.batch.results import OK
from spinscope.batch.sinks import iter_results, write_results_locked
from spinscope.batch.worker import Job, Line
from spinscope.config import Options
from spinscope.errors import InputError


@dataclass
class BatchSummary:
    out: Path
    total: int = 0  # input records seen this run
    done: int = 0  # analysed this run
    failed: int = 0  # error records written this run
    skipped: int = 0  # already in the results (resume)
    duplicates: int = 0  # ids repeated in the inputs (written once)
    in_results: int = 0  # records in the results file (all runs)
    interrupted: str | None = None  # signal name when the run was stopped
    elapsed_s: float = 0.0
    duplicate_ids: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return (self.done + self.failed) / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "total": self.total,
            "done": self.done,
            "failed": self.failed,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "in_results": self.in_results,
            "interrupted": self.interrupted,
            "elapsed_s": round(self.elapsed_s, 3),
            "articles_per_s": round(self.rate, 3),
        }


class Progress:
    """What the coordinator reports as records finish; the CLI plugs a rich progress bar in here."""

    def start(self, total: int | None) -> None:
        pass

    def set_total(self, total: int) -> None:
        pass

    def advance(self, processed: int, analysed: int, failed: int) -> None:
        """``processed``: input records dealt with (incl. skipped); ``analysed``: sent through a worker
        this run (ok or error); ``failed``: error records this run."""

    def stop(self) -> None:
        pass


def iter_jobs(inputs: Sequence[str | Path]) -> Iterator[Job]:
    """Jobs for every record of every input (a file, directory or glob). An input that cannot be read
    at all becomes one error job, so it shows in the results instead of vanishing."""
    from spinscope.article import content_id
    from spinscope.ingest.corpus import iter_records

    for source in inputs:
        n = 0
        try:
            for n, record in enumerate(iter_records(source), 1):
                ref = record.path or f"{source}#{n}"
                rid = str(record.id) if record.id else content_id(record.text)
                yield Job(id=rid, input_ref=str(ref), record=record, error=record.error)
        except (InputError, OSError, UnicodeError) as exc:
            msg = str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
            yield Job(id=f"input-error:{content_id(str(source))}:{n + 1}", input_ref=str(source), error=msg)


def check_inputs(inputs: Sequence[str | Path]) -> None:
    """Refuse a run whose input is missing altogether (a typo must not give an 'ok' run of one error
    record); unreadable files *inside* an input still become error records."""
    for source in inputs:
        text = str(source)
        if Path(text).exists() or Path(text).is_symlink():
            continue
        if any(ch in text for ch in "*?["):
            import glob

            if glob.glob(text, recursive=True):
                continue
            raise InputError(f"no files match {text}")
        raise InputError(f"{text}: no such file or directory")


def count_records(inputs: Sequence[str | Path]) -> int:
    return sum(1 for _ in iter_jobs(inputs))


class _Stop:
    """Set by SIGINT/SIGTERM; a second SIGINT raises KeyboardInterrupt."""

    def __init__(self) -> None:
        self.signal: str | None = None
        self._saved: dict[int, Any] = {}

    def __call__(self) -> bool:
        return self.signal is not None

    def handler(self, signum: int, frame: FrameType | None) -> None:
        if self.signal is not None and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.signal = signal.Signals(signum).name

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._saved[sig] = signal.signal(sig, self.handler)

    def restore(self) -> None:
        for sig, old in self._saved.items():
            signal.signal(sig, old)
        self._saved.clear()


def run_batch(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    options: Options | None = None,
    workers: int | None = None,
    resume: bool = False,
    overwrite: bool = False,
    retry_errors: bool = False,
    client: Any = None,
    dask_address: str | None = None,
    progress: Progress | None = None,
    chunk_size: int = 4,
    max_tasks_per_child: int | None = None,
    on_line: Callable[[Line], None] | None = None,
    count_total: bool = False,
) -> BatchSummary:
    """Analyse every record of ``inputs`` into the results file ``out`` (format by extension).

    ``workers``: local processes (None: all cores; 0: in this process). ``client`` (a
    ``dask.distributed.Client``) or ``dask_address`` runs on a Dask cluster instead. ``resume``
    continues an interrupted run (or adds missing records to an existing results file).
    """
    from spinscope.batch.local import default_workers, run_inline, run_local

    options = options or Options()
    out = Path(out)
    progress = progress or Progress()
    if not inputs:
        raise InputError("no inputs given")
    if out.is_dir():
        raise InputError(f"{out} is a directory; give a results file (.jsonl, .parquet, .sqlite, .duckdb)")
    check_inputs(inputs)
    with OutputLock(out) as lock:  # before anything is looked at or removed: --overwrite included
        _prepare(out, resume=resume, overwrite=overwrite)
        summary = BatchSummary(out=out)
        stop = _Stop()
        t0 = time.perf_counter()
        with Journal(out, lock=lock) as journal:
            if len(journal) == 0 and out.exists():  # resume from a finished results file: seed the journal
                for rec in iter_results(out):
                    journal.append_record(rec)
                journal.sync()
            done_status = journal.status
            seen: set[str] = set()

            def advance() -> None:
                s = summary
                progress.advance(s.done + s.failed + s.skipped + s.duplicates, s.done + s.failed, s.failed)

            def jobs() -> Iterator[Job]:
                for job in iter_jobs(inputs):
                    summary.total += 1
                    if job.id in seen:
                        summary.duplicates += 1
                        if len(summary.duplicate_ids) < 20:
                            summary.duplicate_ids.append(job.id)
                        advance()
                        continue
                    seen.add(job.id)
                    status = done_status.get(job.id)
                    if status is not None and not (retry_errors and status != OK):
                        summary.skipped += 1
                        advance()
                        continue
                    yield job

            def on_lines(lines: list[Line]) -> None:
                journal.append(lines)
                for line in lines:
                    if line[1] == OK:
                        summary.done += 1
                    else:
                        summary.failed += 1
                    if on_line is not None:
                        on_line(line)
                advance()

            options = _with_thread_budget(options, workers, dask=client is not None or bool(dask_address))
            stop.install()
            progress.start(None)
            if count_total:  # count in the background: the bar gets its total (and ETA) shortly
                threading.Thread(
                    target=lambda: progress.set_total(count_records(inputs)),
                    daemon=True,
                    name="count-records",
                ).start()
            try:
                if client is not None or dask_address:
                    finished = _run_on_dask(jobs(), options, on_lines, stop, client, dask_address)
                elif workers == 0:
                    finished = run_inline(jobs(), options, on_lines, stop)
                else:
                    n = workers if workers is not None else default_workers()
                    finished = run_local(
                        jobs(),
                        options,
                        on_lines,
                        stop,
                        workers=max(1, n),
                        chunk_size=chunk_size,
                        max_tasks_per_child=max_tasks_per_child,
                    )
            finally:
                stop.restore()
                progress.stop()
                journal.sync()
            summary.in_results = len(journal)
            summary.elapsed_s = time.perf_counter() - t0
            if not finished:
                summary.interrupted = stop.signal or "stopped"
                return summary
            write_results_locked(out, journal.iter_lines())
            journal.remove()
        summary.elapsed_s = time.perf_counter() - t0
        return summary


def _prepare(out: Path, *, resume: bool, overwrite: bool) -> None:
    """Under the lock: clear the way for ``--overwrite``, or refuse to start over existing results
    without ``--resume`` (no live run can hold them now, so a journal left means an interrupted run)."""
    jdir = journal_dir(out)
    if overwrite:
        import shutil

        shutil.rmtree(jdir, ignore_errors=True)
        out.unlink(missing_ok=True)
    elif not resume:
        if (jdir / "results.jsonl").exists():
            raise InputError(f"an interrupted run left {jdir}: add --resume to finish it (or --overwrite)")
        if out.exists():
            raise InputError(f"{out} exists: add --resume to add the missing records (or --overwrite)")


def _with_thread_budget(options: Options, workers: int | None, *, dask: bool) -> Options:
    """One onnxruntime intra-op thread per worker process (``ptc_threads``, also applied to the shared
    sentence encoder), unless the options say otherwise: parallelism comes from the processes, and
    onnxruntime's spinning thread pools slow down badly when processes x threads exceed the cores (measured:
    one worker with 2 threads on 2 busy cores was 5x slower than with 1). In-process runs keep the default."""
    import dataclasses

    if "ptc_threads" in options.extra or (workers == 0 and not dask):
        return options
    return dataclasses.replace(options, extra={**options.extra, "ptc_threads": "1"})


def _run_on_dask(
    jobs: Iterator[Job],
    options: Options,
    on_lines: Callable[[list[Line]], None],
    stop: Callable[[], bool],
    client: Any,
    address: str | None,
) -> bool:
    from spinscope.batch.dask_runner import run_dask

    if client is not None:
        return run_dask(jobs, options, on_lines, stop, client=client)
    from distributed import Client

    try:
        own = Client(address)  # connect timeout: dask config distributed.comm.timeouts.connect
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot connect to the Dask scheduler at {address}: {exc}") from None
    with own:
        return run_dask(jobs, options, on_lines, stop, client=own)
