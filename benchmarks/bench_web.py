#!/usr/bin/env python
"""Load test of the web API: a real `spinscope serve` on 127.0.0.1, driven by an asyncio/httpx load
generator at 1, 4 and 16 concurrent clients, each level bounded in time. Reports p50/p90/p99 latency,
requests/s and errors per level (closed loop: each client sends its next request when the last returns).

    /work/venv/bin/python benchmarks/bench_web.py                      # 2 workers, 20 s per level
    /work/venv/bin/python benchmarks/bench_web.py --workers 1 --seconds 10 --levels 1,4,16 --out r.json

Articles: the PTC training articles from ../shared/data (SPINSCOPE_DATA) when present, else the bundled
example article. The server runs with its report cache off (--cache-size 0) unless asked, so every
request is a full analysis. The load generator shares the machine's CPUs with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

from spinscope.web.server import free_port

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SPINSCOPE_DATA", REPO.parent / "shared" / "data"))


def load_articles(limit: int) -> tuple[list[str], str]:
    folder = DATA / "ptc" / "train-articles"
    if folder.is_dir():
        texts = [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))[:limit]]
        texts = [t for t in texts if len(t.split()) >= 20]
        return texts, f"{len(texts)} PTC training articles ({folder})"
    example = resources.files("spinscope").joinpath("resources/examples/example.txt").read_text("utf-8")
    return [example], "the bundled example article (shared data not found)"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def run_level(base: str, articles: list[str], clients: int, seconds: float, timeout: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:

        async def worker(offset: int) -> None:
            nonlocal counter
            i = offset
            while time.perf_counter() < deadline:
                text = articles[i % len(articles)]
                i += clients
                t0 = time.perf_counter()
                try:
                    resp = await client.post("/api/analyze", json={"text": text})
                    ok = resp.status_code == 200
                    key = f"HTTP {resp.status_code}"
                except httpx.HTTPError as exc:
                    ok, key = False, type(exc).__name__
                elapsed = time.perf_counter() - t0
                counter += 1
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[key] = errors.get(key, 0) + 1

        t_start = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(clients)))
        wall = time.perf_counter() - t_start

    return {
        "clients": clients,
        "requests": counter,
        "ok": len(latencies),
        "errors": errors,
        "wall_s": round(wall, 2),
        "req_per_s": round(len(latencies) / wall, 2),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p90_ms": round(percentile(latencies, 90) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1) if latencies else float("nan"),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else float("nan"),
    }


def cpu_ticks() -> tuple[int, int]:
    """(all, steal) jiffies of the machine from /proc/stat (Linux; zeros elsewhere). Steal is time the
    hypervisor gave to other guests: on a shared host it shows how much CPU this run really had."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return sum(fields[:8]), fields[7] if len(fields) > 7 else 0


def worker_cpu(server_pid: int) -> dict[int, int]:
    """CPU jiffies (user + system) of each process whose parent is the server (its workers), Linux /proc."""
    out: dict[int, int] = {}
    for d in Path("/proc").glob("[0-9]*"):
        try:
            f = (d / "stat").read_text().rsplit(")", 1)[1].split()
            if int(f[1]) != server_pid:
                continue
            cmdline = (d / "cmdline").read_bytes().decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        if "spawn_main" in cmdline and "resource_tracker" not in cmdline:  # workers, not multiprocessing's tracker
            out[int(d.name)] = int(f[11]) + int(f[12])
    return out


def start_server(port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "spinscope", "serve", "--port", str(port), "--workers", str(args.workers),
           "--threads", str(args.threads), "--cache-size", str(args.cache_size), "--log-level", "warning",
           "--timeout", str(args.server_timeout)]
    if args.detectors:
        cmd += ["--detectors", args.detectors]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL)


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            health: dict[str, Any] = httpx.get(f"{base}/healthz", timeout=5).json()
            if health.get("ready"):
                return health
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("server did not become ready")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="analysis threads per worker")
    parser.add_argument("--levels", default="1,4,16", help="concurrent clients per level")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each level")
    parser.add_argument("--articles", type=int, default=60, help="distinct articles to cycle through")
    parser.add_argument("--detectors", default="", help="comma-separated detectors (default: all)")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout per request (s)")
    parser.add_argument("--server-timeout", type=float, default=30.0, help="server time limit per analysis (s)")
    parser.add_argument("--cache-size", type=int, default=0,
                        help="server report cache (default 0: every request is a full analysis)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()

    articles, source = load_articles(args.articles)
    words = [len(t.split()) for t in articles]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(port, args)
    try:
        health = wait_ready(base, proc)
        print(f"server: {base} workers={args.workers} threads={args.threads} cache={args.cache_size} "
              f"detectors={health['detectors']}")
        print(f"articles: {source}; words median {statistics.median(words):.0f}, max {max(words)}")
        cpu = platform.processor() or platform.machine()
        print(f"machine: {os.cpu_count()} CPUs, {cpu}, python {platform.python_version()}; load {os.getloadavg()}")
        asyncio.run(run_level(base, articles, 2, 3.0, args.timeout))  # warm every worker
        results = []
        heads = ("clients", "requests", "errors", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms")
        print(" ".join(f"{h:>8}" for h in heads) + "  steal%  worker CPU shares")
        for level in (int(x) for x in args.levels.split(",")):
            t0, w0 = cpu_ticks(), worker_cpu(proc.pid)
            r = asyncio.run(run_level(base, articles, level, args.seconds, args.timeout))
            t1, w1 = cpu_ticks(), worker_cpu(proc.pid)
            used = {pid: w1[pid] - w0.get(pid, 0) for pid in w1}
            total = sum(used.values())
            r["steal_pct"] = round(100 * (t1[1] - t0[1]) / max(1, t1[0] - t0[0]), 1)
            r["worker_cpu_shares"] = sorted((round(v / total, 2) for v in used.values()), reverse=True) if total else []
            results.append(r)
            n_err = sum(r["errors"].values())
            keys = ("req_per_s", "p50_ms", "p90_ms", "p99_ms", "max_ms")
            cells = (r["clients"], r["requests"], n_err, *(r[k] for k in keys))
            print(" ".join(f"{c:>8}" for c in cells) + f"  {r['steal_pct']:>6}  {r['worker_cpu_shares']}"
                  + (f"  {r['errors']}" if n_err else ""))
        if args.out:
            doc = {"settings": vars(args) | {"out": str(args.out)}, "articles": source, "load": os.getloadavg(),
                   "detectors": health["detectors"], "results": results}
            args.out.write_text(json.dumps(doc, indent=2))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
