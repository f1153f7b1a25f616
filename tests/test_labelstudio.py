"""Label Studio round trip: export predictions as pre-annotations, import reviewed annotations as PTC files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from spinscope.batch import iter_results, run_batch
from spinscope.config import Options
from spinscope.errors import InputError
from spinscope.evaluation.ptc import read_articles, read_labels
from spinscope.labelstudio import export_tasks, import_annotations, label_config, ptc_id, resolve_offsets
from spinscope.techniques import PTC_TECHNIQUES

REPO = Path(__file__).resolve().parents[1]
BODY = (
    "The radical plan is a total disaster for every hard-working family in the country.\n"
    "Critics warned that the corrupt elite will never stop lying to ordinary people.\n"
    "This shocking betrayal is the worst scandal in living memory, a spokesman claimed.\n"
)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ls")
    recs = [
        {"id": "article777000001", "text": "Plan 🚀 sparks fury 😡 online\n\n" + BODY, "source": "Daily Example"},
        {"id": "custom id/2", "text": "A second headline about the plan\n\n" + BODY},
        {"id": "3", "text": "Third headline on the disaster\n\n" + BODY},
        {"id": "broken", "text": "two words"},
    ]
    (d / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    out = d / "r.sqlite"
    run_batch([d / "c.jsonl"], out, options=Options(detectors=("lexical",)), workers=0)
    return out


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def test_export_writes_tasks_with_predictions_that_point_at_their_text(results: Path, tmp_path: Path) -> None:
    n = export_tasks(results, tmp_path / "tasks.json")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert n == len(tasks) == 3  # the error record has no task
    ok = {r["id"]: r for r in iter_results(results) if r["status"] == "ok"}
    for task in tasks:
        text = task["data"]["text"]
        assert text == ok[task["data"]["article_id"]]["report"]["text"]
        (pred,) = task["predictions"]
        assert pred["result"], "every article here has technique spans"
        for item in pred["result"]:
            v = item["value"]
            assert text[v["start"] : v["end"]] == v["text"] and v["labels"][0] in PTC_TECHNIQUES
            assert (item["from_name"], item["to_name"], item["type"]) == ("label", "text", "labels")
            (note,) = item["meta"]["text"]  # why it was marked, for the reviewer
            assert note.startswith("found by ") and len(note) > len("found by x: ")
    root = ET.fromstring(label_config())
    assert {e.get("value") for e in root.iter("Label")} == set(PTC_TECHNIQUES)
    assert root.find("Text").get("value") == "$text"  # type: ignore[union-attr]


def test_import_turns_reviewed_annotations_into_ptc_files(results: Path, tmp_path: Path) -> None:
    export_tasks(results, tmp_path / "tasks.json")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    by_id = {t["data"]["article_id"]: t for t in tasks}
    expected: dict[str, set[tuple[str, int, int]]] = {}

    # task 1 (emoji in the headline): the reviewer deletes one prediction and adds a span; that span
    # comes with UTF-16 offsets, as older Label Studio releases wrote them
    t1 = by_id["article777000001"]
    text1 = t1["data"]["text"]
    kept = t1["predictions"][0]["result"][1:]
    phrase = "worst scandal in living memory"
    s = text1.index(phrase)
    added = {"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": _utf16(text1, s), "end": _utf16(text1, s + len(phrase)), "text": phrase,
                       "labels": ["Exaggeration,Minimisation"]}}
    t1["annotations"] = [{"id": 1, "result": [*kept, added], "was_cancelled": False,
                          "updated_at": "2024-05-01T10:00:00Z"}]
    expected["777000001"] = {(r["value"]["labels"][0], r["value"]["start"], r["value"]["end"]) for r in kept}
    expected["777000001"].add(("Exaggeration,Minimisation", s, s + len(phrase)))

    # task 2: a cancelled annotation and a ground-truth one; the ground truth wins
    t2 = by_id["custom id/2"]
    gt = t2["predictions"][0]["result"][:2]
    t2["annotations"] = [
        {"id": 2, "result": t2["predictions"][0]["result"], "was_cancelled": True, "updated_at": "2024-06-01"},
        {"id": 3, "result": gt, "ground_truth": True, "updated_at": "2024-05-01"},
        {"id": 4, "result": [], "updated_at": "2024-04-01"},
    ]
    expected[ptc_id("custom id/2")] = {(r["value"]["labels"][0], r["value"]["start"], r["value"]["end"]) for r in gt}

    # task 3 was never reviewed: no annotations, skipped
    by_id["3"]["annotations"] = []
    for t in tasks:
        t.pop("predictions")  # a Label Studio export keeps them, but import must only read annotations
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks), encoding="utf-8")

    stats = import_annotations(export, tmp_path / "ptc")
    assert stats["articles"] == 2 and stats["skipped"] == 1 and stats["unplaced"] == 0
    articles = read_articles(tmp_path / "ptc" / "train-articles")
    assert articles["777000001"] == text1
    gold = read_labels(tmp_path / "ptc" / "train-task-flc-tc.labels", with_technique=True)
    got: dict[str, set[tuple[str, int, int]]] = {}
    for a in gold:
        got.setdefault(a.article_id, set()).add((str(a.technique), a.start, a.end))
    assert got == expected
    per_file = read_labels(tmp_path / "ptc" / "train-labels-task-flc-tc", with_technique=True)
    assert sorted(per_file) == sorted(gold)
    ids = dict(line.split("\t") for line in (tmp_path / "ptc" / "ids.tsv").read_text().splitlines())
    assert ids[ptc_id("custom id/2")] == "custom id/2" and ids["777000001"] == "article777000001"
    with pytest.raises(InputError, match="not empty"):
        import_annotations(export, tmp_path / "ptc")


def test_json_min_export_and_offsets() -> None:
    text = "Héllo 🌍 wörld of spin"
    s = text.index("wörld")
    assert resolve_offsets(text, s, s + 5, "wörld") == (s, s + 5)
    assert resolve_offsets(text, _utf16(text, s), _utf16(text, s) + 5, "wörld") == (s, s + 5)
    assert resolve_offsets(text, 0, 3, "spin") == (text.index("spin"), len(text))
    assert resolve_offsets(text, 0, 3, "absent") is None


def test_json_min_import_and_cli_round_trip(results: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "spinscope", "export", "labelstudio", str(results), "--out",
                           str(tmp_path / "t.json")], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "t.config.xml").exists()
    tasks = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    minimal = [{"id": i, "text": t["data"]["text"], "article_id": t["data"]["article_id"], "annotator": "a@b",
                "label": [r["value"] for r in t["predictions"][0]["result"]]} for i, t in enumerate(tasks, 1)]
    (tmp_path / "min.json").write_text(json.dumps(minimal), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "spinscope", "import", "labelstudio", str(tmp_path / "min.json"),
                           "--out", str(tmp_path / "out")], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    gold = read_labels(tmp_path / "out" / "train-task-flc-tc.labels", with_technique=True)
    assert len(gold) == len({(m["article_id"], v["start"], v["end"], v["labels"][0]) for m in minimal
                             for v in m["label"]})
    bad = subprocess.run([sys.executable, "-m", "spinscope", "import", "labelstudio", str(tmp_path / "t.config.xml"),
                          "--out", str(tmp_path / "o2")], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_results_written_before_the_merge_export_one_region_per_place(tmp_path: Path) -> None:
    """A results file from before the analyzer merged its layers holds the same words twice (rhetoric and
    the model both say Doubt): the export and the corpus counts show one finding there, with both reasons."""
    from spinscope.aggregate import summarize_results
    from spinscope.analyzer import Analyzer
    from spinscope.batch.results import ok_record

    text = "Council Vote\n\nWhy did she hide it? The council voted on Monday after a long debate about the cost.\n"
    report = Analyzer(Options(detectors=("lexical",))).analyze(text).to_dict()
    start = text.index("Why")
    old_style = [
        {"start": start, "end": start + 20, "technique": "Doubt", "score": 0.55, "detector": "rhetoric",
         "explanation": "A rhetorical question that raises doubt without answering it.",
         "text": text[start : start + 20]},
        {"start": start, "end": start + 7, "technique": "Doubt", "score": 0.68, "detector": "techniques",
         "explanation": "Model: span confidence 0.59.", "text": text[start : start + 7]},
    ]
    report["spans"] = old_style
    report["detectors"] = ["rhetoric", "techniques"]
    results = tmp_path / "old.jsonl"
    results.write_text(json.dumps(ok_record("old", report, input_ref="x", worker="w", elapsed_ms=1.0)) + "\n")
    export_tasks(results, tmp_path / "tasks.json")
    (task,) = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    (region,) = task["predictions"][0]["result"]
    assert (region["value"]["start"], region["value"]["end"]) == (start, start + 20) and region["score"] == 0.68
    note = region["meta"]["text"][0]
    assert "rhetorical question" in note and "span confidence 0.59" in note and "rhetoric + techniques" in note
    summary = summarize_results(results)
    assert summary.spans == 1 and next(t for t in summary.techniques if t["technique"] == "Doubt")["spans"] == 1
