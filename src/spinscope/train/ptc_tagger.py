"""Train the linear token tagger and choose its weight beside the heads and the SI threshold, on grouped folds.

Runs after ``spinscope.train.ptc_heads`` on the same work folder (cached encoder states ``WORK/feats``, fold
heads ``WORK/fold<k>``). Per grouped fold, a multinomial logistic regression (O/B/I) is fitted on tokens of
the other folds (``spinscope.inference.ptc_tagger``: each token's states and their local mean; a random sample
of tokens keeps the fit small); its out-of-fold probabilities are averaged with the fold heads' at several
weights and decoded at several thresholds. For each fold the (weight, threshold) pair is chosen on the other
folds' out-of-fold spans and the fold is scored with it (SI span F1): nested figure, spread and pooled figure in
``WORK/tagger/cv.json`` and the model card. The shipped pair is the best on all out-of-fold spans; the fold
models get it too (so ``spinscope.train.calibrate`` sees what the shipped model does) and the final tagger is
fitted on every article into OUT. Resumable: finished fold fits are kept.

    HF_HUB_OFFLINE=1 python -m spinscope.train.ptc_tagger --data ../shared/data/ptc --work W
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.evaluation.ptc import Annotation, read_articles, read_labels, score_si
from spinscope.evaluation.ptc_folds import grouped_folds
from spinscope.inference.ptc_tagger import LinearTagger, token_rows
from spinscope.inference.ptc_tc import save_standardised_linear
from spinscope.train.ptc_heads import DECODE, OUT_DEFAULT, load_articles, update_card, update_config
from spinscope.train.ptc_tc import fit_logistic


def fit_tagger(arts: dict[str, dict[str, Any]], ids: list[str], c: float, sample: int, seed: int, out: Path) -> None:
    x = np.vstack([token_rows(arts[a]["h"]) for a in ids])
    y = np.concatenate([arts[a]["lab"] for a in ids])
    pick = np.random.default_rng(seed).choice(len(x), min(len(x), sample), replace=False)
    x, y = x[pick], y[pick]
    mean = x.mean(0)
    scale = x.std(0) + 1e-6
    coef, intercept = fit_logistic((x - mean) / scale, y, c, None, n_classes=3, max_iter=300)
    save_standardised_linear(out, mean, scale, coef, intercept)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m spinscope.train.ptc_tagger", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="PTC folder (train-articles, train-task-flc-tc.labels)")
    ap.add_argument("--work", type=Path, required=True, help="the work folder of spinscope.train.ptc_heads")
    ap.add_argument("--out", type=Path, default=OUT_DEFAULT, help="the shipped model folder (heads already there)")
    ap.add_argument("--folds", type=int, default=5, help="grouped folds (as in the heads' run)")
    ap.add_argument("--c", type=float, default=0.05, help="inverse regularisation strength")
    ap.add_argument("--sample", type=int, default=150_000, help="training tokens sampled per fit")
    ap.add_argument("--weights", type=lambda s: [float(x) for x in s.split(",")], default=[0.0, 0.2, 0.35, 0.5],
                    help="weights of the linear tagger tried (0 = the heads alone)")
    ap.add_argument("--thresholds", type=lambda s: [float(x) for x in s.split(",")],
                    default=[0.35, 0.4, 0.45, 0.5, 0.55, 0.6], help="SI thresholds tried")
    ap.add_argument("--seed", type=int, default=0, help="token sampling seed")
    args = ap.parse_args(argv)
    t_start = time.time()
    from spinscope.inference.ptc_model import Encoded, PTCModel
    from spinscope.inference.windows import Tokens

    texts = read_articles(args.data / "train-articles")
    gold = read_labels(args.data / "train-task-flc-tc.labels", with_technique=True)
    folds = grouped_folds(texts, args.folds)
    arts = load_articles(texts, gold, args.work)
    ids = sorted(texts)
    tdir = args.work / "tagger"
    tdir.mkdir(parents=True, exist_ok=True)
    lin: dict[str, np.ndarray] = {}
    for k in range(args.folds):
        path = tdir / f"fold{k}.npz"
        if not path.is_file():
            t0 = time.time()
            fit_tagger(arts, [a for a in ids if folds[a] != k], args.c, args.sample, args.seed + k,
                       path.with_suffix(".tmp.npz"))
            path.with_suffix(".tmp.npz").replace(path)
            print(f"  {path.name} ({time.time() - t0:.0f} s)", flush=True)
        tagger = LinearTagger(path)
        for a in ids:
            if folds[a] == k:
                lin[a] = tagger.probs(arts[a]["h"].astype(np.float32))

    models = {}
    for k in range(args.folds):
        models[k] = PTCModel(args.work / f"fold{k}")
        models[k].load()
        models[k].config["si_blend"] = 0.0  # the heads' own probabilities; the average is taken below
    spans: dict[tuple[float, float], list[Annotation]] = {(w, t): [] for w in args.weights for t in args.thresholds}
    for a in ids:
        m = models[folds[a]]
        enc = m.encode_states(texts[a], Tokens(arts[a]["ids"], arts[a]["off"]), arts[a]["h"].astype(np.float32))
        for w in args.weights:
            mixed = Encoded(enc.text, enc.tokens, enc.hidden,
                            ((1 - w) * enc.si_probs + w * lin[a]).astype(np.float32), enc.states)
            for t in args.thresholds:
                spans[(w, t)] += [Annotation(a, s, e) for s, e, *_ in m.spans(mixed, t, **DECODE)]
    print(f"out-of-fold spans decoded ({time.time() - t_start:.0f} s)", flush=True)

    def f1_on(fold_list: list[int], key: tuple[float, float]) -> float:
        keep = {a for a in ids if folds[a] in fold_list}
        return score_si(gold, [s for s in spans[key] if s.article_id in keep], sorted(keep)).f1

    per_fold, chosen = [], {}
    for k in range(args.folds):
        inner = [j for j in range(args.folds) if j != k]
        best = max(spans, key=lambda key: f1_on(inner, key))
        chosen[k] = best
        fold_ids = [a for a in ids if folds[a] == k]
        si = score_si(gold, [s for s in spans[best] if folds[s.article_id] == k], fold_ids)
        heads_t = max(args.thresholds, key=lambda t: f1_on(inner, (0.0, t)))
        heads_only = f1_on([k], (0.0, heads_t))
        per_fold.append({"fold": k, "weight": best[0], "threshold": best[1], "si": si.to_dict(),
                         "si_f1_heads_only": heads_only})
        print(f"fold {k}: weight {best[0]}, threshold {best[1]} (inner): SI {si.f1:.4f} (P {si.precision:.3f} "
              f"R {si.recall:.3f}); the heads alone {heads_only:.4f}", flush=True)
    f1s = np.array([f["si"]["f1"] for f in per_fold])
    pooled = score_si(gold, [s for k in range(args.folds) for s in spans[chosen[k]] if folds[s.article_id] == k], ids)
    shipped = max(spans, key=lambda key: f1_on(list(range(args.folds)), key))
    cv = {"per_fold": per_fold, "si_f1_mean": float(f1s.mean()), "si_f1_sd": float(f1s.std(ddof=1)),
          "si_pooled_nested": pooled.to_dict(),
          "si_f1_pooled_by_weight_threshold": {f"{w}@{t}": round(f1_on(list(range(args.folds)), (w, t)), 4)
                                               for w, t in spans},
          "shipped": {"weight": shipped[0], "threshold": shipped[1]}}
    (tdir / "cv.json").write_text(json.dumps(cv, indent=2) + "\n", encoding="utf-8")
    print(f"grouped {args.folds}-fold, nested: SI {f1s.mean():.4f} ± {f1s.std(ddof=1):.4f} (pooled {pooled.f1:.4f});"
          f" shipped weight {shipped[0]}, threshold {shipped[1]}", flush=True)

    w, t = shipped
    for k in range(args.folds):  # the fold models carry the shipped choice (spinscope.train.calibrate reads them)
        fdir = args.work / f"fold{k}"
        shutil.copyfile(tdir / f"fold{k}.npz", fdir / "si_linear.npz")
        update_config(fdir / "config.json", si_blend=w, si_threshold=t)
    t_final = time.time()
    fit_tagger(arts, ids, args.c, args.sample, args.seed + args.folds, args.out / "si_linear.npz")
    update_config(args.out / "config.json", si_blend=w, si_threshold=t)
    update_card(args.out, "token_tagger", "ptc_tagger", argv, args.data, t_start, t_final, grouped_cv=cv)
    print(f"wrote {args.out} ({time.time() - t_start:.0f} s in all)")


if __name__ == "__main__":
    main()
