"""Train the check-worthy claim ranker (TF-IDF n-grams + cue + context features, pairwise logistic loss).

Data: CLEF-2019 CheckThat! Task 1 training debates and the ClaimBuster two-class sentence set.

Validation that predicts unseen debates (one debate is one unit: its sentences are never split):

1. Settings (C, ClaimBuster weight, negatives per positive, feature groups) are chosen by
   leave-one-debate-out MAP over the 14 selection debates only.
2. The chosen settings, trained on those 14 debates, are scored once on the 5 untouched debates
   (``UNTOUCHED``), never used for any choice.
3. Leave-one-debate-out over all 19 debates with the chosen settings gives the figure we expect on new
   debates (mean and spread of AP) and the out-of-fold scores on which the probability sigmoid is fitted
   (without class weights, so it is a probability; its own leave-one-debate-out check is in the card).
4. The shipped model is trained on all 19 debates (+ ClaimBuster).

ClaimBuster sentences equal (case/space-normalised) to a sentence of a scored debate are left out of
that fold's training data (ClaimBuster covers the 2016 general-election debates). Output:
resources/models/claims.npz (numpy only) and claims.card.json.

    nice -n 5 python -m spinscope.train.claims --data ../shared/data --out src/spinscope/resources/models
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from spinscope.calibration import reliability
from spinscope.detectors.claims import (
    CONTEXT_LAYOUT,
    CUE_LAYOUT,
    N_DENSE,
    NEUTRAL_CONTEXT,
    ClaimScorer,
    context_features,
    cue_vector,
    document_features,
    ngrams,
    speaker_turns,
)
from spinscope.evaluation.claims import evaluate_rankings, read_debate
from spinscope.train.common import sha256_file as sha256

UNTOUCHED = (
    "20160209_msnbc_dem",
    "20170228_trump_address",
    "20170601_paris_climate_n",
    "20180916_trump_miami",
    "20181112_trump_pelosi",
)
SEED = 13
MIN_DF = 2
MAX_TERMS = 30000

Rows = list[tuple[int, str, int, str]]


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def read_claimbuster(path: Path) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    labels: list[int] = []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            texts.append(row["text"])
            labels.append(int(row["label"]))
    return texts, labels


def build_vocab(texts: list[str], min_df: int = MIN_DF, max_terms: int = MAX_TERMS) -> tuple[list[str], np.ndarray]:
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(ngrams(t)))
    # ties broken by the term itself, so the vocabulary does not depend on PYTHONHASHSEED
    ranked = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))
    terms = sorted(ranked[:max_terms])
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms])
    return terms, idf


@dataclass(frozen=True)
class Settings:
    c: float = 1.0
    claimbuster_weight: float = 1.0
    negatives: int = 5  # negatives sampled per positive of the same debate
    context: bool = True  # neighbour cues and context features (zeroed when False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "C": self.c,
            "claimbuster_weight": self.claimbuster_weight,
            "negatives_per_positive": self.negatives,
            "context_features": self.context,
        }


class Corpus:
    """Debates with their dense features computed once; ClaimBuster sentences."""

    def __init__(self, data: Path) -> None:
        self.ct_dir = data / "checkthat2019" / "training"
        self.cb_path = data / "claimbuster" / "kfold_25ncs.csv"
        self.files = sorted(self.ct_dir.glob("*.tsv"))
        self.debates: dict[str, Rows] = {f.stem: read_debate(f) for f in self.files}
        self.dense: dict[str, np.ndarray] = {}
        for name, rows in self.debates.items():
            texts = [r[1] for r in rows]
            speakers = [r[3] for r in rows]
            cues = np.stack([cue_vector(t) for t in texts])
            self.dense[name] = document_features(cues, context_features(speakers, speaker_turns(speakers), texts))
        self.cb_texts, self.cb_labels = read_claimbuster(self.cb_path)
        cb_cues = np.stack([cue_vector(t) for t in self.cb_texts])
        zero = np.zeros_like(cb_cues)
        self.cb_dense = np.hstack([cb_cues, zero, zero, np.tile(NEUTRAL_CONTEXT, (len(cb_cues), 1))])
        self.cb_norm = [norm(t) for t in self.cb_texts]


def _text_matrix(texts: list[str], scorer: ClaimScorer) -> sparse.csr_matrix:
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, t in enumerate(texts):
        for i, w in scorer.text_vector(t).items():
            rows.append(r)
            cols.append(i)
            vals.append(w)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(scorer.vocab)))


def _matrix(texts: list[str], dense: np.ndarray, scorer: ClaimScorer, settings: Settings) -> sparse.csr_matrix:
    if not settings.context:
        dense = dense.copy()
        dense[:, len(CUE_LAYOUT) :] = 0.0
    return sparse.hstack([_text_matrix(texts, scorer), sparse.csr_matrix(dense)], format="csr")


def fit(corpus: Corpus, names: list[str], settings: Settings, exclude: set[str]) -> ClaimScorer:
    """A pairwise ranker on the debates ``names`` (+ ClaimBuster minus sentences in ``exclude``)."""
    rng = np.random.default_rng(SEED)
    keep_cb = [i for i, t in enumerate(corpus.cb_norm) if t not in exclude] if settings.claimbuster_weight > 0 else []
    cb_texts = [corpus.cb_texts[i] for i in keep_cb]
    groups: list[tuple[list[str], np.ndarray, np.ndarray, float]] = [
        ([r[1] for r in corpus.debates[n]], corpus.dense[n], np.array([r[2] for r in corpus.debates[n]]), 1.0)
        for n in names
    ]
    if keep_cb:
        groups.append(
            (
                cb_texts,
                corpus.cb_dense[keep_cb],
                np.array([corpus.cb_labels[i] for i in keep_cb]),
                settings.claimbuster_weight,
            )
        )
    terms, idf = build_vocab([t for g in groups for t in g[0]])
    vocab = {t: i for i, t in enumerate(terms)}
    scorer = ClaimScorer(vocab, terms, idf, np.zeros(len(terms)), np.zeros(N_DENSE), (1.0, 0.0), 0.0)
    diffs: list[sparse.csr_matrix] = []
    weights: list[np.ndarray] = []
    for texts, dense, labels, weight in groups:
        pos, neg = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
        if not len(pos) or not len(neg):
            continue
        x = _matrix(texts, dense, scorer, settings)
        pi = np.repeat(pos, settings.negatives)
        ni = rng.choice(neg, size=len(pi))
        diffs.append(x[pi] - x[ni])
        weights.append(np.full(len(pi), weight))
    d = sparse.vstack(diffs, format="csr")
    w = np.concatenate(weights)
    model = LogisticRegression(C=settings.c, max_iter=3000, fit_intercept=False)
    # both orders, so the loss is symmetric and needs no intercept
    model.fit(
        sparse.vstack([d, -d], format="csr"),
        np.r_[np.ones(d.shape[0]), np.zeros(d.shape[0])],
        sample_weight=np.r_[w, w],
    )
    coef = model.coef_[0]
    dense_coef = coef[len(terms) :].copy()
    if not settings.context:
        dense_coef[len(CUE_LAYOUT) :] = 0.0
    return ClaimScorer(vocab, terms, idf, coef[: len(terms)], dense_coef, (1.0, 0.0), 0.0)


def debate_scores(corpus: Corpus, scorer: ClaimScorer, name: str) -> np.ndarray:
    rows = corpus.debates[name]
    return scorer.decisions([r[1] for r in rows], [r[3] for r in rows])


def leave_one_out(
    corpus: Corpus, names: list[str], settings: Settings
) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """AP of each debate scored by a model trained on the others; and the out-of-fold scores."""
    aps: dict[str, float] = {}
    oof: dict[str, np.ndarray] = {}
    for held in names:
        exclude = {norm(r[1]) for r in corpus.debates[held]}
        scorer = fit(corpus, [n for n in names if n != held], settings, exclude)
        oof[held] = debate_scores(corpus, scorer, held)
        aps[held] = float(evaluate_rankings({held: (corpus.debates[held], oof[held])})["MAP"])
    return aps, oof


def fit_platt(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Sigmoid a*z + b on out-of-fold ranking scores, fitted to the labels as they occur (no class
    weights): the probability that fact-checkers chose a debate sentence with this score."""
    model = LogisticRegression(C=100.0, max_iter=1000)
    model.fit(scores[:, None], labels)
    return float(model.coef_[0][0]), float(model.intercept_[0])


def calibration_check(oof: dict[str, np.ndarray], labels: dict[str, np.ndarray]) -> dict[str, Any]:
    """How well the sigmoid's probabilities hold on a debate it was not fitted on: for each debate, the
    sigmoid is fitted on the out-of-fold scores of the others and applied to its own; ECE and the
    reliability table over all debates (equal-width bins of 0.1)."""
    probs: list[np.ndarray] = []
    for held in oof:
        a, b = fit_platt(
            np.concatenate([oof[n] for n in oof if n != held]), np.concatenate([labels[n] for n in oof if n != held])
        )
        probs.append(1.0 / (1.0 + np.exp(-(a * oof[held] + b))))
    p, y = np.concatenate(probs), np.concatenate([labels[n] for n in oof])
    ece, table = reliability(p, y)
    return {
        "method": "leave one debate out: sigmoid fitted on the other debates' out-of-fold scores",
        "ECE": round(ece, 4),
        "brier": round(float(np.mean((p - y) ** 2)), 4),
        "reliability": [{k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()} for row in table],
    }


def _summary(aps: dict[str, float]) -> dict[str, Any]:
    v = np.array(list(aps.values()))
    return {
        "MAP": round(float(v.mean()), 4),
        "AP_sd": round(float(v.std()), 4),
        "debates": len(v),
        "per_debate_AP": {k: round(x, 4) for k, x in aps.items()},
    }


GRID = (
    Settings(1.0, 1.0, 5, False),
    Settings(1.0, 1.0, 5, True),
    Settings(1.0, 0.5, 5, True),
    Settings(1.0, 1.0, 10, True),
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("src/spinscope/resources/models"))
    ap.add_argument("--quick", action="store_true", help="skip the settings search (use the defaults)")
    args = ap.parse_args()
    t0 = time.time()
    corpus = Corpus(args.data)
    names = sorted(corpus.debates)
    selection = [n for n in names if n not in UNTOUCHED]
    print(
        f"{len(names)} debates ({len(selection)} for selection, {len(UNTOUCHED)} untouched); "
        f"ClaimBuster {len(corpus.cb_texts)} sentences",
        flush=True,
    )
    search: list[dict[str, Any]] = []
    best = Settings()
    if not args.quick:
        best_map = -1.0
        for settings in GRID:
            aps, _ = leave_one_out(corpus, selection, settings)
            summary = _summary(aps)
            search.append(
                {
                    **settings.as_dict(),
                    "lodo_MAP": summary["MAP"],
                    "AP_sd": summary["AP_sd"],
                    "per_debate_AP": summary["per_debate_AP"],
                }
            )
            print(f"{settings}: LODO MAP {summary['MAP']:.4f} (sd {summary['AP_sd']:.4f})", flush=True)
            if summary["MAP"] > best_map:
                best_map, best = summary["MAP"], settings
    # 2. the choice against the untouched debates
    exclude = {norm(r[1]) for n in UNTOUCHED for r in corpus.debates[n]}
    scorer = fit(corpus, selection, best, exclude)
    untouched = evaluate_rankings({n: (corpus.debates[n], debate_scores(corpus, scorer, n)) for n in UNTOUCHED})
    print(f"untouched debates: MAP {untouched['MAP']:.4f}", flush=True)
    # 3. leave-one-debate-out over all debates: the expected figure and the calibration scores
    aps_all, oof = leave_one_out(corpus, names, best)
    all_summary = _summary(aps_all)
    print(f"LODO over all {len(names)} debates: MAP {all_summary['MAP']:.4f} (sd {all_summary['AP_sd']:.4f})")
    labels = {n: np.array([r[2] for r in corpus.debates[n]]) for n in names}
    platt = fit_platt(np.concatenate([oof[n] for n in names]), np.concatenate([labels[n] for n in names]))
    base_rate = float(np.mean(np.concatenate(list(labels.values()))))
    calibration = calibration_check(oof, labels)
    print(f"calibration (leave one debate out): ECE {calibration['ECE']:.4f}, base rate {base_rate:.4f}", flush=True)
    # 4. the shipped model
    final = fit(corpus, names, best, set())
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out / "claims.npz",
        vocab=np.array(final.terms),
        idf=final.idf.astype(np.float32),
        coef_text=final.coef_text.astype(np.float32),
        coef_dense=final.coef_dense.astype(np.float32),
        platt=np.array(platt),
        base_rate=np.array(base_rate),
    )
    card = {
        "model": "check-worthy claim ranker: TF-IDF word 1-2 grams (sublinear tf, l2) + cue features + the "
        "neighbours' cues + context features, linear, pairwise logistic loss (positive vs negative of the same "
        "debate); sigmoid fitted on out-of-fold scores (the probability that fact-checkers chose a debate sentence "
        "with that score)",
        "command": "OMP_NUM_THREADS=1 nice -n 5 python -m spinscope.train.claims --data ../shared/data "
        "--out src/spinscope/resources/models  (= spinscope train claims)",
        "data": {
            "checkthat2019_training": {f.name: sha256(f) for f in corpus.files},
            "claimbuster": {corpus.cb_path.name: sha256(corpus.cb_path)},
        },
        "untouched_debates": list(UNTOUCHED),
        "selection_debates": selection,
        "training_debates": names,
        "claimbuster_excluded_overlap": "per fold: sentences equal (case/space-normalised) to a scored sentence",
        "settings": {
            **best.as_dict(),
            "min_df": MIN_DF,
            "max_terms": MAX_TERMS,
            "cues": list(CUE_LAYOUT),
            "context": list(CONTEXT_LAYOUT),
            "platt": [round(platt[0], 6), round(platt[1], 6)],
            "base_rate": round(base_rate, 6),
        },
        "calibration": calibration,
        "selection": "leave-one-debate-out MAP over the 14 selection debates; untouched debates scored once",
        "search": search,
        "untouched": {k: round(v, 4) for k, v in untouched.items() if isinstance(v, float)}
        | {"per_debate": untouched["per_debate"], "MAP_ci95": untouched["MAP_ci95"]},
        "leave_one_debate_out_all": all_summary,
        "seed": SEED,
        "time_seconds": round(time.time() - t0, 1),
        "threads": os.environ.get("OMP_NUM_THREADS", "unset"),
        "python": platform.python_version(),
        "vocabulary_size": len(final.terms),
    }
    (args.out / "claims.card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out / 'claims.npz'} in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
