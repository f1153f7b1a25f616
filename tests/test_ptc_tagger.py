"""The linear token tagger averaged with the heads' O/B/I probabilities."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from spinscope.errors import ModelError
from spinscope.inference.ptc_model import DEFAULT_DIR, PTCModel
from spinscope.inference.ptc_tagger import CONTEXT, LinearTagger, token_rows
from spinscope.inference.ptc_tc import save_standardised_linear as save_tagger

TEXT = ("Traitors Sell Out Our Great Nation\n\n"
        "The corrupt, lying elites in Washington have betrayed every single patriot in this country. "
        "Only a fool would believe their disgusting lies.\n")


def test_token_rows_are_states_and_their_local_mean() -> None:
    states = np.random.default_rng(0).normal(size=(20, 2, 384)).astype(np.float32)
    rows = token_rows(states)
    flat = states.reshape(20, -1)
    assert rows.shape == (20, 2 * 768)
    assert np.allclose(rows[:, :768], flat)
    assert np.allclose(rows[10, 768:], flat[10 - CONTEXT : 10 + CONTEXT + 1].mean(0), atol=1e-5)
    assert np.allclose(rows[0, 768:], flat[: CONTEXT + 1].mean(0), atol=1e-5)  # fewer at the edge
    blocks = np.vstack([token_rows(states, a, a + 7) for a in range(0, 20, 7)])
    assert np.allclose(blocks, rows, atol=1e-5)  # blocks give the same rows (long articles run in blocks)
    assert token_rows(states[:0]).shape == (0, 1536)


def test_tagger_probabilities(tmp_path: Path) -> None:
    d = 1536
    coef = np.zeros((3, d), np.float32)
    coef[2, 0] = 1.0
    save_tagger(tmp_path / "t.npz", np.zeros(d), np.ones(d), coef, np.zeros(3))
    states = np.zeros((5, 2, 384), np.float32)
    states[2, 0, 0] = 3.0
    p = LinearTagger(tmp_path / "t.npz").probs(states, block=2)
    assert p.shape == (5, 3) and np.allclose(p.sum(1), 1.0)
    assert p[2, 2] == p.max() and np.allclose(p[0], 1 / 3)
    save_tagger(tmp_path / "bad.npz", np.zeros(d), np.ones(d), coef[:2], np.zeros(2))
    with pytest.raises(ModelError):
        LinearTagger(tmp_path / "bad.npz")


def test_shipped_model_averages_the_two_taggers(tmp_path: Path) -> None:
    m = PTCModel(threads=1)
    m.load()
    w = m.config["si_blend"]
    assert 0 < w < 1
    enc = m.encode(TEXT)
    for p in DEFAULT_DIR.iterdir():
        shutil.copy(p, tmp_path / p.name)
    cfg = json.loads((tmp_path / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps(cfg | {"si_blend": 0.0}))
    heads = PTCModel(tmp_path, threads=1)
    alone = heads.encode(TEXT)
    lin = LinearTagger(DEFAULT_DIR / "si_linear.npz").probs(alone.states)
    assert np.allclose(enc.si_probs, (1 - w) * alone.si_probs + w * lin, atol=1e-5)
    assert m.predict(TEXT)  # finds something in this text
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    (tmp_path / "si_linear.npz").unlink()
    with pytest.raises(ModelError):
        PTCModel(tmp_path).load()
