"""Clickbait: cue finder, the bundled numpy model, split and evaluation (real model, real data)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from spinscope.errors import EvaluationError, ModelError
from spinscope.evaluation.clickbait import (
    ClickbaitModel,
    binary_metrics,
    evaluate,
    find_cues,
    is_validation,
    load_corpus,
)
from spinscope.inference.sentence_encoder import SentenceEncoder


def _cues(h: str) -> dict[str, str]:
    return {c.cue: h[c.start : c.end] for c in find_cues(h)}


def test_cues_with_offsets() -> None:
    assert _cues("17 Things You Won't Believe About Cats") == {
        "listicle_number": "17 Things",
        "second_person": "You",
        "teaser": "You Won't Believe",
    }
    assert _cues("This Dog Did Something Amazing")["forward_reference"] == "This"
    assert _cues("Which Disney Princess Are You?")["question"] == "Which Disney Princess Are You?"
    assert _cues("Senate passes budget bill after late-night vote") == {}
    assert "question" not in _cues("Will Smith joins cast of new film")


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


def test_model_separates_obvious_headlines(encoder: SentenceEncoder) -> None:
    model = ClickbaitModel()
    heads = [
        "You Won't Believe What This Dog Did Next",
        "21 Pictures That Will Make You Feel Old",
        "Senate passes budget bill after late-night vote",
        "Earthquake of magnitude 6.1 strikes central Chile",
    ]
    prob = model.predict_proba(heads, encoder.encode(heads))
    assert prob[0] > 0.8 and prob[1] > 0.8
    assert prob[2] < 0.2 and prob[3] < 0.2


def test_model_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        ClickbaitModel(tmp_path)
    (tmp_path / "weights.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError):
        ClickbaitModel(tmp_path)
    with pytest.raises(ValueError):
        ClickbaitModel().predict_proba(["a", "b"], np.zeros((1, 384), dtype=np.float32))


def test_split_is_stable_and_about_a_fifth() -> None:
    heads = [f"headline number {i}" for i in range(2000)]
    share = sum(is_validation(h) for h in heads) / len(heads)
    assert 0.17 < share < 0.23
    assert [is_validation(h) for h in heads[:50]] == [is_validation(h) for h in heads[:50]]


def test_binary_metrics() -> None:
    m = binary_metrics([1, 1, 0, 0], np.array([0.9, 0.2, 0.7, 0.1]))
    assert m["accuracy"] == 0.5 and m["precision"] == 0.5 and m["recall"] == 0.5
    assert m["confusion"] == {"tp": 1, "fp": 1, "tn": 1, "fn": 1}


def test_missing_corpus_is_an_evaluation_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError):
        load_corpus(tmp_path)


def test_evaluate_on_a_sample_of_the_corpus(data_dir: Path, tmp_path: Path) -> None:
    """Score 120 validation headlines of each class from the real corpus (written to a temp folder)."""
    src = data_dir / "clickbait"
    for name in ("clickbait_data.gz", "non_clickbait_data.gz"):
        with gzip.open(src / name, "rt", encoding="utf-8") as f:
            lines = [ln.strip() for ln in f if ln.strip() and is_validation(ln.strip())][:120]
        with gzip.open(tmp_path / name, "wt", encoding="utf-8") as f:
            f.write("\n\n".join(lines) + "\n")
    result = evaluate(tmp_path, validation_only=False)
    assert result["n"] == 240
    assert result["accuracy"] >= 0.93
