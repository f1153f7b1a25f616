"""Quotes, speakers and sources against hand-annotated articles (``spinscope eval sourcing``).

Gold files (``tests/data/sourcing/{tune,report}/<id>.json``) hold offsets into articles that stay in the
shared data folder: FNC-1 training bodies (``fnc1/train_bodies.csv``, by Body ID) and the first
``chars`` characters of PTC test articles (``ptc/test-articles/<doc>.txt``). Each file carries a short
hash of the text it was annotated on, so a changed data file is refused rather than silently misread.
Annotation guide: docs/SOURCING.md ("Evaluation").

Measures, each micro-averaged over the articles with a 95% percentile interval from resampling the
articles (article-level bootstrap):

- **quotes**: gold *speech* quotes against predicted quotes of kind ``speech``; a pair matches when their
  character overlap is at least half their union (one-to-one, best overlap first). Precision, recall.
- **marks**: the same over every quoted span whatever its kind, and the kind accuracy of matched pairs.
- **speaker accuracy**: over gold speech quotes matched by a predicted speech quote, the share whose speaker
  is right: the same person or description (titles and articles ignored, a surname or any name the gold
  source lists for that speaker counts), or no speaker when the gold says the speaker cannot be told.
- **sources**: predicted sources against gold sources, matched one-to-one by name or a listed alias;
  a second entry for one gold source counts as a false positive. Precision, recall, kind accuracy.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import EvaluationError

KINDS = ("speech", "scare", "title", "slogan")
SOURCE_KINDS = ("person", "anonymous", "outlet", "document", "organisation", "platform")
COUNTS = (
    "gold_q", "pred_q", "tp_q",
    "gold_m", "pred_m", "tp_m", "kind_ok",
    "sp_n", "sp_ok", "named_n", "named_ok",
    "gold_s", "pred_s", "tp_s", "skind_ok",
)  # fmt: skip

_TITLES = re.compile(
    r"^(?:the|a|an|one|mr|mrs|ms|dr|prof|professor|mayor|judge|sen|senator|rep|gov|governor|minister|president|"
    r"det|detective|col|cmdr|commander|rev|sgt|cpl|lt|gen|sheikh|pope)\.?\s+",
    re.I,
)
_PRONOUNS = frozenset("he she they it we i you him her them".split())


@dataclass
class GoldArticle:
    id: str
    part: str
    text: str
    quotes: list[dict[str, Any]]
    sources: list[dict[str, Any]]


@dataclass
class ArticleResult:
    id: str
    counts: dict[str, int]
    errors: list[str] = field(default_factory=list)


def _read_text(corpus: str, doc: str, chars: int, data: Path, cache: dict[str, dict[str, str]]) -> str | None:
    if corpus == "fnc1":
        path = data / "fnc1" / "train_bodies.csv"
        if not path.is_file():
            return None
        if "fnc1" not in cache:
            with path.open(encoding="utf-8", newline="") as fh:
                cache["fnc1"] = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
        return cache["fnc1"].get(doc)
    if corpus == "ptc":
        path = data / "ptc" / "test-articles" / f"{doc}.txt"
        return path.read_text(encoding="utf-8")[:chars] if path.is_file() else None
    raise EvaluationError(f"unknown corpus {corpus!r} in the gold data")


def gold_parts(gold_dir: Path) -> list[str]:
    """The gold parts in ``gold_dir``: its sub-folders holding at least one ``*.json`` file, sorted."""
    if not gold_dir.is_dir():
        return []
    return sorted(p.name for p in gold_dir.iterdir() if p.is_dir() and any(p.glob("*.json")))


def load_gold(gold_dir: Path, data: Path, part: str = "report") -> tuple[list[GoldArticle], list[str]]:
    """The gold articles of ``part`` (a sub-folder of ``gold_dir``, or ``all``) with their texts, and the ids
    skipped because their article is not in ``data``. The parts and when each was annotated are described in
    docs/SOURCING.md ("Evaluation"): ``tune`` is the one rules may be written on; every ``report*`` part was
    annotated by reading, before any detector ran on it."""
    available = gold_parts(gold_dir)
    if part != "all" and part not in available:
        raise EvaluationError(f"unknown part {part!r}; use one of {', '.join([*available, 'all'])}")
    parts = tuple(available) if part == "all" else (part,)
    files = [p for name in parts for p in sorted((gold_dir / name).glob("*.json"))]
    if not files:
        raise EvaluationError(f"no gold files in {gold_dir}")
    cache: dict[str, dict[str, str]] = {}
    out: list[GoldArticle] = []
    missing: list[str] = []
    for path in files:
        try:
            g = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EvaluationError(f"cannot read gold file {path}: {exc}") from exc
        text = _read_text(g["corpus"], g["doc"], g["chars"], data, cache)
        if text is None:
            missing.append(g["id"])
            continue
        if len(text) != g["chars"] or hashlib.sha1(text.encode("utf-8")).hexdigest()[:12] != g["sha1"]:
            raise EvaluationError(f"{path}: the article text in {data} differs from the annotated one")
        for q in g["quotes"]:
            if text[q["start"] : q["end"]] != q["text"] or q["kind"] not in KINDS:
                raise EvaluationError(f"{path}: quote {q['text'][:40]!r} does not match its offsets or kind")
        for s in g["sources"]:
            if s["kind"] not in SOURCE_KINDS:
                raise EvaluationError(f"{path}: source {s['name']!r} has unknown kind {s['kind']!r}")
        out.append(GoldArticle(g["id"], g["part"], text, g["quotes"], g["sources"]))
    return out, missing


def norm_name(name: str) -> str:
    """Lower case, curly apostrophes straightened, titles, articles and a possessive 's dropped."""
    name = re.sub(r"[’`]", "'", name.lower()).strip(" ,.:;\"'")
    name = re.sub(r"'s\b", "", name)
    while True:
        new = _TITLES.sub("", name)
        if new == name:
            return " ".join(name.split())
        name = new


def same_name(gold: str, pred: str) -> bool:
    """Whether a predicted name denotes the gold one: equal after ``norm_name``, one a whole-word part of
    the other ("Rice" / "Andrew Rice", "one lawyer" / "One lawyer for the alleged victims"), or the same
    capitalised surname."""
    g, p = norm_name(gold), norm_name(pred)
    if not g or not p:
        return False
    if g == p:
        return True
    gw, pw = g.split(), p.split()
    short, long_ = (gw, pw) if len(gw) <= len(pw) else (pw, gw)
    if any(long_[i : i + len(short)] == short for i in range(len(long_) - len(short) + 1)):
        return not (len(short) == 1 and short[0] in ("source", "sources", "official", "officials", "police"))
    return gold.split()[-1][:1].isupper() and pred.split()[-1][:1].isupper() and gw[-1] == pw[-1] and len(gw[-1]) > 3


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def _match_spans(gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]]) -> dict[int, int]:
    """One-to-one gold index -> predicted index, best overlap first, overlap/union >= 0.5."""
    pairs = sorted(((_overlap(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)), reverse=True)
    out: dict[int, int] = {}
    used: set[int] = set()
    for r, gi, pi in pairs:
        if r < 0.5:
            break
        if gi not in out and pi not in used:
            out[gi] = pi
            used.add(pi)
    return out


def _speaker_name(pred: dict[str, Any]) -> str | None:
    """The predicted speaker's name, or None when it has none or only an unresolved pronoun."""
    sp = pred.get("speaker")
    if not sp:
        return None
    if sp.get("resolved_from", "absent") is None or sp["name"].lower() in _PRONOUNS:
        return None
    return str(sp["name"])


def _names_of(speaker: str, sources: list[dict[str, Any]]) -> list[str]:
    """The gold speaker's name and the aliases of the gold source it names."""
    for s in sources:
        names = [s["name"], *s.get("aliases", [])]
        if any(norm_name(n) == norm_name(speaker) for n in names):
            return names
    return [speaker]


def score_article(gold: GoldArticle, quotes: list[dict[str, Any]], sources: list[dict[str, Any]]) -> ArticleResult:
    """Counts (and readable errors) for one article's predicted quotes and sources."""
    c = dict.fromkeys(COUNTS, 0)
    errors: list[str] = []
    text = gold.text

    def show(s: int, e: int) -> str:
        body = text[s:e].replace("\n", " ")
        return repr(body if len(body) <= 60 else body[:28] + " … " + body[-28:])

    # every quoted span, whatever its kind
    g_all = [(q["start"], q["end"]) for q in gold.quotes]
    p_all = [(q["start"], q["end"]) for q in quotes]
    m_all = _match_spans(g_all, p_all)
    c["gold_m"], c["pred_m"], c["tp_m"] = len(g_all), len(p_all), len(m_all)
    for gi, pi in m_all.items():
        ok = gold.quotes[gi]["kind"] == quotes[pi]["kind"]
        c["kind_ok"] += ok
        if not ok:
            errors.append(f"kind: {show(*g_all[gi])} is {gold.quotes[gi]['kind']}, predicted {quotes[pi]['kind']}")
    for gi in set(range(len(g_all))) - set(m_all):
        errors.append(f"missed {gold.quotes[gi]['kind']}: {show(*g_all[gi])}")
    for pi in set(range(len(p_all))) - set(m_all.values()):
        errors.append(f"spurious {quotes[pi]['kind']}: {show(*p_all[pi])}")
    # speech quotes and their speakers
    g_sp = [q for q in gold.quotes if q["kind"] == "speech"]
    p_sp = [q for q in quotes if q["kind"] == "speech"]
    m_sp = _match_spans([(q["start"], q["end"]) for q in g_sp], [(q["start"], q["end"]) for q in p_sp])
    c["gold_q"], c["pred_q"], c["tp_q"] = len(g_sp), len(p_sp), len(m_sp)
    for gi, pi in m_sp.items():
        want, got = g_sp[gi]["speaker"], _speaker_name(p_sp[pi])
        ok = (
            got is None
            if want is None
            else got is not None and any(same_name(n, got) for n in _names_of(want, gold.sources))
        )
        c["sp_n"] += 1
        c["sp_ok"] += ok
        if want is not None:
            c["named_n"] += 1
            c["named_ok"] += ok
        if not ok:
            errors.append(f"speaker: {show(g_sp[gi]['start'], g_sp[gi]['end'])} is {want!r}, predicted {got!r}")
    # sources
    c["gold_s"], c["pred_s"] = len(gold.sources), len(sources)
    taken: set[int] = set()
    found: dict[int, dict[str, Any]] = {}
    for exact in (True, False):
        for gi, g in enumerate(gold.sources):
            if gi in found:
                continue
            names = [g["name"], *g.get("aliases", [])]
            for pi, p in enumerate(sources):
                if pi in taken:
                    continue
                hit = (
                    any(norm_name(n) == norm_name(p["name"]) for n in names)
                    if exact
                    else any(same_name(n, p["name"]) for n in names)
                )
                if hit:
                    found[gi] = p
                    taken.add(pi)
                    break
    c["tp_s"] = len(found)
    for gi, g in enumerate(gold.sources):
        if gi not in found:
            errors.append(f"missed source: {g['name']!r} ({g['kind']})")
        elif found[gi]["kind"] != g["kind"]:
            errors.append(f"source kind: {g['name']!r} is {g['kind']}, predicted {found[gi]['kind']}")
        else:
            c["skind_ok"] += 1
    for pi, p in enumerate(sources):
        if pi not in taken:
            errors.append(f"spurious source: {p['name']!r} ({p['kind']})")
    return ArticleResult(gold.id, c, errors)


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


METRICS: dict[str, tuple[str, str]] = {
    "quote_precision": ("tp_q", "pred_q"),
    "quote_recall": ("tp_q", "gold_q"),
    "speaker_accuracy": ("sp_ok", "sp_n"),
    "speaker_accuracy_named": ("named_ok", "named_n"),
    "marks_precision": ("tp_m", "pred_m"),
    "marks_recall": ("tp_m", "gold_m"),
    "kind_accuracy": ("kind_ok", "tp_m"),
    "source_precision": ("tp_s", "pred_s"),
    "source_recall": ("tp_s", "gold_s"),
    "source_kind_accuracy": ("skind_ok", "tp_s"),
}


def summarise(results: Sequence[ArticleResult], resamples: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Micro-averaged measures with 95% article-bootstrap intervals."""
    matrix = np.array([[r.counts[k] for k in COUNTS] for r in results], dtype=float)
    totals = dict(zip(COUNTS, matrix.sum(axis=0), strict=True))
    idx = {k: i for i, k in enumerate(COUNTS)}
    out: dict[str, Any] = {"articles": len(results), "counts": {k: int(v) for k, v in totals.items()}, "metrics": {}}
    rng = np.random.default_rng(seed)
    draws = matrix[rng.integers(0, len(results), size=(resamples, len(results)))].sum(axis=1) if resamples else None
    for name, (num, den) in METRICS.items():
        entry: dict[str, Any] = {"value": round(_ratio(totals[num], totals[den]), 4)}
        if draws is not None:
            vals = np.divide(
                draws[:, idx[num]], draws[:, idx[den]], out=np.zeros(resamples), where=draws[:, idx[den]] > 0
            )
            lo, hi = np.percentile(vals, [2.5, 97.5])
            entry["ci95"] = [round(float(lo), 4), round(float(hi), 4)]
        out["metrics"][name] = entry
    out["bootstrap"] = {"resamples": resamples, "seed": seed}
    return out


Prediction = tuple[GoldArticle, list[dict[str, Any]], list[dict[str, Any]]]


def predict(articles: Iterable[GoldArticle], warnings: set[str] | None = None) -> Iterable[Prediction]:
    """Run the quotes and sources detectors on each gold article (one shared set of loaded resources); the
    detectors' warnings (a spaCy model that could not be loaded) are added to ``warnings``."""
    from spinscope.detectors import Context, Resources, load_detector
    from spinscope.ingest import article_from_text

    resources = Resources()
    detectors = [load_detector(n) for n in ("quotes", "sources")]
    for gold in articles:
        article = article_from_text(gold.text)
        ctx = Context(resources=resources)
        for d in detectors:
            ctx.findings[d.name] = d.detect(article, ctx)
            if warnings is not None:
                warnings.update(ctx.findings[d.name].warnings)
        yield gold, ctx.findings["quotes"].sections["quotes"], ctx.findings["sources"].sections["sources"]


def evaluate(articles: Sequence[GoldArticle], resamples: int = 1000) -> tuple[dict[str, Any], list[ArticleResult]]:
    """The summary (with ``warnings``: what the detectors said while scoring, such as a spaCy model that
    could not be loaded, which changes every figure) and each article's counts and errors."""
    warnings: set[str] = set()
    results = [score_article(g, q, s) for g, q, s in predict(articles, warnings)]
    summary = summarise(results, resamples)
    summary["warnings"] = sorted(warnings)
    return summary, results


TARGETS = {
    "quote_precision": 0.95,
    "quote_recall": 0.95,
    "speaker_accuracy": 0.90,
    "source_precision": 0.90,
    "source_recall": 0.90,
    "source_kind_accuracy": 0.95,
}


def format_table(summary: dict[str, Any], part: str) -> str:
    c = summary["counts"]
    lines = [
        f"sourcing, {part} part: {summary['articles']} articles, {c['gold_q']} gold speech quotes "
        f"({c['gold_m']} quoted spans), {c['gold_s']} gold sources",
        f"{'measure':<24}{'value':>7}  {'95% interval':<16} target",
    ]
    for name, entry in summary["metrics"].items():
        ci = entry.get("ci95")
        ci_text = f"{ci[0]:.3f} - {ci[1]:.3f}" if ci else ""
        target = TARGETS.get(name)
        mark = "" if target is None else f">= {target:.2f} {'met' if entry['value'] >= target else 'missed'}"
        lines.append(f"{name:<24}{entry['value']:>7.3f}  {ci_text:<16} {mark}".rstrip())
    b = summary["bootstrap"]
    if b["resamples"]:
        lines.append(f"(intervals: {b['resamples']} resamples of the articles, seed {b['seed']})")
    return "\n".join(lines)
