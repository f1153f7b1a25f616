"""The stance trainer's validation arithmetic: test-mix re-weighting, the class-scale search and the
nested (other-folds) scale choice with per-fold figures."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from spinscope.evaluation.fnc1 import LABELS, score  # noqa: E402
from spinscope.train.headline import (  # noqa: E402
    TEST_MIX,
    _best_class_scale,
    _confusion,
    _figures,
    _mix_weights,
    _nested_figures,
)


def test_mix_weights_turn_the_fold_mix_into_the_test_mix() -> None:
    y = np.array([0] * 76 + [1] * 17 + [2] * 185 + [3] * 722)
    w = _mix_weights(y)
    weighted = np.bincount(y, minlength=4) * w
    assert np.allclose(weighted / weighted.sum(), TEST_MIX / TEST_MIX.sum())
    assert weighted.sum() == pytest.approx(len(y))
    assert w[1] > 1.5 > w[3]  # the folds have 1.7% disagree, the test 2.7%


def test_unweighted_figures_match_the_official_scorer() -> None:
    rng = np.random.default_rng(3)
    gold, pred = rng.integers(0, 4, 400), rng.integers(0, 4, 400)
    ours = _figures(_confusion(gold, pred))
    official = score([LABELS[i] for i in gold], [LABELS[i] for i in pred])
    assert ours["fnc_percent"] == official["fnc_percent"]
    assert ours["macro_f1"] == pytest.approx(official["macro_f1"], abs=1e-4)


def test_class_scale_search_and_nested_choice() -> None:
    """Probabilities that under-rate disagree: the search scales disagree up, and every fold's scale is
    chosen without that fold (so a fold with different probabilities can get a different scale)."""
    rng = np.random.default_rng(7)
    n = 2000
    y = rng.choice(4, size=n, p=[0.1, 0.05, 0.2, 0.65])
    prob = np.full((n, 4), 0.1)
    prob[np.arange(n), y] = 0.5
    prob[y == 1, 1] = 0.2  # disagree is right but never the largest probability without a scale
    prob[y == 1, 2] = 0.3
    prob /= prob.sum(axis=1, keepdims=True)
    assert (prob[y == 1].argmax(axis=1) != 1).all()
    scale, crit = _best_class_scale(prob, y, None)
    assert scale[1] / scale[2] > 1.5 and scale[3] == 1.0  # disagree now outweighs discuss
    after = _figures(_confusion(y, (prob * scale).argmax(axis=1)))
    assert after["per_class_f1"]["disagree"] > 0.9
    assert crit == pytest.approx(after["fnc_percent"] / 100 + after["macro_f1"])
    fold = np.arange(n) % 5
    topics = (np.arange(n) // 10).tolist()
    cv = _nested_figures(prob, y, fold, [1, 2, 3, 4], _mix_weights(y[fold > 0]), topics)
    assert [f["fold"] for f in cv["per_fold"]] == [1, 2, 3, 4]
    assert all(f["class_scale"][1] / f["class_scale"][2] > 1.5 for f in cv["per_fold"])
    mean, sd = cv["fold_mean_sd"]["disagree_f1"]
    assert mean > 0.9 and sd >= 0
    lo, hi = cv["pooled_test_mix_ci95_topic_bootstrap"]["macro_f1"]
    assert lo <= cv["pooled_test_mix"]["macro_f1"] <= hi
