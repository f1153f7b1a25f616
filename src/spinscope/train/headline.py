"""Train the headline models: clickbait (logistic) and FNC-1 stance (small MLP), exported to numpy weights.

    python -m spinscope.train.headline clickbait [--data DIR] [--out DIR] [--seed N]
    python -m spinscope.train.headline stance [--data DIR] [--out DIR] [--seed N]

(also ``spinscope train clickbait|stance``). Training uses scikit-learn / torch; the exported
``weights.npz`` is read by numpy-only code in ``spinscope.evaluation.{clickbait,fnc1}``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.train.common import sha256_file

DATA_DEFAULT = Path(os.environ.get("SPINSCOPE_DATA", Path(__file__).resolve().parents[4] / "shared" / "data"))
MODELS = Path(__file__).resolve().parents[1] / "resources" / "models"
MIN_DF = 2  # an n-gram must occur in two training headlines to enter the vocabulary


# ----------------------------------------------------------------------------------------- clickbait
def _clickbait_matrix(
    blocks: list[list[Any]], idf: dict[int, float], heads: list[str], emb: np.ndarray, emb_scale: float
) -> Any:
    import scipy.sparse as sp

    from spinscope.evaluation.clickbait import HASH_BITS, cue_vector
    from spinscope.inference.hashed_tfidf import tfidf

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, b in enumerate(blocks):
        for k, v in tfidf(b, idf).items():
            rows.append(i)
            cols.append(k)
            vals.append(v)
    ng = sp.csr_matrix((vals, (rows, cols)), shape=(len(heads), 1 << HASH_BITS), dtype=np.float32)
    cues = sp.csr_matrix(np.stack([cue_vector(h) for h in heads]))
    return sp.hstack([ng, cues, sp.csr_matrix(emb * emb_scale)], format="csr")


def train_clickbait(data: Path, out: Path, seed: int = 13) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    from spinscope.evaluation.clickbait import (
        HASH_BITS,
        N_CUE_FEATURES,
        binary_metrics,
        load_corpus,
        ngram_blocks,
        ptc_titles,
        split,
    )
    from spinscope.inference.hashed_tfidf import fit_idf, save_sparse_linear
    from spinscope.inference.sentence_encoder import SentenceEncoder

    t0 = time.time()
    cdir = data / "clickbait"
    train, val = split(load_corpus(cdir))
    enc = SentenceEncoder()
    tr_h, tr_y = [h for h, _ in train], np.array([y for _, y in train])
    va_h, va_y = [h for h, _ in val], np.array([y for _, y in val])
    tr_e, va_e = enc.encode(tr_h), enc.encode(va_h)
    emb_scale = 2.0
    tr_b = [ngram_blocks(h) for h in tr_h]
    idf = fit_idf(tr_b, min_df=MIN_DF)  # vocabulary and idf from the training headlines only
    x_tr = _clickbait_matrix(tr_b, idf, tr_h, tr_e, emb_scale)
    # Model selection by 5-fold cross-validation on train (item i in fold i % 5), never on validation.
    fold = np.arange(len(tr_h)) % 5
    search: dict[str, float] = {}
    for c in (3.0, 10.0, 30.0, 100.0):
        accs = []
        for f in range(5):
            clf = LogisticRegression(C=c, solver="liblinear", max_iter=3000, random_state=seed)
            clf.fit(x_tr[fold != f], tr_y[fold != f])
            accs.append(float((clf.predict(x_tr[fold == f]) == tr_y[fold == f]).mean()))
        search[str(c)] = round(float(np.mean(accs)), 5)
    best_c = float(max(search, key=lambda k: search[k]))
    clf = LogisticRegression(C=best_c, solver="liblinear", max_iter=3000, random_state=seed)
    clf.fit(x_tr, tr_y)
    coef = clf.coef_[0].astype(np.float32)
    n_ng = 1 << HASH_BITS
    out.mkdir(parents=True, exist_ok=True)
    kept = save_sparse_linear(
        out / "weights.npz",
        idf,
        coef[:n_ng, None],
        w_cue=coef[n_ng : n_ng + N_CUE_FEATURES],
        w_emb=coef[n_ng + N_CUE_FEATURES :],
        bias=np.float32(clf.intercept_[0]),
        emb_scale=np.float32(emb_scale),
    )
    # Validation figures from the exported numpy model (exactly what run time computes).
    from spinscope.evaluation.clickbait import ClickbaitModel

    model = ClickbaitModel(out)
    p_va = model.predict_proba(va_h, va_e)
    titles = ptc_titles(data / "ptc")
    p_pt = model.predict_proba(titles, enc.encode(titles))
    card = {
        "name": "spinscope clickbait headline model",
        "kind": "logistic regression (liblinear) on hashed TF-IDF word 1-3-grams and char 2-5-grams + cue counts + "
        "MiniLM embedding",
        "command": "python -m spinscope.train.headline clickbait  (= spinscope train clickbait)",
        "data": {
            "corpus": "Chakraborty et al. 2016 clickbait corpus, 80% copy in shared/data/clickbait",
            "sha256": {p.name: sha256_file(p) for p in sorted(cdir.glob("*.gz"))},
            "train": len(train),
            "validation": len(val),
            "split": "validation iff int(sha256('spinscope-clickbait-val:' + headline), 16) % 10 < 2",
        },
        "settings": {
            "hash_bits": HASH_BITS,
            "emb_scale": emb_scale,
            "C": best_c,
            "C_search_cv5_accuracy": search,
            "lowercased_ngrams": True,
            "ngram_vocabulary_buckets": kept,
            "min_df": MIN_DF,
            "ngram_weights": "float16-rounded",
        },
        "seed": seed,
        "validation": binary_metrics(va_y.tolist(), p_va),
        "ptc_train_titles": {
            "n": len(titles),
            "flagged_share": round(float((p_pt >= 0.5).mean()), 4),
            "mean_probability": round(float(p_pt.mean()), 4),
        },
        "time_taken_s": round(time.time() - t0, 1),
        "machine": "2-core CPU, no GPU",
        "python": platform.python_version(),
    }
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card


# --------------------------------------------------------------------------------------------- stance
def _inner_body(body_id: int) -> bool:
    return int(hashlib.sha256(f"spinscope-fnc1-inner:{body_id}".encode()).hexdigest(), 16) % 10 == 0


def _stance_features(data: Path, cache: Path | None) -> dict[str, Any]:
    """Features of every FNC-1 train pair, with the IDF table fitted on the training bodies only.
    ``cache``: a pickle of the sentence and headline embeddings, written on first use and reused."""
    import math
    import pickle
    from collections import Counter

    from spinscope.evaluation.fnc1 import (
        MAX_TOKENS,
        StanceModel,
        content_stems,
        encode_bodies,
        is_validation_body,
        read_bodies,
        read_stances,
    )
    from spinscope.inference.sentence_encoder import SentenceEncoder

    fdir = data / "fnc1"
    bodies = read_bodies(fdir / "train_bodies.csv")
    pairs = read_stances(fdir / "train_stances.csv")
    train_ids = [b for b in bodies if not is_validation_body(b)]
    train_heads = sorted({h for h, b, _ in pairs if not is_validation_body(b)})
    df: Counter[str] = Counter()
    for b in train_ids:
        df.update(set(content_stems(bodies[b])))
    for h in train_heads:
        df.update(set(content_stems(h)))
    n_docs = len(train_ids) + len(train_heads)
    idf = {w: round(math.log((n_docs + 1) / (c + 1)) + 1, 3) for w, c in df.items() if c >= 2}
    default_idf = round(math.log((n_docs + 1) / 2) + 1, 3)
    t0 = time.time()
    if cache is not None and cache.is_file():
        with cache.open("rb") as f:
            infos, h_emb = pickle.load(f)  # noqa: S301 - our own cache file
    else:
        enc = SentenceEncoder()
        infos = encode_bodies(bodies, enc)
        heads = sorted({h for h, _, _ in pairs})
        h_emb = dict(zip(heads, enc.encode(heads, max_tokens=MAX_TOKENS), strict=True))
        if cache is not None:
            with cache.open("wb") as f:
                pickle.dump((infos, h_emb), f)
    encode_s = time.time() - t0
    model = StanceModel.__new__(StanceModel)
    model.idf, model.default_idf = idf, default_idf
    # Every body sentence is embedded once; each pair then sees only the focus sentences run time embeds.
    x = np.stack([model.pair_row(h, h_emb[h], infos[b]) for h, b, _ in pairs])
    from spinscope.evaluation.fnc1 import LABELS

    y = np.array([LABELS.index(str(g)) for _, _, g in pairs])
    bid = np.array([b for _, b, _ in pairs])
    return {
        "x": x,
        "y": y,
        "bid": bid,
        "idf": idf,
        "default_idf": default_idf,
        "encode_s": encode_s,
        "n_sentences": sum(len(i.sentences) for i in infos.values()),
    }


def train_stance(
    data: Path, out: Path, seed: int = 13, cache: Path | None = None, hidden: int = 128, epochs: int = 16
) -> dict[str, Any]:
    import torch

    from spinscope.evaluation.fnc1 import (
        FOCUS_LEAD,
        FOCUS_SENTENCES,
        LABELS,
        MAX_TOKENS,
        StanceModel,
        is_validation_body,
        score,
    )

    t0 = time.time()
    fdir = data / "fnc1"
    feats = _stance_features(data, cache)
    x, y, bid = feats["x"], feats["y"], feats["bid"]
    val = np.array([is_validation_body(int(b)) for b in bid])
    inner = np.array([_inner_body(int(b)) for b in bid]) & ~val
    fit = ~val & ~inner
    mean = x[~val].mean(axis=0)
    std = x[~val].std(axis=0) + 1e-4
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)

    xt = torch.tensor((x[fit] - mean) / std, dtype=torch.float32)
    yt = torch.tensor(y[fit])
    xm = torch.tensor((x[inner] - mean) / std, dtype=torch.float32)
    counts = np.bincount(y[fit], minlength=4).astype(np.float64)
    weights = torch.tensor((counts.sum() / (4 * counts)) ** 0.5, dtype=torch.float32)
    net = torch.nn.Sequential(
        torch.nn.Dropout(0.1),
        torch.nn.Linear(x.shape[1], hidden),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.4),
        torch.nn.Linear(hidden, 4),
    )
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-2)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    hist: list[float] = []
    best_state: dict[str, Any] = {}
    for _ in range(epochs):  # early stopping: keep the epoch that scores best on the inner split
        net.train()
        perm = rng.permutation(len(yt))
        for k in range(0, len(perm), 512):
            idx = perm[k : k + 512]
            opt.zero_grad()
            loss = loss_fn(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            p = net(xm).argmax(1).numpy()
        s = score([LABELS[i] for i in y[inner]], [LABELS[i] for i in p])
        hist.append(s["fnc_percent"] / 100 + s["macro_f1"])
        print(f"epoch {len(hist)}: inner FNC {s['fnc_percent']}% macro-F1 {s['macro_f1']}", flush=True)
        if hist[-1] >= max(hist):
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
    best_epochs = int(np.argmax(hist)) + 1
    net.load_state_dict(best_state)
    net.eval()
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    out.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {
        "mean": mean.astype(np.float32),
        "std": std.astype(np.float32),
        "n_layers": np.int64(len(linears)),
    }
    for i, lin in enumerate(linears):
        arrays[f"w{i}"] = lin.weight.detach().numpy().T.astype(np.float32)
        arrays[f"b{i}"] = lin.bias.detach().numpy().astype(np.float32)
    np.savez_compressed(out / "weights.npz", **arrays)
    (out / "idf.json").write_text(
        json.dumps(
            {"default_idf": feats["default_idf"], "idf": dict(sorted(feats["idf"].items()))}, separators=(",", ":")
        )
        + "\n",
        encoding="utf-8",
    )
    model = StanceModel(out)
    p_val = model.predict_proba(x[val]).argmax(axis=1)
    result = score([LABELS[i] for i in y[val]], [LABELS[i] for i in p_val])
    # The figures `spinscope eval fnc1` prints: features recomputed from the files, validation bodies only
    # (int8 dynamic quantisation makes embeddings depend slightly on batch mates, so these differ a little
    # from the training-time features above).
    from spinscope.evaluation.fnc1 import evaluate

    cli_result = evaluate(fdir / "train_bodies.csv", fdir / "train_stances.csv", validation_only=True, model_dir=out)
    card = {
        "name": "spinscope FNC-1 stance model (headline vs body)",
        "kind": f"MLP {x.shape[1]}-{hidden}-4 (ReLU, dropout) over encoder similarity, lexical, cue and "
        "embedding-interaction features; numpy inference",
        "command": "python -m spinscope.train.headline stance  (= spinscope train stance)",
        "data": {
            "corpus": "FNC-1 train (shared/data/fnc1)",
            "sha256": {n: sha256_file(fdir / n) for n in ("train_bodies.csv", "train_stances.csv")},
            "split": "validation iff int(sha256('spinscope-fnc1-val:' + str(body_id)), 16) % 10 < 2 "
            "(bodies never shared between train and validation)",
            "train_pairs": int(fit.sum()),
            "inner_early_stopping_pairs": int(inner.sum()),
            "validation_pairs": int(val.sum()),
            "validation_bodies": len({int(b) for b in bid[val]}),
            "body_sentences_embedded": feats["n_sentences"],
        },
        "settings": {
            "focus_sentences": FOCUS_SENTENCES,
            "focus_lead": FOCUS_LEAD,
            "max_tokens_per_text": MAX_TOKENS,
            "hidden": hidden,
            "epochs_max": epochs,
            "epochs_chosen": best_epochs,
            "epoch_choice": "early stopping: best FNC%/100 + macro-F1 on an inner body-disjoint 10% "
            "of train (the network is trained on the other 90% of train bodies)",
            "class_weights": "sqrt inverse frequency",
            "optimizer": "AdamW lr 1e-3 wd 1e-2, batch 512",
            "inner_history": [round(h, 4) for h in hist],
        },
        "seed": seed,
        "validation": cli_result,
        "validation_training_features": result,
        "time_taken_s": round(time.time() - t0, 1),
        "machine": "2-core CPU, no GPU",
        "python": platform.python_version(),
        "torch": torch.__version__,
    }
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card


def main() -> None:
    ap = argparse.ArgumentParser(description="Train spinscope headline models.")
    ap.add_argument("task", choices=["clickbait", "stance"])
    ap.add_argument("--data", type=Path, default=DATA_DEFAULT)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--cache", type=Path, default=None, help="stance: pickle of sentence embeddings to reuse")
    args = ap.parse_args()
    if args.task == "clickbait":
        card = train_clickbait(args.data, args.out or MODELS / "clickbait", args.seed)
    else:
        card = train_stance(args.data, args.out or MODELS / "stance", args.seed, args.cache)
    print(json.dumps({k: card[k] for k in ("validation", "time_taken_s")}, indent=2))


if __name__ == "__main__":
    main()
