"""Batch runs: every input record gives exactly one result, in every sink, across kills and resumes."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from spinscope.article import content_id
from spinscope.batch import iter_results, iter_rows, run_batch
from spinscope.batch.journal import Journal, journal_dir
from spinscope.config import Options
from spinscope.errors import InputError

REPO = Path(__file__).resolve().parents[1]
FAST = Options(detectors=("lexical",))  # a real detector; the batch machinery does not depend on which

SENTENCES = [
    "The radical plan is a total disaster for every hard-working family in the country.",
    "Officials said on Monday that the budget would be reviewed by the committee next week.",
    "Critics warned that the corrupt elite will never stop lying to ordinary people.",
    "According to a source who asked not to be named, the numbers will get much worse.",
    "The minister, who spoke to reporters in the capital, declined to give further details.",
    "This shocking betrayal is the worst scandal in living memory, a spokesman claimed.",
]


def article_text(i: int) -> str:
    rng = random.Random(i)
    body = "\n".join(rng.sample(SENTENCES, 4))
    return f"Report number {i} on the state of the plan\n\n{body}\nThis was item {i} of the series."


def write_jsonl(path: Path, n: int, *, start: int = 0, with_ids: bool = True) -> list[str]:
    ids = []
    with path.open("w", encoding="utf-8") as f:
        for i in range(start, start + n):
            rec = {"text": article_text(i), "source": f"outlet-{i % 3}", "date": f"2024-{1 + i % 4:02d}-15"}
            if with_ids:
                rec["id"] = f"doc-{i:05d}"
                ids.append(rec["id"])
            else:
                ids.append(content_id("\n" + rec["text"]))
            f.write(json.dumps(rec) + "\n")
    return ids


def result_ids(path: Path) -> list[str]:
    return [r["id"] for r in iter_results(path)]


# ----------------------------------------------------------------------------------------- inputs


def test_every_input_kind_gives_one_record_each(tmp_path: Path) -> None:
    ids = write_jsonl(tmp_path / "a.jsonl", 3)
    ids += write_jsonl(tmp_path / "b.jsonl", 2, start=10, with_ids=False)  # content-hash ids
    empty = '{"id": "empty", "text": "", "source": "Empty Times", "date": "2024-03-01"}'
    (tmp_path / "bad.jsonl").write_text(empty + "\nnot json\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text(
        'id,title,text,source,date\ncsv-1,A headline,"'
        + article_text(20).split("\n\n")[1]
        + '",csv-outlet,2023-05-01\n',
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "one.txt").write_text(article_text(30), encoding="utf-8")
    (docs / "two.html").write_text(
        "<html><head><title>Two</title></head><body><article><h1>Two</h1>"
        + "".join(f"<p>{s}</p>" for s in SENTENCES)
        + "</article></body></html>",
        encoding="utf-8",
    )
    globbed = tmp_path / "g"
    globbed.mkdir()
    for k in range(2):
        (globbed / f"g{k}.txt").write_text(article_text(40 + k), encoding="utf-8")

    out = tmp_path / "r.jsonl"
    s = run_batch(
        [tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "bad.jsonl", tmp_path / "c.csv", docs,
         str(globbed / "*.txt")],
        out, options=FAST, workers=0,
    )
    recs = {r["id"]: r for r in iter_results(out)}
    expected = set(ids) | {"empty", "csv-1", "one", "two", "g0", "g1"}
    assert expected <= set(recs)
    assert len(recs) == len(expected) + 1  # plus the invalid JSON line, kept as an error record
    assert s.total == len(recs) and s.done + s.failed == len(recs) and s.failed == 2
    assert recs["empty"]["status"] == "error" and "no text" in recs["empty"]["error"]
    assert recs["empty"]["record"] == {"title": None, "url": None, "source": "Empty Times", "date": "2024-03-01"}
    bad = [r for r in recs.values() if r["status"] == "error" and r["id"] != "empty"]
    assert len(bad) == 1 and "invalid JSON" in bad[0]["error"]
    assert recs["csv-1"]["report"]["metadata"]["source"] == "csv-outlet"
    assert recs["doc-00001"]["report"]["metadata"]["date"] == "2024-02-15"
    assert recs["two"]["report"]["title"] == "Two"
    assert not journal_dir(out).exists()
    schema = json.loads((REPO / "src/spinscope/resources/schema/batch-result.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for rec in recs.values():
        jsonschema.validate(rec, schema)


def test_unreadable_input_becomes_an_error_record(tmp_path: Path) -> None:
    (tmp_path / "x.xml").write_text("<a/>", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    s = run_batch([tmp_path / "x.xml"], out, options=FAST, workers=0)
    (rec,) = list(iter_results(out))
    assert rec["status"] == "error" and "unknown corpus format" in rec["error"] and s.failed == 1


def _unreadable_folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(article_text(1), encoding="utf-8")
    (docs / "broken.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(docs / "pipe.txt")  # reading it would block for ever
    (docs / "folder.html").mkdir()
    return docs


@pytest.mark.parametrize("workers", [0, 2])
def test_every_unreadable_entry_gives_an_error_record(tmp_path: Path, workers: int) -> None:
    docs = _unreadable_folder(tmp_path)
    out = tmp_path / "r.jsonl"
    for inputs in ([docs], [str(docs / "*")], [docs / "pipe.txt", docs / "broken.txt"]):
        s = run_batch(inputs, out, options=FAST, workers=workers, overwrite=True)
        recs = {r["id"]: r for r in iter_results(out)}
        errors = {rid: r["error"] for rid, r in recs.items() if r["status"] == "error"}
        if len(inputs) == 1:
            assert set(recs) == {"good", "broken", "pipe", "folder"} and recs["good"]["status"] == "ok"
            assert "broken symbolic link" in errors["broken"] and "FIFO" in errors["pipe"]
            assert "directory" in errors["folder"] and (s.done, s.failed) == (1, 3)
        else:  # given directly: one error record per input
            assert s.failed == 2 and any("FIFO" in e for e in errors.values())
            assert any("broken symbolic link" in e for e in errors.values())


# ----------------------------------------------------------------------------------------- sinks


@pytest.mark.parametrize("ext", [".jsonl", ".parquet", ".sqlite", ".duckdb"])
def test_sinks_hold_the_same_records(tmp_path: Path, ext: str) -> None:
    ids = write_jsonl(tmp_path / "c.jsonl", 6)
    out = tmp_path / f"r{ext}"
    run_batch([tmp_path / "c.jsonl"], out, options=FAST, workers=0)
    recs = list(iter_results(out))
    assert sorted(r["id"] for r in recs) == sorted(ids)
    n_spans = sum(len(r["report"]["spans"]) for r in recs)
    assert n_spans > 0
    rows = list(iter_rows(out))
    assert sum(len(spans) for _, spans in rows) == n_spans
    for row, spans in rows:
        assert row["status"] == "ok" and row["outlet"].startswith("outlet-") and row["words"] > 0
        assert all(sp["article_id"] == row["id"] for sp in spans)
    if ext == ".sqlite":
        con = sqlite3.connect(out)
        (count,) = con.execute("SELECT count(*) FROM spans JOIN articles ON articles.id = spans.article_id").fetchone()
        assert count == n_spans
        assert con.execute("SELECT value FROM spinscope_meta WHERE key='schema'").fetchone() == ("spinscope-batch/1",)
    if ext in (".duckdb", ".parquet"):
        import duckdb

        con2 = duckdb.connect(str(out), read_only=True) if ext == ".duckdb" else duckdb.connect()
        table = "articles" if ext == ".duckdb" else f"read_parquet('{out}')"
        (n,) = con2.execute(f"SELECT count(DISTINCT id) FROM {table} WHERE status = 'ok'").fetchone()  # type: ignore[misc]
        assert n == len(ids)


def test_existing_results_need_resume_or_overwrite(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "c.jsonl", 2)
    out = tmp_path / "r.parquet"
    run_batch([tmp_path / "c.jsonl"], out, options=FAST, workers=0)
    with pytest.raises(InputError, match="--resume"):
        run_batch([tmp_path / "c.jsonl"], out, options=FAST, workers=0)
    write_jsonl(tmp_path / "more.jsonl", 3, start=2)
    s = run_batch([tmp_path / "c.jsonl", tmp_path / "more.jsonl"], out, options=FAST, workers=0, resume=True)
    assert (s.skipped, s.done) == (2, 3)
    assert sorted(result_ids(out)) == [f"doc-{i:05d}" for i in range(5)]


def test_duplicate_ids_are_written_once(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "c.jsonl", 3)
    out = tmp_path / "r.jsonl"
    s = run_batch([tmp_path / "c.jsonl", tmp_path / "c.jsonl"], out, options=FAST, workers=0)
    assert s.duplicates == 3 and sorted(result_ids(out)) == [f"doc-{i:05d}" for i in range(3)]


# ----------------------------------------------------------------------------------------- journal


def test_journal_cuts_a_torn_tail_and_keeps_the_last_line_per_id(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    with Journal(out) as j:
        j.append_record({"id": "a", "status": "error", "error": "x", "report": None})
        j.append_record({"id": "b", "status": "ok", "error": None, "report": {}})
        j.append_record({"id": "a", "status": "ok", "error": None, "report": {}})
    with (journal_dir(out) / "results.jsonl").open("ab") as f:
        f.write(b'{"id":"c","status":"ok","error":null,"rep')  # a write cut short by SIGKILL
    with Journal(out) as j:
        assert j.status == {"a": "ok", "b": "ok"} and j.repaired_bytes > 0
        assert [r["id"] for r in j.iter_records()] == ["b", "a"]
        with pytest.raises(InputError, match="another batch run is writing"):
            Journal(out).open()


# ----------------------------------------------------------------------------------------- processes


def _batch_cmd(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "spinscope", "batch", str(corpus), "--out", str(out), "--detectors", "lexical",
            "-q", *extra]


def _env() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1"}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead too
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False
    return True


def test_kill_9_at_random_moments_then_resume_gives_exactly_the_input_ids(tmp_path: Path) -> None:
    ids = write_jsonl(tmp_path / "c.jsonl", 200)
    out = tmp_path / "r.parquet"
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    worker_pids: set[int] = set()
    kills = 0
    journal = journal_dir(out) / "results.jsonl"

    def committed() -> int:
        return journal.read_bytes().count(b"\n") if journal.exists() else 0

    for attempt in range(3):
        extra = ["--workers", "2"] + (["--resume"] if attempt else [])
        # a random moment: after a random number of further records (0 = during start-up), plus jitter
        target = committed() + rng.randrange(0, 60)
        proc = subprocess.Popen(_batch_cmd(tmp_path / "c.jsonl", out, *extra), cwd=REPO, env=_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while proc.poll() is None and committed() < target and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        if journal.exists():
            for line in journal.read_bytes().splitlines():
                if line.endswith(b"}"):
                    worker_pids.add(int(json.loads(line)["worker"].rsplit(":", 1)[1]))
    final = subprocess.run(_batch_cmd(tmp_path / "c.jsonl", out, "--workers", "2", "--resume"), cwd=REPO,
                           env=_env(), capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    got = result_ids(out)
    assert len(got) == len(set(got)), f"duplicates after kill -9 (seed {seed})"
    assert sorted(got) == sorted(ids), f"gaps after kill -9 (seed {seed})"
    assert all(r["status"] == "ok" for r in iter_results(out))
    assert not journal_dir(out).exists()
    assert kills >= 1, f"the run finished before any kill (seed {seed})"
    time.sleep(1.5)  # orphaned workers notice the dead coordinator within 0.5 s
    assert not [p for p in worker_pids if _pid_alive(p)], "worker processes outlived a killed coordinator"


def test_sigterm_stops_cleanly_and_resume_finishes(tmp_path: Path) -> None:
    ids = write_jsonl(tmp_path / "c.jsonl", 300)
    out = tmp_path / "r.sqlite"
    proc = subprocess.Popen(_batch_cmd(tmp_path / "c.jsonl", out, "--workers", "1"), cwd=REPO, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    journal = journal_dir(out) / "results.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not journal.exists() or journal.stat().st_size == 0):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    t0 = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 30, "an interrupted run must stop its workers, not wait for them"
    if proc.returncode == 0:
        pytest.skip("the run finished before SIGTERM arrived")
    assert proc.returncode == 143 and "--resume" in err and "Traceback" not in err
    assert not out.exists() and journal.exists()
    again = subprocess.run(_batch_cmd(tmp_path / "c.jsonl", out), cwd=REPO, env=_env(), capture_output=True,
                           text=True, timeout=60)
    assert again.returncode == 2 and "--resume" in again.stderr
    done = subprocess.run(_batch_cmd(tmp_path / "c.jsonl", out, "--resume"), cwd=REPO, env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "skipped" in done.stderr
    assert sorted(result_ids(out)) == sorted(ids)


def test_local_workers_and_retry_errors(tmp_path: Path) -> None:
    ids = write_jsonl(tmp_path / "c.jsonl", 16)
    with (tmp_path / "c.jsonl").open("a") as f:
        f.write(json.dumps({"id": "too-big", "text": "A headline\n\n" + "word " * 400}) + "\n")
    out = tmp_path / "r.jsonl"
    small = Options(detectors=("lexical",), max_bytes=1000)
    s = run_batch([tmp_path / "c.jsonl"], out, options=small, workers=2, chunk_size=2)
    assert s.done == 16 and s.failed == 1
    recs = {r["id"]: r for r in iter_results(out)}
    assert "byte limit" in recs["too-big"]["error"]
    s = run_batch([tmp_path / "c.jsonl"], out, options=FAST, workers=2, resume=True, retry_errors=True)
    assert (s.skipped, s.done, s.failed) == (16, 1, 0)
    assert sorted(result_ids(out)) == sorted([*ids, "too-big"])


def test_worker_caps_native_thread_pools_at_its_budget() -> None:
    """A batch worker with a one-thread budget leaves no BLAS/OpenMP pool at the default (one per core):
    several workers' spinning pools on the same cores cost ~30% of the batch throughput (measured)."""
    import subprocess
    import sys

    code = (
        "import json, pickle\n"
        "from threadpoolctl import threadpool_info\n"
        "from spinscope.batch.worker import analyzer_for\n"
        "from spinscope.config import Options\n"
        "analyzer_for(pickle.dumps(Options(extra={'ptc_threads': '1'})))\n"
        "print(json.dumps([(p['internal_api'], p['num_threads']) for p in threadpool_info()]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    pools = json.loads(proc.stdout.strip().splitlines()[-1])
    assert pools, "numpy's BLAS pool should be visible"
    assert all(n == 1 for _, n in pools), pools


# ----------------------------------------------------------------------------------------- concurrent runs


def _journal_lines(out: Path) -> int:
    try:
        return (journal_dir(out) / "results.jsonl").read_bytes().count(b"\n")
    except OSError:
        return 0


def test_a_second_run_beside_a_live_run_is_refused_whatever_its_flags(tmp_path: Path) -> None:
    ids = write_jsonl(tmp_path / "c.jsonl", 2000)
    out = tmp_path / "r.jsonl"
    live = subprocess.Popen(_batch_cmd(tmp_path / "c.jsonl", out, "--workers", "0"), env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _journal_lines(out) < 5:  # the live run is writing records
            assert live.poll() is None and time.monotonic() < deadline, "the first run ended too early"
            time.sleep(0.01)
        live.send_signal(signal.SIGSTOP)  # hold it mid-run (it keeps its lock), whatever the machine's speed
        for flags in ([], ["--overwrite"], ["--resume"], ["--resume", "--retry-errors"]):
            second = subprocess.run(_batch_cmd(tmp_path / "c.jsonl", out, "--workers", "0", *flags), env=_env(),
                                    capture_output=True, text=True, timeout=120)
            assert second.returncode != 0, flags
            assert "another batch run is writing" in second.stderr, (flags, second.stderr)
            assert "interrupted" not in second.stderr and "Traceback" not in second.stderr
        assert live.poll() is None
        live.send_signal(signal.SIGCONT)
        assert live.wait(timeout=300) == 0, live.stderr.read() if live.stderr else ""
    finally:
        live.kill()
        live.wait()
    got = result_ids(out)
    assert len(got) == len(set(got)) and sorted(got) == ids  # nothing lost, nothing twice
    again = subprocess.run(_batch_cmd(tmp_path / "c.jsonl", out), env=_env(), capture_output=True, text=True,
                           timeout=120)
    assert again.returncode != 0 and "exists: add --resume" in again.stderr and "interrupted" not in again.stderr


@pytest.mark.parametrize("flags", [["--overwrite"], ["--resume"]])
def test_two_runs_started_together_on_one_output_never_lose_or_duplicate(tmp_path: Path, flags: list[str]) -> None:
    ids = write_jsonl(tmp_path / "c.jsonl", 150)
    out = tmp_path / "r.parquet"
    procs = [
        subprocess.Popen(_batch_cmd(tmp_path / "c.jsonl", out, "--workers", "0", *flags), env=_env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outcomes = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in procs]
    assert any(code == 0 for code, _ in outcomes), outcomes
    for code, err in outcomes:  # the loser (if they overlapped) is refused with the lock message
        assert code == 0 or "another batch run is writing" in err, err
    got = result_ids(out)
    assert len(got) == len(set(got)) and sorted(got) == ids


def test_write_results_waits_for_no_one_and_refuses_a_locked_output(tmp_path: Path) -> None:
    from spinscope.batch import write_results
    from spinscope.batch.lock import OutputLock

    out = tmp_path / "r.jsonl"
    rec = {"id": "a", "status": "error", "error": "x", "input": "", "worker": "", "elapsed_ms": 0, "report": None}
    with OutputLock(out):
        with pytest.raises(InputError, match="another batch run"):
            write_results(out, [rec])
        assert not out.exists()
    assert write_results(out, [rec]) == 1 and result_ids(out) == ["a"]


def test_a_missing_input_is_refused_before_the_run(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    with pytest.raises(InputError, match="no such file"):
        run_batch([tmp_path / "nope.jsonl"], out, options=FAST, workers=0)
    with pytest.raises(InputError, match="no files match"):
        run_batch([str(tmp_path / "none-*.jsonl")], out, options=FAST, workers=0)
    assert not out.exists()
    r = subprocess.run(_batch_cmd(tmp_path / "nope.jsonl", out), env=_env(), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode != 0 and "no such file" in r.stderr and "Traceback" not in r.stderr


def test_cli_time_budget_turns_a_slow_record_into_an_error_record(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    rng = random.Random(0)
    big = "A long one\n\n" + "\n".join(rng.choice(SENTENCES) for _ in range(5000))  # seconds of work
    corpus.write_text(
        json.dumps({"id": "small", "text": article_text(1)}) + "\n" + json.dumps({"id": "big", "text": big}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.jsonl"
    cmd = [sys.executable, "-m", "spinscope", "batch", str(corpus), "--out", str(out), "--detectors",
           "lexical,rhetoric,quotes", "--workers", "0", "--time-budget", "0.5", "-q"]
    r = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    recs = {rec["id"]: rec for rec in iter_results(out)}
    assert recs["small"]["status"] == "ok"
    assert recs["big"]["status"] == "error" and "time budget (0.5 s)" in recs["big"]["error"]
    bad = subprocess.run([*cmd[:-3], "--time-budget", "-1"], env=_env(), capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "--time-budget" in bad.stderr and "Traceback" not in bad.stderr
