"""Fit the score calibration of every technique layer and choose the reader's default threshold.

Reads the work folder of ``spinscope.train.ptc_heads`` (cached encoder states, the grouped folds' models,
``cv.json``). For each PTC training article it collects the spans a full analysis would report:

* techniques model: the fold model that never saw the article (out-of-fold), with the shipped SI
  threshold and the detector's own choice of techniques (``technique_choices``);
* lexical and rhetoric layers: the detectors themselves. The lexicons were mined from the training split
  (``spinscope.evaluation.ptc.split_of``), so the lexical maps are fitted on validation-split articles only.

A span is right when it touches an annotator's span of the same technique. Isotonic maps per
(layer, technique), with a per-layer fallback for techniques with fewer than ``MIN_SPANS`` spans, turn
raw scores into probabilities. The figures reported are cross-fitted: the maps used on fold k are fitted
without fold k, and the reader threshold is chosen on the other folds too. The shipped maps and
threshold are then fitted on everything.

    HF_HUB_OFFLINE=1 python -m spinscope.train.calibrate --data ../shared/data/ptc --work W
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.calibration import (
    DEFAULT_PATH,
    FALLBACK,
    MERGED,
    Calibrator,
    IsotonicMap,
    calibrated_findings,
    fit_isotonic,
    reliability,
)
from spinscope.evaluation.ptc import Annotation, read_articles, read_labels, score_si, split_of
from spinscope.evaluation.ptc_folds import grouped_folds
from spinscope.merge import merge_findings
from spinscope.spans import Span
from spinscope.techniques import PTC_TECHNIQUES

MIN_SPANS = 150
READER_GRID = tuple(round(x, 2) for x in np.arange(0.0, 0.71, 0.05))
TARGET_PRECISION = 0.35
LAYERS = ("lexical", "rhetoric", "techniques")  # the analyzer's order


def technique_spans(work: Path, texts: dict[str, str], folds: dict[str, int], k: int, threshold: float
                    ) -> dict[str, list[Span]]:
    from spinscope.detectors.techniques import technique_choices
    from spinscope.inference.ptc_model import PTCModel
    from spinscope.inference.windows import Tokens

    m = PTCModel(work / f"fold{k}")
    m.load()
    out: dict[str, list[Span]] = {}
    for aid in sorted(a for a in texts if folds[a] == k):
        with np.load(work / "feats" / f"{aid}.npz") as z:
            enc = m.encode_states(texts[aid], Tokens(z["ids"], z["offsets"]), z["h"].astype(np.float32))
        out[aid] = [Span(p.start, p.end, tech, raw, "", "techniques")
                    for p, tech, _, _, _, raw in technique_choices(m.predict_encoded(enc, threshold), m.techniques)]
    return out


def layer_spans(texts: dict[str, str], cache: Path) -> dict[str, list[Span]]:
    """The lexical and rhetoric layers' own spans with raw scores, unmerged (cached in ``cache``)."""
    from spinscope.analyzer import Analyzer
    from spinscope.config import Options
    from spinscope.detectors import Context
    from spinscope.detectors.base import keep_outside_excluded
    from spinscope.ingest import article_from_text

    if cache.is_file():
        doc = json.loads(cache.read_text(encoding="utf-8"))
        if sorted(doc) == sorted(texts):
            return {aid: [Span.from_dict(d) for d in v] for aid, v in doc.items()}
    an = Analyzer(Options(detectors=("lexical", "rhetoric")))
    out: dict[str, list[Span]] = {}
    for aid, t in sorted(texts.items()):  # each detector's own spans, before the analyzer merges them
        article = article_from_text(t, id=aid)
        context = Context(resources=an.resources)
        out[aid] = []
        for d in an.detectors:
            found = d.detect(article, context)
            context.findings[d.name] = found
            out[aid] += keep_outside_excluded(article, found.spans)
    cache.write_text(json.dumps({aid: [s.to_dict() for s in v] for aid, v in out.items()}), encoding="utf-8")
    return out


def hits(spans: list[Span], gold_by: dict[tuple[str, str], list[tuple[int, int]]], aid: str) -> list[int]:
    return [int(any(s.start < e and b < s.end for b, e in gold_by.get((aid, s.technique), []))) for s in spans]


def fit_maps(rows: list[tuple[str, str, float, int]]) -> dict[str, IsotonicMap]:
    """rows: (detector, label, raw, hit) -> maps per detector:label (>= MIN_SPANS) and detector:* (the rest)."""
    by: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    for d, lab, raw, h in rows:
        by[(d, lab)].append((raw, h))
    maps: dict[str, IsotonicMap] = {}
    rest: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for (d, lab), xs in by.items():
        if len(xs) >= MIN_SPANS:
            maps[f"{d}:{lab}"] = fit_isotonic([x for x, _ in xs], [h for _, h in xs])
        else:
            rest[d] += xs
    for d, xs in rest.items():
        if xs:
            maps[f"{d}:{FALLBACK}"] = fit_isotonic([x for x, _ in xs], [h for _, h in xs])
    return maps


def merged(spans: list[Span], cal: Calibrator) -> list[Span]:
    """What the analyzer reports before its threshold: calibrated, merged, second stage (when fitted)."""
    ptc = frozenset(PTC_TECHNIQUES)
    return calibrated_findings([s for s in spans if s.technique in ptc], cal, LAYERS, ptc)


def shown(spans: list[Span], cal: Calibrator, threshold: float) -> list[Span]:
    return [s for s in merged(spans, cal) if s.score >= threshold]


def fit_calibrator(spans: dict[str, list[Span]], rows: list[tuple[str, str, float, int]], ids: list[str],
                   gold_by: dict[tuple[str, str], list[tuple[int, int]]]) -> Calibrator:
    """First stage per layer and technique from ``rows``; second stage on the merged findings of ``ids``."""
    first = Calibrator(fit_maps(rows))
    raw, hit = [], []
    for aid in ids:
        ms = merged(spans[aid], first)
        raw += [s.score for s in ms]
        hit += hits(ms, gold_by, aid)
    return Calibrator({**first.maps, f"{MERGED}:{FALLBACK}": fit_isotonic(raw, hit)})


def report_figures(shown_by: dict[str, list[Span]], gold: list[Annotation],
                   gold_by: dict[tuple[str, str], list[tuple[int, int]]]) -> dict[str, Any]:
    probs, hit = [], []
    for aid, spans in shown_by.items():
        probs += [s.score for s in spans]
        hit += hits(spans, gold_by, aid)
    ece, table = reliability(probs, hit)
    si = score_si(gold, [Annotation(a, s.start, s.end) for a, ss in shown_by.items() for s in ss], sorted(shown_by))
    return {"spans": len(probs), "share_right": float(np.mean(hit)) if hit else 0.0,
            "mean_score": float(np.mean(probs)) if probs else 0.0, "ece": ece, "table": table,
            "si_recall": si.recall, "si_precision": si.precision, "si_f1": si.f1}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m spinscope.train.calibrate", description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True, help="the work folder of spinscope.train.ptc_heads")
    ap.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = ap.parse_args(argv)
    t0 = time.time()
    texts = read_articles(args.data / "train-articles")
    gold = read_labels(args.data / "train-task-flc-tc.labels", with_technique=True)
    gold_by: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for g in gold:
        gold_by[(g.article_id, str(g.technique))].append((g.start, g.end))
    cv = json.loads((args.work / "cv.json").read_text(encoding="utf-8"))
    # the shipped SI threshold, as the fold models carry it (spinscope.train.ptc_tagger may have changed it)
    threshold = float(json.loads((args.work / "fold0" / "config.json").read_text(encoding="utf-8"))["si_threshold"])
    folds = grouped_folds(texts, int(cv["folds"]))
    k_all = sorted(set(folds.values()))
    spans: dict[str, list[Span]] = defaultdict(list)
    for k in k_all:
        for aid, ss in technique_spans(args.work, texts, folds, k, threshold).items():
            spans[aid] += ss
    print(f"techniques spans out of fold: {sum(len(v) for v in spans.values())} ({time.time() - t0:.0f} s)", flush=True)
    ptc = set(PTC_TECHNIQUES)
    for aid, ss in layer_spans(texts, args.work / "layer_spans.json").items():
        spans[aid] += [s for s in ss if s.technique in ptc]
    print(f"all layers: {sum(len(v) for v in spans.values())} spans ({time.time() - t0:.0f} s)", flush=True)

    def rows_for(ids: list[str]) -> list[tuple[str, str, float, int]]:
        out = []
        for aid in ids:
            ss = [s for s in spans[aid] if s.detector != "lexical" or split_of(aid) == "val"]
            out += [(s.detector, s.technique, s.score, h) for s, h in zip(ss, hits(ss, gold_by, aid), strict=True)]
        return out

    # cross-fitted figures: maps and reader threshold from the other folds, applied to fold k
    per_fold, shown_cf = [], {}
    for k in k_all:
        inner_ids = sorted(a for a in texts if folds[a] != k)
        cal = fit_calibrator(spans, rows_for(inner_ids), inner_ids, gold_by)
        inner = {t: report_figures({a: shown(spans[a], cal, t) for a in inner_ids}, gold, gold_by) for t in READER_GRID}
        ok = [t for t in READER_GRID if inner[t]["share_right"] >= TARGET_PRECISION]
        t_k = min(ok) if ok else max(READER_GRID)
        fold_ids = sorted(a for a in texts if folds[a] == k)
        for a in fold_ids:
            shown_cf[a] = shown(spans[a], cal, t_k)
        f = report_figures({a: shown_cf[a] for a in fold_ids}, gold, gold_by)
        per_fold.append({"fold": k, "reader_threshold": t_k, **{x: f[x] for x in
                         ("spans", "share_right", "mean_score", "ece", "si_recall")}})
        print(f"fold {k}: reader threshold {t_k}: {f['spans']} spans shown, {f['share_right']:.3f} right, "
              f"mean score {f['mean_score']:.3f}, ECE {f['ece']:.3f}, SI recall {f['si_recall']:.3f}", flush=True)
    pooled = report_figures(shown_cf, gold, gold_by)
    uncal = report_figures({a: merge_findings(spans[a], LAYERS) for a in texts}, gold, gold_by)

    cal = fit_calibrator(spans, rows_for(sorted(texts)), sorted(texts), gold_by)
    every = {t: report_figures({a: shown(spans[a], cal, t) for a in texts}, gold, gold_by) for t in READER_GRID}
    ok = [t for t in READER_GRID if every[t]["share_right"] >= TARGET_PRECISION]
    reader = min(ok) if ok else max(READER_GRID)
    doc = {
        "what": "isotonic maps from raw span scores to P(an annotator marks this technique on these words)",
        "command": "HF_HUB_OFFLINE=1 python -m spinscope.train.calibrate --data ../shared/data/ptc --work W",
        "techniques_model_threshold": threshold,
        "reader_threshold": reader,
        "reader_threshold_rule": f"lowest score at which >= {TARGET_PRECISION:.0%} of shown PTC findings are right",
        "cross_fitted": {"pooled": {k: v for k, v in pooled.items()}, "per_fold": per_fold},
        "uncalibrated_all_spans": {k: uncal[k] for k in ("spans", "share_right", "mean_score", "ece", "si_recall")},
        "by_reader_threshold_in_sample": {str(t): {k: round(v, 4) for k, v in every[t].items() if k != "table"}
                                         for t in READER_GRID},
        "min_spans_per_map": MIN_SPANS,
        "date": time.strftime("%Y-%m-%d"),
        "time_s": round(time.time() - t0, 1),
        "maps": {k: m.to_dict() for k, m in sorted(cal.maps.items())},
    }
    args.out.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"cross-fitted, pooled: {pooled['spans']} spans shown, {pooled['share_right']:.3f} right, mean score "
          f"{pooled['mean_score']:.3f}, ECE {pooled['ece']:.3f}, SI recall {pooled['si_recall']:.3f}; "
          f"uncalibrated, unfiltered: {uncal['share_right']:.3f} right, mean score {uncal['mean_score']:.3f}, "
          f"ECE {uncal['ece']:.3f}; shipped reader threshold {reader}; wrote {args.out}")


if __name__ == "__main__":
    main()
