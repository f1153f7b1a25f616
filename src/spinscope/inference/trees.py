"""Gradient-boosted trees evaluated with numpy only (no scikit-learn at run time).

``export_hist_gbm`` flattens a fitted scikit-learn ``HistGradientBoostingClassifier`` (numeric features,
no categorical ones) into a few arrays; ``TreeEnsemble`` walks every tree for a batch of rows at once:
one vectorised step per tree level, so one row costs about as much as a hundred. Missing values (NaN)
follow each split's learned default direction, as in scikit-learn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import ModelError

_FIELDS = ("feature", "threshold", "left", "right", "value", "leaf", "nan_left", "roots", "tree_class", "baseline")


def export_hist_gbm(model: Any) -> dict[str, np.ndarray]:
    """The arrays of a fitted ``HistGradientBoostingClassifier`` (multi-class or binary), node ids global."""
    feature: list[np.ndarray] = []
    threshold: list[np.ndarray] = []
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    value: list[np.ndarray] = []
    leaf: list[np.ndarray] = []
    nan_left: list[np.ndarray] = []
    roots: list[int] = []
    tree_class: list[int] = []
    offset = 0
    for per_iteration in model._predictors:  # noqa: SLF001 - the fitted trees; no public accessor exists
        for k, predictor in enumerate(per_iteration):
            nodes = predictor.nodes
            if np.any(nodes["is_categorical"]):
                raise ValueError("categorical splits are not supported")
            roots.append(offset)
            tree_class.append(k)
            is_leaf = nodes["is_leaf"].astype(bool)
            feature.append(np.where(is_leaf, 0, nodes["feature_idx"]).astype(np.int32))
            threshold.append(nodes["num_threshold"].astype(np.float64))
            # a leaf points at itself, so extra walking steps keep it in place
            own = np.arange(len(nodes)) + offset
            left.append(np.where(is_leaf, own, nodes["left"].astype(np.int64) + offset).astype(np.int32))
            right.append(np.where(is_leaf, own, nodes["right"].astype(np.int64) + offset).astype(np.int32))
            value.append(nodes["value"].astype(np.float32))
            leaf.append(is_leaf)
            nan_left.append(nodes["missing_go_to_left"].astype(bool))
            offset += len(nodes)
    baseline = np.asarray(model._baseline_prediction, dtype=np.float64).ravel()  # noqa: SLF001
    return {
        "feature": np.concatenate(feature),
        "threshold": np.concatenate(threshold),
        "left": np.concatenate(left),
        "right": np.concatenate(right),
        "value": np.concatenate(value),
        "leaf": np.concatenate(leaf),
        "nan_left": np.concatenate(nan_left),
        "roots": np.array(roots, dtype=np.int32),
        "tree_class": np.array(tree_class, dtype=np.int32),
        "baseline": baseline,
    }


class TreeEnsemble:
    """Class probabilities from exported boosted trees (softmax over classes; sigmoid when binary)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        missing = [f for f in _FIELDS if f not in arrays]
        if missing:
            raise ModelError(f"tree ensemble lacks {', '.join(missing)}")
        self.feature = np.asarray(arrays["feature"], dtype=np.int64)
        self.threshold = np.asarray(arrays["threshold"], dtype=np.float64)
        self.left = np.asarray(arrays["left"], dtype=np.int64)
        self.right = np.asarray(arrays["right"], dtype=np.int64)
        self.value = np.asarray(arrays["value"], dtype=np.float64)
        self.leaf = np.asarray(arrays["leaf"], dtype=bool)
        self.nan_left = np.asarray(arrays["nan_left"], dtype=bool)
        self.roots = np.asarray(arrays["roots"], dtype=np.int64)
        self.tree_class = np.asarray(arrays["tree_class"], dtype=np.int64)
        self.baseline = np.asarray(arrays["baseline"], dtype=np.float64)
        self.n_classes = max(int(self.tree_class.max()) + 1 if len(self.tree_class) else 1, len(self.baseline))

    @classmethod
    def load(cls, path: Path, prefix: str = "") -> TreeEnsemble:
        try:
            with np.load(path) as z:
                return cls({f: z[prefix + f] for f in _FIELDS})
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"tree ensemble {path} unreadable: {exc}") from exc

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Summed leaf values plus the baseline, shape (rows, classes)."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        while True:
            active = ~self.leaf[node]
            if not active.any():
                break
            v = x[rows, self.feature[node]]
            go_left = np.where(np.isnan(v), self.nan_left[node], v <= self.threshold[node])
            node = np.where(active, np.where(go_left, self.left[node], self.right[node]), node)
        out = np.tile(self.baseline, (len(x), 1)) if len(self.baseline) > 1 else np.zeros((len(x), 1)) + self.baseline
        vals = self.value[node]
        for k in range(out.shape[1]):
            out[:, k] += vals[:, self.tree_class == k].sum(axis=1)
        return out

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        z = self.raw(x)
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return out
