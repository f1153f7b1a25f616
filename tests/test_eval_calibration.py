"""`spinscope predict ptc --task reports` and `spinscope eval ptc --calibration`: do shown scores mean what they say?"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from spinscope.cli.main import build_app
from spinscope.evaluation.ptc import Annotation
from spinscope.evaluation.ptc_calibration import calibration_report, format_calibration
from spinscope.techniques import PTC_TECHNIQUES

ARTICLE = ("Traitors Sell Out Our Great Nation\n\nThe corrupt, lying elites in Washington have betrayed every single "
           "patriot in this country. These radical leftist thugs want to destroy America. Why did they hide it?\n")


def test_figures_by_hand() -> None:
    gold = [Annotation("1", 0, 10, "Loaded_Language"), Annotation("2", 5, 9, "Doubt")]
    spans = {"1": [{"start": 2, "end": 6, "technique": "Loaded_Language", "score": 0.9},  # right
                   {"start": 2, "end": 6, "technique": "Doubt", "score": 0.1},  # wrong technique
                   {"start": 30, "end": 40, "technique": "Loaded_Language", "score": 0.1}],  # nowhere
             "2": [{"start": 0, "end": 6, "technique": "Doubt", "score": 0.9}]}  # right
    fig = calibration_report(spans, gold, ["1", "2", "3"], bootstrap=200)
    assert fig["spans"] == 4 and fig["share_right"] == 0.5 and fig["mean_score"] == 0.5
    assert abs(fig["ece"] - 0.1) < 1e-9  # bin 0.1: 2 spans, 0 right; bin 0.9: 2 spans, 2 right
    assert fig["articles_without_report"] == ["3"]
    lo, hi = fig["bootstrap"]["share_right_ci95"]
    assert 0.0 <= lo <= 0.5 <= hi <= 1.0
    text = format_calibration(fig)
    assert "ECE: 0.1000" in text and "no report" in text


def test_cli_reports_then_calibration(tmp_path: Path) -> None:
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "article123.txt").write_text(ARTICLE, encoding="utf-8")
    labels = tmp_path / "gold.labels"
    s = ARTICLE.index("corrupt")
    labels.write_text(f"123\tLoaded_Language\t{s}\t{s + 7}\n123\tName_Calling,Labeling\t{ARTICLE.index('thugs')}\t"
                      f"{ARTICLE.index('thugs') + 5}\n", encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "reports.jsonl"
    res = runner.invoke(build_app(), ["predict", "ptc", "--articles", str(arts), "--task", "reports",
                                      "--out", str(out)])
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert report["schema"] == "spinscope/1" and report["id"] == "123" and report["text"] == ARTICLE
    res = runner.invoke(build_app(), ["eval", "ptc", "--calibration", "--articles", str(arts), "--labels", str(labels),
                                      "--pred", str(out), "--json"])
    assert res.exit_code == 0, res.output
    fig = json.loads(res.output)
    shown = [x for x in report["spans"] if x["technique"] in PTC_TECHNIQUES]
    assert shown, "the loaded example shows no technique finding"
    assert fig["spans"] == len(shown) and 0.0 <= fig["share_right"] <= 1.0 and 0.0 <= fig["ece"] <= 1.0
    # reports that match no article are a clear error, not a score of zero
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({**report, "id": "999", "text": "something else"}) + "\n", encoding="utf-8")
    res = runner.invoke(build_app(), ["eval", "ptc", "--calibration", "--articles", str(arts), "--labels", str(labels),
                                      "--pred", str(other)])
    assert res.exit_code != 0 and "no report" in res.output
