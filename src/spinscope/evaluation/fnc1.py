"""FNC-1 headline/body stance: file readers, body-disjoint split, scorer, features and numpy-only model.

Scoring follows the official FNC-1 scorer: +0.25 when related/unrelated is right, +0.75 more when the
exact related label (agree/disagree/discuss) is right; reported as % of the best possible score.
Validation split (keeps bodies apart): a Body ID is in validation when
``int(sha256("spinscope-fnc1-val:" + str(body_id)), 16) % 10 < 2``.

Only a few body sentences are embedded (``FOCUS_SENTENCES``: the lead one plus those sharing the most
IDF-weighted stems with the headline, chosen by ``select_sentences``), so the check costs a fixed, small
encoder budget however long the body is; training, evaluation and run time select the same way.

Features per (headline, body) pair: sentence-encoder similarities of the headline to the focus sentences
(max, second, top-3 mean, mean, std, first sentence, focus centroid), TF-IDF cosine, word/bigram
overlap, refuting / hedging / negation cue rates in the body and in the best-matching sentences, plus
embedding interactions (h*s, |h-s|) with the best-matching sentence and the top-3 centroid. A small MLP
(``resources/models/stance/weights.npz``, trained by ``spinscope.train.headline``) maps them to
agree/disagree/discuss/unrelated.
"""

from __future__ import annotations

import csv
import functools
import hashlib
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
VAL_SALT = "spinscope-fnc1-val:"

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
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EvaluationError(f"cannot read FNC-1 bodies {path}: {exc}") from exc
    try:
        return {int(r["Body ID"]): r["articleBody"] for r in rows}
    except (KeyError, ValueError, TypeError) as exc:
        raise EvaluationError(f"{path}: expected columns 'Body ID', 'articleBody' ({exc})") from exc


def read_stances(path: Path, *, labelled: bool = True) -> list[tuple[str, int, str | None]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
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


def is_validation_body(body_id: int) -> bool:
    return int(hashlib.sha256(f"{VAL_SALT}{body_id}".encode()).hexdigest(), 16) % 10 < 2


# ------------------------------------------------------------------------------------------- scoring
def score(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """FNC-1 weighted score (% of max), per-class P/R/F1, macro-F1, accuracy and confusion matrix."""
    if len(gold) != len(pred):
        raise EvaluationError(f"{len(gold)} gold labels but {len(pred)} predictions")
    got = 0.0
    best = 0.0
    confusion = [[0] * 4 for _ in LABELS]
    for g, p in zip(gold, pred, strict=True):
        if g not in LABELS or p not in LABELS:
            raise EvaluationError(f"unknown stance label in {g!r}/{p!r}")
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            got += 0.25
            if g != "unrelated":
                got += 0.75
        elif g in RELATED and p in RELATED:
            got += 0.25
        confusion[LABELS.index(g)][LABELS.index(p)] += 1
    per_class: dict[str, dict[str, float]] = {}
    for i, lab in enumerate(LABELS):
        tp = confusion[i][i]
        fp = sum(confusion[j][i] for j in range(4)) - tp
        fn = sum(confusion[i]) - tp
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_class[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": tp + fn}
    n = len(gold)
    return {
        "n": n,
        "fnc_score": round(got, 2),
        "fnc_max": round(best, 2),
        "fnc_percent": round(100.0 * got / best, 2) if best else 0.0,
        "accuracy": round(sum(confusion[i][i] for i in range(4)) / n, 4) if n else 0.0,
        "macro_f1": round(sum(c["f1"] for c in per_class.values()) / 4, 4),
        "per_class": per_class,
        "confusion": {"labels": list(LABELS), "rows_gold_cols_pred": confusion},
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
        key=lambda i: (-sum(idf.get(w, default_idf) for w in h_set.intersection(stems[i])), i),
    )
    return sorted(first + rest[: max(0, k - len(first))])


def focus(body: BodyInfo, rows: Sequence[int]) -> BodyInfo:
    """``body`` (embedded in full) restricted to the sentences ``rows``: what run time would have embedded."""
    return body_info(body.sentences, body.embeddings[list(rows)], rows, body.stems)


def _rate(words: Iterable[str], lexicon: frozenset[str]) -> float:
    ws = list(words)
    return sum(w in lexicon for w in ws) / max(len(ws), 1)


N_SCALAR = 25


def pair_features(
    headline: str, h_emb: np.ndarray, body: BodyInfo, idf: dict[str, float], default_idf: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(scalar features, interaction features, per-sentence cosine) for one headline/body pair."""
    sims = body.embeddings @ h_emb if len(body.embeddings) else np.zeros(1, dtype=np.float32)
    order = np.argsort(-sims)
    top = order[:3]
    s1 = body.embeddings[order[0]] if len(body.embeddings) else np.zeros_like(h_emb)
    s3 = body.embeddings[top].mean(axis=0) if len(body.embeddings) else np.zeros_like(h_emb)
    s3 = s3 / max(float(np.linalg.norm(s3)), 1e-9)
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
    inter = np.concatenate([h_emb * s1, np.abs(h_emb - s1), h_emb * s3, np.abs(h_emb - s3)]).astype(np.float32)
    return scalars, inter, sims


# ------------------------------------------------------------------------------------------- model
class StanceModel:
    """Numpy-only MLP over ``pair_features``; weights and IDF table in ``resources/models/stance``."""

    def __init__(self, model_dir: Path | str | None = None) -> None:
        self.model_dir = Path(model_dir) if model_dir is not None else MODEL_DIR
        path = self.model_dir / "weights.npz"
        vocab = self.model_dir / "idf.json"
        if not path.is_file() or not vocab.is_file():
            raise ModelError(f"stance model missing in {self.model_dir} (run spinscope train stance)")
        try:
            with np.load(path) as z:
                self.mean = z["mean"].astype(np.float32)
                self.std = z["std"].astype(np.float32)
                self.layers = [
                    (z[f"w{i}"].astype(np.float32), z[f"b{i}"].astype(np.float32)) for i in range(int(z["n_layers"]))
                ]
            table = json.loads(vocab.read_text(encoding="utf-8"))
            self.idf: dict[str, float] = {str(k): float(v) for k, v in table["idf"].items()}
            self.default_idf = float(table["default_idf"])
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"stance model in {self.model_dir} is corrupt: {exc}") from exc

    def select(self, headline: str, stems: Sequence[Sequence[str]]) -> list[int]:
        """Indices of the body sentences to embed for ``headline`` (see ``select_sentences``)."""
        return select_sentences(headline, stems, self.idf, self.default_idf)

    def features(self, headline: str, h_emb: np.ndarray, body: BodyInfo) -> tuple[np.ndarray, np.ndarray]:
        """Feature row and the headline's cosine to each embedded (selected) body sentence."""
        scalars, inter, sims = pair_features(headline, h_emb, body, self.idf, self.default_idf)
        return np.concatenate([scalars, inter]), sims

    def pair_row(self, headline: str, h_emb: np.ndarray, body: BodyInfo) -> np.ndarray:
        """Features of a pair whose body was embedded in full (evaluation, training): restricted first
        to the sentences run time would embed."""
        return self.features(headline, h_emb, focus(body, self.select(headline, body.stems)))[0]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (rows follow ``LABELS``) for feature rows ``x``."""
        h = (np.atleast_2d(x) - self.mean) / self.std
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        h = h - h.max(axis=1, keepdims=True)
        e = np.exp(h)
        out: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return out


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


def evaluate(
    bodies_path: Path, stances_path: Path, *, validation_only: bool = False, model_dir: Path | None = None
) -> dict[str, Any]:
    bodies = read_bodies(bodies_path)
    pairs = read_stances(stances_path)
    if validation_only:
        pairs = [p for p in pairs if is_validation_body(p[1])]
        if not pairs:
            raise EvaluationError("no pairs fall in the validation split")
    pred = predict_pairs(pairs, bodies, StanceModel(model_dir))
    result = score([str(g) for _, _, g in pairs], pred)
    result["split"] = "validation bodies (sha256 salted hash % 10 < 2)" if validation_only else "all pairs"
    return result


def write_submission(pairs: Sequence[tuple[str, int, str | None]], labels: Sequence[str], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Headline", "Body ID", "Stance"])
        for (h, b, _), lab in zip(pairs, labels, strict=True):
            w.writerow([h, b, lab])
