"""Run jobs on a Dask cluster: one Analyzer per worker (a WorkerPlugin), one task per record.

Each record is submitted with a unique key derived from its id, a bounded number of tasks is in flight
(``2 x`` the cluster's threads), and results come back through ``as_completed`` to the coordinator,
which alone writes the journal and the results file: the same guarantees as a local run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from distributed import Client, Future, WorkerPlugin, as_completed, get_worker

from spinscope.analyzer import Analyzer
from spinscope.batch.results import dumps, error_record
from spinscope.batch.worker import Job, Line, analyze_job, error_message, stopped_by_budget, warm_up
from spinscope.config import Options
from spinscope.errors import InputError
from spinscope.inference.native_threads import cap_native_threads

PLUGIN_PREFIX = "spinscope-analyzer"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:@+=-]{1,96}$")


class AnalyzerPlugin(WorkerPlugin):
    """Builds (and warms up) one Analyzer on each worker when the worker joins or the plugin is
    registered; tasks use it through ``get_worker().plugins[name]``."""

    def __init__(self, options: Options, name: str) -> None:
        self.options = options
        self.name = name
        self.analyzer: Analyzer | None = None
        self.worker_name = ""
        self.loads = 0

    def setup(self, worker: Any) -> None:
        self.analyzer = Analyzer(self.options)
        self.worker_name = str(worker.address)
        try:
            warm_up(self.analyzer)
        except Exception:  # noqa: S110 - a broken model shows up as error records, with its message
            pass
        cap_native_threads(self.options)
        self.loads += 1

    def teardown(self, worker: Any) -> None:
        self.analyzer = None


def plugin_name(options: Options) -> str:
    return f"{PLUGIN_PREFIX}-{hashlib.sha256(pickle.dumps(options)).hexdigest()[:12]}"


def task_key(job: Job, token: str) -> str:
    """A unique, stable Dask key per record id (hashed when the id has unusual characters)."""
    rid = job.id if _SAFE_ID.match(job.id) else "h" + hashlib.sha256(job.id.encode()).hexdigest()[:24]
    return f"spinscope-analyze-{token}-{rid}"


def _has_plugin(name: str, dask_worker: Any = None) -> bool:
    plugin = dask_worker.plugins.get(name) if dask_worker is not None else None
    return isinstance(plugin, AnalyzerPlugin) and plugin.analyzer is not None


def with_content(job: Job, options: Options) -> Job:
    """A file record carries a path only the client can resolve (relative to its directory, on its disk):
    read the file here and send its bytes with the task. A file that cannot be read is an error job."""
    from spinscope.ingest import file_bytes

    record = job.record
    if job.error is not None or record is None or not record.path or record.data is not None:
        return job
    try:
        data = file_bytes(record.path, options)
    except InputError as exc:
        return dataclasses.replace(job, error=error_message(exc))
    except OSError as exc:
        return dataclasses.replace(job, error=error_message(InputError(f"{record.path}: {exc.strerror or exc}")))
    return dataclasses.replace(job, record=dataclasses.replace(record, data=data))


def analyze_on_worker(job: Job, name: str) -> Line:
    worker = get_worker()
    plugin = worker.plugins.get(name)
    if not isinstance(plugin, AnalyzerPlugin) or plugin.analyzer is None:
        raise RuntimeError(f"the {name} worker plugin is not set up on {worker.address}")
    line = analyze_job(plugin.analyzer, job, plugin.worker_name)
    if stopped_by_budget(line):  # other threads finish with the old Analyzer; new tasks get a fresh one
        plugin.setup(worker)
    return line


def run_dask(
    jobs: Iterator[Job],
    options: Options,
    on_lines: Callable[[list[Line]], None],
    should_stop: Callable[[], bool],
    *,
    client: Client,
    retries: int = 2,
) -> bool:
    """Analyse on the cluster behind ``client``. Returns False when stopped early."""
    name = plugin_name(options)
    present = client.run(_has_plugin, name)
    if not present or not all(present.values()):  # else keep the analyzers an earlier run built
        client.register_plugin(AnalyzerPlugin(options, name), name=name)
    token = name.rsplit("-", 1)[-1]
    window = max(4, 2 * sum(client.nthreads().values()))
    pending: dict[Future, Job] = {}
    ac = as_completed()
    exhausted = False

    def fill() -> None:
        nonlocal exhausted
        while not exhausted and len(pending) < window:
            job = next(jobs, None)
            if job is None:
                exhausted = True
                return
            job = with_content(job, options)
            if job.error is not None:
                rec = error_record(job.id, job.error, input_ref=job.input_ref, record=job.record)
                on_lines([(job.id, rec["status"], dumps(rec))])
                continue
            fut = client.submit(analyze_on_worker, job, name, key=task_key(job, token), retries=retries)
            pending[fut] = job
            ac.add(fut)

    fill()
    try:
        while pending:
            if should_stop():
                return False
            if not ac.has_ready():
                time.sleep(0.01)
                continue
            lines: list[Line] = []
            for fut in ac.next_batch(block=False):
                job = pending.pop(fut)
                try:
                    line: Line = fut.result()
                except Exception as exc:  # tasks never raise: this is a lost worker, a plugin failure...
                    rec = error_record(
                        job.id, f"dask: {error_message(exc)}", input_ref=job.input_ref, record=job.record
                    )
                    line = (job.id, rec["status"], dumps(rec))
                fut.release()
                lines.append(line)
            on_lines(lines)
            fill()
        return True
    finally:
        if pending:
            client.cancel(list(pending))
