"""Score the transparent layer (lexical + rhetoric detectors) on spinscope's PTC validation split, with the
same SemEval-2020 Task 11 measures as the trained model (SI and FLC; TC does not apply to a rule layer).

    python benchmarks/eval_transparent.py --data ../shared/data/ptc [--out preds.tsv]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from spinscope.analyzer import Analyzer
from spinscope.config import Options
from spinscope.evaluation.ptc import Annotation, read_articles, read_labels, score_flc, score_si, split_ids
from spinscope.ingest import article_from_text
from spinscope.techniques import is_ptc_technique


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/data/ptc"))
    ap.add_argument("--detectors", default="lexical,rhetoric")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    texts = read_articles(args.data / "train-articles")
    val = split_ids(texts, "val")
    gold = read_labels(args.data / "train-task-flc-tc.labels")
    analyzer = Analyzer(Options(detectors=tuple(args.detectors.split(","))))
    pred: list[Annotation] = []
    for aid in val:
        report = analyzer.analyze(article_from_text(texts[aid], id=aid))
        pred += [Annotation(aid, s.start, s.end, s.technique) for s in report.spans if is_ptc_technique(s.technique)]
    if args.out:
        args.out.write_text("".join(f"{a.article_id}\t{a.technique}\t{a.start}\t{a.end}\n" for a in pred))
    si, flc = score_si(gold, pred, val), score_flc(gold, pred, val)
    print(
        json.dumps(
            {
                "articles": len(val),
                "spans": len(pred),
                "si": {k: round(v, 4) for k, v in si.to_dict().items() if k in ("precision", "recall", "f1")},
                "flc": {k: round(v, 4) for k, v in flc.to_dict().items() if k in ("precision", "recall", "f1")},
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
