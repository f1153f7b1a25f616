"""Batch runs on a Dask LocalCluster: same records, same guarantees, one Analyzer per worker."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

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
