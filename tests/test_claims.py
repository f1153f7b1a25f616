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


def test_eval_cli_reproduces_model_card(tmp_path: Path) -> None:
    if not HELD_OUT.is_dir():
        pytest.skip(f"needs the shared data folder ({DATA}); set SPINSCOPE_DATA")
    card = json.loads(
        (Path(__file__).resolve().parents[1] / "src/spinscope/resources/models/claims.card.json").read_text()
    )
    out = subprocess.run(
        [sys.executable, "-m", "spinscope.cli.main", "eval", "claims", "--debates", str(HELD_OUT), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["debates"] == len(card["held_out_debates"])
    assert result["MAP"] == pytest.approx(card["validation_held_out"]["MAP"], abs=1e-4)
    assert result["MAP"] >= 0.25


def test_eval_cli_one_line_error(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "spinscope.cli.main", "eval", "claims", "--debates", str(tmp_path / "none")],
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert out.stderr.strip().count("\n") == 0 and "error" in out.stderr
