"""Cost against input size: wall time, per-stage time and peak memory of one analysis, 10 KB to 5 MB.

Each size runs in a fresh process (so peak RSS is that analysis's own): the Analyzer is built and warmed
up on a short article first, then one article of the given size is ingested and analysed. The text is
distinct prose (PTC train and test articles, then FNC-1 bodies, each once, no repetition), with the first
article's headline on the first line. A size that runs past ``--timeout`` seconds is stopped and reported
as such. Example (figures in docs/PERFORMANCE.md)::

    OMP_NUM_THREADS=1 nice -n 5 python benchmarks/bench_size.py --sizes 10k 30k 100k 300k 1m --timeout 300

``--detectors`` restricts the detectors; ``--budget S`` runs under the per-article budget instead of a
plain analysis (``--memory-mb`` sets its memory part), to check that it ends a too-large input in time.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DATA = Path(os.environ.get("SPINSCOPE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def parse_size(text: str) -> int:
    units = {"k": 1_000, "m": 1_000_000}
    text = text.strip().lower()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def prose(size: int) -> str:
    """``size`` bytes (UTF-8) of distinct news prose: the headline of the first article, then bodies."""
    paths = sorted((DATA / "ptc" / "train-articles").glob("article*.txt"))
    paths += sorted((DATA / "ptc" / "test-articles").glob("article*.txt"))
    if not paths:
        sys.exit(f"no PTC articles under {DATA / 'ptc'} (set SPINSCOPE_DATA)")
    texts = [p.read_text(encoding="utf-8").strip() for p in paths]
    csv.field_size_limit(2**31 - 1)
    with (DATA / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as f:
        texts += [row["articleBody"].strip() for row in csv.DictReader(f)]
    headline, _, first_body = texts[0].partition("\n")
    parts = [headline, "", first_body.strip()]
    used = sum(len(p.encode()) + 1 for p in parts)
    for body in texts[1:]:
        if used >= size:
            break
        for para in body.split("\n"):
            if para.strip():
                parts.append(para.strip())
                used += len(para.strip().encode()) + 1
    if used < size:
        sys.exit(f"only {used} bytes of distinct prose available, {size} asked")
    return "\n".join(parts).encode()[:size].decode("utf-8", "ignore")


def peak_mb() -> float:
    """Peak RSS of this process in MB (10^6 bytes, as the budget counts; ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def one(size: int, detectors: list[str] | None, budget: float | None, memory_mb: int | None) -> dict[str, Any]:
    """Run in the child: warm up, then analyse one article of ``size`` bytes."""
    from spinscope.analyzer import Analyzer
    from spinscope.batch.worker import warm_up
    from spinscope.config import Options
    from spinscope.ingest import article_from_text

    kwargs: dict[str, Any] = {"max_bytes": max(size * 2, 5_000_000), "max_chars": max(size * 2, 500_000)}
    if detectors:
        kwargs["detectors"] = tuple(detectors)
    options = Options(**kwargs)
    analyzer = Analyzer(options)
    warm_up(analyzer)
    base_rss = peak_mb()
    text = prose(size)
    row: dict[str, Any] = {"bytes": len(text.encode()), "chars": len(text), "base_peak_mb": round(base_rss, 1)}
    t0 = time.perf_counter()
    if budget is not None:
        from spinscope.budget import Budget, BudgetExceeded

        try:
            with Budget(seconds=budget, memory_mb=memory_mb):
                article = article_from_text(text, options=options)
                report = analyzer.analyze_article(article)
            row["outcome"] = "ok"
        except BudgetExceeded as exc:
            row["outcome"] = f"budget: {exc}"
            report = None
    else:
        article = article_from_text(text, options=options)
        row["ingest_s"] = round(time.perf_counter() - t0, 3)
        report = analyzer.analyze_article(article)
        row["outcome"] = "ok"
    row["total_s"] = round(time.perf_counter() - t0, 3)
    row["peak_mb"] = round(peak_mb(), 1)
    if report is not None:
        row["words"] = report.scores.get("words")
        row["detectors_s"] = {k: round(v / 1000, 3) for k, v in report.timings_ms.items() if k != "total"}
    return row


def run(size: int, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", str(size)]
    if args.detectors:
        cmd += ["--detectors", *args.detectors]
    if args.budget is not None:
        cmd += ["--budget", str(args.budget)]
    if args.memory_mb is not None:
        cmd += ["--memory-mb", str(args.memory_mb)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"bytes": size, "outcome": f"stopped after {args.timeout} s", "total_s": None}
    if proc.returncode != 0:
        return {"bytes": size, "outcome": f"failed: {proc.stderr.strip().splitlines()[-1:]}", "wall_s": None}
    row: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    row["process_wall_s"] = round(time.perf_counter() - t0, 1)
    return row


def slopes(rows: list[dict[str, Any]], key: str) -> list[float | None]:
    """Log-log slope between consecutive sizes (1 = linear, 2 = quadratic)."""
    out: list[float | None] = [None]
    for a, b in zip(rows, rows[1:], strict=False):
        if a.get(key) and b.get(key) and a["bytes"] != b["bytes"]:
            out.append(round(math.log(b[key] / a[key]) / math.log(b["bytes"] / a["bytes"]), 2))
        else:
            out.append(None)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["10k", "30k", "100k", "300k", "1m", "3m", "5m"])
    ap.add_argument("--detectors", nargs="+")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per size before it is stopped")
    ap.add_argument("--budget", type=float, help="run under a per-article budget of this many seconds")
    ap.add_argument("--memory-mb", type=int, help="with --budget: its memory part (peak RSS, MB)")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(one(args.child, args.detectors, args.budget, args.memory_mb)))
        return
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = []
    for s in args.sizes:
        row = run(parse_size(s), args)
        rows.append(row)
        print(json.dumps(row), flush=True)
    growth = [r.get("peak_mb", 0) - r.get("base_peak_mb", 0) if r.get("peak_mb") else None for r in rows]
    for r, g in zip(rows, growth, strict=True):
        r["added_mb"] = round(g, 1) if g is not None else None
    time_slopes, mem_slopes = slopes(rows, "total_s"), slopes(rows, "added_mb")
    print(f"\nload average at start: {load}")
    print("| input | outcome | time (s) | slope | peak RSS (MB) | added by the article (MB) | slope |")
    print("|---|---|---|---|---|---|---|")
    for r, ts, ms in zip(rows, time_slopes, mem_slopes, strict=True):
        print(
            f"| {r['bytes'] / 1000:,.0f} KB | {r['outcome']} | {r.get('total_s')} | {ts} | {r.get('peak_mb')} "
            f"| {r.get('added_mb')} | {ms} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"load": load, "rows": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
