"""Hashed TF-IDF features and the sparse linear layer (the run-time side of two classic models)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from spinscope.errors import ModelError
from spinscope.inference.hashed_tfidf import (
    SparseLinear,
    bucket,
    char_grams,
    count,
    fit_idf,
    save_sparse_linear,
    tfidf,
    word_grams,
)


def test_grams() -> None:
    assert word_grams(["a", "b", "c"], 2, "w") == ["wa", "wb", "wc", "wa b", "wb c"]
    assert char_grams(["ab"], 2, 3, "c") == ["c a", "cab", "cb ", "c ab", "cab "]
    assert bucket("wa", 18) == bucket("wa", 18) < (1 << 18)
    assert count(["wa", "wa", "wb"], 18) == {bucket("wa", 18): 2.0, bucket("wb", 18): 1.0}


def test_idf_and_rows() -> None:
    docs = [[count(["x", "y"], 10)], [count(["x"], 10)]]
    idf = fit_idf(docs)
    bx, by = bucket("x", 10), bucket("y", 10)
    assert idf[bx] == pytest.approx(1.0)  # in every document: log(3/3) + 1
    assert idf[by] == pytest.approx(math.log(3 / 2) + 1)
    assert fit_idf(docs, min_df=2) == {bx: pytest.approx(1.0)}  # y is in one document only
    row = tfidf([count(["x", "x", "y", "z"], 10), count(["y"], 10)], idf, scales=(1.0, 0.5))
    v = {bx: (1 + math.log(2)) * idf[bx], by: idf[by]}  # z: outside the vocabulary, ignored
    n = math.sqrt(sum(x * x for x in v.values()))
    assert row[bx] == pytest.approx(v[bx] / n)
    assert row[by] == pytest.approx(v[by] / n + 0.5)  # second block: L2 1, scaled by 0.5
    assert bucket("z", 10) not in row


def test_sparse_linear_round_trip(tmp_path: Path) -> None:
    coef = np.zeros((1 << 10, 3), np.float32)
    bx = bucket("x", 10)
    coef[bx] = [1.0, -2.0, 0.5]
    idf = {bx: 1.5, bucket("never", 10): 2.0}
    kept = save_sparse_linear(tmp_path / "m.npz", idf, coef, bias=np.ones(3, np.float32))
    assert kept == 2  # the vocabulary
    m = SparseLinear(tmp_path / "m.npz", 10)
    assert m.idf([bx, bucket("other", 10)]) == {bx: pytest.approx(1.5)}
    assert m.row([{bx: 1.0}]) == {bx: pytest.approx(1.0)}
    np.testing.assert_allclose(m.logits({bx: 2.0}), [2.0, -4.0, 1.0])
    np.testing.assert_allclose(m.logits({}), [0, 0, 0])
    blocks = [{bx: 3.0, bucket("unseen", 10): 1.0}, {bx: 1.0}]  # the numpy fast path = logits(row(...))
    np.testing.assert_allclose(m.score(blocks, (1.0, 0.5)), m.logits(m.row(blocks, (1.0, 0.5))), rtol=1e-5)
    assert m.extra["bias"].tolist() == [1, 1, 1]
    (tmp_path / "bad.npz").write_bytes(b"nope")
    with pytest.raises(ModelError):
        SparseLinear(tmp_path / "bad.npz", 10)
    with pytest.raises(ModelError):  # written with more bits than the reader expects
        SparseLinear(tmp_path / "m.npz", 4)
