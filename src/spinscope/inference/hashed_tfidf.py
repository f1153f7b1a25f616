"""Hashed TF-IDF n-gram features and a sparse linear layer over them, numpy only.

What scikit-learn's ``TfidfVectorizer(sublinear_tf=True, min_df=...)`` computes (1 + log tf, times a
smoothed idf, each block L2-normalised; n-grams outside the training vocabulary ignored), but with
n-grams hashed by crc32 into ``2**bits`` buckets so that run time needs neither scikit-learn nor a
vocabulary object: the vocabulary is the set of buckets kept. Used by the clickbait model
(:mod:`spinscope.evaluation.clickbait`); training fits the idf and a linear model on the same rows
and stores only the buckets seen in training (:func:`save_sparse_linear`).
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import ModelError

Block = dict[int, float]
WORD = re.compile(r"(?u)\b\w\w+\b")


def bucket(gram: str, bits: int) -> int:
    return zlib.crc32(gram.encode("utf-8")) & ((1 << bits) - 1)


def word_grams(words: Sequence[str], n_max: int, tag: str) -> list[str]:
    """Word 1..n_max-grams of ``words``, prefixed with ``tag`` (one hash space shared by all blocks)."""
    return [f"{tag}{' '.join(words[i : i + n])}" for n in range(1, n_max + 1) for i in range(len(words) - n + 1)]


def char_grams(words: Iterable[str], lo: int, hi: int, tag: str) -> list[str]:
    """Character lo..hi-grams inside each word padded with spaces (scikit-learn's ``char_wb``)."""
    out: list[str] = []
    for w in words:
        p = f" {w} "
        for n in range(lo, hi + 1):
            out.extend(f"{tag}{p[i : i + n]}" for i in range(len(p) - n + 1))
    return out


def count(grams: Iterable[str], bits: int, memo: dict[str, int] | None = None) -> Block:
    """Counts per bucket; ``memo`` (gram -> bucket) saves re-hashing grams seen before in the same job."""
    d: Block = {}
    for g in grams:
        if memo is None:
            k = bucket(g, bits)
        else:
            k = memo.get(g, -1)
            if k < 0:
                k = memo[g] = bucket(g, bits)
        d[k] = d.get(k, 0.0) + 1.0
    return d


def fit_idf(docs: Sequence[Sequence[Block]], min_df: int = 1) -> dict[int, float]:
    """Smoothed idf (scikit-learn's formula) of the buckets found in at least ``min_df`` documents (each a
    list of blocks): the vocabulary."""
    df: Counter[int] = Counter()
    for blocks in docs:
        df.update({k for b in blocks for k in b})
    n = len(docs)
    return {k: math.log((1 + n) / (1 + c)) + 1.0 for k, c in df.items() if c >= min_df}


def tfidf(blocks: Sequence[Block], idf: dict[int, float], scales: Sequence[float] | None = None) -> Block:
    """One feature row: per block, (1 + log tf) * idf over the vocabulary (buckets in ``idf``; others are
    ignored), L2-normalised and scaled; blocks summed."""
    row: Block = {}
    for bi, d in enumerate(blocks):
        vals = {k: (1.0 + math.log(c)) * idf[k] for k, c in d.items() if k in idf}
        norm = math.sqrt(sum(v * v for v in vals.values())) or 1.0
        scale = 1.0 if scales is None else scales[bi]
        for k, v in vals.items():
            row[k] = row.get(k, 0.0) + scale * v / norm
    return row


def save_sparse_linear(path: Path, idf: dict[int, float], coef: np.ndarray, **extra: Any) -> int:
    """Store the vocabulary (bucket ids, sorted), its idf and the rows of ``coef`` (n_buckets, k) as
    float16; ``extra`` arrays go alongside. Returns the vocabulary size."""
    rows = np.array(sorted(idf), dtype=np.int32)
    np.savez_compressed(path, rows=rows, idf=np.array([idf[int(k)] for k in rows], np.float16),
                        w=coef[rows].astype(np.float16), **extra)
    return int(len(rows))


class SparseLinear:
    """The run-time side of :func:`save_sparse_linear`: the kept buckets (sorted), their idf and weights,
    plus the extra arrays. Memory is proportional to the buckets kept, not to ``2**bits``."""

    def __init__(self, path: Path, bits: int) -> None:
        try:
            with np.load(path) as z:
                self.rows = z["rows"].astype(np.int64)
                w = z["w"].astype(np.float32)
                self.w = w.reshape(len(self.rows), -1)
                self._idf = z["idf"].astype(np.float32)
                self.extra = {n: z[n] for n in z.files if n not in ("rows", "idf", "w")}
        except (OSError, KeyError, ValueError, IndexError) as exc:
            raise ModelError(f"cannot load {path}: {exc}") from exc
        if len(self.rows) and (self.rows[-1] >= 1 << bits or np.any(np.diff(self.rows) <= 0)):
            raise ModelError(f"cannot load {path}: bucket ids are not sorted {bits}-bit values")
        self.bits = bits

    def _find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pos = np.searchsorted(self.rows, keys)
        pos = np.minimum(pos, max(len(self.rows) - 1, 0))
        hit = self.rows[pos] == keys if len(self.rows) else np.zeros(len(keys), bool)
        return pos, hit

    def idf(self, keys: Iterable[int]) -> dict[int, float]:
        """idf of those of ``keys`` that are in the vocabulary."""
        k = np.fromiter(keys, np.int64)
        pos, hit = self._find(k)
        return dict(zip(k[hit].tolist(), self._idf[pos[hit]].tolist(), strict=True))

    def row(self, blocks: Sequence[Block], scales: Sequence[float] | None = None) -> Block:
        """The TF-IDF feature row of ``blocks`` over this model's vocabulary."""
        return tfidf(blocks, self.idf({k for b in blocks for k in b}), scales)

    def score(self, blocks: Sequence[Block], scales: Sequence[float] | None = None) -> np.ndarray:
        """``logits(row(blocks, scales))`` computed block by block in numpy (the run-time fast path)."""
        out = np.zeros(self.w.shape[1], np.float32)
        for bi, d in enumerate(blocks):
            if not d:
                continue
            keys = np.fromiter(d.keys(), np.int64, len(d))
            counts = np.fromiter(d.values(), np.float32, len(d))
            pos, hit = self._find(keys)
            if not hit.any():
                continue
            pos = pos[hit]
            v = (1.0 + np.log(counts[hit])) * self._idf[pos]
            norm = float(np.sqrt(v @ v)) or 1.0
            scale = 1.0 if scales is None else scales[bi]
            out += (scale / norm) * (v @ self.w[pos])
        return out

    def logits(self, row: Block) -> np.ndarray:
        out = np.zeros(self.w.shape[1], np.float32)
        if not row:
            return out
        keys = np.fromiter(row.keys(), np.int64, len(row))
        val = np.fromiter(row.values(), np.float32, len(row))
        pos, hit = self._find(keys)
        if hit.any():
            out += val[hit] @ self.w[pos[hit]]
        return out
