"""`spinscope compare`, spinscope.compare and POST /api/compare: two articles on one story side by side."""

from __future__ import annotations

import json
from importlib import resources

import httpx
import pytest

from spinscope.compare import compare, content_words
from spinscope.report import Report
from spinscope.web.server import serve_in_thread
from spinscope.web.settings import WebSettings

from .conftest import run_cli

EXAMPLES = resources.files("spinscope").joinpath("resources/examples")


@pytest.fixture(scope="module")
def example_comparison() -> dict:
    r = run_cli("compare", "--example", "--json")
    assert r.code == 0, r.stderr
    doc: dict = json.loads(r.stdout)
    return doc


def test_compare_puts_the_two_example_articles_side_by_side(example_comparison: dict) -> None:
    c = example_comparison
    assert c["schema"] == "spinscope-compare/1"
    assert c["a"]["title"].startswith("Harbour Deal COLLAPSES") and c["b"]["title"].startswith("Northgate Withdraws")
    loaded = next(t for t in c["techniques"] if t["technique"] == "Loaded_Language")
    assert loaded["a"] > loaded["b"] and c["a"]["persuasion"] > c["b"]["persuasion"]
    assert {"Paul Okafor", "Rosa Ibarra"} <= set(c["sources_both"]) and "Dev Patel" in c["sources_only_b"]
    assert c["anonymous"]["a"] > c["anonymous"]["b"]
    only_a = " ".join(x["text"] for x in c["only_a"])
    only_b = " ".join(x["text"] for x in c["only_b"])
    assert "60 percent of the cost of dredging" in only_a and "$42 million" in only_b
    # said by both (in one sentence in A, two in B): not listed as news to either
    assert "2,500 jobs" not in only_a and "2,500 jobs" not in only_b
    scores = [x["claim_score"] for x in c["only_a"] if x["claim_score"] is not None]
    assert scores == sorted(scores, reverse=True)


def test_compare_in_the_terminal_and_bad_input() -> None:
    r = run_cli("compare", "--example")
    assert r.code == 0 and "Only in A" in r.stdout and "Only in B" in r.stdout and "Techniques" in r.stdout
    missing = run_cli("compare", str(EXAMPLES.joinpath("example.txt")), "nope.txt")
    assert missing.code == 2 and "nope.txt: no such file" in missing.stderr and "Traceback" not in missing.stderr
    assert run_cli("compare", "-", "-").code == 2


def test_content_words_ignore_function_words_and_keep_numbers() -> None:
    assert content_words("The council said the rent covered only 60 percent.") == {
        "council", "rent", "covered", "60", "percent"
    }


def test_api_compare(example_comparison: dict) -> None:
    with serve_in_thread(WebSettings(warm_up=False)) as url, httpx.Client(base_url=url, timeout=120) as api:
        a = api.post("/api/analyze", json={"text": EXAMPLES.joinpath("example.txt").read_text("utf-8")}).json()
        b = api.post("/api/analyze", json={"text": EXAMPLES.joinpath("example_b.txt").read_text("utf-8")}).json()
        resp = api.post("/api/compare", json={"a": a, "b": b})
        assert resp.status_code == 200, resp.text
        got = resp.json()
        assert got == compare(Report.from_dict(a), Report.from_dict(b)).to_dict()
        assert [x["text"] for x in got["only_a"]] == [x["text"] for x in example_comparison["only_a"]]
        assert api.post("/api/compare", json={"a": a}).status_code == 422
        assert api.post("/api/compare", json={"a": a, "b": {"text": "x"}}).status_code == 422
        assert api.get("/compare").status_code == 200
