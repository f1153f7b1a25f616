"""Cluster bootstrap intervals for evaluation figures.

Items of one cluster (the pairs of one FNC-1 body, the sentences of one debate) are not independent, so
whole clusters are resampled with replacement; the interval is the 2.5th-97.5th percentile of the figure
over the resamples (seeded, so the same input prints the same interval).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

RESAMPLES = 1000
SEED = 13


def cluster_bootstrap(
    stats: np.ndarray,
    figure: Callable[[np.ndarray], float],
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile interval of ``figure(summed_stats)`` over cluster resamples.

    ``stats`` holds one row of additive statistics per cluster (e.g. a flattened confusion matrix, or a
    debate's AP and a 1); ``figure`` maps the column sums of a resample to the figure."""
    stats = np.asarray(stats, dtype=np.float64)
    n = len(stats)
    if n == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    values = np.empty(resamples)
    for i in range(resamples):
        counts = np.bincount(rng.integers(0, n, size=n), minlength=n)
        values[i] = figure(counts @ stats)
    tail = (1.0 - level) / 2 * 100
    lo, hi = np.percentile(values, [tail, 100 - tail])
    return (round(float(lo), 4), round(float(hi), 4))
