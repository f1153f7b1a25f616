#!/usr/bin/env python
"""How much page clutter the rules exclude from the PTC articles, and whether gold spans fall inside it.

    python benchmarks/clutter_ptc.py [--data ../shared/data] [--show]

Counts the excluded regions by reason over the PTC training articles and the gold technique spans
(train-task-flc-tc.labels) that touch one; ``--show`` prints each such region with the spans it touches.
A clutter rule that swallowed article text would show up as gold spans inside excluded regions.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

from spinscope.evaluation.ptc import read_articles, read_labels
from spinscope.ingest import article_from_text

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--show", action="store_true", help="print the regions that gold spans touch")
    args = ap.parse_args(argv)
    ptc = args.data / "ptc"
    if not (ptc / "train-articles").is_dir():
        print(f"PTC data not found under {ptc}", file=sys.stderr)
        return 2
    texts = read_articles(ptc / "train-articles")
    gold: dict[str, list] = collections.defaultdict(list)
    for a in read_labels(ptc / "train-task-flc-tc.labels", with_technique=True):
        gold[a.article_id].append(a)
    by_reason: collections.Counter[str] = collections.Counter()
    touched: collections.Counter[str] = collections.Counter()
    n_gold = n_inside = 0
    for aid in sorted(texts):
        art = article_from_text(texts[aid])
        for r in art.excluded:
            by_reason[r.reason] += 1
            hit = [a for a in gold[aid] if a.start < r.end and r.start < a.end]
            if hit:
                touched[r.reason] += 1
                if args.show:
                    print(f"{aid} {r.reason}: {art.text[r.start:r.end][:90]!r} <- "
                          + "; ".join(f"{a.technique} {art.text[a.start:a.end][:40]!r}" for a in hit))
        for a in gold[aid]:
            n_gold += 1
            n_inside += any(a.start < r.end and r.start < a.end for r in art.excluded)
    print(f"{len(texts)} articles, {sum(by_reason.values())} excluded regions, "
          f"{sum(touched.values())} touched by a gold span; gold spans touching clutter: {n_inside} of {n_gold}")
    for reason, n in by_reason.most_common():
        print(f"  {n:5d}  {reason}" + (f"  ({touched[reason]} touched by gold)" if touched[reason] else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
