"""The SemEval-2020 Task 11 (PTC) measures, data readers and spinscope's fixed validation split.

Semantics follow the organisers' scorers (tools/task-SI_scorer.py and task-TC_scorer.py of the
PTC release, Da San Martino et al. 2019/2020):

* **SI** (span identification). In every article, overlapping spans are merged (technique ignored),
  both in gold and in the prediction. Precision = sum over predicted spans s of
  sum over gold spans g of |s ∩ g| / |s|, divided by the number of predicted spans; recall is the
  same with |s ∩ g| / |g| over the number of gold spans. Every gold span of every gold article
  counts in recall, including articles with no prediction.
* **TC** (technique classification). The prediction carries one technique for every gold span;
  labels of identical spans are aligned to maximise agreement, then micro P/R/F1 over the 14
  techniques (equal to accuracy) and the F1 of each technique.
* **FLC** (joint). As SI, but spans are merged per technique and overlap only earns credit where
  the techniques match; per-technique figures are given too.

Offsets are Python ``str`` indices into the article text, end exclusive.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spinscope.errors import EvaluationError
from spinscope.techniques import PTC_TECHNIQUES

ARTICLE_RE = re.compile(r"^article(\d+)\.txt$")
VALIDATION_PERCENT = 20  # share of train articles held out for model selection


@dataclass(frozen=True, slots=True, order=True)
class Annotation:
    article_id: str
    start: int
    end: int
    technique: str | None = None


# --------------------------------------------------------------------------------------------- split


def split_of(article_id: str) -> str:
    """``"val"`` or ``"train"``: fixed by sha256 of the article id (first 8 hex digits mod 100 < 20)."""
    h = int(hashlib.sha256(article_id.encode("ascii")).hexdigest()[:8], 16)
    return "val" if h % 100 < VALIDATION_PERCENT else "train"


def split_ids(ids: Iterable[str], split: str) -> list[str]:
    if split not in ("train", "val", "all"):
        raise EvaluationError(f"unknown split {split!r} (train, val or all)")
    return sorted(i for i in ids if split == "all" or split_of(i) == split)


# --------------------------------------------------------------------------------------------- reading


def read_articles(directory: Path | str) -> dict[str, str]:
    """All ``article<ID>.txt`` files of ``directory`` as {id: text}."""
    d = Path(directory)
    if not d.is_dir():
        raise EvaluationError(f"articles folder not found: {d}")
    out: dict[str, str] = {}
    for p in sorted(d.iterdir()):
        m = ARTICLE_RE.match(p.name)
        if m:
            out[m.group(1)] = p.read_text(encoding="utf-8")
    if not out:
        raise EvaluationError(f"no article<ID>.txt files in {d}")
    return out


def read_ids_file(path: Path | str) -> list[str]:
    """One article id a line (``article`` prefix and ``.txt`` suffix tolerated); # comments allowed."""
    ids = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            m = re.fullmatch(r"(?:article)?(\d+)(?:\.txt)?", line)
            if not m:
                raise EvaluationError(f"{path}: not an article id: {line!r}")
            ids.append(m.group(1))
    return ids


def parse_labels(lines: Iterable[str], source: str = "<labels>", *, with_technique: bool | None = None,
                 allow_unknown: bool = False) -> list[Annotation]:
    """Parse SI rows ``id start end`` or TC rows ``id technique start end`` (TAB separated).

    ``with_technique`` None: accept either, per file (all rows must agree).
    ``allow_unknown``: accept a technique outside the 14 (e.g. the ``?`` of the TC template).
    """
    out: list[Annotation] = []
    ncols: int | None = None
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) not in (3, 4):
            raise EvaluationError(f"{source}:{n}: expected 3 or 4 TAB-separated columns, got {len(cols)}")
        if ncols is None:
            ncols = len(cols)
            if with_technique is not None and (ncols == 4) != with_technique:
                want = "id, technique, start, end" if with_technique else "id, start, end"
                raise EvaluationError(f"{source}:{n}: expected columns {want}")
        elif len(cols) != ncols:
            raise EvaluationError(f"{source}:{n}: mixed 3- and 4-column rows")
        art = cols[0].strip()
        if art.startswith("article"):
            art = art[len("article"):]
        if not art.isdigit():
            raise EvaluationError(f"{source}:{n}: bad article id {cols[0]!r}")
        tech = cols[1].strip() if ncols == 4 else None
        try:
            start, end = int(cols[-2]), int(cols[-1])
        except ValueError:
            raise EvaluationError(f"{source}:{n}: offsets must be integers") from None
        if not 0 <= start < end:
            raise EvaluationError(f"{source}:{n}: bad span {start}..{end}")
        if tech is not None and tech not in PTC_TECHNIQUES and not allow_unknown:
            raise EvaluationError(f"{source}:{n}: unknown technique {tech!r}")
        out.append(Annotation(art, start, end, tech))
    return out


def read_labels(path: Path | str, *, with_technique: bool | None = None,
                allow_unknown: bool = False) -> list[Annotation]:
    """Read a labels file, or every ``*.labels`` file of a folder."""
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.labels"))
        if not files:
            raise EvaluationError(f"no *.labels files in {p}")
    elif p.is_file():
        files = [p]
    else:
        raise EvaluationError(f"labels not found: {p}")
    out: list[Annotation] = []
    for f in files:
        with f.open(encoding="utf-8") as fh:
            out.extend(parse_labels(fh, str(f), with_technique=with_technique, allow_unknown=allow_unknown))
    return out


def write_labels(path: Path | str, rows: Iterable[Annotation]) -> int:
    n = 0
    with Path(path).open("w", encoding="utf-8") as fh:
        for a in rows:
            if a.technique is None:
                fh.write(f"{a.article_id}\t{a.start}\t{a.end}\n")
            else:
                fh.write(f"{a.article_id}\t{a.technique}\t{a.start}\t{a.end}\n")
            n += 1
    return n


def check_within(rows: Iterable[Annotation], texts: Mapping[str, str], what: str) -> None:
    for a in rows:
        if a.article_id not in texts:
            raise EvaluationError(f"{what}: article {a.article_id} is not among the gold articles")
        if a.end > len(texts[a.article_id]):
            raise EvaluationError(
                f"{what}: span {a.start}..{a.end} beyond the end of article {a.article_id} "
                f"({len(texts[a.article_id])} chars)"
            )


# --------------------------------------------------------------------------------------------- spans


def merge_intervals(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge spans that share at least one character (touching spans stay apart, as in the scorer)."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


@dataclass
class SpanScore:
    precision: float
    recall: float
    f1: float
    precision_sum: float
    n_predicted: int
    recall_sum: float
    n_gold: int
    per_technique: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "precision_sum": self.precision_sum,
            "n_predicted": self.n_predicted,
            "recall_sum": self.recall_sum,
            "n_gold": self.n_gold,
        }
        if self.per_technique:
            d["per_technique"] = self.per_technique
        return d


def _prf(psum: float, npred: int, rsum: float, ngold: int) -> tuple[float, float, float]:
    p = psum / npred if npred else 0.0
    r = rsum / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f


def _group(rows: Iterable[Annotation], by_technique: bool) -> dict[tuple[str, str], list[tuple[int, int]]]:
    g: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for a in rows:
        key = (a.article_id, (a.technique or "") if by_technique else "")
        g[key].append((a.start, a.end))
    return {k: merge_intervals(v) for k, v in g.items()}


def _span_sums(gold: dict[tuple[str, str], list[tuple[int, int]]],
               pred: dict[tuple[str, str], list[tuple[int, int]]]) -> tuple[float, int, float, int]:
    psum = rsum = 0.0
    for key, ps in pred.items():
        gs = gold.get(key, [])
        for s in ps:
            psum += sum(_overlap(s, g) for g in gs) / (s[1] - s[0])
    for key, gs in gold.items():
        ps = pred.get(key, [])
        for g in gs:
            rsum += sum(_overlap(s, g) for s in ps) / (g[1] - g[0])
    npred = sum(len(v) for v in pred.values())
    ngold = sum(len(v) for v in gold.values())
    return psum, npred, rsum, ngold


def _restrict(rows: Iterable[Annotation], ids: set[str] | None) -> list[Annotation]:
    return [a for a in rows if ids is None or a.article_id in ids]


def score_si(gold: Iterable[Annotation], pred: Iterable[Annotation],
             article_ids: Iterable[str] | None = None) -> SpanScore:
    """SI span-overlap P/R/F1 (technique ignored). ``article_ids`` limits both sides to those articles."""
    ids = set(article_ids) if article_ids is not None else None
    g = _group(_restrict(gold, ids), by_technique=False)
    p = _group(_restrict(pred, ids), by_technique=False)
    psum, npred, rsum, ngold = _span_sums(g, p)
    return SpanScore(*_prf(psum, npred, rsum, ngold), psum, npred, rsum, ngold)


def score_flc(gold: Iterable[Annotation], pred: Iterable[Annotation],
              article_ids: Iterable[str] | None = None) -> SpanScore:
    """Joint span + technique measure: overlap credit only where the techniques match."""
    ids = set(article_ids) if article_ids is not None else None
    gold_l, pred_l = _restrict(gold, ids), _restrict(pred, ids)
    for a in (*gold_l, *pred_l):
        if a.technique is None:
            raise EvaluationError("FLC needs a technique on every row (id, technique, start, end)")
    g = _group(gold_l, by_technique=True)
    p = _group(pred_l, by_technique=True)
    psum, npred, rsum, ngold = _span_sums(g, p)
    score = SpanScore(*_prf(psum, npred, rsum, ngold), psum, npred, rsum, ngold)
    for t in PTC_TECHNIQUES:
        gt = {k: v for k, v in g.items() if k[1] == t}
        pt = {k: v for k, v in p.items() if k[1] == t}
        psum, npred, rsum, ngold = _span_sums(gt, pt)
        tp, tr, tf = _prf(psum, npred, rsum, ngold)
        score.per_technique[t] = {"precision": tp, "recall": tr, "f1": tf, "n_gold": ngold, "n_predicted": npred}
    return score


@dataclass
class TCScore:
    precision: float
    recall: float
    f1: float
    n: int
    correct: int
    per_technique: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "n": self.n,
            "correct": self.correct,
            "per_technique": self.per_technique,
        }


def align_tc(gold: Iterable[Annotation], pred: Iterable[Annotation]) -> list[tuple[str, str]]:
    """Pairs (gold technique, predicted technique), identical spans aligned to maximise agreement.

    Raises EvaluationError unless the prediction has exactly the gold spans (as a multiset).
    """
    gk: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    pk: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for a in gold:
        gk[(a.article_id, a.start, a.end)].append(a.technique or "")
    for a in pred:
        if a.technique is None:
            raise EvaluationError("TC predictions need a technique column (id, technique, start, end)")
        pk[(a.article_id, a.start, a.end)].append(a.technique)
    if set(gk) != set(pk) or any(len(gk[k]) != len(pk[k]) for k in gk):
        missing = sorted(set(gk) - set(pk))[:3]
        extra = sorted(set(pk) - set(gk))[:3]
        raise EvaluationError(
            "TC predictions must label exactly the gold spans "
            f"(gold {sum(map(len, gk.values()))}, predicted {sum(map(len, pk.values()))}; "
            f"e.g. missing {missing}, unexpected {extra})"
        )
    pairs: list[tuple[str, str]] = []
    for key in sorted(gk):
        gc, pc = Counter(gk[key]), Counter(pk[key])
        common = gc & pc
        for t, n in sorted(common.items()):
            pairs.extend([(t, t)] * n)
        rest_g = sorted((gc - common).elements())
        rest_p = sorted((pc - common).elements())
        pairs.extend(zip(rest_g, rest_p, strict=True))
    return pairs


def score_tc(gold: Iterable[Annotation], pred: Iterable[Annotation],
             article_ids: Iterable[str] | None = None) -> TCScore:
    ids = set(article_ids) if article_ids is not None else None
    pairs = align_tc(_restrict(gold, ids), _restrict(pred, ids))
    n = len(pairs)
    correct = sum(1 for g, p in pairs if g == p)
    micro = correct / n if n else 0.0
    per: dict[str, dict[str, float]] = {}
    for t in PTC_TECHNIQUES:
        tp = sum(1 for g, p in pairs if g == t and p == t)
        fp = sum(1 for g, p in pairs if g != t and p == t)
        fn = sum(1 for g, p in pairs if g == t and p != t)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
        per[t] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn}
    return TCScore(micro, micro, micro, n, correct, per)


def bootstrap_f1(task: str, gold: Iterable[Annotation], pred: Iterable[Annotation], article_ids: Iterable[str],
                 resamples: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% interval of the task's F1 when the articles are resampled with replacement (percentile bootstrap).

    Every measure here is a ratio of sums over articles (overlap sums and span counts for si/flc, correct
    and total spans for tc), so each article is scored once and the resamples only add up its sums.
    The interval says how much the figure owes to which articles happen to be in the evaluation set.
    """
    import numpy as np

    ids = list(dict.fromkeys(article_ids))
    if not ids:
        raise EvaluationError("no articles to resample")
    by_g: dict[str, list[Annotation]] = defaultdict(list)
    by_p: dict[str, list[Annotation]] = defaultdict(list)
    for a in gold:
        by_g[a.article_id].append(a)
    for a in pred:
        by_p[a.article_id].append(a)
    stats = []
    for aid in ids:
        if task == "tc":
            t = score_tc(by_g[aid], by_p[aid])
            stats.append((float(t.correct), t.n, float(t.correct), t.n))
        else:
            sc = (score_si if task == "si" else score_flc)(by_g[aid], by_p[aid])
            stats.append((sc.precision_sum, sc.n_predicted, sc.recall_sum, sc.n_gold))
    arr = np.asarray(stats, dtype=np.float64)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(ids), size=(resamples, len(ids)))
    sums = arr[draws].sum(axis=1)  # (resamples, 4)
    p = np.divide(sums[:, 0], sums[:, 1], out=np.zeros(resamples), where=sums[:, 1] > 0)
    r = np.divide(sums[:, 2], sums[:, 3], out=np.zeros(resamples), where=sums[:, 3] > 0)
    f = np.divide(2 * p * r, p + r, out=np.zeros(resamples), where=(p + r) > 0)
    lo, hi = np.percentile(f, [2.5, 97.5])
    return float(lo), float(hi)


def format_score(task: str, score: SpanScore | TCScore) -> str:
    """Human-readable lines in the style of the organisers' scorers."""
    lines: list[str] = []
    if isinstance(score, SpanScore):
        lines.append(f"Precision={score.precision_sum:.6f}/{score.n_predicted}={score.precision:.6f}  "
                     f"Recall={score.recall_sum:.6f}/{score.n_gold}={score.recall:.6f}")
        lines.append(f"F1={score.f1:.6f}")
    else:
        lines.append(f"F1={score.f1:.6f}")
        lines.append(f"Precision={score.precision:.6f}")
        lines.append(f"Recall={score.recall:.6f}")
    for t, d in score.per_technique.items():
        lines.append(f"F1_{t}={d['f1']:.6f}")
    return "\n".join(lines)
