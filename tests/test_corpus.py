"""Corpus summaries and the corpus report (HTML with inline SVG charts, JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from spinscope.aggregate import summarize_results
from spinscope.batch import iter_results, run_batch
from spinscope.config import Options
from spinscope.render.corpus import render_csv, render_html, render_json
from spinscope.techniques import is_ptc_technique

REPO = Path(__file__).resolve().parents[1]
SENTENCES = [
    "The radical plan is a total disaster for every hard-working family in the country.",
    "Officials said on Monday that the budget would be reviewed by the committee next week.",
    "Critics warned that the corrupt elite will never stop lying to ordinary people.",
    "This shocking betrayal is the worst scandal in living memory, a spokesman claimed.",
    "The minister, who spoke to reporters in the capital, declined to give further details.",
]
OUTLETS = ["Daily Example", "The <script>alert(1)</script> Times", "Weekly Sample"]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    with (d / "c.jsonl").open("w", encoding="utf-8") as f:
        for i in range(18):
            rng = random.Random(i)
            body = "\n".join(rng.sample(SENTENCES, 2 + i % 3))
            rec = {"id": f"a{i:02d}", "title": f"Headline {i} on the plan", "text": body,
                   "source": OUTLETS[i % 3], "date": f"2023-{1 + i % 6:02d}-0{1 + i % 9}" if i % 5 else None}
            f.write(json.dumps(rec) + "\n")
        f.write(json.dumps({"id": "broken", "text": "Hi there", "source": OUTLETS[0]}) + "\n")
    out = d / "r.parquet"
    run_batch([d / "c.jsonl"], out, options=Options(detectors=("lexical", "rhetoric")), workers=0)
    return out


def test_summary_matches_the_results(results: Path) -> None:
    s = summarize_results(results)
    recs = [r for r in iter_results(results)]
    ok = [r for r in recs if r["status"] == "ok"]
    assert (s.records, s.articles, s.errors) == (19, 18, 1)
    words: Counter[str] = Counter()
    spans: Counter[tuple[str, str]] = Counter()
    for r in ok:
        outlet = r["report"]["metadata"]["source"]
        words[outlet] += int(r["report"]["scores"]["words"])
        for sp in r["report"]["spans"]:
            if is_ptc_technique(sp["technique"]):
                spans[(outlet, sp["technique"])] += 1
    assert s.words == sum(words.values()) and s.spans == sum(spans.values()) > 0
    by_outlet = {o["outlet"]: o for o in s.outlets}
    assert set(by_outlet) == set(OUTLETS)
    for name, o in by_outlet.items():
        assert o["articles"] == 6 and o["words"] == words[name]
        for (outlet, technique), n in spans.items():
            if outlet == name:
                assert o["technique_per_1000_words"][technique] == round(1000 * n / words[name], 3)
    assert by_outlet[OUTLETS[0]]["errors"] == 1
    assert sum(b["articles"] for b in s.persuasion_histogram) == 18
    assert s.dated_articles == sum(1 for i in range(18) if i % 5) and s.trend_period == "month"
    assert [p["period"] for p in s.trend] == sorted({f"2023-{1 + i % 6:02d}" for i in range(18) if i % 5})
    scores = [p["persuasion"] for p in s.most_persuasive]
    assert scores == sorted(scores, reverse=True)
    assert s.techniques[0]["spans"] == max(t["spans"] for t in s.techniques)
    assert s.error_messages and "no article text" in s.error_messages[0]["error"]


def test_html_is_self_contained_with_charts_and_escaped(results: Path) -> None:
    page = render_html(summarize_results(results))
    assert page.count("<svg") >= 4  # technique bars, heatmap, histogram, trend
    assert "<table>" in page and "Top clickbait headlines" in page and "Most anonymous-sourced outlets" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", page)  # nothing fetched from elsewhere
    for chart in re.findall(r"<svg.*?</svg>", page, flags=re.S):
        assert chart.count("<") == chart.count(">")


def test_json_and_csv_formats(results: Path) -> None:
    s = summarize_results(results)
    doc = json.loads(render_json(s))
    assert doc["schema"] == "spinscope-corpus/1" and doc["articles"] == 18
    rows = list(csv.DictReader(io.StringIO(render_csv(s))))
    assert {r["outlet"] for r in rows} == set(OUTLETS)
    assert all(float(r["per_1000_words"]) >= 0 for r in rows)
    assert "per_1000_words:Loaded_Language" in rows[0]


def test_corpus_cli_writes_each_format(results: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    for fmt in ("html", "json", "csv"):
        out = tmp_path / f"report.{fmt}"
        proc = subprocess.run([sys.executable, "-m", "spinscope", "corpus", str(results), "--out", str(out),
                               "--format", fmt], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert out.stat().st_size > 100
    bad = subprocess.run([sys.executable, "-m", "spinscope", "corpus", str(tmp_path / "nope.parquet"), "--out",
                          str(tmp_path / "x.html")], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "no results file" in bad.stderr


@pytest.mark.parametrize("sidecar", ["metadata.csv", "metadata.jsonl"])
def test_a_folder_sidecar_gives_each_file_its_url_outlet_and_date(tmp_path: Path, sidecar: str) -> None:
    """A folder of plain .txt files carries no metadata; a sidecar file beside them supplies it."""
    folder = tmp_path / "folder"
    folder.mkdir()
    for i in range(3):
        (folder / f"story{i}.txt").write_text(f"Headline {i}\n\n{SENTENCES[i]} {SENTENCES[4]}\n", encoding="utf-8")
    rows = [
        {"file": "story0.txt", "url": "https://www.reuters.com/world/story0", "date": "2024-03-01"},
        {"id": "story1", "outlet": "Daily Example", "date": "2024-04-02"},
    ]
    if sidecar.endswith(".csv"):
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["file", "id", "url", "outlet", "date"])
        writer.writeheader()
        writer.writerows(rows)
        (folder / sidecar).write_text(buf.getvalue(), encoding="utf-8")
    else:
        (folder / sidecar).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "r.jsonl"
    run_batch([folder], out, options=Options(detectors=("lexical", "outlet")), workers=0)
    got = {r["id"]: r["report"] for r in iter_results(out)}
    assert sorted(got) == ["story0", "story1", "story2"]  # the sidecar itself is not an article
    assert got["story0"]["metadata"]["date"] == "2024-03-01" and got["story0"]["outlet"]["domain"] == "reuters.com"
    assert got["story1"]["metadata"]["source"] == "Daily Example" and got["story1"]["metadata"]["date"] == "2024-04-02"
    assert got["story2"]["metadata"]["date"] is None and got["story2"]["metadata"]["source"] is None


def test_a_sidecar_row_without_file_or_id_is_a_clear_error(tmp_path: Path) -> None:
    from spinscope.errors import InputError
    from spinscope.ingest.corpus import iter_records

    (tmp_path / "a.txt").write_text("Title\n\nBody text here.\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("url,date\nhttps://example.org/a,2024-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="names no 'file' or 'id'"):
        list(iter_records(tmp_path))


def test_corpus_page_charts_trends_and_links_to_article_reports(results: Path, tmp_path: Path) -> None:
    """Vega-Lite charts as inline SVG with real axes, a trend per technique and per outlet, and each listed
    article's headline linking to its own report written beside the page."""
    out = tmp_path / "corpus.html"
    proc = subprocess.run([sys.executable, "-m", "spinscope", "corpus", str(results), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    assert page.count('<figure class="chart">') >= 7 and "<script" not in page
    for axis_title in ("spans per 1,000 words", "mean persuasion", "persuasion score", "articles", "month"):
        assert f">{axis_title}</text>" in page, axis_title
    assert "Each technique over time" in page and "Mean persuasion by outlet over time" in page
    assert "Loaded Language" in page and ">Loaded_Language<" not in page
    links = re.findall(r'<a href="(corpus_reports/[^"]+)">', page)
    s = summarize_results(results)
    assert len(set(links)) == len({a["id"] for a in s.most_persuasive} | {h["id"] for h in s.clickbait_headlines})
    for href in set(links):
        report_page = (tmp_path / href).read_text(encoding="utf-8")
        assert report_page.startswith("<!doctype html>") and 'class="article"' in report_page


def test_read_results_gives_a_typed_dataframe(results: Path) -> None:
    import spinscope

    df = spinscope.read_results(results)
    assert len(df) == 19 and (df["status"] == "ok").sum() == 18
    dated = sum(1 for i in range(18) if i % 5)
    assert str(df["date"].dtype).startswith("datetime64") and df["date"].notna().sum() == dated
    assert str(df["words"].dtype) == "Int64" and str(df["persuasion"].dtype) == "Float64"
    assert df.loc[df["id"] == "a01", "date"].iloc[0].strftime("%Y-%m-%d") == "2023-02-02"
    spans = spinscope.read_spans(results)
    assert len(spans) > 0 and set(spans["article_id"]) <= set(df["id"]) and str(spans["start"].dtype) == "Int64"
