"""Claims: the numpy scorer, CheckThat! metrics, the detector, and `spinscope eval claims`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spinscope.detectors import Context, Resources, load_detector
from spinscope.errors import EvaluationError
from spinscope.evaluation.claims import debate_metrics, evaluate_rankings, read_debate
from spinscope.ingest import article_from_text

DATA = Path(os.environ.get("SPINSCOPE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
HELD_OUT = DATA / "checkthat2019" / "training"


def test_metrics_match_hand_computation() -> None:
    m = debate_metrics([0, 1, 0, 1, 0])
    assert m["AP"] == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert m["RR"] == pytest.approx(0.5)
    assert m["R-P"] == pytest.approx(0.5)
    assert m["P@1"] == 0.0 and m["P@3"] == pytest.approx(1 / 3)
    assert debate_metrics([0, 0])["AP"] == 0.0


def test_read_debate_rejects_bad_rows(tmp_path: Path) -> None:
    bad = tmp_path / "d.tsv"
    bad.write_text("1\tX\tHello there.\tmaybe\n", encoding="utf-8")
    with pytest.raises(EvaluationError):
        read_debate(bad)
    good = tmp_path / "g.tsv"
    good.write_text("1\tX\tWe cut taxes by 40 percent.\t1\n2\tY\tThank you.\t0\n", encoding="utf-8")
    rows = read_debate(good)
    import numpy as np

    res = evaluate_rankings({"g": (rows, np.array([0.9, 0.1]))})
    assert res["MAP"] == 1.0 and res["debates"] == 1


def test_detector_ranks_factual_claims_above_chatter() -> None:
    text = (
        "Tax plan unveiled\n"
        "Thank you all so much for being here tonight, it is wonderful to see you.\n"
        "Unemployment fell to 3.5 percent in 2019, the lowest rate in 50 years.\n"
        "We will see what happens.\n"
    )
    article = article_from_text(text)
    findings = load_detector("claims").detect(article, Context(resources=Resources()))
    claims = findings.sections["claims"]
    assert claims and claims[0]["rank"] == 1
    assert "Unemployment fell" in claims[0]["text"]
    assert {"number", "statistic"} <= set(claims[0]["features"])
    assert all("Thank you" not in c["text"] for c in claims)


FIXTURES = Path(__file__).resolve().parent / "data" / "checkthat2019"


def test_eval_cli_on_debate_folder() -> None:
    """The lab's gold layout: a folder of debate TSVs (two small hand-made debates)."""
    out = subprocess.run(
        [sys.executable, "-m", "spinscope.cli.main", "eval", "claims", "--debates", str(FIXTURES), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["debates"] == 2 and set(result["per_debate"]) == {"20990101_debate", "20990102_speech"}
    lo, hi = result["MAP_ci95"]
    assert lo <= result["MAP"] <= hi
    assert result["MAP"] >= 0.5  # the factual claims outrank greetings and applause
    table = subprocess.run(
        [sys.executable, "-m", "spinscope.cli.main", "eval", "claims", "--debates", str(FIXTURES)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "95% debate-bootstrap interval" in table
    # the probability the detector shows is checked too: ECE and a reliability table over every sentence
    cal = result["calibration"]
    n_sentences = sum(len(read_debate(f)) for f in FIXTURES.glob("*.tsv"))
    assert sum(row["n"] for row in cal["reliability"]) == n_sentences
    assert 0.0 <= cal["ECE"] <= 1.0 and 0.0 < cal["check_worthy_share"] < 1.0
    assert "ECE" in table and "fact-checkers would choose" in table


def test_shown_probability_is_calibrated_on_held_out_debates() -> None:
    """The sigmoid is fitted without class weights, so the score is a probability: on debates it was not
    fitted on (leave one debate out, recorded at training) its ECE is small and the mean matches the base rate.
    A balanced sigmoid (the model before) had ECE 0.33 there."""
    from importlib import resources

    from spinscope.detectors.claims import ClaimScorer

    card = json.loads((resources.files("spinscope.resources") / "models" / "claims.card.json").read_text())
    cal = card["calibration"]
    assert cal["ECE"] <= 0.02
    n = sum(row["n"] for row in cal["reliability"])
    mean_p = sum(row["n"] * row["mean_score"] for row in cal["reliability"]) / n
    share = sum(row["n"] * row["hit_rate"] for row in cal["reliability"]) / n
    assert abs(mean_p - share) < 0.005
    scorer = ClaimScorer.load()
    assert scorer.base_rate == pytest.approx(card["settings"]["base_rate"], abs=1e-6)
    assert scorer.base_rate == pytest.approx(share, abs=0.002)


def test_detector_lists_sentences_above_the_base_rate_and_threshold_option() -> None:
    from spinscope.config import Options

    text = (
        "Budget row\n"
        "Unemployment fell to 3.5 percent in 2019, the lowest rate in 50 years.\n"
        "The deficit doubled to $1.2 trillion after the tax cuts passed in 2017.\n"
        "We will see what happens.\n"
        "Thank you all so much for being here tonight.\n"
    )
    article = article_from_text(text)
    detector = load_detector("claims")
    listed = detector.detect(article, Context(resources=Resources())).sections["claims"]
    base = detector.scorer.base_rate
    assert listed and all(c["score"] >= base for c in listed)
    assert [c["rank"] for c in listed] == list(range(1, len(listed) + 1))
    assert all(a["score"] >= b["score"] for a, b in zip(listed, listed[1:], strict=False))
    assert len(listed) >= 2 and listed[0]["score"] - listed[1]["score"] > 0.001
    between = (listed[0]["score"] + listed[1]["score"]) / 2
    detector.configure(Options(extra={"claims_threshold": str(between)}))
    strict = detector.detect(article, Context(resources=Resources())).sections["claims"]
    assert [c["text"] for c in strict] == [listed[0]["text"]]


def test_context_features_follow_speakers_and_turns() -> None:
    from spinscope.detectors.claims import CONTEXT_LAYOUT, context_features, speaker_turns

    speakers = ["HOLT", "TRUMP", "TRUMP", "SYSTEM"]
    texts = ["What about jobs?", "We lost jobs.", "Many jobs.", "(APPLAUSE)"]
    turns = speaker_turns(speakers)
    assert turns == [0, 1, 1, 2]
    ctx = context_features(speakers, turns, texts)
    col = {name: i for i, name in enumerate(CONTEXT_LAYOUT)}
    assert ctx[3, col["non_speaker_line"]] == 1.0 and ctx[1, col["non_speaker_line"]] == 0.0
    assert ctx[1, col["answers_question"]] == 1.0 and ctx[2, col["answers_question"]] == 0.0
    assert ctx[1, col["first_in_turn"]] == 1.0 and ctx[2, col["last_in_turn"]] == 1.0
    assert ctx[0, col["speaker_question_share"]] == 1.0


def test_training_debates_are_skipped(data_dir: Path) -> None:
    """The bundled ranker learnt every training debate: scoring them needs --include-training."""
    out = subprocess.run(
        [sys.executable, "-m", "spinscope.cli.main", "eval", "claims", "--debates", str(HELD_OUT)],
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0 and "used in training" in out.stderr


def test_eval_cli_one_line_error(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "spinscope.cli.main", "eval", "claims", "--debates", str(tmp_path / "none")],
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert out.stderr.strip().count("\n") == 0 and "error" in out.stderr
