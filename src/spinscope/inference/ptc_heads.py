"""The technique heads on top of the frozen shared encoder, in numpy (the same arithmetic as the torch
modules in ``spinscope.train.ptc_heads``).

Token network, per article (``n`` content tokens):

    x = LayerNorm(concat of the chosen encoder layers)            (n, L*384)
    x = gelu(x @ Wp.T + bp)                                        (n, P)
    g = x; for each dilation d: g = LayerNorm(g + gelu(conv_d(g)))  (n, P)   kernel 5, "same" padding
    z = concat(g, x)                                               (n, 2P)
    P(O/B/I) = softmax(z @ Wt.T + bt)

Span classifier: [mean(z[span]), max(z[span]), span features] -> gelu(W1) -> W2 -> softmax over 14.
GELU is the tanh approximation (as trained). The encoder is never fine-tuned, so one encoder pass can
serve every head (techniques, headline, claims).
"""

from __future__ import annotations

import math

import numpy as np

_C = math.sqrt(2.0 / math.pi)
CHUNK = 2048  # tokens per block of the per-token steps


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh approximation (torch ``gelu(approximate="tanh")``)."""
    out: np.ndarray = 0.5 * x * (1.0 + np.tanh(_C * (x + 0.044715 * x * x * x)))
    return out


def layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    out: np.ndarray = (x - mu) / np.sqrt(var + eps) * g + b
    return out


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    out: np.ndarray = e / e.sum(-1, keepdims=True)
    return out


def conv1d_same(x: np.ndarray, w: np.ndarray, b: np.ndarray, dilation: int) -> np.ndarray:
    """torch ``Conv1d(P, P, k, padding=(k//2)*dilation, dilation=dilation)`` over a (n, P) sequence;
    ``w`` is (out, in, k)."""
    n = x.shape[0]
    k = w.shape[2]
    half = (k // 2) * dilation
    padded = np.zeros((n + 2 * half, x.shape[1]), x.dtype)
    padded[half : half + n] = x
    out = np.broadcast_to(b, (n, w.shape[0])).astype(x.dtype, copy=True)
    for j in range(k):
        a = j * dilation
        out += padded[a : a + n] @ w[:, :, j].T
    return out


def token_network(layers: np.ndarray, h: dict[str, np.ndarray], dilations: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """``layers`` (n, L, 384) encoder states of the chosen layers -> (z (n, 2P), P(O/B/I) (n, 3))."""
    n = layers.shape[0]
    x = np.empty((n, h["proj_w"].shape[0]), np.float32)
    for a in range(0, n, CHUNK):  # per-token steps in blocks: a long article's (n, L*384) temporaries stay small
        block = layer_norm(layers[a : a + CHUNK].reshape(-1, layers.shape[1] * layers.shape[2]).astype(np.float32),
                           h["norm_g"], h["norm_b"])
        x[a : a + CHUNK] = gelu(block @ h["proj_w"].T + h["proj_b"])
    g = x
    for i, d in enumerate(dilations):
        c = conv1d_same(g, h[f"conv{i}_w"], h[f"conv{i}_b"], d)
        g = layer_norm(g + gelu(c), h[f"ln{i}_g"], h[f"ln{i}_b"])
    z = np.concatenate([g, x], 1)
    return z, softmax(z @ h["tag_w"].T + h["tag_b"])


def technique_probs(pooled: np.ndarray, h: dict[str, np.ndarray]) -> np.ndarray:
    """(S, 2*2P + F) pooled span rows -> (S, 14) technique probabilities."""
    hid = gelu(pooled @ h["tc1_w"].T + h["tc1_b"])
    return softmax(hid @ h["tc2_w"].T + h["tc2_b"])


def pool_span(z: np.ndarray, a: int, b: int) -> np.ndarray:
    """[mean, max] of the token rows [a, b) (at least one row)."""
    seg = z[a:b] if b > a else z[a : a + 1]
    return np.concatenate([seg.mean(0), seg.max(0)])
