"""Check-worthiness ranking metrics in the CLEF-2019 CheckThat! Task 1 format.

Per debate: average precision (AP), reciprocal rank (RR), R-precision and P@k for
k = 1, 3, 5, 10, 20, 50, computed as in the lab's scorer (scorer/task1.py); the article-level
figures are the means over debates (MAP, MRR, ...), with the spread of AP over debates and a 95%
interval for MAP from resampling whole debates. Input debates (the lab's gold layout, one file per
debate): ``line_number TAB speaker TAB sentence TAB label`` (label 1 = check-worthy). Sentences are
ranked with their speakers and neighbours, as the ranker was trained. The probability the detector
shows is checked too: expected calibration error and the reliability table over all sentences.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import EvaluationError
from spinscope.evaluation.bootstrap import cluster_bootstrap

THRESHOLDS = (1, 3, 5, 10, 20, 50)


def read_debate(path: Path) -> list[tuple[int, str, int, str]]:
    """Rows ``(line_number, sentence, label, speaker)`` of one CheckThat! debate file."""
    rows: list[tuple[int, str, int, str]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError) as exc:
        raise EvaluationError(f"cannot read debate {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 4 or parts[3].strip() not in ("0", "1"):
            raise EvaluationError(f"{path}:{n}: expected 'line TAB speaker TAB sentence TAB 0|1'")
        try:
            line_number = int(parts[0])
        except ValueError:
            raise EvaluationError(f"{path}:{n}: line number {parts[0]!r} is not an integer") from None
        rows.append((line_number, parts[2], int(parts[3]), parts[1].strip()))
    if not rows:
        raise EvaluationError(f"{path}: no sentences")
    return rows


def debate_metrics(labels_in_rank_order: Sequence[int]) -> dict[str, float]:
    """AP, RR, R-precision and P@k for one ranking (labels listed from the top-ranked down)."""
    labels = list(labels_in_rank_order)
    positives = sum(labels)
    hits = 0
    precisions: list[float] = []
    rr = 0.0
    for i, lab in enumerate(labels):
        if lab == 1:
            hits += 1
            precisions.append(hits / (i + 1))
            if rr == 0.0:
                rr = 1.0 / (i + 1)
    out = {
        "AP": sum(precisions) / positives if positives else 0.0,
        "RR": rr,
        "R-P": (sum(labels[:positives]) / positives) if positives else 0.0,
    }
    for k in THRESHOLDS:
        # the lab's scorer divides by k even when a debate has fewer than k sentences
        out[f"P@{k}"] = sum(labels[:k]) / k
    return out


def evaluate_rankings(rankings: dict[str, tuple[list[tuple[int, str, int, str]], np.ndarray]]) -> dict[str, Any]:
    """Score each debate's sentences by ``scores`` (higher = more check-worthy) and average."""
    if not rankings:
        raise EvaluationError("no debates to evaluate")
    per: dict[str, dict[str, float]] = {}
    for name, (rows, scores) in sorted(rankings.items()):
        order = sorted(range(len(rows)), key=lambda i: (-float(scores[i]), rows[i][0]))
        per[name] = {k: round(v, 4) for k, v in debate_metrics([rows[i][2] for i in order]).items()}
    keys = ["AP", "RR", "R-P"] + [f"P@{k}" for k in THRESHOLDS]
    mean = {
        ("MAP" if k == "AP" else "MRR" if k == "RR" else k): float(np.mean([p[k] for p in per.values()])) for k in keys
    }
    result: dict[str, Any] = dict(mean)
    aps = np.array([[p["AP"], 1.0] for p in per.values()])
    result["AP_sd"] = float(aps[:, 0].std())
    # debates are the independent units: resample whole debates
    result["MAP_ci95"] = cluster_bootstrap(aps, lambda c: float(c[0] / c[1]))
    result["per_debate"] = per
    result["debates"] = len(per)
    return result


def evaluate_debates(files: Sequence[Path], model: Path | None = None) -> dict[str, Any]:
    """Rank the sentences of each debate with the bundled (or given) claims model and score them."""
    from spinscope.calibration import reliability
    from spinscope.detectors.claims import ClaimScorer

    scorer = ClaimScorer.load(model)
    rankings = {}
    for f in files:
        rows = read_debate(f)
        rankings[f.stem] = (rows, scorer.scores([r[1] for r in rows], [r[3] for r in rows]))
    result = evaluate_rankings(rankings)
    probs = np.concatenate([p for _, p in rankings.values()])
    labels = np.array([r[2] for rows, _ in rankings.values() for r in rows], dtype=np.float64)
    ece, table = reliability(probs, labels)
    result["calibration"] = {
        "ECE": ece,
        "mean_probability": float(probs.mean()),
        "check_worthy_share": float(labels.mean()),
        "reliability": table,
    }
    return result


def format_table(result: dict[str, Any]) -> str:
    """The CheckThat! scorer's layout: one row per debate, then the averages."""
    cols = ["AP", "RR", "R-P"] + [f"P@{k}" for k in THRESHOLDS]
    head = f"{'debate':<28}" + "".join(f"{c:>8}" for c in cols)
    lines = [head, "-" * len(head)]
    for name, m in result["per_debate"].items():
        lines.append(f"{name[:28]:<28}" + "".join(f"{m[c]:>8.4f}" for c in cols))
    lines.append("-" * len(head))
    avg = ["MAP", "MRR", "R-P"] + [f"P@{k}" for k in THRESHOLDS]
    label = f"AVERAGE ({result['debates']} debates)"
    lines.append(f"{label:<28}" + "".join(f"{result[c]:>8.4f}" for c in avg))
    lines.append("")
    lo, hi = result["MAP_ci95"]
    lines.append(
        f"MAP {result['MAP']:.4f} (95% debate-bootstrap interval {lo:.4f}-{hi:.4f}; "
        f"sd of AP over the {result['debates']} debates {result['AP_sd']:.4f})"
    )
    lines.append(
        "R-Precision {R-P:.4f}  ".format(**result) + "  ".join(f"P@{k} {result[f'P@{k}']:.4f}" for k in THRESHOLDS)
    )
    cal = result.get("calibration")
    if cal:
        lines.append("")
        lines.append(
            f"probability shown (fact-checkers would choose the sentence): ECE {cal['ECE']:.4f}; mean "
            f"{cal['mean_probability']:.4f} against {cal['check_worthy_share']:.4f} check-worthy"
        )
        lines.append(f"{'bin':<12}{'sentences':>10}{'mean p':>9}{'share':>9}")
        for row in cal["reliability"]:
            lines.append(
                f"{row['low']:.1f}-{row['high']:.1f}{'':<5}{row['n']:>10}{row['mean_score']:>9.3f}{row['hit_rate']:>9.3f}"
            )
    return "\n".join(lines)


def to_json(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2, sort_keys=False)


def training_debates() -> set[str]:
    """Names of the debates the bundled model was trained on (from its model card)."""
    from importlib import resources

    ref = resources.files("spinscope.resources") / "models" / "claims.card.json"
    try:
        card = json.loads(ref.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return set(card.get("training_debates", []))
