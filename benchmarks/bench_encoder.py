"""The token encoder alone on PTC test articles: the graph without padding mask against the file's masked graph.

For the same tokens, in one process, one onnxruntime thread: the largest |difference| between the two graphs'
states (all six layers), then CPU ms per article of each, interleaved ``--repeats`` times so the machine's
drift falls on both alike (docs/performance/web.md, "Eighth session"). ``--graph unpadded`` or ``masked``
runs only that one, once, e.g. for a whole-process comparison under ``/usr/bin/time -v``. ``--windows`` also
times other window sizes and overlaps (they change the states: for costing, not for use).

    python benchmarks/bench_encoder.py [--data ../shared/data] [--limit 50] [--repeats 4] [--windows]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from spinscope.inference.token_encoder import TokenEncoder  # noqa: E402
from spinscope.inference.windows import Tokens, window_starts  # noqa: E402

WINDOWS = [(256, 32), (256, 16), (256, 0), (128, 16), (384, 32), (512, 32)]


def cpu_ms_per_article(enc: TokenEncoder, toks: list[Tokens], layers: list[int]) -> float:
    c0 = time.process_time()
    for t in toks:
        enc.states(t, layers)
    return (time.process_time() - c0) * 1000 / len(toks)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("SPINSCOPE_DATA", "../shared/data")))
    ap.add_argument("--limit", type=int, default=50, help="first N PTC test articles")
    ap.add_argument("--repeats", type=int, default=4)
    ap.add_argument("--graph", choices=["both", "unpadded", "masked"], default="both")
    ap.add_argument("--layers", default="3,5", help="layers read (the technique heads read 3 and 5)")
    ap.add_argument("--windows", action="store_true", help="also time other window sizes / overlaps")
    args = ap.parse_args()
    files = sorted((args.data / "ptc" / "test-articles").glob("article*.txt"))[: args.limit]
    if not files:
        raise SystemExit(f"no PTC test articles under {args.data / 'ptc' / 'test-articles'}")
    layers = [int(x) for x in args.layers.split(",")]
    kinds = ["unpadded", "masked"] if args.graph == "both" else [args.graph]
    encs = {k: TokenEncoder(threads=1, unpadded=k == "unpadded") for k in kinds}
    for k, e in encs.items():
        e.load()
        if k == "unpadded" and e.unpadded_reason:
            raise SystemExit(f"the unpadded graph could not be built: {e.unpadded_reason}")
    first = next(iter(encs.values()))
    toks = [first.tokenize(f.read_text(encoding="utf-8")) for f in files]
    n_tokens = sum(len(t) for t in toks)
    res: dict[str, object] = {"articles": len(toks), "tokens": n_tokens,
                              "load_average_start": os.getloadavg()[0]}
    if args.graph != "both":
        res[f"{args.graph}_cpu_ms_per_article"] = round(cpu_ms_per_article(first, toks, layers), 1)
        print(json.dumps(res))
        return
    res["max_abs_diff_all_layers"] = max(float(np.abs(encs["unpadded"].states(t) - encs["masked"].states(t)).max())
                                         for t in toks)
    runs: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(args.repeats):
        for k in kinds:
            runs[k].append(cpu_ms_per_article(encs[k], toks, layers))
    ratios = [u / m for u, m in zip(runs["unpadded"], runs["masked"], strict=True)]
    res |= {f"{k}_cpu_ms_per_article": [round(x, 1) for x in v] for k, v in runs.items()}
    res |= {f"{k}_median": round(statistics.median(v), 1) for k, v in runs.items()}
    res["ratio_unpadded_over_masked"] = [round(r, 3) for r in ratios]
    res["ratio_median"] = round(statistics.median(ratios), 3)
    if args.windows:
        fast = encs["unpadded"]
        rows = []
        for size, overlap in WINDOWS:
            enc = TokenEncoder(threads=1, size=size, overlap=overlap)
            enc._session, enc._masked, enc._tokenizer = fast._session, fast._masked, fast._tokenizer  # one session
            encoded = sum(sum(b - a + 2 for a, b in window_starts(len(t), size, overlap)) for t in toks)
            ms = statistics.median(cpu_ms_per_article(enc, toks, layers) for _ in range(args.repeats))
            rows.append({"size": size, "overlap": overlap, "encoded_tokens_per_token": round(encoded / n_tokens, 3),
                         "cpu_ms_per_article": round(ms, 1)})
        res["windows"] = rows
    res["load_average_end"] = os.getloadavg()[0]
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
