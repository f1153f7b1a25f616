"""Classic baseline for PTC technique classification (TC): TF-IDF + logistic regression.

Features: word 1-2-grams and char 2-4-grams (40k) of the span, word 1-2-grams of its sentence (context),
and the article-level span features of spinscope.inference.ptc_features (incl. repetition).
Trained on the train part of the fixed split, scored on the validation split with the TC scorer.

    python -m spinscope.train.ptc_baseline --data ../shared/data/ptc
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from spinscope.evaluation.ptc import Annotation, read_articles, read_labels, score_tc, split_of
from spinscope.inference.ptc_features import span_features, title_end_of


def sentence_of(text: str, start: int, end: int) -> str:
    a = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start)) + 1
    b = text.find("\n", end)
    return text[a : b if b >= 0 else len(text)]


def main(argv: list[str] | None = None) -> None:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("SPINSCOPE_DATA", "../shared/data")) / "ptc")
    ap.add_argument("--C", type=float, default=5.0)
    args = ap.parse_args(argv)
    t0 = time.time()
    texts = read_articles(args.data / "train-articles")
    gold = read_labels(args.data / "train-task-flc-tc.labels", with_technique=True)
    tr = [a for a in gold if split_of(a.article_id) == "train"]
    va = [a for a in gold if split_of(a.article_id) == "val"]

    def parts(rows: list[Annotation]) -> tuple[list[str], list[str], np.ndarray]:
        spans, ctx, feats = [], [], []
        for a in rows:
            t = texts[a.article_id]
            spans.append(t[a.start : a.end])
            ctx.append(sentence_of(t, a.start, a.end))
            feats.append(span_features(t, t.lower(), a.start, a.end, title_end_of(t)))
        return spans, ctx, np.stack(feats)

    s_tr, c_tr, f_tr = parts(tr)
    s_va, c_va, f_va = parts(va)
    vw = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
    vc = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=3, max_features=40000, sublinear_tf=True)
    vx = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    x_tr = hstack([vw.fit_transform(s_tr), vc.fit_transform(s_tr), 0.5 * vx.fit_transform(c_tr),
                   csr_matrix(f_tr * 3)]).tocsr()
    x_va = hstack([vw.transform(s_va), vc.transform(s_va), 0.5 * vx.transform(c_va),
                   csr_matrix(f_va * 3)]).tocsr()
    clf = LogisticRegression(C=args.C, max_iter=300)
    clf.fit(x_tr, [a.technique for a in tr])
    pred = [Annotation(a.article_id, a.start, a.end, str(p)) for a, p in zip(va, clf.predict(x_va), strict=True)]
    sc = score_tc(va, pred)
    print(json.dumps({"approach": "tfidf+logreg", "C": args.C, "tc_micro_f1": round(sc.f1, 4),
                      "n_val_spans": sc.n, "per_technique_f1": {t: round(d["f1"], 4)
                                                                 for t, d in sc.per_technique.items()},
                      "time_s": round(time.time() - t0, 1)}, indent=2))


if __name__ == "__main__":
    main()
