"""Do the scores shown to a reader mean what they say? Calibration of full reports against PTC gold.

Input: spinscope/1 reports of PTC articles (a JSONL file, one report a line, or a folder of ``*.json``
reports), matched to the articles by id (``article<ID>`` or ``<ID>``) or else by identical text. Every
PTC-labelled finding of a report counts, whichever layer found it. A finding is *right* when it touches
an annotator's span of the same technique. Reported:

* share right and mean score (a calibrated report has the two equal);
* expected calibration error (ECE, 10 equal-width bins weighted by count) and the reliability table;
* SI recall of the shown findings (official SI measure, techniques ignored): how much of what annotators
  marked the reader gets to see;
* an article-level bootstrap interval of the share right and of ECE.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.calibration import reliability
from spinscope.errors import EvaluationError
from spinscope.evaluation.ptc import Annotation, score_si
from spinscope.techniques import PTC_TECHNIQUES

_PTC = frozenset(PTC_TECHNIQUES)


def read_reports(path: Path | str, texts: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """{article id: PTC-labelled spans (dicts with start, end, technique, score)} from reports at ``path``."""
    p = Path(path)
    docs: list[dict[str, Any]] = []
    try:
        if p.is_dir():
            docs = [json.loads(f.read_text(encoding="utf-8")) for f in sorted(p.glob("*.json"))]
        else:
            with p.open(encoding="utf-8") as fh:
                docs = [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        raise EvaluationError(f"reports not found: {p}") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise EvaluationError(f"cannot read reports from {p}: {exc}") from exc
    by_text = {t: aid for aid, t in texts.items()}
    out: dict[str, list[dict[str, Any]]] = {}
    for d in docs:
        report = d.get("report", d) if isinstance(d, dict) else None
        if not isinstance(report, dict) or "spans" not in report:
            continue
        rid = str(report.get("id", "")).removeprefix("article")
        aid = rid if rid in texts else by_text.get(str(report.get("text", "")))
        if aid is None:
            continue
        out[aid] = [s for s in report["spans"] if s.get("technique", s.get("label")) in _PTC]
    if not out:
        raise EvaluationError(f"no report in {p} matches an article of the gold folder (by id or text)")
    return out


def _per_article(spans: Mapping[str, list[dict[str, Any]]], gold_by: Mapping[tuple[str, str], list[tuple[int, int]]],
                 aid: str) -> tuple[list[float], list[int]]:
    """Scores of an article's shown findings, and whether each touches a same-technique gold span."""
    probs, hit = [], []
    for s in spans.get(aid, []):
        tech = str(s.get("technique", s.get("label")))
        probs.append(float(s["score"]))
        hit.append(int(any(s["start"] < e and b < s["end"] for b, e in gold_by.get((aid, tech), []))))
    return probs, hit


def calibration_report(spans: Mapping[str, list[dict[str, Any]]], gold: list[Annotation], ids: list[str], *,
                       bins: int = 10, bootstrap: int = 0, seed: int = 0) -> dict[str, Any]:
    """The figures of the module docstring for the articles ``ids`` (reports missing for some of them
    count as reports with no finding, and are listed)."""
    gold_by: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for g in gold:
        gold_by[(g.article_id, str(g.technique))].append((g.start, g.end))
    per = {aid: _per_article(spans, gold_by, aid) for aid in ids}
    probs = [p for aid in ids for p in per[aid][0]]
    hit = [h for aid in ids for h in per[aid][1]]
    ece, table = reliability(probs, hit, bins)
    si = score_si(gold, [Annotation(aid, int(s["start"]), int(s["end"])) for aid in ids for s in spans.get(aid, [])],
                  ids)
    out: dict[str, Any] = {
        "articles": len(ids), "spans": len(probs), "share_right": float(np.mean(hit)) if hit else 0.0,
        "mean_score": float(np.mean(probs)) if probs else 0.0, "ece": ece, "si_recall": si.recall,
        "si_precision": si.precision, "si_f1": si.f1, "table": table,
        "articles_without_report": sorted(set(ids) - set(spans)),
    }
    if bootstrap:
        rng = np.random.default_rng(seed)
        share, eces = [], []
        for _ in range(bootstrap):
            pick = [ids[i] for i in rng.integers(0, len(ids), len(ids))]
            bp = [p for aid in pick for p in per[aid][0]]
            bh = [h for aid in pick for h in per[aid][1]]
            if bh:
                share.append(float(np.mean(bh)))
                eces.append(reliability(bp, bh, bins)[0])
        out["bootstrap"] = {"resamples": bootstrap, "seed": seed,
                            "share_right_ci95": [float(np.percentile(share, 2.5)), float(np.percentile(share, 97.5))],
                            "ece_ci95": [float(np.percentile(eces, 2.5)), float(np.percentile(eces, 97.5))]}
    return out


def format_calibration(fig: dict[str, Any]) -> str:
    lines = [
        f"articles={fig['articles']} PTC findings shown={fig['spans']}",
        f"share right (touches a same-technique gold span): {fig['share_right']:.4f}   mean score: "
        f"{fig['mean_score']:.4f}",
        f"ECE: {fig['ece']:.4f}   SI recall of shown findings: {fig['si_recall']:.4f} (SI P {fig['si_precision']:.4f}, "
        f"F1 {fig['si_f1']:.4f})",
    ]
    if "bootstrap" in fig:
        b = fig["bootstrap"]
        lines.append(f"95% interval over articles ({b['resamples']} resamples): share right "
                     f"{b['share_right_ci95'][0]:.4f} - {b['share_right_ci95'][1]:.4f}, ECE "
                     f"{b['ece_ci95'][0]:.4f} - {b['ece_ci95'][1]:.4f}")
    lines.append("score bin      findings  mean score  right")
    for r in fig["table"]:
        lines.append(f"{r['low']:.1f} - {r['high']:.1f}    {r['n']:8d}  {r['mean_score']:10.3f}  {r['hit_rate']:5.3f}")
    if fig["articles_without_report"]:
        lines.append(f"warning: {len(fig['articles_without_report'])} article(s) have no report and count as empty, "
                     f"e.g. {fig['articles_without_report'][0]}")
    return "\n".join(lines)
