"""The technique heads' numpy arithmetic (run time) against direct definitions."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.inference.ptc_heads import conv1d_same, gelu, layer_norm, pool_span, token_network


def _naive_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, d: int) -> np.ndarray:
    n, k = x.shape[0], w.shape[2]
    out = np.zeros((n, w.shape[0]))
    for t in range(n):
        out[t] = b
        for j in range(k):
            s = t + (j - k // 2) * d
            if 0 <= s < n:
                out[t] += w[:, :, j] @ x[s]
    return out


@pytest.mark.parametrize(("n", "d"), [(1, 1), (3, 2), (17, 1), (17, 4), (40, 2)])
def test_conv1d_same_matches_the_definition(n: int, d: int) -> None:
    rng = np.random.default_rng(n + d)
    x, w, b = rng.normal(size=(n, 6)), rng.normal(size=(5, 6, 5)), rng.normal(size=5)
    assert np.allclose(conv1d_same(x, w, b, d), _naive_conv(x, w, b, d))


def test_gelu_layer_norm_and_pooling() -> None:
    x = np.array([-3.0, -1.0, 0.0, 1.0, 3.0])
    assert np.allclose(gelu(x), [-0.00363752, -0.15880801, 0.0, 0.84119199, 2.99636248], atol=1e-6)
    y = layer_norm(np.array([[1.0, 2.0, 3.0]]), np.ones(3), np.zeros(3))
    assert abs(float(y.mean())) < 1e-9 and abs(float(y.std()) - 1.0) < 1e-3
    z = np.arange(12.0).reshape(4, 3)
    assert np.array_equal(pool_span(z, 1, 3), [4.5, 5.5, 6.5, 6.0, 7.0, 8.0])
    assert np.array_equal(pool_span(z, 2, 2), [6.0, 7.0, 8.0, 6.0, 7.0, 8.0])  # empty range: its first token


def test_token_network_shapes_and_probabilities() -> None:
    rng = np.random.default_rng(0)
    p, nin = 4, 2 * 3
    h = {"norm_g": np.ones(nin), "norm_b": np.zeros(nin), "proj_w": rng.normal(size=(p, nin)), "proj_b": np.zeros(p),
         "conv0_w": rng.normal(size=(p, p, 5)), "conv0_b": np.zeros(p), "ln0_g": np.ones(p), "ln0_b": np.zeros(p),
         "tag_w": rng.normal(size=(3, 2 * p)), "tag_b": np.zeros(3)}
    z, probs = token_network(rng.normal(size=(9, 2, 3)), h, [1])
    assert z.shape == (9, 2 * p) and probs.shape == (9, 3)
    assert np.allclose(probs.sum(1), 1.0) and (probs >= 0).all()
