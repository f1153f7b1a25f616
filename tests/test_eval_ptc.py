"""The SemEval-2020 Task 11 measures (SI, TC, FLC), readers, the fixed split and `spinscope eval ptc`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinscope.cli.main import build_app
from spinscope.errors import EvaluationError
from spinscope.evaluation.ptc import (
    Annotation,
    align_tc,
    bootstrap_f1,
    merge_intervals,
    parse_labels,
    read_articles,
    read_labels,
    score_flc,
    score_si,
    score_tc,
    split_of,
)

DATA = Path(os.environ.get("SPINSCOPE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

# The organisers' example (tools/data of the PTC scorers): gold article736757214.task-SI.labels and
# data/submission-task-SI.tsv; their README reports P=1.929825/2=0.964912 R=1.947458/4=0.486864 F1=0.647181.
README_GOLD = ["736757214\t0\t59", "736757214\t171\t181", "736757214\t0\t9", "736757214\t115\t167",
               "736757214\t740\t759"]
README_PRED = ["736757214\t0\t50", "736757214\t161\t172", "736757214\t0\t10", "736757214\t115\t167"]


def A(aid: str, s: int, e: int, t: str | None = None) -> Annotation:
    return Annotation(aid, s, e, t)


def test_si_readme_example() -> None:
    sc = score_si(parse_labels(README_GOLD), parse_labels(README_PRED))
    assert (sc.n_predicted, sc.n_gold) == (2, 4)
    assert f"{sc.precision_sum:.6f}" == "1.929825" and f"{sc.recall_sum:.6f}" == "1.947458"
    assert f"{sc.precision:.6f}" == "0.964912"
    assert f"{sc.recall:.6f}" == "0.486864"
    assert f"{sc.f1:.6f}" == "0.647181"


def test_merge_only_overlapping_spans() -> None:
    assert merge_intervals([(0, 5), (5, 9), (3, 4), (20, 30), (25, 40)]) == [(0, 5), (5, 9), (20, 40)]


def test_si_counts_every_gold_article_in_recall() -> None:
    gold = [A("1", 0, 10), A("2", 0, 10)]
    sc = score_si(gold, [A("1", 0, 10)])
    assert sc.precision == 1.0 and sc.recall == 0.5
    # a prediction in an article with no gold span costs precision only
    sc = score_si(gold, [A("1", 0, 10), A("3", 0, 4)], article_ids=["1", "2", "3"])
    assert sc.precision == 0.5 and sc.recall == 0.5


def test_si_ignores_techniques_and_partial_credit() -> None:
    gold = [A("1", 0, 10, "Doubt"), A("1", 5, 20, "Slogans")]  # merged into 0..20
    sc = score_si(gold, [A("1", 10, 30)])
    assert sc.n_gold == 1
    assert sc.precision == pytest.approx(10 / 20) and sc.recall == pytest.approx(10 / 20)


def test_tc_alignment_of_identical_spans() -> None:
    gold = [A("1", 0, 5, "Doubt"), A("1", 0, 5, "Slogans"), A("1", 9, 12, "Repetition")]
    pred = [A("1", 0, 5, "Slogans"), A("1", 0, 5, "Doubt"), A("1", 9, 12, "Doubt")]
    pairs = align_tc(gold, pred)
    assert sorted(pairs) == [("Doubt", "Doubt"), ("Repetition", "Doubt"), ("Slogans", "Slogans")]
    sc = score_tc(gold, pred)
    assert sc.f1 == pytest.approx(2 / 3) and sc.precision == sc.recall == sc.f1
    assert sc.per_technique["Doubt"]["f1"] == pytest.approx(2 / 3)  # tp 1, fp 1, fn 0
    assert sc.per_technique["Slogans"]["f1"] == 1.0
    assert sc.per_technique["Repetition"]["f1"] == 0.0


def test_tc_requires_exactly_the_gold_spans() -> None:
    gold = [A("1", 0, 5, "Doubt")]
    with pytest.raises(EvaluationError, match="exactly the gold spans"):
        score_tc(gold, [A("1", 0, 6, "Doubt")])
    with pytest.raises(EvaluationError):
        score_tc(gold, [])


def test_flc_needs_matching_technique() -> None:
    gold = [A("1", 0, 10, "Doubt"), A("1", 20, 30, "Slogans")]
    pred = [A("1", 0, 10, "Doubt"), A("1", 20, 30, "Doubt")]
    sc = score_flc(gold, pred)
    assert sc.precision == pytest.approx(0.5) and sc.recall == pytest.approx(0.5)
    assert sc.per_technique["Doubt"]["precision"] == pytest.approx(0.5)
    assert sc.per_technique["Doubt"]["recall"] == 1.0
    assert sc.per_technique["Slogans"]["recall"] == 0.0
    si = score_si(gold, pred)
    assert si.f1 == 1.0


def test_parse_errors() -> None:
    with pytest.raises(EvaluationError, match="columns"):
        parse_labels(["1\t2"])
    with pytest.raises(EvaluationError, match="unknown technique"):
        parse_labels(["1\tPropaganda\t0\t4"])
    with pytest.raises(EvaluationError, match="bad span"):
        parse_labels(["1\t9\t4"])
    with pytest.raises(EvaluationError, match="mixed"):
        parse_labels(["1\t0\t4", "1\tDoubt\t0\t4"])
    assert parse_labels(["1\t?\t0\t4"], allow_unknown=True)[0].technique == "?"
    assert parse_labels(["article7\tName_Calling,Labeling\t3\t9"])[0] == A("7", 3, 9, "Name_Calling,Labeling")


def test_split_is_fixed_and_about_a_fifth() -> None:
    ids = [str(700000000 + 7919 * i) for i in range(2000)]
    val = [i for i in ids if split_of(i) == "val"]
    assert 0.17 < len(val) / len(ids) < 0.23
    assert [split_of(i) for i in ids[:50]] == [split_of(i) for i in ids[:50]]
    assert split_of("111111111") in ("train", "val")


def _fixture(tmp: Path) -> tuple[Path, Path, Path]:
    arts = tmp / "articles"
    arts.mkdir()
    (arts / "article736757214.txt").write_text("x" * 800, encoding="utf-8")
    gold = tmp / "gold.labels"
    gold.write_text("\n".join(README_GOLD) + "\n", encoding="utf-8")
    pred = tmp / "pred.txt"
    pred.write_text("\n".join(README_PRED) + "\n", encoding="utf-8")
    return arts, gold, pred


def test_cli_eval_si(tmp_path: Path) -> None:
    arts, gold, pred = _fixture(tmp_path)
    r = CliRunner().invoke(build_app(), ["eval", "ptc", "--articles", str(arts), "--labels", str(gold),  # type: ignore[arg-type]
                                         "--pred", str(pred), "--task", "si"])
    assert r.exit_code == 0, r.output
    assert "F1=0.647181" in r.output and "0.964912" in r.output and "0.486864" in r.output


def test_bootstrap_interval_brackets_the_score_and_narrows_with_agreement() -> None:
    # ten articles: half predicted exactly, half missed entirely -> F1 varies with the resample
    gold = [A(str(i), 0, 10, "Doubt") for i in range(10)]
    pred = [A(str(i), 0, 10, "Doubt") for i in range(5)]
    ids = [str(i) for i in range(10)]
    for task in ("si", "flc"):
        lo, hi = bootstrap_f1(task, gold, pred, ids, resamples=500)
        f1 = (score_si if task == "si" else score_flc)(gold, pred, ids).f1
        assert lo < f1 < hi and 0.0 < lo and hi <= 1.0
    assert bootstrap_f1("si", gold, pred, ids, 500, seed=3) == bootstrap_f1("si", gold, pred, ids, 500, seed=3)
    # every article scored alike: no spread at all
    assert bootstrap_f1("si", gold, gold, ids, resamples=200) == (1.0, 1.0)
    tc_pred = [A(str(i), 0, 10, "Doubt" if i % 2 else "Slogans") for i in range(10)]
    lo, hi = bootstrap_f1("tc", gold, tc_pred, ids, resamples=500)
    assert lo < score_tc(gold, tc_pred).f1 < hi
    with pytest.raises(EvaluationError):
        bootstrap_f1("si", gold, pred, [], resamples=10)


def test_cli_eval_bootstrap(tmp_path: Path) -> None:
    import json

    arts, gold, pred = _fixture(tmp_path)
    args = ["eval", "ptc", "--articles", str(arts), "--labels", str(gold), "--pred", str(pred), "--bootstrap", "200"]
    r = CliRunner().invoke(build_app(), args)  # type: ignore[arg-type]
    assert r.exit_code == 0, r.output
    assert "F1 95% interval over articles (bootstrap, 200 resamples): 0.6472 - 0.6472" in r.output  # one article
    r = CliRunner().invoke(build_app(), [*args, "--json"])  # type: ignore[arg-type]
    assert json.loads(r.output)["f1_ci95"] == {"low": pytest.approx(0.647181, abs=1e-6),
                                               "high": pytest.approx(0.647181, abs=1e-6), "resamples": 200, "seed": 0}


def test_cli_eval_rejects_bad_prediction(tmp_path: Path) -> None:
    arts, gold, pred = _fixture(tmp_path)
    pred.write_text("736757214\t0\t5000\n", encoding="utf-8")
    r = CliRunner().invoke(build_app(), ["eval", "ptc", "--articles", str(arts), "--labels", str(gold),  # type: ignore[arg-type]
                                         "--pred", str(pred)])
    assert r.exit_code == 2
    assert "beyond the end" in r.output and "Traceback" not in r.output


@pytest.mark.data
@pytest.mark.skipif(not (DATA / "ptc").is_dir(), reason="PTC data not found (set SPINSCOPE_DATA)")
def test_real_corpus_gold_scores_perfectly() -> None:
    texts = read_articles(DATA / "ptc" / "train-articles")
    assert len(texts) == 371
    assert sum(split_of(i) == "val" for i in texts) == 68
    gold_tc = read_labels(DATA / "ptc" / "train-task-flc-tc.labels", with_technique=True)
    assert len(gold_tc) == 6128
    assert score_tc(gold_tc, gold_tc).f1 == 1.0
    assert score_flc(gold_tc, gold_tc).f1 == pytest.approx(1.0)
    gold_si = read_labels(DATA / "ptc" / "train-task-si.labels", with_technique=False)
    assert score_si(gold_si, gold_tc).f1 == pytest.approx(1.0)
