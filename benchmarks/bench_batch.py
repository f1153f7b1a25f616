"""Batch throughput, worker scaling and memory over a long run (docs/performance/batch.md).

The corpus is the PTC train articles repeated with new ids (``rep<k>-article<id>``) into a JSONL file
under --work (never in the repository). Examples::

    python benchmarks/bench_batch.py throughput --n 300 --workers 1 2
    python benchmarks/bench_batch.py memory --n 20000 --workers 2 --every 10

``throughput`` prints wall-clock articles/s (including worker start-up) and the steady rate measured
after the first 2 x workers records. ``memory`` samples the RSS of every worker process and of the
coordinator while the run goes on, writes the samples as CSV and prints the growth per 1,000 articles
from the first 10 % of the run to its end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from spinscope.batch import run_batch
from spinscope.config import Options

DATA = Path(os.environ.get("SPINSCOPE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def make_corpus(n: int, out: Path) -> Path:
    articles = sorted((DATA / "ptc" / "train-articles").glob("article*.txt"))
    if not articles:
        sys.exit(f"no PTC articles under {DATA / 'ptc' / 'train-articles'} (set SPINSCOPE_DATA)")
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in articles]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for i in range(n):
            stem, text = texts[i % len(texts)]
            f.write(json.dumps({"id": f"rep{i // len(texts):04d}-{stem}", "text": text}) + "\n")
    return out


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def throughput(args: argparse.Namespace) -> dict[str, Any]:
    corpus = make_corpus(args.n, args.work / f"corpus-{args.n}.jsonl")
    rows = []
    for w in args.workers:
        out = args.work / f"tp-{args.n}-w{w}.jsonl"
        stamps: list[float] = []
        load = _load()
        t0 = time.perf_counter()
        summary = run_batch([corpus], out, workers=w, overwrite=True, on_line=lambda _l, st=stamps: st.append(
            time.perf_counter()))
        wall = time.perf_counter() - t0
        k = min(len(stamps) - 1, 2 * max(1, w))
        steady = (len(stamps) - 1 - k) / (stamps[-1] - stamps[k]) if len(stamps) > k + 1 else 0.0
        rows.append({"workers": w, "articles": summary.done, "failed": summary.failed, "wall_s": round(wall, 1),
                     "wall_rate": round(summary.done / wall, 2), "steady_rate": round(steady, 2),
                     "first_result_s": round(stamps[0] - t0, 1) if stamps else None, "load_before": load,
                     "load_after": _load()})
        print(json.dumps(rows[-1]), flush=True)
    if len(rows) >= 2 and rows[0]["steady_rate"]:
        print(json.dumps({"speedup_steady": round(rows[-1]["steady_rate"] / rows[0]["steady_rate"], 2),
                          "speedup_wall": round(rows[-1]["wall_rate"] / rows[0]["wall_rate"], 2)}))
    return {"rows": rows}


def memory(args: argparse.Namespace) -> dict[str, Any]:
    corpus = make_corpus(args.n, args.work / f"corpus-{args.n}.jsonl")
    out = args.work / f"mem-{args.n}.parquet"
    csv_path = args.work / f"mem-{args.n}.csv"
    done = [0]
    stop = threading.Event()
    me = psutil.Process()
    samples: list[dict[str, Any]] = []

    def sample() -> None:
        t0 = time.perf_counter()
        with csv_path.open("w") as f:
            f.write("t_s,processed,coordinator_mb,worker_pid,worker_mb\n")
            while not stop.wait(args.every):
                coord = me.memory_info().rss / 2**20
                for child in me.children(recursive=True):
                    try:
                        rss = child.memory_info().rss / 2**20
                        cmd = " ".join(child.cmdline())
                        is_worker = "spawn_main" in cmd or (child.ppid() != me.pid and "resource_tracker" not in cmd)
                    except psutil.Error:
                        continue
                    if not is_worker:  # the fork server or the resource tracker
                        continue
                    row = {"t": time.perf_counter() - t0, "n": done[0], "coord": coord, "pid": child.pid,
                           "rss": rss}
                    samples.append(row)
                    f.write(f"{row['t']:.1f},{row['n']},{coord:.1f},{child.pid},{rss:.1f}\n")
                f.flush()

    threading.Thread(target=sample, daemon=True).start()
    load = _load()
    t0 = time.perf_counter()

    def on_line(_line: object) -> None:
        done[0] += 1

    summary = run_batch([corpus], out, workers=args.workers[0], overwrite=True, on_line=on_line,
                        options=Options())
    wall = time.perf_counter() - t0
    stop.set()
    result: dict[str, Any] = {"articles": summary.done, "failed": summary.failed, "wall_s": round(wall, 1),
                              "rate": round((summary.done + summary.failed) / wall, 2), "load_before": load,
                              "load_after": _load(), "samples_csv": str(csv_path)}
    by_pid: dict[int, list[dict[str, Any]]] = {}
    for s in samples:
        by_pid.setdefault(s["pid"], []).append(s)
    per_worker = []
    for pid, rows in by_pid.items():
        if len(rows) < 3 or rows[-1]["n"] - rows[0]["n"] < max(10, done[0] // 5):
            continue
        early = [r for r in rows if r["n"] >= rows[0]["n"] + (rows[-1]["n"] - rows[0]["n"]) // 10] or rows
        first, last = early[0], rows[-1]
        growth = (last["rss"] - first["rss"]) / max(1, last["n"] - first["n"]) * 1000
        per_worker.append({"pid": pid, "rss_start_mb": round(rows[0]["rss"], 1),
                           "rss_at_10pct_mb": round(first["rss"], 1), "rss_end_mb": round(last["rss"], 1),
                           "rss_max_mb": round(max(r["rss"] for r in rows), 1),
                           "growth_mb_per_1000_articles": round(growth, 3)})
    coords = [s["coord"] for s in samples]
    result["workers"] = per_worker
    if coords:
        result["coordinator_mb"] = {"first": round(coords[0], 1), "max": round(max(coords), 1),
                                    "last": round(coords[-1], 1)}
    print(json.dumps(result, indent=1), flush=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["throughput", "memory", "corpus"])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--every", type=float, default=10.0, help="memory: seconds between samples")
    ap.add_argument("--work", type=Path, default=Path("/tmp/spinscope-bench-batch"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.mode == "corpus":
        print(make_corpus(args.n, args.work / f"corpus-{args.n}.jsonl"))
    elif args.mode == "throughput":
        throughput(args)
    else:
        memory(args)


if __name__ == "__main__":
    main()
