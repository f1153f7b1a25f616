#!/usr/bin/env python
"""Load test of the web API: a real `spinscope serve` on 127.0.0.1, driven by an asyncio/httpx load generator.

Two ways to load it:

* **closed loop** (``--levels 1,4,16``): that many clients, each sending its next request when the last
  returns (after the ``Retry-After`` of a 503/429); reports p50/p90/p99 latency of the served requests,
  requests/s and errors (refusals included) per level.
* **open loop** (``--rates 4,8,30``): requests arrive as a Poisson process at each rate (requests/s) whatever
  the server does, as users of a public service do; each request's time counts from its scheduled arrival
  (no coordinated omission). Reports per rate: served, refused (503/429, the server's admission control),
  errors (anything else, time-outs included), p50/p95/p99/max of the served requests, the slowest answer of
  any kind, and /healthz latency measured by a prober every 0.1 s during the run. ``--find-max`` then
  searches the highest rate whose served p99 is at most ``--target-p99`` seconds with at most 1% refused
  and no error.

    python benchmarks/bench_web.py                                   # closed loop, 2 workers, 20 s per level
    python benchmarks/bench_web.py --rates 8:20,30:10                # open loop: 8 req/s for 20 s, 30 for 10 s
    python benchmarks/bench_web.py --find-max --seconds 20 --doc docs/performance/web.md

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
import random
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
                retry_after = 0.0
                try:
                    resp = await client.post("/api/analyze", json={"text": text})
                    ok = resp.status_code == 200
                    key = f"HTTP {resp.status_code}"
                    if resp.status_code in (429, 503):  # a polite client waits as told before its next request
                        retry_after = float(resp.headers.get("retry-after", "1"))
                except httpx.HTTPError as exc:
                    ok, key = False, type(exc).__name__
                elapsed = time.perf_counter() - t0
                counter += 1
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[key] = errors.get(key, 0) + 1
                if retry_after:
                    await asyncio.sleep(min(retry_after, max(0.0, deadline - time.perf_counter())))

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


async def run_open(base: str, articles: list[str], rate: float, seconds: float, timeout: float,
                   seed: int = 0, keep_alive: bool = False) -> dict[str, Any]:
    """Poisson arrivals at ``rate`` requests/s for ``seconds``; every request is awaited to its end. Each arrival
    is a new client on a new connection (as independent users are), unless ``keep_alive``: then the requests
    reuse a pool of kept-alive connections, and the kernel's per-connection spread over the workers follows
    those few connections."""
    rng = random.Random(seed)
    served: list[float] = []
    answered: list[float] = []  # every answer (served, refused or error status), seconds from arrival
    refused: dict[str, int] = {}
    errors: dict[str, int] = {}
    health: list[float] = []
    health_errors = 0
    limits = httpx.Limits(max_connections=1024, max_keepalive_connections=64 if keep_alive else 0)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client, \
            httpx.AsyncClient(base_url=base, timeout=timeout) as prober:
        stop = asyncio.Event()

        async def probe() -> None:
            nonlocal health_errors
            while not stop.is_set():
                t0 = time.perf_counter()
                try:
                    ok = (await prober.get("/healthz")).status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    health.append(time.perf_counter() - t0)
                else:
                    health_errors += 1
                await asyncio.sleep(0.1)

        async def one(text: str, due: float) -> None:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                resp = await client.post("/api/analyze", json={"text": text})
                status = resp.status_code
                await resp.aclose()
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                return
            elapsed = time.perf_counter() - due
            answered.append(elapsed)
            if status == 200:
                served.append(elapsed)
            elif status in (429, 503):
                refused[str(status)] = refused.get(str(status), 0) + 1
            else:
                errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1

        prober_task = asyncio.create_task(probe())
        start = time.perf_counter() + 0.05
        due, i, tasks = start, 0, []
        while True:
            due += rng.expovariate(rate)
            if due > start + seconds:
                break
            tasks.append(asyncio.create_task(one(articles[i % len(articles)], due)))
            i += 1
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - start
        stop.set()
        await prober_task

    def ms(values: list[float], q: float) -> float:
        return round(percentile(values, q) * 1000, 1)

    return {
        "rate": rate,
        "requests": len(tasks),
        "served": len(served),
        "refused": refused,
        "errors": errors,
        "wall_s": round(wall, 2),
        "served_per_s": round(len(served) / seconds, 2),
        "p50_ms": ms(served, 50),
        "p95_ms": ms(served, 95),
        "p99_ms": ms(served, 99),
        "max_ms": round(max(served) * 1000, 1) if served else float("nan"),
        "slowest_answer_ms": round(max(answered) * 1000, 1) if answered else float("nan"),
        "healthz_p99_ms": ms(health, 99),
        "healthz_max_ms": round(max(health) * 1000, 1) if health else float("nan"),
        "healthz_errors": health_errors,
    }


def meets(r: dict[str, Any], target_p99_ms: float) -> bool:
    """A rate the server sustains: served p99 within the target, at most 1% refused, no error."""
    refused = sum(r["refused"].values())
    return (not r["errors"] and r["served"] > 0 and r["p99_ms"] <= target_p99_ms
            and refused <= 0.01 * r["requests"])


OPEN_HEADS = ("rate", "s", "requests", "served", "refused", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms",
              "slowest answer ms", "healthz p99 ms", "server cores", "load")


def open_row(r: dict[str, Any]) -> list[str]:
    refused = ", ".join(f"{n} × {k}" for k, n in sorted(r["refused"].items())) or "0"
    errors = ", ".join(f"{n} × {k}" for k, n in sorted(r["errors"].items())) or "0"
    return [f"{r['rate']:g}", f"{r['seconds']:g}", str(r["requests"]), str(r["served"]), refused, errors,
            *(str(r[k]) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "slowest_answer_ms", "healthz_p99_ms",
                                  "server_cores")),
            "{:.1f} / {:.1f}".format(*r["load"])]


def markdown_table(results: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(OPEN_HEADS) + " |", "|" + "---|" * len(OPEN_HEADS)]
    lines += ["| " + " | ".join(open_row(r)) + " |" for r in results]
    return "\n".join(lines)


def find_max(base: str, articles: list[str], args: argparse.Namespace, proc: subprocess.Popen[bytes],
             results: list[dict[str, Any]]) -> float | None:
    """Double the rate from ``--rates``' first value until it fails, then bisect (to 0.5 requests/s)."""
    target = args.target_p99 * 1000

    def trial(rate: float) -> bool:
        r = measure_open(base, articles, rate, args, proc)
        results.append(r)
        return meets(r, target)

    low, high = 0.0, parse_rates(args.rates, args.seconds)[0][0]
    while trial(high):
        low, high = high, high * 2
        if high > 256:
            return low
    while high - low > 0.5:
        mid = round((low + high) / 2 * 2) / 2
        if mid in (low, high):
            break
        if trial(mid):
            low = mid
        else:
            high = mid
    return low or None


def parse_rates(spec: str, seconds: float) -> list[tuple[float, float]]:
    """``"8:20,30:10"`` -> [(8.0, 20.0), (30.0, 10.0)]; a rate without ``:seconds`` runs ``seconds``."""
    out = []
    for item in spec.split(","):
        rate, _, duration = item.partition(":")
        out.append((float(rate), float(duration) if duration else seconds))
    return out


def measure_open(base: str, articles: list[str], rate: float, args: argparse.Namespace,
                 proc: subprocess.Popen[bytes], seconds: float | None = None) -> dict[str, Any]:
    time.sleep(args.pause)  # let the previous rate's queue drain
    load_before = os.getloadavg()[0]
    t0, w0 = cpu_ticks(), worker_cpu(proc.pid)
    seconds = args.seconds if seconds is None else seconds
    wall0 = time.perf_counter()
    r = asyncio.run(run_open(base, articles, rate, seconds, args.timeout, seed=args.seed, keep_alive=args.keep_alive))
    wall = time.perf_counter() - wall0
    r["seconds"] = seconds
    t1, w1 = cpu_ticks(), worker_cpu(proc.pid)
    used = {pid: w1[pid] - w0.get(pid, 0) for pid in w1}
    total = sum(used.values())
    # CPU the server's workers got, in cores (of os.cpu_count()): on a shared machine, how much it really had
    r["server_cores"] = round(total / os.sysconf("SC_CLK_TCK") / wall, 2)
    r["steal_pct"] = round(100 * (t1[1] - t0[1]) / max(1, t1[0] - t0[0]), 1)
    r["worker_cpu_shares"] = sorted((round(v / total, 2) for v in used.values()), reverse=True) if total else []
    r["load"] = (load_before, os.getloadavg()[0])
    r["worker_rss_mb"] = worker_rss_mb(proc.pid)
    print("| " + " | ".join(open_row(r)) + f" | server cores {r['server_cores']} steal {r['steal_pct']}% "
          f"CPU shares {r['worker_cpu_shares']} "
          f"RSS MB {r['worker_rss_mb']}", flush=True)
    return r


def cpu_ticks() -> tuple[int, int]:
    """(all, steal) jiffies of the machine from /proc/stat (Linux; zeros elsewhere). Steal is time the
    hypervisor gave to other guests: on a shared host it shows how much CPU this run really had."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return sum(fields[:8]), fields[7] if len(fields) > 7 else 0


def worker_cpu(server_pid: int) -> dict[int, int]:
    """CPU jiffies (user + system) of each process whose parent is the server (its workers), Linux /proc; the
    server process itself when it has no workers (``--workers 1`` serves in-process)."""
    out: dict[int, int] = {}
    try:
        own = (Path(f"/proc/{server_pid}/stat")).read_text().rsplit(")", 1)[1].split()
        out[server_pid] = int(own[11]) + int(own[12])
    except (OSError, ValueError, IndexError):
        pass
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
    if len(out) > 1:
        out.pop(server_pid, None)  # a supervisor: its workers do the work
    return out


def worker_rss_mb(server_pid: int) -> list[int]:
    """Resident memory (MB) of each worker process of the server (Linux /proc; empty elsewhere)."""
    out = []
    for pid in worker_cpu(server_pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                out.append(round(int(line.split()[1]) / 1024))
    return sorted(out, reverse=True)


def start_server(port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "spinscope", "serve", "--port", str(port), "--workers", str(args.workers),
           "--threads", str(args.threads), "--cache-size", str(args.cache_size), "--log-level", "warning",
           "--timeout", str(args.server_timeout)]
    if args.detectors:
        cmd += ["--detectors", args.detectors]
    cmd += ["--queue", str(args.queue), "--queue-wait", str(args.queue_wait)]
    if args.rate_limit:
        cmd += ["--rate-limit", str(args.rate_limit)]
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


def open_loop(base: str, articles: list[str], args: argparse.Namespace, proc: subprocess.Popen[bytes],
              source: str, health: dict[str, Any]) -> int:
    print("| " + " | ".join(OPEN_HEADS) + " |")
    results: list[dict[str, Any]] = []
    best = None
    if args.find_max:
        best = find_max(base, articles, args, proc, results)
        print(f"highest rate with served p99 <= {args.target_p99:g} s, <= 1% refused, no error: {best}")
    else:
        for rate, seconds in parse_rates(args.rates, args.seconds):
            results.append(measure_open(base, articles, rate, args, proc, seconds))
    command = "python benchmarks/bench_web.py " + " ".join(sys.argv[1:])
    if args.out:
        doc = {"settings": vars(args) | {"out": str(args.out), "doc": str(args.doc)}, "articles": source,
               "detectors": health["detectors"], "results": results, "best_rate": best, "command": command}
        args.out.write_text(json.dumps(doc, indent=2))
    if args.doc:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        section = [f"\n## Open loop, {when}\n", f"`{command}`\n",
                   f"Server: {args.workers} workers × {args.threads} threads, queue {args.queue}, queue wait "
                   f"{args.queue_wait:g} s, cache {args.cache_size}; {source}; "
                   f"{'kept-alive connections' if args.keep_alive else 'a new connection per request'}; "
                   "seconds per rate in the 's' column; "
                   f"machine {os.cpu_count()} CPUs, load average (1 min) before / after each rate in the last "
                   "column.\n", markdown_table(results) + "\n"]
        if best is not None or args.find_max:
            section.append(f"Highest rate with served p99 ≤ {args.target_p99:g} s, ≤ 1% refused and no error: "
                           f"**{best}** requests/s.\n")
        with args.doc.open("a", encoding="utf-8") as f:
            f.write("\n".join(section))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="analysis threads per worker")
    parser.add_argument("--levels", default="1,4,16", help="closed loop: concurrent clients per level")
    parser.add_argument("--rates", default="",
                        help="open loop: Poisson arrival rates (requests/s), each with its own duration if given "
                             "as RATE:SECONDS, e.g. 8:20,30:10")
    parser.add_argument("--find-max", action="store_true",
                        help="open loop: find the highest rate meeting --target-p99 (starts at --rates' first, "
                             "default 4)")
    parser.add_argument("--target-p99", type=float, default=1.0, help="seconds, for --find-max")
    parser.add_argument("--pause", type=float, default=5.0, help="open loop: idle seconds before each rate")
    parser.add_argument("--seed", type=int, default=0, help="open loop: random seed of the arrival times")
    parser.add_argument("--keep-alive", action="store_true",
                        help="open loop: reuse kept-alive connections (default: a new connection per arrival)")
    parser.add_argument("--queue", type=int, default=16, help="server: requests that may wait per worker")
    parser.add_argument("--queue-wait", type=float, default=2.0, help="server: longest wait to start (s)")
    parser.add_argument("--rate-limit", type=float, default=0.0, help="server: per-client rate limit (0: off)")
    parser.add_argument("--doc", type=Path, help="open loop: append the results as a dated section to this file")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each level")
    parser.add_argument("--articles", type=int, default=60, help="distinct articles to cycle through")
    parser.add_argument("--detectors", default="", help="comma-separated detectors (default: all)")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout per request (s)")
    parser.add_argument("--server-timeout", type=float, default=30.0, help="server time limit per analysis (s)")
    parser.add_argument("--cache-size", type=int, default=0,
                        help="server report cache (default 0: every request is a full analysis)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()
    if args.find_max and not args.rates:
        args.rates = "4"

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
        if args.rates:
            return open_loop(base, articles, args, proc, source, health)
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
