"""Experiment (issue 18, session 9; nothing here is shipped): does the encoder reading the headline and the
body evidence *together* (a cross-encoder) help the stance model, disagree above all?

The shipped model compares separately computed embeddings. Here each (headline, body) pair's three body
sentences covering the headline best are encoded as one sequence ``[CLS] headline [SEP] sentence [SEP]``
(headline cut to 24 wordpieces, sequence to 64) and the states of the sentence's tokens are pooled:

    python -m spinscope.train.stance_cross features [--data DIR] [--cache F] [--work DIR]
    python -m spinscope.train.stance_cross evaluate VARIANT [VARIANT ...] [--work DIR]
    python -m spinscope.train.stance_cross finetune [--work DIR]

``features`` runs the bundled int8 encoder (frozen) over every pair of the topic-disjoint folds
(``spinscope.train.headline.stance_data``) and stores three poolings per sentence: the mean of the last
layer's states (``last``), of layer 3's (``mid``), and the last layer's [CLS] state (``cls``); resumable
(chunks of 2,000 pairs). ``evaluate`` scores the shipped design (``base``) and the shipped design plus
stacked classifiers over these states, with the nested protocol of ``train_stance`` (folds 1-4; each
fold's stacked probabilities and class scale chosen without it; balanced class weights; fold 0 is not
read). Variants, joined by ``+``: ``pair-LAYER-K`` (a logistic regression over the mean of the first K
sentences' pooled states; its 3 probabilities) and ``slot-LAYER-K`` (a logistic regression over each of
the first K sentences; mean and max of its 3 probabilities over them, and the min of disagree).
``finetune`` is the probe of fine-tuning (torch, one thread; base weights verified by sha256): the
cross-encoder trained on the related pairs of folds 1-3 (the two best-covering sentences of each, the
pair's label, balanced class weights, one epoch), scored on the related pairs of fold 4 beside the
frozen classifiers trained on the same rows; checkpointed every 50 steps, so a stopped run resumes.
Figures and conclusions: docs/performance/headline.md.
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.train import headline as th

SLOTS = 3  # sentences per pair, best-covering first
MAX_HEADLINE = 24  # wordpieces of the headline in a joint sequence
MAX_LENGTH = 64  # wordpieces of the whole sequence, [CLS] and both [SEP] included
POOLINGS = ("last", "mid", "cls")
CHUNK = 2000
INNER = [k for k in range(th.N_FOLDS) if k != th.UNTOUCHED_FOLD]
SEED = 13
WORK_DEFAULT = Path("/tmp/spinscope-stance-cross")

FitPredict = Callable[[np.ndarray, np.ndarray], np.ndarray]


def joint_ids(tokenizer: Any, headline: str, sentence: str) -> tuple[list[int], int]:
    """``[CLS] headline [SEP] sentence [SEP]`` wordpiece ids and where the sentence's tokens start."""
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    h = tokenizer.encode(headline, add_special_tokens=False).ids[:MAX_HEADLINE]
    s = tokenizer.encode(sentence, add_special_tokens=False).ids[: MAX_LENGTH - 3 - len(h)]
    return [cls, *h, sep, *s, sep], len(h) + 2


def features(data: Path, cache: Path | None, work: Path) -> None:
    """The folds' data (``data.pkl``) and the frozen joint states of every pair (``chunks/NNN.npz``)."""
    from tokenizers import Tokenizer

    from spinscope.inference.onnx import cpu_session
    from spinscope.inference.sentence_encoder import DEFAULT_DIR

    t0 = time.time()
    (work / "chunks").mkdir(parents=True, exist_ok=True)
    if not (work / "data.pkl").is_file():
        with (work / "data.pkl").open("wb") as f:
            pickle.dump(th.stance_data(data / "fnc1", SEED, cache), f)
    d = _data(work)
    tokenizer = Tokenizer.from_file(str(DEFAULT_DIR / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    session = cpu_session(DEFAULT_DIR / "model_int8.onnx", 1)
    for c0 in range(0, len(d.pairs), CHUNK):
        path = work / "chunks" / f"{c0 // CHUNK:03d}.npz"
        if path.is_file():
            continue
        rows = range(c0, min(len(d.pairs), c0 + CHUNK))
        seqs = [(i - c0, j, *joint_ids(tokenizer, d.pairs[i][0], s)) for i in rows for j, s in enumerate(d.evidence[i])]
        states = np.zeros((len(rows), SLOTS, len(POOLINGS), 384), np.float16)
        valid = np.zeros((len(rows), SLOTS), bool)
        lengths = np.array([len(q[2]) for q in seqs])
        order = np.argsort(-lengths, kind="stable")
        for b in range(0, len(order), 32):
            batch = [seqs[q] for q in order[b : b + 32]]
            ids = np.zeros((len(batch), max(len(q[2]) for q in batch)), np.int64)
            mask = np.zeros_like(ids)
            for r, q in enumerate(batch):
                ids[r, : len(q[2])] = q[2]
                mask[r, : len(q[2])] = 1
            last, mid = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": 0 * ids})
            for r, (i, j, seq, start) in enumerate(batch):
                a, e = (start, len(seq) - 1) if len(seq) - 1 > start else (1, len(seq))  # the sentence's tokens
                states[i, j] = last[r, a:e].mean(0), mid[r, a:e, 2].mean(0), last[r, 0]
                valid[i, j] = True
        np.savez(path, states=states, valid=valid)
        print(f"pairs {c0 + len(rows)} of {len(d.pairs)}: {time.time() - t0:.0f}s", flush=True)


def _data(work: Path) -> th.StanceData:
    if not (work / "data.pkl").is_file():
        raise SystemExit(f"{work}/data.pkl is missing: run `python -m spinscope.train.stance_cross features` first")
    with (work / "data.pkl").open("rb") as f:
        d: th.StanceData = pickle.load(f)  # noqa: S301 - our own file
    return d


def _states(work: Path, n: int) -> tuple[np.ndarray, np.ndarray]:
    chunks = sorted((work / "chunks").glob("*.npz"))
    states = np.concatenate([np.load(c)["states"] for c in chunks])
    valid = np.concatenate([np.load(c)["valid"] for c in chunks])
    if len(states) != n:
        raise SystemExit(f"{work}/chunks holds {len(states)} of {n} pairs: run the features step to the end")
    return states, valid


def _unit(a: np.ndarray) -> np.ndarray:
    a = a.astype(np.float32)
    out: np.ndarray = a / np.maximum(np.linalg.norm(a, axis=-1, keepdims=True), 1e-9)
    return out


def _logistic() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced", random_state=SEED)


def pair_classifier(x: np.ndarray, y: np.ndarray) -> FitPredict:
    """Fit on the rows of one mask, predict the rows of another: agree/disagree/discuss probabilities."""

    def fit_predict(train: np.ndarray, rows: np.ndarray) -> np.ndarray:
        out: np.ndarray = _logistic().fit(x[train], y[train]).predict_proba(x[rows])
        return out

    return fit_predict


def slot_classifier(states: np.ndarray, valid: np.ndarray, y: np.ndarray, k: int) -> FitPredict:
    """One row per (pair, sentence) of the first ``k`` sentences, the pair's label; per pair the mean and max
    of each class probability over its sentences, and the min of disagree (7 values)."""

    def fit_predict(train: np.ndarray, rows: np.ndarray) -> np.ndarray:
        ii, jj = np.nonzero(train[:, None] & valid[:, :k])
        model = _logistic().fit(states[ii, jj], y[ii])
        idx = np.flatnonzero(rows)
        p = model.predict_proba(states[idx, :k].reshape(-1, states.shape[-1])).reshape(len(idx), k, 3)
        v = valid[idx, :k, None]
        mean = (p * v).sum(1) / np.maximum(v.sum(1), 1)
        high = np.where(v.any(1), np.where(v, p, -1.0).max(1), mean)
        low = np.where(v.any(1), np.where(v, p, 2.0).min(1), mean)
        return np.hstack([mean, high, low[:, 1:2]])

    return fit_predict


def _variant_features(name: str, states: np.ndarray, valid: np.ndarray, y: np.ndarray) -> FitPredict:
    kind, pooling, k_text = name.split("-")
    k = int(k_text)
    if kind not in ("pair", "slot") or pooling not in POOLINGS or not 1 <= k <= SLOTS:
        raise SystemExit(f"unknown variant part {name!r} (pair|slot)-(last|mid|cls)-(1..{SLOTS})")
    s = _unit(states[:, :, POOLINGS.index(pooling)])
    if kind == "slot":
        return slot_classifier(s, valid, y, k)
    v = valid[:, :k, None]
    return pair_classifier(_unit((s[:, :k] * v).sum(1) / np.maximum(v.sum(1), 1)), y)


def evaluate(variants: list[str], work: Path) -> None:
    """Nested cross-validation over folds 1-4 of the shipped design plus each variant's stacked features;
    one JSON line per variant in ``results.jsonl``."""
    from spinscope.inference.hashed_tfidf import fit_idf

    t0 = time.time()
    d = _data(work)
    y, fold = d.y, d.fold
    stacked = work / "stacked_base.npz"
    if stacked.is_file():
        z = np.load(stacked)
        text_cv, embed_cv = {k: z[f"text{k}"] for k in INNER}, {k: z[f"embed{k}"] for k in INNER}
    else:
        text_idf = fit_idf([d.blocks[i] for i in np.flatnonzero(fold != th.UNTOUCHED_FOLD)], min_df=th.TEXT_MIN_DF)
        text_cv = th._nested_probs(th._text_matrix(d.blocks, text_idf), y, fold, SEED)
        embed_cv = th._nested_probs(d.embed, y, fold, SEED)
        arrays: dict[str, Any] = {f"text{k}": text_cv[k] for k in INNER} | {f"embed{k}": embed_cv[k] for k in INNER}
        np.savez(stacked, **arrays)
    states, valid = (None, None) if variants == ["base"] else _states(work, len(y))
    cached: dict[str, dict[int, np.ndarray]] = {}
    for variant in variants:
        extra: list[dict[int, np.ndarray]] = []
        for part in [] if variant == "base" else variant.split("+"):
            if part not in cached:
                assert states is not None and valid is not None
                cached[part] = th._nested_stack(_variant_features(part, states, valid, y), y, fold, INNER)
            extra.append(cached[part])
        result = {"variant": variant, **_tree_cv(d, [text_cv, embed_cv, *extra]), "time_s": round(time.time() - t0)}
        with (work / "results.jsonl").open("a", encoding="utf-8") as f:
            f.write(json.dumps(result) + "\n")
        print(_summary(result), flush=True)


def _tree_cv(d: th.StanceData, stacked: list[dict[int, np.ndarray]]) -> dict[str, Any]:
    """The shipped trees (balanced weights) on the base features + stacked features, nested figures."""
    settings = (0.05, 300, 31, "balanced")
    y, fold = d.y, d.fold
    pooled = fold != th.UNTOUCHED_FOLD
    oof = np.zeros((len(y), 4))
    for k in INNER:
        x = np.hstack([d.base, *(s[k] for s in stacked)]).astype(np.float32)
        rows = pooled & (fold != k)
        trees = th._gbm(settings, SEED).fit(x[rows], y[rows], sample_weight=th._class_weights(y[rows], settings[3]))
        oof[fold == k] = trees.predict_proba(x[fold == k])
    cv = th._nested_figures(oof, y, fold, INNER, th._mix_weights(y[pooled]), d.topic_of, "folds")
    pred = np.zeros(len(y), dtype=np.int64)
    for k in INNER:  # the pooled confusion at the folds' mix, each fold with the scale of the other three
        others = np.isin(fold, [j for j in INNER if j != k])
        scale, _ = th._best_class_scale(oof[others], y[others], None)
        pred[fold == k] = (oof[fold == k] * scale).argmax(axis=1)
    cv["pooled_confusion"] = th._confusion(y[pooled], pred[pooled]).astype(int).tolist()
    return cv


def _summary(r: dict[str, Any]) -> str:
    f, p, t = r["fold_mean_sd"], r["pooled"], r["pooled_test_mix"]
    per_fold = ", ".join(f"{x['per_class_f1']['disagree']:.3f}" for x in r["per_fold"])
    return (
        f"{r['variant']}: fold mean (sd) {f['fnc_percent'][0]:.2f} ({f['fnc_percent'][1]:.2f}) / "
        f"{f['macro_f1'][0]:.4f} ({f['macro_f1'][1]:.4f}) / "
        f"disagree {f['disagree_f1'][0]:.3f} ({f['disagree_f1'][1]:.3f})"
        f" [folds {per_fold}]; pooled {p['fnc_percent']} / {p['macro_f1']} / "
        + ", ".join(f"{v:.3f}" for v in p["per_class_f1"].values())
        + f"; test mix {t['fnc_percent']} / {t['macro_f1']} / disagree {t['per_class_f1']['disagree']}"
    )


def finetune(work: Path, epochs: int = 1, slots: int = 2, batch_size: int = 16, lr: float = 3e-5) -> None:
    """Fine-tune the base all-MiniLM-L6-v2 as a cross-encoder on folds 1-3, score fold 4 (related pairs)."""
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    from spinscope.train.common import BASE_MODEL_SHA256, base_model_dir, sha256_file

    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    src = base_model_dir()
    if sha256_file(src / "model.safetensors") != BASE_MODEL_SHA256:
        raise SystemExit(f"{src}/model.safetensors is not the verified all-MiniLM-L6-v2 ({BASE_MODEL_SHA256})")
    d = _data(work)
    y, fold = d.y, d.fold
    tokenizer = Tokenizer.from_file(str(src / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()

    def batch(items: list[tuple[int, int]]) -> tuple[Any, Any]:
        seqs = [joint_ids(tokenizer, d.pairs[i][0], d.evidence[i][min(j, len(d.evidence[i]) - 1)])[0] for i, j in items]
        ids = torch.zeros((len(seqs), max(map(len, seqs))), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for r, s in enumerate(seqs):
            ids[r, : len(s)] = torch.tensor(s)
            mask[r, : len(s)] = 1
        return ids, mask

    class CrossEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(src))
            self.head = torch.nn.Linear(384, 3)

        def forward(self, ids: Any, mask: Any) -> Any:
            states = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask[:, :, None].float()
            return self.head((states * m).sum(1) / m.sum(1))

    train = np.flatnonzero((y < 3) & np.isin(fold, [1, 2, 3]))
    rows = [(int(i), j) for i in train for j in range(min(slots, len(d.evidence[i])))]
    order = np.random.default_rng(SEED).permutation(len(rows))
    steps = epochs * (len(rows) // batch_size)
    counts = np.bincount(y[train], minlength=3)[:3]
    weight = torch.tensor(counts.sum() / (3 * counts), dtype=torch.float)
    net = CrossEncoder()
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.01)
    warm = max(1.0, 0.06 * steps)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / steps))
    step, spent, checkpoint = 0, 0.0, work / "finetune.pt"
    if checkpoint.is_file():
        state = torch.load(checkpoint, weights_only=False)
        net.load_state_dict(state["net"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step, spent = state["step"], state["cpu_s"]
    print(f"{len(rows)} (pair, sentence) rows, {steps} steps of {batch_size}; from step {step}", flush=True)
    t0 = time.process_time()
    net.train()
    while step < steps:
        start = step * batch_size % len(rows)
        items = [rows[q] for q in order[start : start + batch_size]]
        ids, mask = batch(items)
        loss = torch.nn.functional.cross_entropy(net(ids, mask), torch.tensor(y[[i for i, _ in items]]), weight=weight)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        if step % 50 == 0 or step == steps:
            cpu = spent + time.process_time() - t0
            state = {"net": net.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()}
            torch.save({**state, "step": step, "cpu_s": cpu}, checkpoint)
            print(f"step {step}: loss {loss.item():.3f}, {cpu:.0f} s CPU", flush=True)
    net.eval()
    test = np.flatnonzero((y < 3) & (fold == 4))
    prob = np.zeros((len(test), 3))
    with torch.no_grad():
        for a in range(0, len(test), 32):
            chunk = [int(i) for i in test[a : a + 32]]
            per_slot = [torch.softmax(net(*batch([(i, j) for i in chunk])), -1).numpy() for j in range(SLOTS)]
            prob[a : a + 32] = np.mean(per_slot, axis=0)
    np.save(work / "finetune_fold4.npy", prob)
    cpu = round(spent + time.process_time() - t0)
    print(json.dumps({"fine-tuned cross-encoder": _related_f1(y[test], prob), "training_cpu_s": cpu}), flush=True)
    # the frozen classifiers trained on the same rows (related pairs of folds 1-3), scored on the same pairs
    states, valid = _states(work, len(y))
    train_rows, test_rows = (y < 3) & np.isin(fold, [1, 2, 3]), (y < 3) & (fold == 4)
    frozen = {"embedding classifier (shipped)": pair_classifier(d.embed, y)}
    for v in ("pair-last-3", "slot-last-3", "pair-mid-3", "slot-mid-3"):
        frozen[v] = _variant_features(v, states, valid, y)
    for name, fit_predict in frozen.items():
        print(json.dumps({name: _related_f1(y[test_rows], fit_predict(train_rows, test_rows)[:, :3])}), flush=True)


def _related_f1(gold: np.ndarray, prob: np.ndarray) -> dict[str, Any]:
    """Macro-F1, per-class F1 and confusion of the argmax over agree/disagree/discuss (related pairs)."""
    from spinscope.evaluation.fnc1 import RELATED, class_f1

    confusion = np.zeros((4, 4))
    np.add.at(confusion, (gold, prob.argmax(1)), 1)
    f1 = class_f1(confusion)[:3]
    return {
        "macro_f1": round(float(f1.mean()), 4),
        "per_class_f1": dict(zip(RELATED, np.round(f1, 4).tolist(), strict=True)),
        "confusion": confusion[:3, :3].astype(int).tolist(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("step", choices=["features", "evaluate", "finetune"])
    ap.add_argument("variants", nargs="*", default=["base"])
    ap.add_argument("--data", type=Path, default=th.DATA_DEFAULT)
    ap.add_argument("--cache", type=Path, default=None, help="pickle of FNC-1 sentence embeddings (train_stance's)")
    ap.add_argument("--work", type=Path, default=WORK_DEFAULT)
    args = ap.parse_args()
    if args.step == "features":
        if not (args.data / "fnc1" / "train_stances.csv").is_file():
            raise SystemExit(f"no FNC-1 training files in {args.data / 'fnc1'} (give --data)")
        features(args.data, args.cache, args.work)
    elif args.step == "evaluate":
        evaluate(args.variants, args.work)
    else:
        finetune(args.work)


if __name__ == "__main__":
    main()
