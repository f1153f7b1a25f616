"""Train the check-worthy claim scorer (TF-IDF n-grams + cue features, logistic regression).

Data: CLEF-2019 CheckThat! Task 1 training debates (minus the held-out debates below) and the
ClaimBuster two-class sentence set. Hyper-parameters are chosen by grouped cross-validation over the
training debates only (MAP); the held-out debates are scored once, at the end, and written to the
model card. Output: resources/models/claims.npz (numpy only) and claims.card.json.

    python -m spinscope.train.claims --data ../shared/data --out src/spinscope/resources/models
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from spinscope.detectors.claims import CUE_LAYOUT, ClaimScorer, cue_vector, ngrams
from spinscope.evaluation.claims import evaluate_rankings, read_debate
from spinscope.train.common import sha256_file as sha256

HELD_OUT = (
    "20160209_msnbc_dem",
    "20170228_trump_address",
    "20170601_paris_climate_n",
    "20180916_trump_miami",
    "20181112_trump_pelosi",
)
SEED = 13


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def read_claimbuster(path: Path, exclude: set[str]) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    labels: list[int] = []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if norm(row["text"]) in exclude:
                continue
            texts.append(row["text"])
            labels.append(int(row["label"]))
    return texts, labels


def build_vocab(texts: list[str], min_df: int, max_terms: int) -> tuple[list[str], np.ndarray]:
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(ngrams(t)))
    # ties broken by the term itself, so the vocabulary does not depend on PYTHONHASHSEED
    ranked = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))
    terms = ranked[:max_terms]
    terms.sort()
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms])
    return terms, idf


def featurise(texts: list[str], scorer: ClaimScorer) -> sparse.csr_matrix:
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    n_text = len(scorer.vocab)
    for r, t in enumerate(texts):
        for i, w in scorer.text_vector(t).items():
            rows.append(r)
            cols.append(i)
            vals.append(w)
        for j, v in enumerate(cue_vector(t)):
            if v:
                rows.append(r)
                cols.append(n_text + j)
                vals.append(float(v))
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), n_text + len(CUE_LAYOUT)))


def fit(
    texts: list[str], labels: list[int], weights: list[float], c: float, min_df: int, max_terms: int
) -> ClaimScorer:
    terms, idf = build_vocab(texts, min_df, max_terms)
    empty = ClaimScorer({t: i for i, t in enumerate(terms)}, terms, idf, np.zeros(len(terms)), np.zeros(0), 0.0)
    x = featurise(texts, empty)
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=SEED)
    model.fit(x, np.array(labels), sample_weight=np.array(weights))
    coef = model.coef_[0]
    return ClaimScorer(empty.vocab, terms, idf, coef[: len(terms)], coef[len(terms) :], float(model.intercept_[0]))


def rank_debates(scorer: ClaimScorer, debates: dict[str, list[tuple[int, str, int]]]) -> dict[str, float]:
    rankings = {}
    for name, rows in debates.items():
        scores = scorer.scores([r[1] for r in rows])
        rankings[name] = (rows, scores)
    return evaluate_rankings(rankings)["MAP"]  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("src/spinscope/resources/models"))
    ap.add_argument("--quick", action="store_true", help="skip the hyper-parameter search")
    args = ap.parse_args()
    t0 = time.time()
    ct_dir = args.data / "checkthat2019" / "training"
    cb_path = args.data / "claimbuster" / "kfold_25ncs.csv"
    files = sorted(ct_dir.glob("*.tsv"))
    debates = {f.stem: read_debate(f) for f in files}
    train_names = [n for n in debates if n not in HELD_OUT]
    held = {n: debates[n] for n in HELD_OUT}
    exclude = {norm(r[1]) for rows in held.values() for r in rows}
    cb_texts, cb_labels = read_claimbuster(cb_path, exclude)
    print(f"{len(train_names)} training debates, {len(held)} held out; claimbuster {len(cb_texts)} sentences")

    def data_for(names: list[str], cb_weight: float) -> tuple[list[str], list[int], list[float]]:
        texts = [r[1] for n in names for r in debates[n]]
        labels = [r[2] for n in names for r in debates[n]]
        weights = [1.0] * len(texts)
        if cb_weight > 0:
            texts += cb_texts
            labels += cb_labels
            weights += [cb_weight] * len(cb_texts)
        return texts, labels, weights

    grid = [(c, w) for c in (0.3, 1.0, 3.0) for w in (0.0, 0.3, 1.0)]
    best = (1.0, 0.3)
    search: list[dict[str, float]] = []
    if not args.quick:
        rng = np.random.default_rng(SEED)
        order = list(rng.permutation(train_names))
        folds = [order[i::3] for i in range(3)]
        best_map = -1.0
        for c, w in grid:
            maps = []
            for fold in folds:
                tr = [n for n in train_names if n not in fold]
                scorer = fit(*data_for(tr, w), c=c, min_df=2, max_terms=30000)
                maps.append(rank_debates(scorer, {n: debates[n] for n in fold}))
            m = float(np.mean(maps))
            search.append({"C": c, "claimbuster_weight": w, "cv_MAP": round(m, 4)})
            print(f"C={c} cb_weight={w}: CV MAP {m:.4f}", flush=True)
            if m > best_map:
                best_map, best = m, (c, w)
    c, w = best
    scorer = fit(*data_for(train_names, w), c=c, min_df=2, max_terms=30000)
    rankings = {n: (rows, scorer.scores([r[1] for r in rows])) for n, rows in held.items()}
    held_metrics = evaluate_rankings(rankings)
    print("held-out:", json.dumps({k: round(v, 4) for k, v in held_metrics.items() if isinstance(v, float)}))
    args.out.mkdir(parents=True, exist_ok=True)
    terms = sorted(scorer.vocab, key=scorer.vocab.__getitem__)
    np.savez_compressed(
        args.out / "claims.npz",
        vocab=np.array(terms),
        idf=scorer.idf.astype(np.float32),
        coef_text=scorer.coef_text.astype(np.float32),
        coef_cues=scorer.coef_cues.astype(np.float32),
        intercept=np.array(scorer.intercept),
    )
    card = {
        "model": "check-worthy claim scorer: TF-IDF word 1-2 grams (sublinear tf, l2) + cue features, "
        "logistic regression (class_weight=balanced)",
        "command": "python -m spinscope.train.claims --data ../shared/data --out src/spinscope/resources/models",
        "data": {
            "checkthat2019_training": {f.name: sha256(f) for f in files},
            "claimbuster": {cb_path.name: sha256(cb_path)},
        },
        "held_out_debates": list(HELD_OUT),
        "training_debates": train_names,
        "claimbuster_excluded_overlap": "sentences equal (case/space-normalised) to a held-out sentence",
        "settings": {"C": c, "claimbuster_weight": w, "min_df": 2, "max_terms": 30000, "cues": list(CUE_LAYOUT)},
        "selection": "3-fold grouped CV over the training debates (MAP); held-out debates scored once",
        "search": search,
        "seed": SEED,
        "time_seconds": round(time.time() - t0, 1),
        "validation_held_out": {k: round(v, 4) for k, v in held_metrics.items() if isinstance(v, float)},
        "validation_per_debate": held_metrics["per_debate"],
        "vocabulary_size": len(terms),
    }
    (args.out / "claims.card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out / 'claims.npz'} in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
