"""CPU cost of the headline detector (clickbait + stance + unsupported terms) and the claims ranking per article.

    python benchmarks/bench_headline.py [--data ../shared/data] [--n 30] [--repeat 3]

Warm models, one onnxruntime thread unless --threads says otherwise; CPU time (``time.process_time``) around
``HeadlineDetector().detect(article, context)`` and ``ClaimsDetector().detect(article, context)`` with a fresh
Context per call (no cached embeddings). Prints CPU and wall-clock median and p90 in ms over ``n`` PTC train
articles for the headline check, the claims ranking and both together, each timed ``repeat`` times (best kept).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads (0: its default)")
    args = ap.parse_args()

    from spinscope.detectors import Context, Resources
    from spinscope.detectors.claims import ClaimsDetector
    from spinscope.detectors.headline import HeadlineDetector
    from spinscope.inference.sentence_encoder import SentenceEncoder
    from spinscope.ingest import read_source

    paths = sorted(Path(args.data, "ptc", "train-articles").glob("*.txt"))[: args.n]
    if not paths:
        raise SystemExit(f"no PTC train articles under {args.data}/ptc/train-articles")
    arts = [read_source(str(p)) for p in paths]
    det, claims, res = HeadlineDetector(), ClaimsDetector(), Resources()
    res.get("sentence_encoder", lambda: SentenceEncoder(threads=args.threads or None))
    det.detect(arts[0], Context(resources=res))  # load models
    claims.detect(arts[0], Context(resources=res))
    times: dict[str, list[float]] = {k: [] for k in ("headline CPU", "headline wall", "claims CPU", "both CPU")}
    for a in arts:
        best = dict.fromkeys(times, float("inf"))
        for _ in range(args.repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            det.detect(a, Context(resources=res))
            c1, w1 = time.process_time(), time.perf_counter()
            claims.detect(a, Context(resources=res))
            c2 = time.process_time()
            for key, value in (
                ("headline CPU", c1 - c0),
                ("headline wall", w1 - w0),
                ("claims CPU", c2 - c1),
                ("both CPU", c2 - c0),
            ):
                best[key] = min(best[key], value * 1000)
        for key, value in best.items():
            times[key].append(value)
    threads = args.threads or "default"
    for name, xs in times.items():
        xs.sort()
        p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
        print(f"{name}, {len(xs)} articles, threads={threads}: median {statistics.median(xs):.1f} ms, p90 {p90:.1f} ms")


if __name__ == "__main__":
    main()
