"""Train the two linear technique views and choose the blend with the heads, on grouped folds.

Runs after ``spinscope.train.ptc_heads`` on the same work folder (it reads the cached encoder states
``WORK/feats`` and the fold heads ``WORK/fold<k>``). For every grouped fold it fits the pooled-states and
the lexical logistic regressions (``spinscope.inference.ptc_tc``) on the other folds, so every gold span of
the training articles gets out-of-fold probabilities from all three views. Then, per fold, the
regularisation strengths, the heads' prior correction and the blend weights are chosen on the *other*
folds' out-of-fold predictions and the fold is scored with them (TC micro-F1 on gold spans): that nested
figure, its spread over folds and the pooled one go to ``WORK/tc/cv.json`` and the model card.

The shipped choice is the best on all out-of-fold predictions; the fold models get it too (written into
``WORK/fold<k>``, so that ``spinscope.train.calibrate`` sees what the shipped model does), and the final
linear models are fitted on every article into OUT beside the heads. Resumable: finished files are kept.

    HF_HUB_OFFLINE=1 python -m spinscope.train.ptc_tc --data ../shared/data/ptc --work W
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.evaluation.ptc import Annotation, read_articles, read_labels, score_tc
from spinscope.evaluation.ptc_folds import grouped_folds
from spinscope.inference.hashed_tfidf import Block, fit_idf, save_sparse_linear, tfidf
from spinscope.inference.ptc_features import span_features, title_end_of
from spinscope.inference.ptc_tc import (
    LEXICAL_SCALES,
    LexicalTC,
    PooledTC,
    lexical_blocks,
    pooled_row,
    save_standardised_linear,
    unweight,
)
from spinscope.inference.windows import Tokens
from spinscope.techniques import PTC_TECHNIQUES
from spinscope.train.ptc_heads import OUT_DEFAULT, class_weight, update_card, update_config

ALPHAS = (0.0, 0.5, 1.0)
# SemEval-2021 Task 6 (memes; PTC's guidelines) technique names -> PTC's merged classes (14 of its 20)
MEME_TECHNIQUES = {
    "Appeal to authority": "Appeal_to_Authority",
    "Appeal to fear/prejudice": "Appeal_to_fear-prejudice",
    "Black-and-white Fallacy/Dictatorship": "Black-and-White_Fallacy",
    "Causal Oversimplification": "Causal_Oversimplification",
    "Doubt": "Doubt",
    "Exaggeration/Minimisation": "Exaggeration,Minimisation",
    "Flag-waving": "Flag-Waving",
    "Loaded Language": "Loaded_Language",
    "Name calling/Labeling": "Name_Calling,Labeling",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Thought-terminating cliché": "Thought-terminating_Cliches",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
    "Misrepresentation of Someone's Position (Straw Man)": "Whataboutism,Straw_Men,Red_Herring",
    "Presenting Irrelevant Data (Red Herring)": "Whataboutism,Straw_Men,Red_Herring",
    "Bandwagon": "Bandwagon,Reductio_ad_hitlerum",
    "Reductio ad hitlerum": "Bandwagon,Reductio_ad_hitlerum",
}
GRID = [x / 10 for x in range(11)]
N_TECH = len(PTC_TECHNIQUES)


def fit_logistic(x: Any, y: np.ndarray, c: float, w: np.ndarray | None, n_classes: int = N_TECH,
                 max_iter: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression (class weights ``w``, or none); (coef (n_classes, d), intercept
    (n_classes,)), with rows for classes absent from ``y`` at -30 (never chosen)."""
    from sklearn.linear_model import LogisticRegression

    weights = None if w is None else {k: float(w[k]) for k in range(n_classes)}
    clf = LogisticRegression(C=c, max_iter=max_iter, class_weight=weights)
    clf.fit(x, y)
    coef = np.zeros((n_classes, x.shape[1]), np.float32)
    intercept = np.full(n_classes, -30.0, np.float32)
    coef[clf.classes_] = clf.coef_
    intercept[clf.classes_] = clf.intercept_
    return coef, intercept


def fit_pooled(rows: np.ndarray, y: np.ndarray, c: float, balance: float, out: Path) -> None:
    mean = rows.mean(0)
    scale = rows.std(0)
    scale[scale < 1e-6] = 1.0
    w = class_weight(y, balance)
    coef, intercept = fit_logistic((rows - mean) / scale, y, c, w)
    save_standardised_linear(out, mean, scale, coef, intercept, class_weight=w.astype(np.float32))


def fit_lexical(blocks: list[list[Block]], y: np.ndarray, c: float, balance: float, out: Path) -> int:
    """Fit on the buckets found in at least two training spans (the vocabulary); returns its size."""
    from scipy import sparse

    idf = fit_idf(blocks, min_df=2)
    col = {k: i for i, k in enumerate(sorted(idf))}
    ind: list[int] = []
    val: list[float] = []
    ptr = [0]
    for b in blocks:
        row = tfidf(b, idf, LEXICAL_SCALES)
        ind.extend(col[k] for k in row)
        val.extend(row.values())
        ptr.append(len(ind))
    x = sparse.csr_matrix((np.array(val, np.float32), np.array(ind, np.int64), np.array(ptr)),
                          shape=(len(blocks), len(col)))
    w = class_weight(y, balance)
    coef, intercept = fit_logistic(x, y, c, w)
    full = np.zeros((1 << 20, N_TECH), np.float32)
    full[np.array(sorted(idf), np.int64)] = coef.T
    return save_sparse_linear(out, idf, full, intercept=intercept, class_weight=w.astype(np.float32))


def meme_views(folder: Path, layers: list[int], cache: Path) -> tuple[np.ndarray, list[list[Block]], np.ndarray]:
    """Pooled rows, lexical blocks and labels of the meme spans whose technique PTC has (train, dev and test
    files: none of them is PTC evaluation data). Encoder states are computed once and cached."""
    from spinscope.inference.token_encoder import TokenEncoder

    memes = [m for f in ("training_set_task2.json", "dev_set_task2.json", "test_set_task2.json")
             for m in json.loads((folder / f).read_text(encoding="utf-8"))]
    spans = [(i, lab["start"], lab["end"], PTC_TECHNIQUES.index(MEME_TECHNIQUES[lab["technique"]]))
             for i, m in enumerate(memes) for lab in m["labels"] if lab["technique"] in MEME_TECHNIQUES
             and 0 <= lab["start"] < lab["end"] <= len(m["text"])]
    blocks = [lexical_blocks(memes[i]["text"], memes[i]["text"].lower(), s, e, title_end_of(memes[i]["text"]))
              for i, s, e, _ in spans]
    y = np.array([t for *_, t in spans])
    if cache.is_file():
        with np.load(cache) as z:
            return z["rows"], blocks, y
    enc = TokenEncoder(threads=1)
    by: dict[int, list[tuple[int, int]]] = {}
    for i, s, e, _ in spans:  # spans are in meme order
        by.setdefault(i, []).append((s, e))
    rows = []
    for i, ranges in by.items():
        text = memes[i]["text"]
        toks = enc.tokenize(text)
        states = enc.states(toks, layers)
        lower, tend = text.lower(), title_end_of(text)
        rows += [pooled_row(states, toks.offsets, text, s, e, span_features(text, lower, s, e, tend))
                 for s, e in ranges]
    np.savez(cache, rows=np.stack(rows), y=y)
    return np.stack(rows), blocks, y


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m spinscope.train.ptc_tc", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="PTC folder (train-articles, train-task-flc-tc.labels)")
    ap.add_argument("--work", type=Path, required=True, help="the work folder of spinscope.train.ptc_heads")
    ap.add_argument("--out", type=Path, default=OUT_DEFAULT, help="the shipped model folder (heads already there)")
    ap.add_argument("--folds", type=int, default=5, help="grouped folds (as in the heads' run)")
    ap.add_argument("--pooled-c", type=lambda s: [float(x) for x in s.split(",")], default=[0.002, 0.005, 0.02],
                    help="inverse regularisation strengths tried for the pooled-states model")
    ap.add_argument("--lexical-c", type=lambda s: [float(x) for x in s.split(",")], default=[4.0],
                    help="inverse regularisation strengths tried for the lexical model")
    ap.add_argument("--balance", type=float, default=0.5, help="class weight = (N / n_class) ** this")
    ap.add_argument("--memes", type=Path, default=None,
                    help="SemEval-2021 Task 6 folder: its technique spans join every fold's training rows")
    args = ap.parse_args(argv)
    t_start = time.time()
    from spinscope.inference.ptc_model import PTCModel

    texts = read_articles(args.data / "train-articles")
    gold = [g for g in read_labels(args.data / "train-task-flc-tc.labels", with_technique=True) if g.technique]
    folds = grouped_folds(texts, args.folds)
    gf = np.array([folds[g.article_id] for g in gold])
    y = np.array([PTC_TECHNIQUES.index(g.technique) for g in gold])
    tc_dir = args.work / "tc"
    tc_dir.mkdir(parents=True, exist_ok=True)

    # the three views of every gold span: heads (out of fold, raw), pooled-states rows, lexical blocks
    models = {}
    for k in range(args.folds):
        models[k] = PTCModel(args.work / f"fold{k}")
        models[k].load()
    by: dict[str, list[int]] = {}
    for i, g in enumerate(gold):
        by.setdefault(g.article_id, []).append(i)
    heads = np.zeros((len(gold), N_TECH), np.float32)
    rows: np.ndarray | None = None
    blocks: list[list[Block]] = [[] for _ in gold]
    memo: dict[str, int] = {}
    for aid, idx in sorted(by.items()):
        text = texts[aid]
        lower, tend = text.lower(), title_end_of(text)
        with np.load(args.work / "feats" / f"{aid}.npz") as z:
            toks, states = Tokens(z["ids"], z["offsets"]), z["h"].astype(np.float32)
        m = models[folds[aid]]
        enc = m.encode_states(text, toks, states)
        ranges = [(gold[i].start, gold[i].end) for i in idx]
        heads[idx] = m.technique_views(enc, ranges, only=("heads",))["heads"]
        r = np.stack([pooled_row(states, toks.offsets, text, s, e, span_features(text, lower, s, e, tend))
                      for s, e in ranges])
        if rows is None:
            rows = np.zeros((len(gold), r.shape[1]), np.float32)
        rows[idx] = r
        for i, (s, e) in zip(idx, ranges, strict=True):
            blocks[i] = lexical_blocks(text, lower, s, e, tend, memo)
    assert rows is not None
    print(f"views of {len(gold)} gold spans ready ({time.time() - t_start:.0f} s)", flush=True)

    if args.memes is not None:
        layers = list(models[0].config["layers"])
        m_rows, m_blocks, m_y = meme_views(args.memes, layers, tc_dir / f"memes_L{'-'.join(map(str, layers))}.npz")
        print(f"{len(m_y)} meme spans join the training rows", flush=True)
    else:
        m_rows, m_blocks, m_y = np.zeros((0, rows.shape[1]), np.float32), [], np.zeros(0, np.int64)
    tag = "_memes" if args.memes is not None else ""

    def oof(kind: str, c: float) -> np.ndarray:
        """Out-of-fold probabilities of one linear view at strength c (fold models kept in WORK/tc)."""
        out = np.zeros((len(gold), N_TECH), np.float32)
        for k in range(args.folds):
            path = tc_dir / f"fold{k}_{kind}_C{c:g}{tag}.npz"
            tr, te = np.nonzero(gf != k)[0], np.nonzero(gf == k)[0]
            if not path.is_file():
                t0 = time.time()
                tmp = path.with_suffix(".tmp.npz")
                y_tr = np.concatenate([y[tr], m_y])
                if kind == "pooled":
                    fit_pooled(np.concatenate([rows[tr], m_rows]), y_tr, c, args.balance, tmp)
                else:
                    fit_lexical([blocks[i] for i in tr] + m_blocks, y_tr, c, args.balance, tmp)
                tmp.replace(path)
                print(f"  {path.name} ({time.time() - t0:.0f} s)", flush=True)
            out[te] = view_probs(kind, path, rows[te], [blocks[i] for i in te])
        return out

    pooled = {c: oof("pooled", c) for c in args.pooled_c}
    lexical = {c: oof("lexical", c) for c in args.lexical_c}
    weights = {k: class_weight(y[gf != k], args.balance) for k in range(args.folds)}  # the heads' loss weights

    def blend(idx: np.ndarray, k: int, choice: tuple[float, float, float, float, float]) -> np.ndarray:
        cp, cl, alpha, wp, wl = choice
        ph = unweight(heads[idx], weights[k] ** alpha)
        return (1 - wp - wl) * ph + wp * pooled[cp][idx] + wl * lexical[cl][idx]

    def labels(idx: np.ndarray, probs: np.ndarray) -> list[Annotation]:
        return [Annotation(gold[i].article_id, gold[i].start, gold[i].end, PTC_TECHNIQUES[int(j)])
                for i, j in zip(idx, probs.argmax(1), strict=True)]

    def f1_on(fold_list: list[int], choice: tuple[float, float, float, float, float]) -> float:
        """TC micro-F1 over the folds' gold spans. Identical spans get identical predictions, so the
        scorer's alignment of their labels reduces this to the share of gold labels predicted (asserted
        against ``score_tc`` for the choices reported below)."""
        right = sum(int((blend(idx, k, choice).argmax(1) == y[idx]).sum())
                    for k in fold_list for idx in [np.nonzero(gf == k)[0]])
        return right / int(np.isin(gf, fold_list).sum())

    choices = [(cp, cl, a, wp, wl) for cp in args.pooled_c for cl in args.lexical_c for a in ALPHAS
               for wp, wl in itertools.product(GRID, GRID) if wp + wl <= 1.0 + 1e-9]
    per_fold, all_pred = [], []
    for k in range(args.folds):
        inner = [j for j in range(args.folds) if j != k]
        best = max(choices, key=lambda ch: f1_on(inner, ch))
        idx = np.nonzero(gf == k)[0]
        pred = labels(idx, blend(idx, k, best))
        all_pred += pred
        tc = score_tc([gold[i] for i in idx], pred)
        assert abs(tc.f1 - f1_on([k], best)) < 1e-9
        heads_only = score_tc([gold[i] for i in idx], labels(idx, blend(idx, k, (best[0], best[1], 1.0, 0, 0))))
        per_fold.append({"fold": k, "spans": int(len(idx)), "choice": dict(zip(
            ("pooled_c", "lexical_c", "heads_alpha", "w_pooled", "w_lexical"), best, strict=True)),
            "tc_f1": tc.f1, "tc_f1_heads_only": heads_only.f1,
            "tc_per_technique": {t: v["f1"] for t, v in tc.per_technique.items()}})
        print(f"fold {k}: {best} (inner) TC {tc.f1:.4f} (the heads alone, alpha 1: {heads_only.f1:.4f})",
              flush=True)
    f1s = np.array([f["tc_f1"] for f in per_fold])
    pooled_tc = score_tc(gold, all_pred)
    shipped = max(choices, key=lambda ch: f1_on(list(range(args.folds)), ch))
    single = {"heads": f1_on(list(range(args.folds)), (shipped[0], shipped[1], 1.0, 0, 0)),
              "pooled": f1_on(list(range(args.folds)), (shipped[0], shipped[1], 1.0, 1, 0)),
              "lexical": f1_on(list(range(args.folds)), (shipped[0], shipped[1], 1.0, 0, 1))}
    cv = {"per_fold": per_fold, "tc_f1_mean": float(f1s.mean()), "tc_f1_sd": float(f1s.std(ddof=1)),
          "tc_pooled_nested": pooled_tc.f1,
          "tc_pooled_per_technique": {t: v["f1"] for t, v in pooled_tc.per_technique.items()},
          "shipped_choice": dict(zip(("pooled_c", "lexical_c", "heads_alpha", "w_pooled", "w_lexical"), shipped,
                                     strict=True)),
          "shipped_choice_tc_f1_all_folds": f1_on(list(range(args.folds)), shipped),
          "single_views_tc_f1_pooled": single}
    (tc_dir / "cv.json").write_text(json.dumps(cv, indent=2) + "\n", encoding="utf-8")
    print(f"grouped {args.folds}-fold, nested: TC {f1s.mean():.4f} ± {f1s.std(ddof=1):.4f} (pooled {pooled_tc.f1:.4f});"
          f" single views (pooled over folds): {single}; shipped {shipped}", flush=True)

    cp, cl, alpha, wp, wl = shipped
    blend_cfg = {"heads": round(1 - wp - wl, 4), "pooled": wp, "lexical": wl}
    for k in range(args.folds):  # fold models carry the shipped choice (spinscope.train.calibrate reads them)
        fdir = args.work / f"fold{k}"
        shutil.copyfile(tc_dir / f"fold{k}_pooled_C{cp:g}{tag}.npz", fdir / "tc_pooled.npz")
        shutil.copyfile(tc_dir / f"fold{k}_lexical_C{cl:g}{tag}.npz", fdir / "tc_lexical.npz")
        update_config(fdir / "config.json", tc_adjust=[float(v) for v in weights[k] ** -alpha], tc_blend=blend_cfg)

    t_final = time.time()
    fit_pooled(np.concatenate([rows, m_rows]), np.concatenate([y, m_y]), cp, args.balance, args.out / "tc_pooled.npz")
    vocab = fit_lexical(blocks + m_blocks, np.concatenate([y, m_y]), cl, args.balance, args.out / "tc_lexical.npz")
    update_config(args.out / "config.json", tc_adjust=[float(v) for v in class_weight(y, args.balance) ** -alpha],
                  tc_blend=blend_cfg)
    update_card(args.out, "technique_views", "ptc_tc", argv, args.data, t_start, t_final, grouped_cv=cv,
                lexical_vocabulary=vocab)
    print(f"wrote {args.out} ({time.time() - t_start:.0f} s in all)")


def view_probs(kind: str, path: Path, rows: np.ndarray, blocks: list[list[Block]]) -> np.ndarray:
    if kind == "pooled":
        return PooledTC(path).probs(rows)
    return LexicalTC(path).probs(blocks)


if __name__ == "__main__":
    main()
