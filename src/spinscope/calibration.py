"""Scores that mean what they say: a span's score is the probability that annotators mark its technique there.

Each layer's raw score (the model's span confidence × technique probability, a lexicon entry's in-span
share, a rhetoric rule's fixed weight) is mapped through an isotonic (monotone, piecewise linear)
function fitted on out-of-fold predictions: for the techniques model, grouped 5-fold cross-validation
over the PTC training articles (``spinscope.evaluation.ptc_folds``); for the lexical and rhetoric layers,
the training articles their lexicons were not mined from. "Right" means the span touches an annotator's
span of the same technique, the measure a reader cares about ("is there really loaded language here?").

The maps live in ``resources/models/calibration.json`` (written by ``spinscope.train.calibrate``) as
``{"<detector>:<label>": {"x": [...], "y": [...]}}``, with ``"<detector>:*"`` as the fallback for a
layer's rarer labels, and ``"merged:*"``, the second stage applied after one-finding-per-place merging.
A label with no map keeps its raw score (the non-PTC hints: Shouting, Speculation). Numpy only; fitting
is the pool-adjacent-violators algorithm.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import ModelError
from spinscope.merge import merge_findings
from spinscope.spans import Span

DEFAULT_PATH = Path(__file__).resolve().parent / "resources" / "models" / "calibration.json"
FALLBACK = "*"
MERGED = "merged"


@dataclass(frozen=True)
class IsotonicMap:
    """A non-decreasing map from raw score to probability: linear interpolation between knots, flat
    beyond the ends."""

    x: np.ndarray
    y: np.ndarray

    def __call__(self, raw: float) -> float:
        return float(np.clip(np.interp(raw, self.x, self.y), 0.0, 1.0))

    def to_dict(self) -> dict[str, list[float]]:
        return {"x": [round(float(v), 5) for v in self.x], "y": [round(float(v), 5) for v in self.y]}

    @classmethod
    def from_dict(cls, d: dict[str, Sequence[float]]) -> IsotonicMap:
        x, y = np.asarray(d["x"], np.float64), np.asarray(d["y"], np.float64)
        if x.ndim != 1 or x.shape != y.shape or x.size == 0 or np.any(np.diff(x) < 0) or np.any(np.diff(y) < -1e-9):
            raise ValueError("an isotonic map needs equal-length, non-decreasing x and y")
        return cls(x, y)


def fit_isotonic(raw: Sequence[float] | np.ndarray, hit: Sequence[float] | np.ndarray, *,
                 min_block: int = 20) -> IsotonicMap:
    """Pool-adjacent-violators fit of P(hit | raw), then blocks smaller than ``min_block`` examples merged
    into a neighbour (a probability from a handful of spans is noise). Knots at each block's mean raw score."""
    r = np.asarray(raw, np.float64)
    h = np.asarray(hit, np.float64)
    if r.size == 0:
        raise ValueError("no examples to fit")
    order = np.argsort(r, kind="stable")
    r, h = r[order], h[order]
    # blocks: [sum_hit, count, sum_raw]
    blocks: list[list[float]] = []
    for x, y in zip(r, h, strict=True):
        blocks.append([y, 1.0, x])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            s_hit, n, s_raw = blocks.pop()
            blocks[-1][0] += s_hit
            blocks[-1][1] += n
            blocks[-1][2] += s_raw
    merged = True
    while merged and len(blocks) > 1:
        merged = False
        for i, b in enumerate(blocks):
            if b[1] < min_block:
                j = i - 1 if i == len(blocks) - 1 or (i > 0 and blocks[i - 1][1] <= blocks[i + 1][1]) else i + 1
                a, c = (j, i) if j < i else (i, j)
                blocks[a] = [blocks[a][k] + blocks[c][k] for k in range(3)]
                del blocks[c]
                merged = True
                break
    knots = np.array([b[2] / b[1] for b in blocks])
    probs = np.maximum.accumulate(np.array([b[0] / b[1] for b in blocks]))
    return IsotonicMap(knots, probs)


class Calibrator:
    """Maps (detector, label, raw score) to a probability. Build from a file; immutable afterwards."""

    def __init__(self, maps: dict[str, IsotonicMap], meta: dict[str, Any] | None = None) -> None:
        self.maps = dict(maps)
        self.meta = dict(meta or {})

    @classmethod
    def load(cls, path: Path | str | None = None) -> Calibrator:
        p = Path(path) if path is not None else DEFAULT_PATH
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
            maps = {k: IsotonicMap.from_dict(v) for k, v in doc["maps"].items()}
        except FileNotFoundError:
            raise ModelError(f"calibration file missing: {p} (python -m spinscope.train.calibrate makes it)") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"cannot read calibration file {p}: {exc}") from exc
        return cls(maps, {k: v for k, v in doc.items() if k != "maps"})

    @property
    def reader_threshold(self) -> float:
        """The default minimum score of a shown finding, chosen for the reader (see docs/TECHNIQUES.md)."""
        return float(self.meta.get("reader_threshold", 0.0))

    def map_for(self, detector: str, label: str) -> IsotonicMap | None:
        return self.maps.get(f"{detector}:{label}") or self.maps.get(f"{detector}:{FALLBACK}")

    def calibrated(self, detector: str, label: str) -> bool:
        return self.map_for(detector, label) is not None

    def probability(self, detector: str, label: str, raw: float) -> float:
        m = self.map_for(detector, label)
        return raw if m is None else m(raw)

    def finish(self, spans: Iterable[Span], labels: frozenset[str]) -> list[Span]:
        """Second stage, after merging: a merged finding carries the best of its members' probabilities,
        which overstates it (the maximum of several estimates); the ``merged:*`` map, fitted on merged
        out-of-fold findings, maps that score to the finding's own probability of being right."""
        m = self.maps.get(f"{MERGED}:{FALLBACK}")
        if m is None:
            return list(spans)
        return [replace(s, score=round(m(s.score), 4)) if s.technique in labels else s for s in spans]

    def apply(self, spans: Iterable[Span], labels: frozenset[str] | None = None) -> list[Span]:
        """Spans with calibrated scores (only labels in ``labels`` when given; others unchanged)."""
        out = []
        for s in spans:
            if labels is not None and s.technique not in labels:
                out.append(s)
                continue
            m = self.map_for(s.detector, s.technique)
            out.append(s if m is None else replace(s, score=round(m(s.score), 4)))
        return out


def calibrated_findings(spans: Iterable[Span], cal: Calibrator | None, order: Sequence[str],
                        labels: frozenset[str]) -> list[Span]:
    """The analysis's last step before its threshold: scores of ``labels`` calibrated per layer, one finding
    per place (``spinscope.merge``), then the second stage. Without a calibrator: merged raw scores.
    The Analyzer reports this, and ``spinscope.train.calibrate`` fits the maps on exactly this."""
    if cal is not None:
        spans = cal.apply(spans, labels)
    merged = merge_findings(list(spans), order)
    return merged if cal is None else cal.finish(merged, labels)


@cache
def default_calibrator() -> Calibrator:
    """The bundled calibration (read once per process; the object is immutable)."""
    return Calibrator.load()


def reliability(probs: Sequence[float] | np.ndarray, hits: Sequence[float] | np.ndarray,
                bins: int = 10) -> tuple[float, list[dict[str, float]]]:
    """Expected calibration error (equal-width bins, weighted by count) and the reliability table:
    per bin its range, count, mean score and observed hit rate."""
    p = np.asarray(probs, np.float64)
    h = np.asarray(hits, np.float64)
    table: list[dict[str, float]] = []
    if p.size == 0:
        return 0.0, table
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        sel = idx == b
        n = int(sel.sum())
        if n == 0:
            continue
        mp, mh = float(p[sel].mean()), float(h[sel].mean())
        ece += n / p.size * abs(mp - mh)
        table.append({"low": float(edges[b]), "high": float(edges[b + 1]), "n": n, "mean_score": mp, "hit_rate": mh})
    return float(ece), table
