"""A linear O/B/I token tagger on the frozen encoder states, averaged with the heads' tagger: numpy only.

The heads (``spinscope.inference.ptc_heads``) tag tokens from a 128-channel projection of the states; a
multinomial logistic regression on the raw states of each token (the layers the heads read) and their mean
over the seven tokens around it sees them differently, and the average of the two taggers finds spans
better than either (docs/performance/ptc.md). ``si_linear.npz`` holds the standardisation (mean, scale) and
the regression (coef (3, d), intercept (3,)), as ``ptc_tc.save_standardised_linear`` writes them; the weight
of the average (``si_blend``) and the SI threshold are in the model's ``config.json``, chosen on inner folds
(``spinscope.train.ptc_tagger``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spinscope.errors import ModelError
from spinscope.inference.ptc_heads import softmax
from spinscope.inference.ptc_tc import StandardisedLinear

CONTEXT = 3  # tokens on each side in the context mean


def token_rows(states: np.ndarray, start: int = 0, end: int | None = None) -> np.ndarray:
    """Rows of tokens [start, end) of (n, layers, 384) states: (m, 2 * layers * 384), each token's states
    and their mean over the tokens within ``CONTEXT`` of it (fewer at the article's edges)."""
    n = len(states)
    end = n if end is None else min(end, n)
    lo, hi = max(0, start - CONTEXT), min(n, end + CONTEXT)
    x = states[lo:hi].reshape(hi - lo, int(np.prod(states.shape[1:]))).astype(np.float32)
    if end <= start:
        return np.zeros((0, 2 * x.shape[1]), np.float32)
    c = np.vstack([np.zeros((1, x.shape[1]), np.float64), np.cumsum(x, 0, dtype=np.float64)])
    i = np.arange(start, end)
    a, b = np.maximum(0, i - CONTEXT), np.minimum(n, i + CONTEXT + 1)
    ctx = ((c[b - lo] - c[a - lo]) / (b - a)[:, None]).astype(np.float32)
    return np.hstack([x[start - lo : end - lo], ctx])


class LinearTagger(StandardisedLinear):
    """The run-time side of ``si_linear.npz`` (saved with ``ptc_tc.save_standardised_linear``)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        if self.coef.shape[0] != 3:
            raise ModelError(f"cannot load {path}: coef has shape {self.coef.shape}")

    def probs(self, states: np.ndarray, block: int = 2048) -> np.ndarray:
        """P(O, B, I) per token, (n, 3); computed in blocks so a long article's rows stay small."""
        out = np.zeros((len(states), 3), np.float32)
        for a in range(0, len(states), block):
            out[a : a + block] = softmax(self.logits(token_rows(states, a, a + block)))
        return out
