"""CPU cost of the headline detector (clickbait + stance + unsupported terms) per article.

    python benchmarks/bench_headline.py [--data ../shared/data] [--n 30] [--repeat 3]

Warm models, one onnxruntime thread unless --threads says otherwise; CPU time (``time.process_time``) around
``HeadlineDetector().detect(article, context)`` with a fresh Context per call (no cached embeddings).
Prints CPU and wall-clock median and p90 in ms over ``n`` PTC train articles, each timed ``repeat`` times (best kept).
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
    from spinscope.detectors.headline import HeadlineDetector
    from spinscope.inference.sentence_encoder import SentenceEncoder
    from spinscope.ingest import read_source

    paths = sorted(Path(args.data, "ptc", "train-articles").glob("*.txt"))[: args.n]
    if not paths:
        raise SystemExit(f"no PTC train articles under {args.data}/ptc/train-articles")
    arts = [read_source(str(p)) for p in paths]
    det, res = HeadlineDetector(), Resources()
    res.get("sentence_encoder", lambda: SentenceEncoder(threads=args.threads or None))
    det.detect(arts[0], Context(resources=res))  # load models
    cpu, wall = [], []
    for a in arts:
        best_cpu = best_wall = float("inf")
        for _ in range(args.repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            det.detect(a, Context(resources=res))
            best_cpu = min(best_cpu, (time.process_time() - c0) * 1000)
            best_wall = min(best_wall, (time.perf_counter() - w0) * 1000)
        cpu.append(best_cpu)
        wall.append(best_wall)
    threads = args.threads or "default"
    for name, xs in (("CPU", cpu), ("wall", wall)):
        xs.sort()
        p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
        print(
            f"headline detector, {len(xs)} articles, threads={threads}: {name} median "
            f"{statistics.median(xs):.1f} ms, p90 {p90:.1f} ms"
        )


if __name__ == "__main__":
    main()
