"""The hand-annotated quote set (tests/data/quotes/*.json): quote and speaker precision/recall.

Run with ``-s`` to print the figures reported in docs/performance/sourcing.md:

    pytest tests/test_quotes_gold.py -s
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from spinscope.detectors import Context, Resources, load_detector
from spinscope.ingest import article_from_text

GOLD_DIR = Path(__file__).resolve().parent / "data" / "quotes"
TITLES = re.compile(
    r"^(?:the|a|an|mr|mrs|ms|dr|prof|professor|mayor|judge|inspector|senator|governor|minister|coach|"
    r"president|commissioner|prince)\.?\s+",
    re.I,
)


def load_gold() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD_DIR.glob("*.json"))]


def offsets(text: str, needle: str) -> tuple[int, int]:
    """The first occurrence right after a quote mark (else the first occurrence)."""
    i = text.index(needle)
    for m in re.finditer(re.escape(needle), text):
        if m.start() > 0 and text[m.start() - 1] in "\"'“‘«":
            i = m.start()
            break
    return i, i + len(needle)


def overlap_ratio(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def core(span: tuple[int, int], text: str) -> tuple[int, int]:
    """Span without surrounding punctuation and marks (strict matching ignores '," vs '"')."""
    s, e = span
    while s < e and not text[s].isalnum():
        s += 1
    while e > s and not text[e - 1].isalnum():
        e -= 1
    return s, e


def norm_name(name: str) -> str:
    name = name.lower().replace("’", "'")
    while True:
        new = TITLES.sub("", name)
        if new == name:
            return name.strip()
        name = new


def same_speaker(gold: str, pred: str) -> bool:
    g, p = norm_name(gold), norm_name(pred)
    if g == p or (g and p and (g in p or p in g)):
        return True
    return bool(g.split() and p.split() and g.split()[-1] == p.split()[-1] and len(g.split()[-1]) > 3)


def evaluate(articles: list[dict[str, Any]]) -> dict[str, float]:
    resources = Resources()
    detectors = [load_detector(n) for n in ("quotes", "sources")]
    c: dict[str, int] = dict.fromkeys(
        [
            "gold_q",
            "pred_q",
            "tp_q",
            "strict_q",
            "kind_ok",
            "gold_sp",
            "pred_sp",
            "tp_sp",
            "gold_src",
            "pred_src",
            "tp_src",
            "kind_src",
        ],
        0,
    )
    for art in articles:
        text = art["text"]
        article = article_from_text(text)
        ctx = Context(resources=resources)
        for d in detectors:
            ctx.findings[d.name] = d.detect(article, ctx)
        preds = ctx.findings["quotes"].sections["quotes"]
        gold = [dict(g, span=offsets(text, g["text"])) for g in art["quotes"]]
        c["gold_q"] += len(gold)
        c["pred_q"] += len(preds)
        c["gold_sp"] += sum(1 for g in gold if g["speaker"])
        c["pred_sp"] += sum(1 for p in preds if p.get("speaker"))
        used: set[int] = set()
        for g in gold:
            best, best_r = None, 0.5
            for i, p in enumerate(preds):
                r = overlap_ratio(g["span"], (p["start"], p["end"]))
                if i not in used and r >= best_r:
                    best, best_r = i, r
            if best is None:
                continue
            used.add(best)
            p = preds[best]
            c["tp_q"] += 1
            c["strict_q"] += core(g["span"], text) == core((p["start"], p["end"]), text)
            c["kind_ok"] += g["kind"] == p["kind"]
            if g["speaker"] and p.get("speaker") and same_speaker(g["speaker"], p["speaker"]["name"]):
                c["tp_sp"] += 1
        sources = ctx.findings["sources"].sections["sources"]
        c["gold_src"] += len(art["sources"])
        c["pred_src"] += len(sources)
        for g in art["sources"]:
            hit = next((s for s in sources if same_speaker(g["name"], s["name"])), None)
            if hit is not None:
                c["tp_src"] += 1
                c["kind_src"] += hit["kind"] == g["kind"]

    def ratio(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    return {
        "articles": len(articles),
        "gold_quotes": c["gold_q"],
        "quote_precision": ratio(c["tp_q"], c["pred_q"]),
        "quote_recall": ratio(c["tp_q"], c["gold_q"]),
        "quote_exact_match": ratio(c["strict_q"], c["gold_q"]),
        "quote_kind_accuracy": ratio(c["kind_ok"], c["tp_q"]),
        "speaker_precision": ratio(c["tp_sp"], c["pred_sp"]),
        "speaker_recall": ratio(c["tp_sp"], c["gold_sp"]),
        "source_precision": ratio(c["tp_src"], c["pred_src"]),
        "source_recall": ratio(c["tp_src"], c["gold_src"]),
        "source_kind_accuracy": ratio(c["kind_src"], c["tp_src"]),
    }


def test_gold_set_is_well_formed() -> None:
    articles = load_gold()
    assert len(articles) >= 30
    for art in articles:
        for g in art["quotes"]:
            assert g["text"] in art["text"], (art["id"], g["text"])
            assert g["kind"] in ("speech", "scare")
        for s in art["sources"]:
            assert s["kind"] in ("person", "anonymous", "organisation", "outlet", "document")


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    result = evaluate(load_gold())
    print("\nquote gold set:", json.dumps(result, indent=1))
    return result


def test_quote_detection_precision_recall(figures: dict[str, float]) -> None:
    assert figures["quote_precision"] >= 0.90
    assert figures["quote_recall"] >= 0.90


def test_speaker_attribution(figures: dict[str, float]) -> None:
    assert figures["speaker_precision"] >= 0.85
    assert figures["speaker_recall"] >= 0.85


@pytest.mark.parametrize("folder", ["blind", "blind2"])
def test_blind_sets_regression_floor(folder: str) -> None:
    """Articles written after the rules were frozen (blind2 was never tuned on); figures in docs."""
    blind = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((GOLD_DIR / folder).glob("*.json"))]
    assert blind
    result = evaluate(blind)
    print(f"\n{folder} set:", json.dumps(result, indent=1))
    assert result["quote_precision"] >= 0.85 and result["quote_recall"] >= 0.85
    assert result["speaker_precision"] >= 0.75 and result["speaker_recall"] >= 0.7
