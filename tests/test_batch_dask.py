"""Batch runs on a Dask LocalCluster: same records, same guarantees, one Analyzer per worker."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")
import dask  # noqa: E402

from spinscope.batch import iter_results, run_batch  # noqa: E402
from spinscope.batch.dask_runner import PLUGIN_PREFIX, task_key  # noqa: E402
from spinscope.batch.worker import Job  # noqa: E402
from spinscope.config import Options  # noqa: E402

FAST = Options(detectors=("lexical",))
SENTENCES = [
    "The radical plan is a total disaster for every hard-working family in the country.",
    "Officials said on Monday that the budget would be reviewed by the committee next week.",
    "Critics warned that the corrupt elite will never stop lying to ordinary people.",
    "According to a source who asked not to be named, the numbers will get much worse.",
]


def write_corpus(path: Path, n: int, start: int = 0) -> list[str]:
    ids = []
    with path.open("w", encoding="utf-8") as f:
        for i in range(start, start + n):
            body = "\n".join(random.Random(i).sample(SENTENCES, 3))
            f.write(json.dumps({"id": f"d/{i}", "text": f"Headline {i} about the plan\n\n{body}"}) + "\n")
            ids.append(f"d/{i}")
    f_bad = path.with_name(path.stem + "-bad.jsonl")
    f_bad.write_text('{"id": "no-text", "text": "  "}\n', encoding="utf-8")
    return ids


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


def test_dask_run_gives_every_record_once_with_one_analyzer_per_worker(client: object, tmp_path: Path) -> None:
    ids = write_corpus(tmp_path / "c.jsonl", 30)
    out = tmp_path / "r.parquet"
    s = run_batch([tmp_path / "c.jsonl", tmp_path / "c-bad.jsonl"], out, options=FAST, client=client)
    recs = {r["id"]: r for r in iter_results(out)}
    assert sorted(recs) == sorted([*ids, "no-text"])
    assert (s.done, s.failed) == (30, 1)
    assert recs["no-text"]["status"] == "error" and "no text" in recs["no-text"]["error"]
    workers = set(client.scheduler_info()["workers"])  # type: ignore[attr-defined]
    assert {r["worker"] for r in recs.values() if r["status"] == "ok"} <= workers
    def loads(dask_worker: object) -> list[int]:
        plugins = dask_worker.plugins  # type: ignore[attr-defined]
        return [p.loads for name, p in plugins.items() if name.startswith(PLUGIN_PREFIX)]

    # the models were built once per worker, not per task
    assert client.run(loads) == dict.fromkeys(workers, [1])  # type: ignore[attr-defined]

    # resume on the cluster: only the new records are analysed
    more = write_corpus(tmp_path / "more.jsonl", 5, start=30)
    s2 = run_batch([tmp_path / "c.jsonl", tmp_path / "more.jsonl"], out, options=FAST, client=client, resume=True)
    assert (s2.done, s2.skipped) == (5, 30)
    got = [r["id"] for r in iter_results(out)]
    assert len(got) == len(set(got)) and sorted(got) == sorted([*ids, "no-text", *more])
    assert client.run(loads) == dict.fromkeys(workers, [1])  # type: ignore[attr-defined]


def test_dask_keys_are_unique_per_record_id() -> None:
    keys = {task_key(Job(id=i, input_ref=""), "t") for i in ["a", "b", "a b", "a/b", "x" * 300, "ü"]}
    assert len(keys) == 6 and all(k.startswith("spinscope-analyze-t-") for k in keys)
    assert task_key(Job(id="a", input_ref=""), "t") == task_key(Job(id="a", input_ref="x"), "t")


def test_dask_address_that_does_not_answer_is_a_one_line_error(tmp_path: Path) -> None:
    import dask

    from spinscope.errors import InputError

    write_corpus(tmp_path / "c.jsonl", 1)
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        with pytest.raises(InputError, match="Dask scheduler"):
            run_batch([tmp_path / "c.jsonl"], tmp_path / "r.jsonl", options=FAST, dask_address="tcp://127.0.0.1:9")


# ---------------------------------------------------------------------------- a real cluster of processes


def _dask_command() -> str:
    exe = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    if exe is None:
        pytest.skip("the `dask` command is not installed")
    return exe


@pytest.fixture(scope="module")
def process_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dask scheduler` and `dask worker --nworkers 2` as separate processes, in a working directory of
    their own (so a path relative to the client's directory means nothing to them)."""
    dask_cmd = _dask_command()
    home = tmp_path_factory.mktemp("dask-cluster")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    sched_file = home / "scheduler.json"
    procs: list[subprocess.Popen[bytes]] = []
    log = (home / "cluster.log").open("wb")
    try:
        procs.append(subprocess.Popen(
            [dask_cmd, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(sched_file)], cwd=home, env=env, stdout=log, stderr=log))
        deadline = time.monotonic() + 60
        while not sched_file.exists() or not sched_file.read_text().strip():
            if procs[0].poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"`dask scheduler` did not start (see {home / 'cluster.log'})")
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        procs.append(subprocess.Popen(
            [dask_cmd, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
             "--host", "127.0.0.1", "--local-directory", str(home)], cwd=home, env=env, stdout=log, stderr=log))
        from distributed import Client

        with Client(address, timeout=30) as c:
            try:
                c.wait_for_workers(2, timeout=120)
            except TimeoutError:
                pytest.skip(f"`dask worker` did not join (see {home / 'cluster.log'})")
        yield address
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.close()


def test_relative_paths_work_on_a_cluster_in_another_directory(process_cluster: str, tmp_path: Path) -> None:
    client_dir = tmp_path / "client"
    (client_dir / "in").mkdir(parents=True)
    for i in range(8):
        body = "\n".join(random.Random(i).sample(SENTENCES, 3))
        suffix = ".html" if i % 2 else ".txt"
        text = f"Headline {i} about the plan\n\n{body}"
        if suffix == ".html":
            paras = "".join(f"<p>{s}</p>" for s in text.split("\n")[2:])
            head = f"<html><head><title>Headline {i} about the plan</title></head>"
            text = f"{head}<body><article>{paras}</article></body></html>"
        (client_dir / "in" / f"article{i}{suffix}").write_text(text, encoding="utf-8")
    (client_dir / "in" / "gone.txt").symlink_to(client_dir / "nowhere.txt")
    cmd = [sys.executable, "-m", "spinscope", "batch", "in", "--out", "r.parquet", "--dask", process_cluster,
           "--detectors", "lexical", "-q"]
    r = subprocess.run(cmd, cwd=client_dir, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "NO_COLOR": "1"})
    assert r.returncode == 0, r.stderr
    recs = {rec["id"]: rec for rec in iter_results(client_dir / "r.parquet")}
    assert sorted(recs) == sorted([f"article{i}" for i in range(8)] + ["gone"])
    assert all(recs[f"article{i}"]["status"] == "ok" for i in range(8)), [r["error"] for r in recs.values()]
    assert recs["article1"]["report"]["title"] == "Headline 1 about the plan"  # read as HTML, by its name
    assert "broken symbolic link" in recs["gone"]["error"]
    assert {rec["worker"] for rec in recs.values() if rec["status"] == "ok"} <= _worker_addresses(process_cluster)


def _worker_addresses(address: str) -> set[str]:
    from distributed import Client

    with Client(address, timeout=30) as c:
        return set(c.scheduler_info()["workers"])


def _executing(dask_worker: Any) -> tuple[int, list[str]]:
    return os.getpid(), [str(ts.key) for ts in dask_worker.state.executing]


def test_a_record_that_kills_its_worker_process_still_gives_an_error_record(tmp_path: Path) -> None:
    """Worker *processes* (LocalCluster(processes=True)); every time a worker runs the 'killer' record,
    its process is SIGKILLed (as the OOM killer would). Dask gives up on that task after its allowed
    failures; the run still writes one error record for it and an ok record for every other one."""
    from distributed import Client, LocalCluster

    ids = write_corpus(tmp_path / "c.jsonl", 12)
    killer_text = "A long article that dies\n\n" + "\n".join(
        f"{random.Random(i).choice(SENTENCES)} Item {i}." for i in range(5000)
    )  # ~470 KB: a few seconds of analysis, long enough to be caught running
    with (tmp_path / "c.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "killer", "text": killer_text}) + "\n")
    out = tmp_path / "r.jsonl"
    config = {"distributed.scheduler.allowed-failures": 1, "distributed.scheduler.worker-saturation": 1.0}
    with dask.config.set(config), LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, memory_limit=None
    ) as cluster, Client(cluster) as client:
        box: dict[str, Any] = {}
        run = threading.Thread(
            target=lambda: box.update(s=run_batch([tmp_path / "c.jsonl"], out, options=FAST, client=client))
        )
        run.start()
        kills = 0
        while run.is_alive():
            try:
                running = client.run(_executing, on_error="ignore")
            except Exception:  # noqa: BLE001 - a worker restarting after a kill
                running = {}
            for pid, keys in running.values():
                if any(k.endswith("-killer") for k in keys):
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
            time.sleep(0.05)
        run.join()
    recs = {r["id"]: r for r in iter_results(out)}
    assert kills >= 2
    assert sorted(recs) == sorted([*ids, "killer"])
    assert recs["killer"]["status"] == "error" and recs["killer"]["error"].startswith("dask: ")
    assert all(recs[i]["status"] == "ok" for i in ids), {i: recs[i]["error"] for i in ids}
    assert (box["s"].done, box["s"].failed) == (12, 1)


def test_dask_record_past_its_budget_is_an_error_record(client: object, tmp_path: Path) -> None:
    """On Dask the analysis runs in a worker thread: the budget stops it there too."""
    ids = write_corpus(tmp_path / "c.jsonl", 3)
    big = "A long one\n\n" + "\n".join(random.Random(i).choice(SENTENCES) for i in range(5000))
    with (tmp_path / "c.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "huge", "text": big}) + "\n")
    # the in-process cluster's two worker threads share one GIL: a small record runs beside the huge one at
    # about half speed, so its budget needs headroom (0.5 s was exceeded by small records on a loaded machine)
    opts = Options(detectors=("lexical", "rhetoric", "quotes"), time_budget=1.0)
    s = run_batch([tmp_path / "c.jsonl"], tmp_path / "r.jsonl", options=opts, client=client)
    recs = {r["id"]: r for r in iter_results(tmp_path / "r.jsonl")}
    assert sorted(recs) == sorted([*ids, "huge"]) and (s.done, s.failed) == (3, 1)
    assert "time budget" in recs["huge"]["error"] and recs["huge"]["elapsed_ms"] < 2000  # budget + 1 s, as before
