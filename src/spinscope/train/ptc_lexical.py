"""Lexical technique classifier (TC) for PTC: hashed TF-IDF n-grams + logistic regression.

Features (spinscope.inference.ptc_lexical): word 1-2-grams and char 2-4-grams of the span, word
1-2-grams of its sentence, and the article-level span features (incl. repetition). Trained on the
train part of the fixed split, scored on the validation split with the TC scorer.

    python -m spinscope.train.ptc_lexical --data ../shared/data/ptc                 # score only
    python -m spinscope.train.ptc_lexical --data ../shared/data/ptc \\
        --export src/spinscope/resources/models/ptc                                   # + export, blend

With ``--export DIR`` the model is written to ``DIR/tc_lexical.npz`` and the weight of its
probabilities in the blend with the encoder's technique head (``DIR/config.json`` ``tc_blend``) is
chosen on the validation split (model selection), using the encoder model already in DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from spinscope.evaluation.ptc import Annotation, read_articles, read_labels, score_tc, split_of
from spinscope.inference.hashed_tfidf import fit_idf, save_sparse_linear, tfidf
from spinscope.inference.ptc_features import N_FEATURES, span_features, title_end_of
from spinscope.inference.ptc_lexical import (
    BLOCK_SCALES,
    FEATURE_SCALE,
    N_BUCKETS,
    LexicalTC,
    ngram_blocks,
    sentence_of,
)
from spinscope.techniques import PTC_TECHNIQUES
from spinscope.train.common import sha256_file

BLEND_GRID = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="spinscope train ptc-lexical", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("SPINSCOPE_DATA", "../shared/data")) / "ptc",
                    help="the PTC data directory")
    ap.add_argument("--C", type=float, default=5.0, help="inverse regularisation strength")
    ap.add_argument("--export", type=Path, default=None, help="write tc_lexical.npz here and tune the blend")
    args = ap.parse_args(argv)  # before the optional imports: --help works without scipy/scikit-learn
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    t0 = time.time()
    texts = read_articles(args.data / "train-articles")
    gold = read_labels(args.data / "train-task-flc-tc.labels", with_technique=True)
    tr = [a for a in gold if split_of(a.article_id) == "train"]
    va = [a for a in gold if split_of(a.article_id) == "val"]

    def blocks(rows: list[Annotation]) -> list[list[dict[int, float]]]:
        return [ngram_blocks(texts[a.article_id][a.start : a.end], sentence_of(texts[a.article_id], a.start, a.end))
                for a in rows]

    def feats(rows: list[Annotation]) -> np.ndarray:
        return np.stack([span_features(texts[a.article_id], texts[a.article_id].lower(), a.start, a.end,
                                       title_end_of(texts[a.article_id])) for a in rows])

    b_tr, b_va = blocks(tr), blocks(va)
    idf = fit_idf(b_tr, min_df=2)  # vocabulary: n-grams of at least two training spans

    def matrix(bl: list[list[dict[int, float]]], f: np.ndarray):  # type: ignore[no-untyped-def]
        rows, cols, vals = [], [], []
        for i, b in enumerate(bl):
            for k, v in tfidf(b, idf, BLOCK_SCALES).items():
                rows.append(i)
                cols.append(k)
                vals.append(v)
        ng = csr_matrix((vals, (rows, cols)), shape=(len(bl), N_BUCKETS), dtype=np.float32)
        return hstack([ng, csr_matrix(f * FEATURE_SCALE)]).tocsr()

    x_tr, x_va = matrix(b_tr, feats(tr)), matrix(b_va, feats(va))
    y_tr = [PTC_TECHNIQUES.index(a.technique or "") for a in tr]
    clf = LogisticRegression(C=args.C, max_iter=500)
    clf.fit(x_tr, y_tr)
    p_va = clf.predict_proba(x_va)
    classes = list(clf.classes_)
    p_full = np.zeros((len(va), len(PTC_TECHNIQUES)), np.float32)
    p_full[:, classes] = p_va
    pred = [Annotation(a.article_id, a.start, a.end, PTC_TECHNIQUES[int(k)]) for a, k in zip(va, p_full.argmax(1),
                                                                                            strict=True)]
    sc = score_tc(va, pred)
    result: dict = {"approach": "hashed tf-idf n-grams + logreg", "C": args.C, "tc_micro_f1": round(sc.f1, 4),
                    "n_val_spans": sc.n,
                    "per_technique_f1": {t: round(d["f1"], 4) for t, d in sc.per_technique.items()}}
    if args.export is not None:
        result["export"] = export(args, clf, classes, idf, texts, va, p_full)
    result["time_s"] = round(time.time() - t0, 1)
    print(json.dumps(result, indent=2))


def export(args, clf, classes, idf, texts, va, p_lex):  # type: ignore[no-untyped-def]
    """Write tc_lexical.npz (active buckets only, float16) and tune the blend with the encoder head."""
    from spinscope.inference.ptc_model import PTCModel

    coef = np.zeros((N_BUCKETS + N_FEATURES, len(PTC_TECHNIQUES)), np.float32)
    coef[:, classes] = clf.coef_.T
    bias = np.full(len(PTC_TECHNIQUES), -30.0, np.float32)
    bias[classes] = clf.intercept_
    out = args.export
    kept = save_sparse_linear(out / LexicalTC.FILE, idf, coef[:N_BUCKETS], w_feat=coef[N_BUCKETS:],
                              bias=bias)
    # Probabilities from the exported file (what run time computes), then the blend weight on validation.
    lex = LexicalTC(out)
    enc_model = PTCModel(out)
    by_art: dict[str, list[int]] = {}
    for i, a in enumerate(va):
        by_art.setdefault(a.article_id, []).append(i)
    p_enc, p_run, idx = [], [], []
    for aid, rows_here in by_art.items():
        ranges = [(va[i].start, va[i].end) for i in rows_here]
        p_enc.append(enc_model.classify(enc_model.encode(texts[aid]), ranges, blend=False))
        p_run.append(lex.predict_proba(texts[aid], ranges))
        idx.extend(rows_here)
    order = [va[i] for i in idx]
    pe, pl = np.concatenate(p_enc), np.concatenate(p_run)
    scores = {}
    for w in BLEND_GRID:
        p = (1 - w) * pe + w * pl
        pred = [Annotation(a.article_id, a.start, a.end, PTC_TECHNIQUES[int(k)]) for a, k in zip(order, p.argmax(1),
                                                                                                strict=True)]
        scores[w] = score_tc(order, pred).f1
    best = max(BLEND_GRID, key=lambda w: (scores[w], -abs(w - 0.5)))
    cfg_path = out / "config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    cfg["tc_blend"] = {"lexical_weight": best, "lexical_model": LexicalTC.FILE}
    cfg_path.write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    card_path = out / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else {}
    info = {
        "command": "python -m spinscope.train.ptc_lexical --data " + str(args.data) + " --export " + str(out)
                   + f" --C {args.C}",
        "data_sha256_labels": sha256_file(args.data / "train-task-flc-tc.labels"),
        "kind": "logistic regression (lbfgs) on hashed sublinear TF-IDF word/char n-grams of the span and its "
                "sentence + article-level span features",
        "C": args.C,
        "vocabulary_buckets": kept,
        "min_df": 2,
        "lexical_only_tc_micro_f1_val": round(float(scores[1.0]), 4),
        "encoder_only_tc_micro_f1_val": round(float(scores[0.0]), 4),
        "blend_tc_micro_f1_val_by_weight": {str(w): round(float(s), 4) for w, s in scores.items()},
        "lexical_weight": best,
        "max_abs_diff_sklearn_vs_numpy": round(float(np.abs(pl - p_lex[idx]).max()), 5),
    }
    card["tc_lexical"] = info
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return info


if __name__ == "__main__":
    main()
