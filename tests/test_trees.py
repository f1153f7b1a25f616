"""Boosted trees evaluated with numpy: the export gives scikit-learn's probabilities exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinscope.errors import ModelError
from spinscope.evaluation.bootstrap import cluster_bootstrap
from spinscope.inference.trees import TreeEnsemble, export_hist_gbm


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2000, 6))
    y = (x[:, 0] + x[:, 1] ** 2 > 1).astype(int) + (x[:, 2] > 1).astype(int)
    x[rng.random(x.shape) < 0.05] = np.nan  # missing values follow each split's learned side
    return x, y


@pytest.mark.parametrize("binary", [False, True])
def test_export_matches_scikit_learn(binary: bool, tmp_path: Path) -> None:
    ensemble = pytest.importorskip("sklearn.ensemble")
    x, y = _data()
    if binary:
        y = (y > 0).astype(int)
    model = ensemble.HistGradientBoostingClassifier(max_iter=40, random_state=0).fit(x, y)
    np.savez_compressed(tmp_path / "t.npz", **export_hist_gbm(model))
    trees = TreeEnsemble.load(tmp_path / "t.npz")
    assert np.abs(trees.predict_proba(x) - model.predict_proba(x)).max() < 1e-6
    one = trees.predict_proba(x[3])  # a single row gives the same as in a batch
    assert np.allclose(one[0], trees.predict_proba(x)[3])


def test_load_rejects_incomplete_file(tmp_path: Path) -> None:
    np.savez(tmp_path / "bad.npz", feature=np.zeros(3))
    with pytest.raises(ModelError):
        TreeEnsemble.load(tmp_path / "bad.npz")


def test_cluster_bootstrap_interval_holds_the_estimate() -> None:
    rng = np.random.default_rng(1)
    stats = np.stack([rng.random(30), np.ones(30)], axis=1)
    lo, hi = cluster_bootstrap(stats, lambda c: float(c[0] / c[1]))
    mean = float(stats[:, 0].mean())
    assert lo < mean < hi and hi - lo < 0.5
    assert (lo, hi) == cluster_bootstrap(stats, lambda c: float(c[0] / c[1]))  # seeded
