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


def test_nested_stacking_never_lets_a_fold_see_itself() -> None:
    """For every evaluation fold k, no stacked output of any row comes from a model trained on k's pairs,
    and each inner fold's rows come from a model that did not see that fold either."""
    from spinscope.train.headline import N_FOLDS, UNTOUCHED_FOLD, _nested_stack

    rng = np.random.default_rng(5)
    fold = rng.integers(0, N_FOLDS, 600)
    y = rng.integers(0, 4, 600)
    fits: list[tuple[set[int], set[int]]] = []  # (folds trained on, folds predicted)

    def fit_predict(train: np.ndarray, rows: np.ndarray) -> np.ndarray:
        assert (y[train] < 3).all()  # stacked classifiers learn related pairs only
        fits.append((set(fold[train].tolist()), set(fold[rows].tolist())))
        return np.tile(np.array([[len(fits), 0.0, 0.0]]), (int(rows.sum()), 1))

    inner = [j for j in range(N_FOLDS) if j != UNTOUCHED_FOLD]
    out = _nested_stack(fit_predict, y, fold, [UNTOUCHED_FOLD, *inner])
    assert sorted(out) == sorted([UNTOUCHED_FOLD, *inner])
    for k, stacked in out.items():
        used = {int(v) for v in stacked[:, 0] if v}
        for fit_id in used:
            trained, predicted = fits[fit_id - 1]
            assert k not in trained and not (trained & predicted), (k, trained, predicted)
            assert UNTOUCHED_FOLD not in trained
        # every inner fold's rows and k's rows are filled
        for j in {*inner, k}:
            assert (stacked[fold == j, 0] > 0).all()


def test_joint_sequence_keeps_the_sentence_after_the_headline() -> None:
    from tokenizers import Tokenizer

    from spinscope.inference.sentence_encoder import DEFAULT_DIR
    from spinscope.train.stance_cross import MAX_HEADLINE, MAX_LENGTH, joint_ids

    tok = Tokenizer.from_file(str(DEFAULT_DIR / "tokenizer.json"))
    tok.no_truncation()
    ids, start = joint_ids(tok, "Officials deny the video is real", "The footage is a hoax, officials said.")
    words = tok.decode(ids[start:-1])
    assert words == "the footage is a hoax, officials said."
    assert ids[0] == tok.token_to_id("[CLS]") and ids[start - 1] == ids[-1] == tok.token_to_id("[SEP]")
    long_ids, long_start = joint_ids(tok, "word " * 100, "other " * 100)
    assert long_start == MAX_HEADLINE + 2 and len(long_ids) == MAX_LENGTH
