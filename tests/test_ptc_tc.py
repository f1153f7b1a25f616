"""The technique classifier's linear views (pooled states, lexical n-grams) and their blend with the heads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from spinscope.errors import ModelError
from spinscope.inference.hashed_tfidf import fit_idf, tfidf
from spinscope.inference.ptc_features import span_features
from spinscope.inference.ptc_model import DEFAULT_DIR, PTCModel
from spinscope.inference.ptc_tc import (
    LEXICAL_SCALES,
    LexicalTC,
    PooledTC,
    lexical_blocks,
    pooled_row,
    sentence_around,
    token_range,
    unweight,
)
from spinscope.techniques import PTC_TECHNIQUES
from spinscope.train.ptc_tc import class_weight, fit_lexical, fit_pooled

TEXT = ("Traitors Sell Out Our Great Nation\n\n"
        "The corrupt elites have betrayed every patriot. Is this what we fought for? "
        "Make America Great Again! Make America Great Again!\n")


def test_sentence_around_stops_at_breaks() -> None:
    s = TEXT.index("betrayed")
    a, b = sentence_around(TEXT, s, s + 8)
    assert TEXT[a:b] == "The corrupt elites have betrayed every patriot" and TEXT[b] == "."
    a, b = sentence_around(TEXT, 0, 8)  # the headline ends at its line break
    assert (a, TEXT[a:b]) == (0, "Traitors Sell Out Our Great Nation")
    end = len(TEXT) - 1
    assert sentence_around("no break at all", 3, 5) == (0, len("no break at all"))
    assert sentence_around(TEXT, end, end)[1] == end


def test_token_range_falls_back_to_the_nearest_token() -> None:
    off = np.array([[0, 3], [4, 8], [10, 14]])
    assert token_range(off, 4, 12) == (1, 3)
    assert token_range(off, 8, 10) == (2, 3)  # only whitespace: the token starting nearest


def test_lexical_blocks_flags_and_context() -> None:
    from spinscope.inference.hashed_tfidf import char_grams, count, word_grams

    lower, tend = TEXT.lower(), TEXT.index("\n")
    s = TEXT.index("Make America")
    blocks = lexical_blocks(TEXT, lower, s, s + len("Make America Great Again"), tend)
    memo: dict[str, int] = {}
    assert lexical_blocks(TEXT, lower, s, s + len("Make America Great Again"), tend, memo) == blocks and memo
    assert blocks[0] == count(word_grams(["make", "america", "great", "again"], 2, "w:"), 20)
    assert blocks[1] == count(char_grams(["make", "america", "great", "again"], 2, 4, "c:"), 20)
    assert blocks[2] == {}  # the slogan is its whole sentence
    assert blocks[3] == count(["f:len4", "f:rep", "f:rep1", "f:cap"], 20)  # said twice, capitalised
    s = TEXT.index("betrayed")
    blocks = lexical_blocks(TEXT, lower, s, s + len("betrayed"), tend)
    assert blocks[2] == count(word_grams(["the", "corrupt", "elites", "have", "every", "patriot"], 1, "x:"), 20)
    assert blocks[3] == count(["f:len1"], 20)
    s = TEXT.index("Traitors")
    assert count(["f:title"], 20).keys() <= lexical_blocks(TEXT, lower, s, s + 8, tend)[3].keys()


def test_unweight_undoes_a_prior_shift() -> None:
    p = np.array([[0.5, 0.25, 0.25]])
    out = unweight(p, np.array([2.0, 1.0, 1.0]))
    assert np.allclose(out, [[1 / 3, 1 / 3, 1 / 3]])


def _toy(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.arange(n) % len(PTC_TECHNIQUES)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    x[:, 0] += y  # learnable
    return x, y


def test_pooled_model_matches_scikit_learn(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    x, y = _toy(280, 0)
    fit_pooled(x, y, 0.5, 0.5, tmp_path / "p.npz")
    got = PooledTC(tmp_path / "p.npz").probs(x[:20])
    w = class_weight(y, 0.5)
    mean, scale = x.mean(0), x.std(0)
    ref = LogisticRegression(C=0.5, max_iter=3000, class_weight=dict(enumerate(w))).fit((x - mean) / scale, y)
    want = unweight(ref.predict_proba((x[:20] - mean) / scale), w)
    assert np.allclose(got, want, atol=1e-4)
    assert np.allclose(got.sum(1), 1.0, atol=1e-5)


def test_lexical_model_matches_scikit_learn_on_its_vocabulary(tmp_path: Path) -> None:
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    words = ["disgrace", "patriot", "enemy", "experts", "chaos", "nation", "hero", "traitor"]
    texts = [f"the {words[i % 8]} and {words[(i * 3) % 8]} again" for i in range(140)]
    y = np.array([i % len(PTC_TECHNIQUES) for i in range(140)])
    blocks = [lexical_blocks(t, t, 4, len(t), 0) for t in texts]
    vocab = fit_lexical(blocks, y, 2.0, 0.5, tmp_path / "l.npz")
    idf = fit_idf(blocks, min_df=2)
    assert vocab == len(idf)
    col = {k: i for i, k in enumerate(sorted(idf))}
    x = sparse.lil_matrix((len(blocks), len(col)))
    for r, b in enumerate(blocks):
        for k, v in tfidf(b, idf, LEXICAL_SCALES).items():
            x[r, col[k]] = v
    w = class_weight(y, 0.5)
    ref = LogisticRegression(C=2.0, max_iter=3000, class_weight=dict(enumerate(w))).fit(x.tocsr(), y)
    want = unweight(ref.predict_proba(x.tocsr()[:15]), w)
    got = LexicalTC(tmp_path / "l.npz").probs(blocks[:15])
    assert np.allclose(got, want, atol=2e-3)  # weights stored as float16


def test_broken_view_file_is_a_model_error(tmp_path: Path) -> None:
    (tmp_path / "p.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError):
        PooledTC(tmp_path / "p.npz")


def test_shipped_model_blends_its_views() -> None:
    m = PTCModel(threads=1)
    m.load()
    blend = m.config["tc_blend"]
    assert set(blend) == {"heads", "pooled", "lexical"} and abs(sum(blend.values()) - 1) < 1e-6
    enc = m.encode(TEXT)
    s = TEXT.index("Make America")
    ranges = [(s, s + len("Make America Great Again")), (TEXT.index("corrupt"), TEXT.index(" elites"))]
    views = m.technique_views(enc, ranges)
    assert set(views) == {"heads", "pooled", "lexical"}
    probs = m.classify(enc, ranges)
    assert probs.shape == (2, len(PTC_TECHNIQUES)) and np.allclose(probs.sum(1), 1.0, atol=1e-5)
    assert PTC_TECHNIQUES[int(probs[0].argmax())] in {"Slogans", "Repetition", "Flag-Waving"}
    assert PTC_TECHNIQUES[int(probs[1].argmax())] in {"Loaded_Language", "Name_Calling,Labeling"}
    # pooled view computed from the encoder states the heads read
    features = span_features(TEXT, TEXT.lower(), *ranges[0], TEXT.index("\n"))
    row = pooled_row(enc.states, enc.tokens.offsets, TEXT, *ranges[0], features)
    assert row.shape == (5 * 384 + 10,)


def test_a_missing_view_file_is_a_model_error(tmp_path: Path) -> None:
    for p in DEFAULT_DIR.iterdir():
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "tc_lexical.npz").unlink()
    with pytest.raises(ModelError):
        PTCModel(tmp_path).load()
    cfg = json.loads((tmp_path / "config.json").read_text())
    cfg["tc_blend"] = {"heads": 1.0}
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    PTCModel(tmp_path).load()  # a heads-only model needs no view files
