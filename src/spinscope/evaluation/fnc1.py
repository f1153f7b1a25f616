"""FNC-1 headline/body stance: file readers, scorer with bootstrap intervals, features and numpy-only model.

Scoring follows the official FNC-1 scorer: +0.25 when related/unrelated is right, +0.75 more when the
exact related label (agree/disagree/discuss) is right; reported as % of the best possible score, with
macro-F1, per-class F1, the confusion matrix and 95% intervals from resampling whole bodies.

Only a few body sentences are embedded (``FOCUS_SENTENCES``: the lead one plus those sharing the most
IDF-weighted stems with the headline, chosen by ``select_sentences``), so the check costs a fixed, small
encoder budget however long the body is; training, evaluation and run time select the same way.

Features per (headline, body) pair (``stance_features``): sentence-encoder similarities of the headline
to the focus sentences (max, second, top-3 mean, mean, std, first sentence, focus centroid), TF-IDF
cosine, word/bigram overlap, refuting / hedging / negation cue rates in the body and in the best-matching
sentences (``pair_features``); BM25, both-way IDF-weighted coverage between the headline and every body
sentence, char 4-gram overlap, headline numbers found in the body, polarity parity, refuting / confirming
/ reporting cues around the best-covering sentences (``lexical_features``). Gradient-boosted trees
(``resources/models/stance/weights.npz``, trained by ``spinscope.train.headline`` on topic-disjoint folds,
evaluated by ``spinscope.inference.trees`` with numpy) map them to agree/disagree/discuss/unrelated.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import EvaluationError, ModelError

LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = ("agree", "disagree", "discuss")
MODEL_DIR = Path(__file__).resolve().parents[1] / "resources" / "models" / "stance"

STOPWORDS = frozenset(
    "a an the and or but if of at by for with about against between into through during before after above "
    "below to from up down in out on off over under again further then once here there when where why how all "
    "any both each few more most other some such only own same so than too very s t can will just don should "
    "now i me my we our you your he him his she her it its they them their what which who whom this that these "
    "those am is are was were be been being have has had having do does did doing would could says said say "
    "also new after one two us via".split()
)
REFUTE = frozenset(
    "fake fraud fraudulent hoax hoaxes false falsely deny denies denied denying denial not despite nope doubt "
    "doubts doubtful bogus debunk debunked debunks prank pranks retract retracted retraction untrue unfounded "
    "baseless rumor rumors rumour rumours myth misleading incorrect wrong refute refuted refutes dismiss "
    "dismissed dismisses satire satirical no never".split()
)
HEDGE = frozenset(
    "reportedly allegedly alleged claim claims claimed according may might could possibly purportedly "
    "apparently appears appear suggests suggest unconfirmed unverified rumored rumoured believed speculation "
    "speculate speculated supposedly report reports reported sources source".split()
)
NEGATION = frozenset("not no never n't none nothing nobody neither nor without".split())
# Explicit refutation (no plain negation): "hoax", "denied", "debunked" ...
STRONG_REFUTE = frozenset(
    "fake fraud fraudulent hoax hoaxes false falsely deny denies denied denying denial bogus debunk debunked "
    "debunks prank pranks retract retracted retraction untrue unfounded baseless myth misleading incorrect refute "
    "refuted refutes satire satirical rumor rumors rumour rumours".split()
)
CONFIRM = frozenset(
    "confirm confirms confirmed confirmation official officially announced announces announce revealed reveals "
    "proof proves proved evidence footage video photos shows showed".split()
)
# Reporting without endorsing (what 'discuss' bodies do).
REPORTING = frozenset(
    "according reportedly report reports reported claim claims claimed allegedly alleged sources source said says "
    "tweeted told statement unclear unknown investigating investigation".split()
)

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENT = re.compile(r"[^\n]*?(?:[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|[.!?][\"'”’)\]]*\s*$|\n|$)")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


@functools.lru_cache(maxsize=1 << 16)  # a pure function of one word: a bounded memo, same results
def stem(word: str) -> str:
    """A light suffix stripper (enough to match 'deny/denies/denied', 'report/reports')."""
    for suf in ("ies", "ied", "ing", "ed", "es", "s", "ly"):
        if len(word) > len(suf) + 3 and word.endswith(suf):
            return word[: -len(suf)]
    return word


def content_stems(text: str) -> list[str]:
    return [stem(t) for t in tokens(text) if t not in STOPWORDS and (len(t) > 2 or t.isdigit())]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of a plain body text (FNC-1 bodies have no segmentation)."""
    spans = []
    pos = 0
    for m in _SENT.finditer(text):
        s, e = m.span()
        if e <= pos and s == e:
            continue
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if e - trail > s + lead and re.search(r"\w", seg):
            spans.append((s + lead, e - trail))
        pos = e
    return spans


# ----------------------------------------------------------------------------------------------- I/O
def read_bodies(path: Path) -> dict[int, str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EvaluationError(f"cannot read FNC-1 bodies {path}: {exc}") from exc
    try:
        return {int(r["Body ID"]): r["articleBody"] for r in rows}
    except (KeyError, ValueError, TypeError) as exc:
        raise EvaluationError(f"{path}: expected columns 'Body ID', 'articleBody' ({exc})") from exc


def read_stances(path: Path, *, labelled: bool = True) -> list[tuple[str, int, str | None]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EvaluationError(f"cannot read FNC-1 stances {path}: {exc}") from exc
    out: list[tuple[str, int, str | None]] = []
    for i, r in enumerate(rows, start=2):
        try:
            stance = r.get("Stance") if labelled else None
            if labelled and stance not in LABELS:
                raise ValueError(f"unknown stance {stance!r}")
            out.append((r["Headline"], int(r["Body ID"]), stance))
        except (KeyError, ValueError, TypeError) as exc:
            raise EvaluationError(f"{path}, line {i}: {exc}") from exc
    if not out:
        raise EvaluationError(f"{path}: no rows")
    return out


# ------------------------------------------------------------------------------------------- scoring
def confusion_matrix(gold: Sequence[str], pred: Sequence[str]) -> np.ndarray:
    """4x4 counts, rows gold and columns predicted, in ``LABELS`` order."""
    if len(gold) != len(pred):
        raise EvaluationError(f"{len(gold)} gold labels but {len(pred)} predictions")
    confusion = np.zeros((4, 4), dtype=np.int64)
    for g, p in zip(gold, pred, strict=True):
        if g not in LABELS or p not in LABELS:
            raise EvaluationError(f"unknown stance label in {g!r}/{p!r}")
        confusion[LABELS.index(g), LABELS.index(p)] += 1
    return confusion


# FNC-1 weights: 0.25 for a right related/unrelated call, 0.75 more for the exact related label.
_GOT = np.array([[1.0, 0.25, 0.25, 0], [0.25, 1.0, 0.25, 0], [0.25, 0.25, 1.0, 0], [0, 0, 0, 0.25]])
_BEST = np.array([1.0, 1.0, 1.0, 0.25])


def fnc_percent(confusion: np.ndarray) -> float:
    """FNC-1 weighted score as % of the best possible, from a confusion matrix."""
    best = float((confusion.sum(axis=1) * _BEST).sum())
    return 100.0 * float((confusion * _GOT).sum()) / best if best else 0.0


def class_f1(confusion: np.ndarray) -> np.ndarray:
    tp = np.diag(confusion).astype(np.float64)
    prec = np.divide(tp, confusion.sum(axis=0), out=np.zeros(4), where=confusion.sum(axis=0) > 0)
    rec = np.divide(tp, confusion.sum(axis=1), out=np.zeros(4), where=confusion.sum(axis=1) > 0)
    out: np.ndarray = np.divide(2 * prec * rec, prec + rec, out=np.zeros(4), where=prec + rec > 0)
    return out


def score(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """FNC-1 weighted score (% of max), per-class P/R/F1, macro-F1, accuracy and confusion matrix."""
    confusion = confusion_matrix(gold, pred)
    got = float((confusion * _GOT).sum())
    best = float((confusion.sum(axis=1) * _BEST).sum())
    f1 = class_f1(confusion)
    per_class: dict[str, dict[str, float]] = {}
    for i, lab in enumerate(LABELS):
        tp = int(confusion[i, i])
        fp = int(confusion[:, i].sum()) - tp
        fn = int(confusion[i].sum()) - tp
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per_class[lab] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(float(f1[i]), 4),
            "support": tp + fn,
        }
    n = len(gold)
    return {
        "n": n,
        "fnc_score": round(got, 2),
        "fnc_max": round(best, 2),
        "fnc_percent": round(fnc_percent(confusion), 2),
        "accuracy": round(float(np.trace(confusion)) / n, 4) if n else 0.0,
        "macro_f1": round(sum(c["f1"] for c in per_class.values()) / 4, 4),
        "per_class": per_class,
        "confusion": {"labels": list(LABELS), "rows_gold_cols_pred": confusion.tolist()},
    }


def bootstrap(gold: Sequence[str], pred: Sequence[str], groups: Sequence[Any]) -> dict[str, tuple[float, float]]:
    """95% intervals of the FNC-1 score, macro-F1 and disagree F1, resampling whole ``groups`` (Body IDs:
    the pairs of one body are not independent)."""
    from spinscope.evaluation.bootstrap import cluster_bootstrap

    index = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    stats = np.zeros((len(index), 16))
    for g, p, grp in zip(gold, pred, groups, strict=True):
        stats[index[grp], LABELS.index(g) * 4 + LABELS.index(p)] += 1
    return {
        "fnc_percent": cluster_bootstrap(stats, lambda c: fnc_percent(c.reshape(4, 4))),
        "macro_f1": cluster_bootstrap(stats, lambda c: float(class_f1(c.reshape(4, 4)).mean())),
        "disagree_f1": cluster_bootstrap(stats, lambda c: float(class_f1(c.reshape(4, 4))[1])),
    }


# ------------------------------------------------------------------------------------------ features
FOCUS_SENTENCES = 3  # body sentences embedded per headline: the lead one plus the best lexical matches
FOCUS_LEAD = 1
MAX_TOKENS = 48  # each headline and focus sentence is embedded from at most this many tokens ([CLS]/[SEP] included)


@dataclass
class BodyInfo:
    """What the features need from one body: all its sentences and their stems (lexical features), and
    the embeddings of the focus sentences ``selected`` (indices into ``sentences``, ascending)."""

    sentences: list[str]
    embeddings: np.ndarray  # (len(selected), 384), unit rows
    stems: list[list[str]]
    all_stems: Counter[str]
    centroid: np.ndarray
    selected: list[int]


def body_info(
    sentences: list[str],
    embeddings: np.ndarray,
    selected: Sequence[int] | None = None,
    stems: list[list[str]] | None = None,
) -> BodyInfo:
    """``embeddings`` rows belong to ``selected`` sentences (all of them when ``selected`` is None)."""
    stems = stems if stems is not None else [content_stems(s) for s in sentences]
    allc: Counter[str] = Counter()
    for st in stems:
        allc.update(st)
    chosen = list(range(len(embeddings))) if selected is None else list(selected)
    if len(chosen) != len(embeddings):
        raise ValueError("one embedding per selected sentence expected")
    c = embeddings.mean(axis=0) if len(embeddings) else np.zeros(384, dtype=np.float32)
    c = c / max(float(np.linalg.norm(c)), 1e-9)
    return BodyInfo(sentences, embeddings, stems, allc, c.astype(np.float32), chosen)


# Sums over sets of words use math.fsum: exact, so they do not depend on the set's iteration order (which
# follows PYTHONHASHSEED); with a plain sum, features and ties moved in the last bits from one process to
# the next, enough to change a few trees and the chosen class scale between two identical training runs.


def select_sentences(
    headline: str,
    stems: Sequence[Sequence[str]],
    idf: dict[str, float],
    default_idf: float,
    k: int = FOCUS_SENTENCES,
    lead: int = FOCUS_LEAD,
) -> list[int]:
    """The body sentences worth embedding for this headline: the first ``lead`` ones, then those with the
    largest IDF-weighted overlap of content stems with the headline (earlier first on ties), ascending."""
    h_set = set(content_stems(headline))
    first = list(range(min(lead, len(stems))))
    rest = sorted(
        range(len(first), len(stems)),
        key=lambda i: (-math.fsum(idf.get(w, default_idf) for w in h_set.intersection(stems[i])), i),
    )
    return sorted(first + rest[: max(0, k - len(first))])


def focus(body: BodyInfo, rows: Sequence[int]) -> BodyInfo:
    """``body`` (embedded in full) restricted to the sentences ``rows``: what run time would have embedded."""
    return body_info(body.sentences, body.embeddings[list(rows)], rows, body.stems)


def _rate(words: Iterable[str], lexicon: frozenset[str]) -> float:
    ws = list(words)
    return sum(w in lexicon for w in ws) / max(len(ws), 1)


_NUMBER = re.compile(r"\d+")
BM25_K1, BM25_B, BM25_AVGDL = 1.2, 0.75, 350.0


def _char_grams(text: str, n: int = 4) -> set[str]:
    t = " ".join(text.lower().split())
    return {t[i : i + n] for i in range(max(len(t) - n + 1, 0))}


N_LEXICAL = 22


def lexical_features(
    headline: str, sentences: Sequence[str], stems: Sequence[Sequence[str]], idf: dict[str, float], default_idf: float
) -> tuple[np.ndarray, np.ndarray]:
    """Lexical features over every body sentence (no encoder), and each sentence's coverage of the
    headline (the share of the headline's IDF-weighted content stems it contains).

    BM25 of the headline against the body; IDF-weighted coverage of the headline by each sentence and,
    the other way round, of the sentence by the headline; char 4-gram overlap with the best sentence;
    headline numbers found in the body; negation/refutation parity between the headline and the best
    sentence (FNC-1 baseline "polarity"); refuting, confirming and reporting cues in the best three
    sentences, their neighbours and the whole body."""
    h_set = set(content_stems(headline))
    h_tok = tokens(headline)
    weight = {w: idf.get(w, default_idf) for w in h_set}
    h_weight = math.fsum(weight.values()) or 1.0
    tf: Counter[str] = Counter(w for st in stems for w in st)
    dl = sum(tf.values())
    norm = BM25_K1 * (1 - BM25_B + BM25_B * dl / BM25_AVGDL)
    bm25 = math.fsum(weight[w] * tf[w] * (BM25_K1 + 1) / (tf[w] + norm) for w in h_set if w in tf)
    cover = np.zeros(max(len(stems), 1))
    back = np.zeros(max(len(stems), 1))
    for i, st in enumerate(stems):
        s_set = set(st)
        shared = math.fsum(weight[w] for w in h_set & s_set)
        cover[i] = shared / h_weight
        back[i] = shared / (math.fsum(idf.get(w, default_idf) for w in s_set) or 1.0)
    order = [int(i) for i in np.argsort(-cover, kind="stable")][: len(stems)]
    best = order[0] if order else 0
    top = order[:3]
    top_tok = [w for i in top for w in tokens(sentences[i])]
    near_tok = [w for i in top for j in (i - 1, i, i + 1) if 0 <= j < len(sentences) for w in tokens(sentences[j])]
    best_tok = tokens(sentences[best]) if sentences else []
    body_tok = [w for s in sentences for w in tokens(s)]
    n_body = max(len(body_tok), 1)
    hc, bc = _char_grams(headline), _char_grams(sentences[best]) if sentences else set()
    h_num = set(_NUMBER.findall(headline))
    b_num = set(_NUMBER.findall(" ".join(sentences)))

    def count(words: Sequence[str], lexicon: frozenset[str]) -> int:
        return sum(w in lexicon for w in words)

    ranked = np.sort(cover)[::-1]
    row = np.array(
        [
            bm25 / h_weight,
            ranked[0],
            ranked[1] if len(ranked) > 1 else ranked[0],
            back[best],
            back.max(),
            float((cover >= 0.5).mean()),
            best / max(len(stems) - 1, 1),
            len(hc & bc) / max(len(hc | bc), 1),
            len(h_num & b_num) / len(h_num) if h_num else 1.0,
            float(bool(h_num)),
            float(count(h_tok, NEGATION) % 2 != count(best_tok, NEGATION) % 2),
            float(count(h_tok, REFUTE) % 2 != count(best_tok, REFUTE) % 2),
            min(count(top_tok, STRONG_REFUTE), 3),
            min(count(near_tok, STRONG_REFUTE), 5),
            min(count(top_tok, CONFIRM), 3),
            min(count(top_tok, REPORTING), 5),
            count(body_tok, STRONG_REFUTE) / n_body * 100,
            count(body_tok, CONFIRM) / n_body * 100,
            count(body_tok, REPORTING) / n_body * 100,
            float(bool(set(h_tok) & STRONG_REFUTE)),
            sum(s.rstrip().endswith("?") for s in sentences) / max(len(sentences), 1),
            float(bool(set(h_tok) & CONFIRM)),
        ],
        dtype=np.float32,
    )
    return row, cover[: len(stems)]


N_SCALAR = 25


def pair_features(
    headline: str, h_emb: np.ndarray, body: BodyInfo, idf: dict[str, float], default_idf: float
) -> tuple[np.ndarray, np.ndarray]:
    """(scalar features, per-sentence cosine) for one headline/body pair."""
    sims = body.embeddings @ h_emb if len(body.embeddings) else np.zeros(1, dtype=np.float32)
    order = np.argsort(-sims)
    top = order[:3]
    h_stems = content_stems(headline)
    h_set = set(h_stems)
    h_tok = tokens(headline)
    # TF-IDF cosine on stems
    hv = {w: c * idf.get(w, default_idf) for w, c in Counter(h_stems).items()}
    bv = {w: (1 + math.log(c)) * idf.get(w, default_idf) for w, c in body.all_stems.items()}
    dot = sum(v * bv.get(w, 0.0) for w, v in hv.items())
    nh = math.sqrt(sum(v * v for v in hv.values())) or 1.0
    nb = math.sqrt(sum(v * v for v in bv.values())) or 1.0
    overlap = sum(w in body.all_stems for w in h_set) / max(len(h_set), 1)
    h_bi = set(zip(h_stems, h_stems[1:], strict=False))
    b_bi = {bg for st in body.stems for bg in zip(st, st[1:], strict=False)}
    bi_overlap = len(h_bi & b_bi) / max(len(h_bi), 1)
    best_stems = set(body.stems[body.selected[order[0]]]) if body.selected else set()
    best_overlap = len(h_set & best_stems) / max(len(h_set), 1)
    lead_stems = {w for st in body.stems[:2] for w in st}
    lead_overlap = len(h_set & lead_stems) / max(len(h_set), 1)
    top_words = [w for i in top if i < len(body.selected) for w in tokens(body.sentences[body.selected[i]])]
    body_words = [w for s in body.sentences for w in tokens(s)]
    first = float(sims[0]) if len(body.embeddings) else 0.0
    scalars = np.array(
        [
            float(sims[order[0]]),
            float(sims[order[1]]) if len(sims) > 1 else float(sims[order[0]]),
            float(sims[top].mean()),
            float(sims.mean()),
            float(sims.std()),
            first,
            float(body.centroid @ h_emb),
            dot / (nh * nb),
            overlap,
            bi_overlap,
            best_overlap,
            lead_overlap,
            float(any(w in REFUTE for w in h_tok)),
            float(any(w in HEDGE for w in h_tok)),
            float(headline.rstrip().endswith("?")),
            _rate(body_words, REFUTE) * 20,
            _rate(body_words, HEDGE) * 20,
            _rate(body_words, NEGATION) * 20,
            _rate(top_words, REFUTE) * 20,
            _rate(top_words, HEDGE) * 20,
            _rate(top_words, NEGATION) * 20,
            math.log1p(len(body.sentences)),
            math.log1p(len(h_tok)),
            float((sims > 0.5).mean()),
            float((sims > 0.3).mean()),
        ],
        dtype=np.float32,
    )
    return scalars, sims


# ------------------------------------------------------------------------------------------- model
# The text classifier stacked under the trees: hashed TF-IDF word 1-2-grams of the body sentences around
# the claim (the three that cover the headline best and their neighbours) and of the headline, a
# logistic regression over agree/disagree/discuss; its three probabilities are features of the trees.
TEXT_BITS = 18
TEXT_HEADLINE_SCALE = 0.5
N_TEXT = 3


def claim_window(sentences: Sequence[str], cover: np.ndarray, k: int = 3) -> str:
    """The ``k`` body sentences covering the headline best and their neighbours, in body order."""
    top = [int(i) for i in np.argsort(-cover, kind="stable")[:k]] if len(sentences) else []
    rows = sorted({j for i in top for j in (i - 1, i, i + 1) if 0 <= j < len(sentences)})
    return " ".join(sentences[j] for j in rows)


def text_blocks(headline: str, window: str) -> list[dict[int, float]]:
    """Hashed word 1-2-gram counts of the claim window and of the headline (two blocks)."""
    from spinscope.inference.hashed_tfidf import WORD, count, word_grams

    return [
        count(word_grams(WORD.findall(window.lower()), 2, "b:"), TEXT_BITS),
        count(word_grams(WORD.findall(headline.lower()), 2, "h:"), TEXT_BITS),
    ]


class TextStance:
    """The stacked text classifier (``text.npz``): agree/disagree/discuss probabilities of a pair."""

    def __init__(self, path: Path) -> None:
        from spinscope.inference.hashed_tfidf import SparseLinear

        self.linear = SparseLinear(path, TEXT_BITS)
        if "bias" not in self.linear.extra or self.linear.w.shape[1] != N_TEXT:
            raise ModelError(f"{path}: expected {N_TEXT} classes and a bias")
        self.bias = self.linear.extra["bias"].astype(np.float32)

    def proba(self, blocks: Sequence[dict[int, float]]) -> np.ndarray:
        z = self.linear.score(blocks, (1.0, TEXT_HEADLINE_SCALE)) + self.bias
        e = np.exp(z - z.max())
        out: np.ndarray = (e / e.sum()).astype(np.float32)
        return out


# The embedding classifier stacked beside it: a logistic regression over the sentence-encoder embeddings
# the check computes anyway (the focus sentence closest to the headline, and the mean of the focus
# sentences; the headline's own embedding is not used, so it cannot learn which claims are disputed). It
# reads how the body words things ("a hoax", "debunked", "officials said") beyond the exact n-grams.
N_EMBED = 3
EMBED_DIM = 384


def embedding_input(body: BodyInfo, sims: np.ndarray) -> np.ndarray:
    """(768,): the embedding of the focus sentence closest to the headline, then the focus sentences' mean."""
    if not len(body.embeddings):
        return np.zeros(2 * EMBED_DIM, dtype=np.float32)
    best = body.embeddings[int(np.argmax(sims))]
    out: np.ndarray = np.concatenate([best, body.embeddings.mean(axis=0)]).astype(np.float32)
    return out


class EmbeddingStance:
    """The stacked embedding classifier (``embed.npz``: ``coef`` (768, 3), ``bias`` (3,))."""

    def __init__(self, path: Path) -> None:
        try:
            with np.load(path) as z:
                self.coef = z["coef"].astype(np.float32)
                self.bias = z["bias"].astype(np.float32)
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"{path}: unreadable embedding classifier ({exc})") from exc
        if self.coef.shape != (2 * EMBED_DIM, N_EMBED) or self.bias.shape != (N_EMBED,):
            raise ModelError(f"{path}: expected a ({2 * EMBED_DIM}, {N_EMBED}) matrix and {N_EMBED} biases")

    def proba(self, vector: np.ndarray) -> np.ndarray:
        z = vector @ self.coef + self.bias
        e = np.exp(z - z.max())
        out: np.ndarray = (e / e.sum()).astype(np.float32)
        return out


class StanceModel:
    """Gradient-boosted trees (numpy inference, ``spinscope.inference.trees``) over ``pair_features``
    scalars, ``lexical_features`` and the stacked text and embedding classifiers' probabilities; trees,
    the two classifiers and the IDF table in ``resources/models/stance``."""

    def __init__(self, model_dir: Path | str | None = None) -> None:
        from spinscope.inference.trees import TreeEnsemble

        self.model_dir = Path(model_dir) if model_dir is not None else MODEL_DIR
        path = self.model_dir / "weights.npz"
        vocab = self.model_dir / "idf.json"
        text = self.model_dir / "text.npz"
        embed = self.model_dir / "embed.npz"
        if not path.is_file() or not vocab.is_file():
            raise ModelError(f"stance model missing in {self.model_dir} (run spinscope train stance)")
        try:
            self.trees = TreeEnsemble.load(path)
            with np.load(path) as z:
                # a prior shift towards the rare classes, chosen on out-of-fold predictions at training
                self.class_scale = z["class_scale"].astype(np.float64) if "class_scale" in z else np.ones(4)
                # matrix scaling of the trees' log-probabilities, fitted on out-of-fold predictions: the
                # probabilities a reader sees (the class scale above only serves the decision)
                self.calibration = (
                    (z["calibration_coef"].astype(np.float64), z["calibration_intercept"].astype(np.float64))
                    if "calibration_coef" in z
                    else None
                )
                self.class_share = z["class_share"].astype(np.float64) if "class_share" in z else None
            table = json.loads(vocab.read_text(encoding="utf-8"))
            self.idf: dict[str, float] = {str(k): float(v) for k, v in table["idf"].items()}
            self.default_idf = float(table["default_idf"])
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"stance model in {self.model_dir} is corrupt: {exc}") from exc
        # trees trained without a stacked classifier read only the features before its columns
        self.text = TextStance(text) if text.is_file() else None
        self.embed = EmbeddingStance(embed) if embed.is_file() and self.text is not None else None
        n_features = N_BASE + (N_TEXT if self.text is not None else 0) + (N_EMBED if self.embed is not None else 0)
        if int(self.trees.feature.max(initial=0)) >= n_features:
            raise ModelError(f"stance model in {self.model_dir} expects more than {n_features} features")

    def select(self, headline: str, stems: Sequence[Sequence[str]]) -> list[int]:
        """Indices of the body sentences to embed for ``headline`` (see ``select_sentences``)."""
        return select_sentences(headline, stems, self.idf, self.default_idf)

    def features(self, headline: str, h_emb: np.ndarray, body: BodyInfo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Feature row, the headline's cosine to each embedded (selected) body sentence, and each body
        sentence's coverage of the headline's words."""
        row, sims, cover = stance_features(headline, h_emb, body, self.idf, self.default_idf)
        if self.text is None:
            return row, sims, cover
        parts = [row, self.text.proba(text_blocks(headline, claim_window(body.sentences, cover)))]
        if self.embed is not None:
            parts.append(self.embed.proba(embedding_input(body, sims)))
        return np.concatenate(parts), sims, cover

    def pair_row(self, headline: str, h_emb: np.ndarray, body: BodyInfo) -> np.ndarray:
        """Features of a pair whose body was embedded in full (evaluation, training): restricted first
        to the sentences run time would embed."""
        return self.features(headline, h_emb, focus(body, self.select(headline, body.stems)))[0]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Decision scores (rows follow ``LABELS``) for feature rows ``x``: the trees' probabilities after the
        class scale, renormalised. Their argmax is the label; they are not calibrated (``probabilities``)."""
        return scale_probabilities(self.trees.predict_proba(np.atleast_2d(x)), self.class_scale)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities (rows follow ``LABELS``) for feature rows ``x`` (the trees'
        probabilities through the matrix scaling fitted at training; ``predict_proba`` without one)."""
        return self.decide(x)[1]

    def decide(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The labels' indices (the decision: argmax of ``predict_proba``) and the calibrated probabilities
        shown for feature rows ``x``, from one pass of the trees."""
        tree = self.trees.predict_proba(np.atleast_2d(x))
        decision = scale_probabilities(tree, self.class_scale)
        if self.calibration is None:
            return decision.argmax(axis=1), decision
        from spinscope.inference.ptc_heads import softmax

        coef, intercept = self.calibration
        return decision.argmax(axis=1), softmax(calibration_inputs(tree) @ coef.T + intercept)


def scale_probabilities(tree: np.ndarray, class_scale: np.ndarray) -> np.ndarray:
    """The trees' class probabilities times the class scale, renormalised: the decision scores."""
    p = tree * class_scale
    out: np.ndarray = p / p.sum(axis=1, keepdims=True)
    return out


def calibration_inputs(tree: np.ndarray) -> np.ndarray:
    """What the matrix scaling reads: the log of the trees' class probabilities (floored at 1e-9), the same
    at training (``spinscope.train.headline``) and here."""
    out: np.ndarray = np.log(np.clip(tree, 1e-9, 1.0))
    return out


N_BASE = N_SCALAR + N_LEXICAL
N_FEATURES = N_BASE + N_TEXT + N_EMBED


def stance_features(
    headline: str, h_emb: np.ndarray, body: BodyInfo, idf: dict[str, float], default_idf: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The trees' input row without the text classifier (``pair_features`` scalars, then
    ``lexical_features``), the cosine to each embedded sentence and each sentence's coverage of the
    headline."""
    scalars, sims = pair_features(headline, h_emb, body, idf, default_idf)
    lexical, cover = lexical_features(headline, body.sentences, body.stems, idf, default_idf)
    return np.concatenate([scalars, lexical]), sims, cover


def encode_bodies(bodies: dict[int, str], encoder: Any) -> dict[int, BodyInfo]:
    """Split and embed every body in one batched pass."""
    ids = sorted(bodies)
    sents = {i: [bodies[i][s:e] for s, e in split_sentences(bodies[i])] or [bodies[i] or "."] for i in ids}
    flat = [s for i in ids for s in sents[i]]
    emb = encoder.encode(flat, max_tokens=MAX_TOKENS)
    out: dict[int, BodyInfo] = {}
    k = 0
    for i in ids:
        n = len(sents[i])
        out[i] = body_info(sents[i], emb[k : k + n])
        k += n
    return out


def predict_pairs(
    pairs: Sequence[tuple[str, int, str | None]],
    bodies: dict[int, str],
    model: StanceModel | None = None,
    encoder: Any = None,
) -> list[str]:
    """Predicted stance labels for (headline, body id, _) pairs."""
    from spinscope.inference.sentence_encoder import SentenceEncoder

    model = model or StanceModel()
    encoder = encoder or SentenceEncoder()
    missing = {b for _, b, _ in pairs if b not in bodies}
    if missing:
        raise EvaluationError(
            f"{len(missing)} Body IDs in the stances file are not in the bodies file, e.g. {sorted(missing)[:3]}"
        )
    infos = encode_bodies({b: bodies[b] for b in {b for _, b, _ in pairs}}, encoder)
    heads = sorted({h for h, _, _ in pairs})
    h_emb = dict(zip(heads, encoder.encode(heads, max_tokens=MAX_TOKENS), strict=True))
    x = np.stack([model.pair_row(h, h_emb[h], infos[b]) for h, b, _ in pairs])
    prob = model.predict_proba(x)
    return [LABELS[i] for i in prob.argmax(axis=1)]


def evaluate(bodies_path: Path, stances_path: Path, *, model_dir: Path | None = None) -> dict[str, Any]:
    """Score every pair of an FNC-1 stances file (with gold labels) with the bundled (or given) model."""
    bodies = read_bodies(bodies_path)
    pairs = read_stances(stances_path)
    pred = predict_pairs(pairs, bodies, StanceModel(model_dir))
    gold = [str(g) for _, _, g in pairs]
    result = score(gold, pred)
    result["ci95_body_bootstrap"] = bootstrap(gold, pred, [b for _, b, _ in pairs])
    result["split"] = "all pairs"
    return result


OFFICIAL_LAYOUTS = (
    ("competition_test_bodies.csv", "competition_test_stances.csv"),
    ("train_bodies.csv", "train_stances.csv"),
)


def official_files(folder: Path, *, unlabelled: bool = False) -> tuple[Path, Path]:
    """(bodies, stances) of an FNC-1 folder in the official layout (competition test or train files;
    ``unlabelled``: the competition's unlabelled stances file will do too)."""
    layouts = OFFICIAL_LAYOUTS + (
        (("competition_test_bodies.csv", "competition_test_stances_unlabeled.csv"),) if unlabelled else ()
    )
    for bodies, stances in layouts:
        if (folder / bodies).is_file() and (folder / stances).is_file():
            return folder / bodies, folder / stances
    wanted = " or ".join(f"{b} + {s}" for b, s in OFFICIAL_LAYOUTS)
    raise EvaluationError(f"{folder} has neither {wanted}")


def write_submission(pairs: Sequence[tuple[str, int, str | None]], labels: Sequence[str], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Headline", "Body ID", "Stance"])
        for (h, b, _), lab in zip(pairs, labels, strict=True):
            w.writerow([h, b, lab])
