"""`spinscope eval sourcing` and the independent hand-annotated set in tests/data/sourcing.

The scorer is tested on small made-up cases (no data needed); the gold set itself is checked against the
shared data (offsets, kinds, the tune/report split) and skipped with a reason when the data is absent.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spinscope.evaluation.sourcing import (
    GoldArticle,
    load_gold,
    same_name,
    score_article,
    summarise,
)

GOLD = Path(__file__).resolve().parent / "data" / "sourcing"


def test_same_name_rules() -> None:
    assert same_name("Andrew Rice", "Rice")
    assert same_name("Sen. Jane Doe", "Jane Doe")
    assert same_name("an NBC source", "the NBC source")
    assert same_name("One lawyer for the alleged victims", "One lawyer")
    assert same_name("Plant’s publicist", "Plant's publicist")
    assert not same_name("a source", "one Washington source")  # a bare head noun is not a description
    assert not same_name("Andrew Rice", "Condoleezza Price")
    assert not same_name("Tom Brokaw", "Brian Williams")


def _article() -> GoldArticle:
    text = 'Ann Lee said: "We won." Critics called it "a sham." The "Today" show aired. "Bye," he said.'
    def q(body: str, kind: str, speaker: str | None = None) -> dict[str, object]:
        start = text.index(body)
        item: dict[str, object] = {"start": start, "end": start + len(body), "text": body, "kind": kind}
        if kind == "speech":
            item["speaker"] = speaker
        return item

    quotes = [q("We won.", "speech", "Ann Lee"), q("a sham.", "speech", "Critics"), q("Today", "title"),
              q("Bye,", "speech")]
    sources = [{"name": "Ann Lee", "kind": "person", "aliases": []}, {"name": "Critics", "kind": "anonymous"}]
    return GoldArticle("t1", "tune", text, quotes, sources)


def test_score_article_counts_each_error_once() -> None:
    gold = _article()
    g = [(q["start"], q["end"]) for q in gold.quotes]
    pred_quotes = [
        {"start": g[0][0], "end": g[0][1], "kind": "speech", "speaker": {"name": "Lee", "start": 0, "end": 7}},
        {"start": g[1][0], "end": g[1][1], "kind": "scare", "speaker": None},  # attributed partial quote: scare
        {"start": g[2][0], "end": g[2][1], "kind": "speech", "speaker": None},  # a title taken for speech
        {"start": g[3][0], "end": g[3][1], "kind": "speech",
         "speaker": {"name": "he", "start": 0, "end": 2, "resolved_from": None}},
    ]
    pred_sources = [
        {"name": "Ann Lee", "kind": "person"},
        {"name": "Lee", "kind": "organisation"},  # a fragment: a second entry for one source
        {"name": "Critics", "kind": "organisation"},
    ]
    r = score_article(gold, pred_quotes, pred_sources)
    c = r.counts
    assert (c["gold_q"], c["pred_q"], c["tp_q"]) == (3, 3, 2)  # "a sham." missed, "Today" spurious
    assert (c["gold_m"], c["pred_m"], c["tp_m"], c["kind_ok"]) == (4, 4, 4, 2)
    assert (c["sp_n"], c["sp_ok"], c["named_n"], c["named_ok"]) == (2, 2, 1, 1)  # unresolved 'he' = unknown
    assert (c["gold_s"], c["pred_s"], c["tp_s"], c["skind_ok"]) == (2, 3, 2, 1)
    assert any("spurious source: 'Lee'" in e for e in r.errors)
    s = summarise([r, r], resamples=50)
    assert s["metrics"]["quote_precision"]["value"] == pytest.approx(2 / 3, abs=1e-4)
    assert s["metrics"]["source_kind_accuracy"]["value"] == 0.5
    lo, hi = s["metrics"]["quote_recall"]["ci95"]
    assert lo <= s["metrics"]["quote_recall"]["value"] <= hi


def test_wrong_speaker_is_counted() -> None:
    gold = _article()
    s, e = gold.quotes[0]["start"], gold.quotes[0]["end"]
    pred = [{"start": s, "end": e, "kind": "speech", "speaker": {"name": "Critics", "start": 0, "end": 1}}]
    r = score_article(gold, pred, [])
    assert (r.counts["sp_n"], r.counts["sp_ok"]) == (1, 0)
    assert any(e.startswith("speaker:") for e in r.errors)


def test_gold_set_is_independent_and_well_formed(data_dir: Path) -> None:
    tune, missing_t = load_gold(GOLD, data_dir, "tune")
    report, missing_r = load_gold(GOLD, data_dir, "report")
    assert not missing_t and not missing_r
    assert len(tune) + len(report) >= 40 and len(report) >= 20
    assert not {a.id for a in tune} & {a.id for a in report}
    # none of the articles is in the older gold sets (tests/data/quotes) written by the rule authors
    older = " ".join(p.read_text(encoding="utf-8") for p in (GOLD.parent / "quotes").rglob("*.json"))
    for a in tune + report:
        assert a.id.startswith(("fnc1-", "ptc-article"))
        assert all(q["text"] not in older for q in a.quotes if len(q["text"]) > 40)
    kinds = {q["kind"] for a in tune + report for q in a.quotes}
    assert kinds == {"speech", "scare", "title", "slogan"}
    assert sum(len(a.quotes) for a in report) >= 80
    report2, missing2 = load_gold(GOLD, data_dir, "report2")
    assert not missing2 and len(report2) >= 10
    assert not {a.id for a in report2} & {a.id for a in tune + report}
    report3, missing3 = load_gold(GOLD, data_dir, "report3")
    assert not missing3 and len(report3) >= 12
    assert not {a.id for a in report3} & {a.id for a in tune + report + report2}
    for a in report3:  # every speech quote names a listed source (or none); every quote is between marks
        names = {n for s in a.sources for n in (s["name"], *s["aliases"])}
        assert all(q["speaker"] in names for q in a.quotes if q["kind"] == "speech" and q["speaker"])
        assert all(a.text[q["start"] - 1] in "\"“”" for q in a.quotes)


def test_cli_eval_sourcing(data_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "spinscope", "eval", "sourcing", "--part", "tune", "--bootstrap", "100",
         "--data", str(data_dir), "--gold", str(GOLD), "--json"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    summary = json.loads(out.stdout)
    assert summary["articles"] == 20
    assert summary["warnings"] == [] and "warning" not in out.stderr  # scored with the spaCy model loaded
    for m in ("quote_precision", "quote_recall", "speaker_accuracy", "source_precision", "source_kind_accuracy"):
        assert 0.0 <= summary["metrics"][m]["value"] <= 1.0
        assert len(summary["metrics"][m]["ci95"]) == 2


def test_cli_eval_sourcing_bad_input(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "spinscope", "eval", "sourcing", "--gold", str(tmp_path / "nope")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [f"spinscope: error: no such gold folder: {tmp_path / 'nope'}"]
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "x.json").write_text("{not json", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "spinscope", "eval", "sourcing", "--gold", str(tmp_path), "--data", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2 and "cannot read gold file" in out.stderr and "Traceback" not in out.stderr
