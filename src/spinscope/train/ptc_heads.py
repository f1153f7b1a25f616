"""Train the technique heads on the frozen shared encoder, with grouped cross-validation.

The encoder (all-MiniLM-L6-v2, the bundled int8 file) is never fine-tuned: its per-token states of all
layers are computed once per article and cached, and small heads are trained on them
(``spinscope.inference.ptc_heads`` has the architecture and the numpy run time). That makes K-fold
cross-validation cheap enough to run in full, which is the point: model, threshold and decoding choices
are made on inner folds of a grouped split (``spinscope.evaluation.ptc_folds``: no story, crawl batch
or outlet on both sides), so the figures predict articles the model has never seen.

Steps (each resumable: finished files in WORK are kept and reused):

1. ``WORK/feats/<id>.npz``: token ids, offsets and the chosen layers' states (fp16) of every train article.
2. ``WORK/fold<k>/``: heads trained on the other folds (a model folder the run time can load).
3. Out-of-fold scores: for each fold, the SI threshold is chosen on the other folds' out-of-fold
   predictions, then the fold is scored with it (SI, TC on gold spans, FLC); per-fold figures, their
   spread and the pooled figure go to ``WORK/cv.json`` and the model card.
4. The shipped heads: trained on all articles with the same settings, threshold = the best on all
   out-of-fold predictions; written to OUT with config.json and card.json.

    HF_HUB_OFFLINE=1 python -m spinscope.train.ptc_heads --data ../shared/data/ptc --work W
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.evaluation.ptc import (
    Annotation,
    merge_intervals,
    read_articles,
    read_labels,
    score_flc,
    score_si,
    score_tc,
)
from spinscope.evaluation.ptc_folds import ID_PREFIX, SIMILAR, article_groups, grouped_folds
from spinscope.inference.ptc_features import N_FEATURES, span_features, title_end_of
from spinscope.inference.windows import Tokens
from spinscope.techniques import PTC_TECHNIQUES
from spinscope.train.common import sha256_file

OUT_DEFAULT = Path(__file__).resolve().parents[1] / "resources" / "models" / "ptc"
TECH_INDEX = {t: i for i, t in enumerate(PTC_TECHNIQUES)}
THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
DECODE = {"split_on_b": True, "max_gap": 5, "min_tokens": 2}
ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0)


# ----------------------------------------------------------------------------------------- data


def data_digest(data: Path) -> str:
    h = hashlib.sha256()
    for p in sorted((data / "train-articles").glob("*.txt")) + [data / "train-task-flc-tc.labels"]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def token_labels(offsets: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """0=O, 1=B, 2=I per token: a token is inside a (merged) span when its midpoint is."""
    lab = np.zeros(len(offsets), dtype=np.int64)
    for s, e in spans:
        mid = (offsets[:, 0] + offsets[:, 1]) / 2.0
        inside = np.nonzero((mid >= s) & (mid < e))[0]
        if inside.size == 0:
            over = np.nonzero((offsets[:, 0] < e) & (offsets[:, 1] > s))[0]
            inside = over[:1]
        if inside.size:
            lab[inside] = 2
            lab[inside[0]] = 1
    return lab


def span_tokens(offsets: np.ndarray, start: int, end: int) -> tuple[int, int]:
    idx = np.nonzero((offsets[:, 0] < end) & (offsets[:, 1] > start))[0]
    if idx.size == 0:
        return -1, -1
    return int(idx[0]), int(idx[-1]) + 1


# ----------------------------------------------------------------------------------------- features


def extract(texts: dict[str, str], work: Path, layers: list[int], threads: int) -> None:
    from spinscope.inference.token_encoder import TokenEncoder

    d = work / "feats"
    d.mkdir(parents=True, exist_ok=True)
    enc = TokenEncoder(threads=threads)
    todo = [a for a in sorted(texts) if not (d / f"{a}.npz").is_file()]
    t0 = time.time()
    for k, aid in enumerate(todo):
        toks = enc.tokenize(texts[aid])
        st = enc.states(toks, layers).astype(np.float16)
        tmp = d / f"{aid}.tmp.npz"
        np.savez(tmp, ids=toks.ids, offsets=toks.offsets, h=st)
        tmp.replace(d / f"{aid}.npz")
        if k % 50 == 0:
            print(f"features {k + 1}/{len(todo)} ({time.time() - t0:.0f} s)", flush=True)


def load_articles(texts: dict[str, str], gold: list[Annotation], work: Path) -> dict[str, dict[str, Any]]:
    by: dict[str, list[Annotation]] = {}
    for a in gold:
        by.setdefault(a.article_id, []).append(a)
    arts: dict[str, dict[str, Any]] = {}
    for aid, text in texts.items():
        with np.load(work / "feats" / f"{aid}.npz") as z:
            off, h, ids = z["offsets"], z["h"], z["ids"]
        anns = by.get(aid, [])
        lab = token_labels(off, merge_intervals((a.start, a.end) for a in anns))
        lower, tend = text.lower(), title_end_of(text)
        tc = []
        for a in anns:
            ta, tb = span_tokens(off, a.start, a.end)
            if ta >= 0 and a.technique:
                tc.append((ta, tb, span_features(text, lower, a.start, a.end, tend), TECH_INDEX[a.technique]))
        arts[aid] = {"h": h, "off": off, "ids": ids, "lab": lab, "tc": tc}
    return arts


# ----------------------------------------------------------------------------------------- model


def build(n_in: int, width: int, dilations: list[int], dropout: float):  # type: ignore[no-untyped-def]
    import torch

    gelu = torch.nn.GELU(approximate="tanh")

    class Heads(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.norm = torch.nn.LayerNorm(n_in)
            self.proj = torch.nn.Linear(n_in, width)
            self.convs = torch.nn.ModuleList(
                [torch.nn.Conv1d(width, width, 5, padding=2 * d, dilation=d) for d in dilations])
            self.lns = torch.nn.ModuleList([torch.nn.LayerNorm(width) for _ in dilations])
            self.drop = torch.nn.Dropout(dropout)
            self.tag = torch.nn.Linear(2 * width, 3)
            self.tc1 = torch.nn.Linear(4 * width + N_FEATURES, 256)
            self.tc2 = torch.nn.Linear(256, len(PTC_TECHNIQUES))

        def tokens(self, h):  # type: ignore[no-untyped-def]  # (B, T, n_in) -> (B, T, 2W)
            x = gelu(self.proj(self.drop(self.norm(h))))
            g = x
            for conv, ln in zip(self.convs, self.lns, strict=True):
                g = ln(g + gelu(conv(self.drop(g).transpose(1, 2)).transpose(1, 2)))
            return torch.cat([g, x], -1)

        def tc_logits(self, pooled):  # type: ignore[no-untyped-def]
            return self.tc2(self.drop(gelu(self.tc1(self.drop(pooled)))))

    return Heads()


def pool_many(zf, starts, ends, feats):  # type: ignore[no-untyped-def]
    """Flat token rows ``zf`` (N, C); spans [starts, ends) as flat indices -> (S, 2C + F) [mean, max, feats]."""
    import torch

    lens = ends - starts
    idx = starts[:, None] + torch.arange(int(lens.max()))[None, :]
    valid = idx < ends[:, None]
    g = zf[idx.clamp(max=zf.shape[0] - 1)]
    mean = (g * valid[:, :, None].float()).sum(1) / lens[:, None].float()
    mx = g.masked_fill(~valid[:, :, None], -1e4).max(1).values
    return torch.cat([mean, mx, feats], 1)


def train_heads(arts: dict[str, dict[str, Any]], ids: list[str], args: argparse.Namespace, seed: int):  # type: ignore[no-untyped-def]
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    n_in = int(np.prod(arts[ids[0]]["h"].shape[1:]))
    model = build(n_in, args.width, args.dilations, args.dropout)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    counts = np.bincount(np.concatenate([arts[i]["lab"] for i in ids]), minlength=3).astype(float)
    w_tag = torch.tensor((counts.sum() / counts) ** 0.5, dtype=torch.float32)
    w_tag = w_tag / w_tag[0]
    w_tc = torch.tensor(class_weights(arts, ids, args.tc_balance), dtype=torch.float32)
    size = args.chunk
    steps = 0
    for epoch in range(args.epochs):
        model.train()
        chunks: list[tuple[str, int, int]] = []
        for i in ids:
            n = len(arts[i]["lab"])
            shift = int(rng.integers(0, size // 2)) if n > size else 0
            for a in [0] if n <= size else range(-shift, n, size):
                chunks.append((i, max(0, a), min(n, max(0, a) + size)))
        rng.shuffle(chunks)  # type: ignore[arg-type]
        total, t0 = 0.0, time.time()
        for b in range(0, len(chunks), args.batch):
            batch = chunks[b : b + args.batch]
            width = max(e - a for _, a, e in batch)
            h = torch.zeros(len(batch), width, n_in)
            y = torch.full((len(batch), width), -100, dtype=torch.long)
            st, en, fs, ys = [], [], [], []
            for r, (i, a, e) in enumerate(batch):
                h[r, : e - a] = torch.from_numpy(arts[i]["h"][a:e].reshape(e - a, -1).astype(np.float32))
                y[r, : e - a] = torch.from_numpy(arts[i]["lab"][a:e])
                for ta, tb, f, k in arts[i]["tc"]:
                    if ta >= a and tb <= e:
                        st.append(r * width + ta - a)
                        en.append(r * width + tb - a)
                        fs.append(f)
                        ys.append(k)
            z = model.tokens(h)
            loss = torch.nn.functional.cross_entropy(model.tag(model.drop(z)).reshape(-1, 3), y.reshape(-1),
                                                     weight=w_tag, ignore_index=-100)
            if ys:
                pooled = pool_many(z.reshape(-1, z.shape[-1]), torch.tensor(st), torch.tensor(en),
                                   torch.from_numpy(np.stack(fs)))
                loss = loss + args.tc_weight * torch.nn.functional.cross_entropy(
                    model.tc_logits(pooled), torch.tensor(ys), weight=w_tc)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += float(loss.detach())
            steps += 1
        print(f"  epoch {epoch + 1}/{args.epochs}: loss {total / max(1, -(-len(chunks) // args.batch)):.4f} "
              f"({time.time() - t0:.0f} s)", flush=True)
    return model


def save_heads(model, out: Path, meta: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    out.mkdir(parents=True, exist_ok=True)
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    arrays = {"norm_g": sd["norm.weight"], "norm_b": sd["norm.bias"], "proj_w": sd["proj.weight"],
              "proj_b": sd["proj.bias"], "tag_w": sd["tag.weight"], "tag_b": sd["tag.bias"],
              "tc1_w": sd["tc1.weight"], "tc1_b": sd["tc1.bias"], "tc2_w": sd["tc2.weight"], "tc2_b": sd["tc2.bias"]}
    for i in range(len(meta["dilations"])):
        arrays[f"conv{i}_w"], arrays[f"conv{i}_b"] = sd[f"convs.{i}.weight"], sd[f"convs.{i}.bias"]
        arrays[f"ln{i}_g"], arrays[f"ln{i}_b"] = sd[f"lns.{i}.weight"], sd[f"lns.{i}.bias"]
    np.savez_compressed(out / "heads.npz", **arrays)
    (out / "config.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def model_meta(args: argparse.Namespace, threshold: float) -> dict[str, Any]:
    return {
        "name": "spinscope PTC heads (SI tagger + TC classifier) on the frozen shared all-MiniLM-L6-v2",
        "architecture": "frozen-encoder-conv",
        "labels_si": ["O", "B", "I"],
        "techniques": list(PTC_TECHNIQUES),
        "layers": args.layers,
        "dilations": args.dilations,
        "width": args.width,
        "n_features": N_FEATURES,
        "si_threshold": threshold,
        "si_decode": dict(DECODE),
        "window": {"size": 256, "overlap_inference": 32},
    }


def update_config(path: Path, **values: Any) -> None:
    """Set keys of a model folder's ``config.json`` (the later training steps add theirs to the heads')."""
    cfg = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(cfg | values, indent=2) + "\n", encoding="utf-8")


def update_card(out: Path, section: str, step: str, argv: list[str] | None, data: Path, started: float,
                final_started: float, **figures: Any) -> None:
    """Record a later training step in the model card (``card.json`` section ``section``: its command, the
    data hash, its figures and times) and refresh the card's file hashes."""
    card_path = out / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else {}
    card[section] = {
        "command": f"HF_HUB_OFFLINE=1 python -m spinscope.train.{step} "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "data_sha256": data_digest(data),
        **figures,
        "time_s": {"total": round(time.time() - started, 1), "final_fit": round(time.time() - final_started, 1)},
        "date": time.strftime("%Y-%m-%d"),
    }
    card["files"] = {p.name: sha256_file(p) for p in sorted(out.iterdir())
                     if p.suffix in (".npz", ".json") and p.name != "card.json"}
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------------------- scoring


def fold_predictions(model_dir: Path, texts: dict[str, str], arts: dict[str, dict[str, Any]], ids: list[str],
                     gold: list[Annotation]) -> dict[str, Any]:
    """With the run-time code of a saved fold model: P(O/B/I) per article, the heads' technique probabilities
    of the gold spans (TC; ``spinscope.train.ptc_tc`` blends them with the linear views), and the encoded
    article (for decoding at any threshold)."""
    from spinscope.inference.ptc_model import PTCModel

    m = PTCModel(model_dir)
    m.load()
    by: dict[str, list[Annotation]] = {}
    for a in gold:
        by.setdefault(a.article_id, []).append(a)
    encs, tc_spans, tc_probs = {}, [], []
    for aid in ids:
        a = arts[aid]
        enc = m.encode_states(texts[aid], Tokens(a["ids"], a["off"]), a["h"].astype(np.float32))
        encs[aid] = enc
        golds = [g for g in by.get(aid, []) if g.technique]
        if golds:
            tc_spans += golds
            # the heads' own probabilities, before any prior correction or blend a config may carry
            tc_probs.append(m.technique_views(enc, [(g.start, g.end) for g in golds], only=("heads",))["heads"])
    probs = np.concatenate(tc_probs) if tc_probs else np.zeros((0, len(PTC_TECHNIQUES)), np.float32)
    return {"model": m, "encs": encs, "tc_spans": tc_spans, "tc_probs": probs}


def class_weight(labels: Any, balance: float) -> np.ndarray:
    """Class weights (N / n_c) ** balance over the 14 techniques, mean 1 (n_c + 1, so that an absent class
    stays finite): the technique loss's, and the linear views' (``spinscope.train.ptc_tc``)."""
    c = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(PTC_TECHNIQUES)).astype(float) + 1
    w = (c.sum() / c) ** balance
    out: np.ndarray = w / w.mean()
    return out


def class_weights(arts: dict[str, dict[str, Any]], ids: list[str], balance: float) -> np.ndarray:
    """The technique loss's class weights for training on ``ids`` (as in ``train_heads``)."""
    return class_weight([t[3] for i in ids for t in arts[i]["tc"]], balance)


def tc_labels(pred: dict[str, Any], adjust: np.ndarray) -> list[Annotation]:
    """Gold spans labelled with the technique of highest adjusted probability."""
    k = (pred["tc_probs"] * adjust).argmax(1) if len(pred["tc_spans"]) else []
    return [Annotation(g.article_id, g.start, g.end, PTC_TECHNIQUES[int(i)]) for g, i in zip(pred["tc_spans"], k,
                                                                                            strict=True)]


def si_at(pred: dict[str, Any], ids: list[str], threshold: float) -> list[Annotation]:
    m, encs = pred["model"], pred["encs"]
    return [Annotation(aid, s, e) for aid in ids for s, e, *_ in m.spans(encs[aid], threshold, **DECODE)]


def flc_at(pred: dict[str, Any], ids: list[str], threshold: float) -> list[Annotation]:
    m, out = pred["model"], []
    for aid in ids:
        for p in m.predict_encoded(pred["encs"][aid], threshold):
            out.append(Annotation(aid, p.start, p.end, m.techniques[int(p.technique_probs.argmax())]))
    return out


# ----------------------------------------------------------------------------------------- main


def train_final(arts: dict[str, dict[str, Any]], ids: list[str], args: argparse.Namespace) -> Path:
    """The shipped heads, trained on every article (``WORK/final``; reused when another process made them)."""
    fdir = args.work / "final"
    if not (fdir / "heads.npz").is_file():
        print(f"final heads: training on all {len(ids)} articles", flush=True)
        save_heads(train_heads(arts, ids, args, args.seed), fdir, model_meta(args, 0.5))
    return fdir


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="spinscope train ptc", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="PTC folder (train-articles, train-task-flc-tc.labels)")
    ap.add_argument("--work", type=Path, required=True, help="work folder (features, fold models, logs; resumable)")
    ap.add_argument("--out", type=Path, default=OUT_DEFAULT, help="where the shipped heads go")
    ap.add_argument("--folds", type=int, default=5, help="grouped cross-validation folds")
    ap.add_argument("--layers", type=lambda s: [int(x) for x in s.split(",")], default=[3, 5],
                    help="encoder layers the heads read (0-5; 5 is the last)")
    ap.add_argument("--dilations", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4],
                    help="one residual convolution per dilation (kernel 5)")
    ap.add_argument("--width", type=int, default=128, help="channels of the token network")
    ap.add_argument("--dropout", type=float, default=0.2, help="dropout")
    ap.add_argument("--epochs", type=int, default=10, help="epochs per model")
    ap.add_argument("--lr", type=float, default=2e-3, help="AdamW learning rate")
    ap.add_argument("--batch", type=int, default=16, help="chunks per step")
    ap.add_argument("--chunk", type=int, default=256, help="tokens per training chunk")
    ap.add_argument("--tc-weight", type=float, default=0.5, help="weight of the technique loss")
    ap.add_argument("--tc-balance", type=float, default=0.5, help="class weight = (N / n_class) ** this")
    ap.add_argument("--seed", type=int, default=13, help="random seed (fold k uses seed + k)")
    ap.add_argument("--threads", type=int, default=1, help="torch and onnxruntime threads")
    ap.add_argument("--cv-only", action="store_true", help="stop after the cross-validation")
    ap.add_argument("--train-only", action="store_true",
                    help="train unclaimed fold models, then stop (run several at once to share the folds)")
    ap.add_argument("--with-final", action="store_true", help="with --train-only: train the final heads first")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import torch
    except ImportError as exc:
        raise SystemExit(f"spinscope train ptc: training needs the 'train' extra (torch): {exc}") from None

    torch.set_num_threads(args.threads)
    t_start = time.time()
    texts = read_articles(args.data / "train-articles")
    gold = read_labels(args.data / "train-task-flc-tc.labels", with_technique=True)
    args.work.mkdir(parents=True, exist_ok=True)
    extract(texts, args.work, args.layers, args.threads)
    arts = load_articles(texts, gold, args.work)
    folds = grouped_folds(texts, args.folds)
    groups = article_groups(texts)
    ids_all = sorted(texts)

    if args.with_final:
        train_final(arts, ids_all, args)
    # fold models; several processes may share the work: each claims a fold with an exclusive lock file
    pending = list(range(args.folds))
    while pending:
        for k in list(pending):
            fdir = args.work / f"fold{k}"
            if (fdir / "heads.npz").is_file():
                pending.remove(k)
                continue
            fdir.mkdir(parents=True, exist_ok=True)
            try:
                (fdir / "training.lock").open("x").close()
            except FileExistsError:
                continue  # another process trains it
            tr = [i for i in ids_all if folds[i] != k]
            print(f"fold {k}: training on {len(tr)} articles", flush=True)
            model = train_heads(arts, tr, args, args.seed + k)
            save_heads(model, fdir, model_meta(args, 0.5))
            (fdir / "training.lock").unlink()
            pending.remove(k)
        if pending:
            if args.train_only:
                break
            time.sleep(10)
    if args.train_only:
        return
    preds = {k: fold_predictions(args.work / f"fold{k}", texts, arts, [i for i in ids_all if folds[i] == k], gold)
             for k in range(args.folds)}

    # SI threshold chosen on the other folds' out-of-fold predictions, then applied to the fold
    fold_ids = {k: [i for i in ids_all if folds[i] == k] for k in range(args.folds)}
    si_by_fold_thr = {k: {t: si_at(preds[k], fold_ids[k], t) for t in THRESHOLDS} for k in range(args.folds)}
    # technique probabilities corrected for the class-weighted loss: p_c * w_c ** -alpha, alpha chosen on inner folds
    weights = {k: class_weights(arts, [i for i in ids_all if folds[i] != k], args.tc_balance)
               for k in range(args.folds)}
    tc_by = {k: {a: tc_labels(preds[k], weights[k] ** -a) for a in ALPHAS} for k in range(args.folds)}
    per_fold = []
    for k in range(args.folds):
        inner_ids = [i for j in range(args.folds) if j != k for i in fold_ids[j]]
        inner_gold = [g for g in gold if folds[g.article_id] != k]
        alpha_k = max(ALPHAS, key=lambda a: score_tc(inner_gold, [x for j in range(args.folds) if j != k
                                                                  for x in tc_by[j][a]]).f1)
        preds[k]["model"].config["tc_adjust"] = [float(v) for v in weights[k] ** -alpha_k]
        inner = {t: score_si(gold, [a for j in range(args.folds) if j != k for a in si_by_fold_thr[j][t]], inner_ids).f1
                 for t in THRESHOLDS}
        t_k = max(THRESHOLDS, key=lambda t: inner[t])
        si = score_si(gold, si_by_fold_thr[k][t_k], fold_ids[k])
        tc = score_tc([g for g in gold if folds[g.article_id] == k], tc_by[k][alpha_k])
        flc = score_flc(gold, flc_at(preds[k], fold_ids[k], t_k), fold_ids[k])
        per_fold.append({"fold": k, "articles": len(fold_ids[k]), "threshold": t_k, "tc_alpha": alpha_k,
                         "si": si.to_dict(), "tc_f1": tc.f1, "flc_f1": flc.f1,
                         "tc_per_technique": {t: v["f1"] for t, v in tc.per_technique.items()}})
        print(f"fold {k}: {len(fold_ids[k])} articles, threshold {t_k}, alpha {alpha_k} (inner), SI {si.f1:.4f} "
              f"(P {si.precision:.3f} R {si.recall:.3f}), TC {tc.f1:.4f}, FLC {flc.f1:.4f}", flush=True)
    pooled_thr = {t: score_si(gold, [a for k in range(args.folds) for a in si_by_fold_thr[k][t]], ids_all).f1
                  for t in THRESHOLDS}
    threshold = max(THRESHOLDS, key=lambda t: pooled_thr[t])
    pooled_si = score_si(gold, [a for k in range(args.folds) for a in si_by_fold_thr[k][per_fold[k]["threshold"]]],
                         ids_all)
    pooled_tc = score_tc(gold, [a for k in range(args.folds) for a in tc_by[k][per_fold[k]["tc_alpha"]]])
    by_alpha = {a: score_tc(gold, [x for k in range(args.folds) for x in tc_by[k][a]]).f1 for a in ALPHAS}
    alpha = max(ALPHAS, key=lambda a: by_alpha[a])
    for k in range(args.folds):  # the fold models carry the shipped choices (spinscope.train.calibrate reads them)
        cfg = model_meta(args, threshold) | {"tc_adjust": [float(v) for v in weights[k] ** -alpha]}
        (args.work / f"fold{k}" / "config.json").write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    si_f1s = np.array([f["si"]["f1"] for f in per_fold])
    tc_f1s = np.array([f["tc_f1"] for f in per_fold])
    cv = {
        "folds": args.folds,
        "grouping": {"similar": SIMILAR, "id_prefix": ID_PREFIX, "groups": len(set(groups.values())),
                     "fold_sizes": [len(fold_ids[k]) for k in range(args.folds)]},
        "per_fold": per_fold,
        "si_f1_mean": float(si_f1s.mean()), "si_f1_sd": float(si_f1s.std(ddof=1)),
        "tc_f1_mean": float(tc_f1s.mean()), "tc_f1_sd": float(tc_f1s.std(ddof=1)),
        "si_pooled_nested": pooled_si.to_dict(), "tc_pooled": pooled_tc.f1,
        "si_f1_by_threshold_pooled": {str(t): round(v, 4) for t, v in pooled_thr.items()},
        "threshold_shipped": threshold,
        "tc_f1_by_alpha_pooled": {str(a): round(v, 4) for a, v in by_alpha.items()},
        "tc_alpha_shipped": alpha,
        "tc_pooled_per_technique": {t: v["f1"] for t, v in pooled_tc.per_technique.items()},
    }
    (args.work / "cv.json").write_text(json.dumps(cv, indent=2) + "\n", encoding="utf-8")
    print(f"grouped {args.folds}-fold: SI {si_f1s.mean():.4f} ± {si_f1s.std(ddof=1):.4f} (pooled {pooled_si.f1:.4f}), "
          f"TC {tc_f1s.mean():.4f} ± {tc_f1s.std(ddof=1):.4f} (pooled {pooled_tc.f1:.4f}); "
          f"shipped threshold {threshold}", flush=True)
    if args.cv_only:
        return

    t_final = time.time()
    final = train_final(arts, ids_all, args)
    for stale in ("encoder_int8.onnx", "tc_lexical.npz", "tokenizer.json"):
        (args.out / stale).unlink(missing_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(final / "heads.npz", args.out / "heads.npz")
    adjust = class_weights(arts, ids_all, args.tc_balance) ** -alpha
    shipped = model_meta(args, threshold) | {"tc_adjust": [float(v) for v in adjust]}
    (args.out / "config.json").write_text(json.dumps(shipped, indent=2) + "\n", encoding="utf-8")
    card = {
        "model": model_meta(args, threshold)["name"],
        "command": "HF_HUB_OFFLINE=1 python -m spinscope.train.ptc_heads "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "encoder": "resources/models/encoder (frozen; see its card.json for the base weights' sha256)",
        "data_sha256": data_digest(args.data),
        "articles": len(ids_all),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "grouped_cv": cv,
        "time_s": {"total": round(time.time() - t_start, 1), "final_training": round(time.time() - t_final, 1)},
        "files": {p.name: sha256_file(p) for p in sorted(args.out.iterdir()) if p.suffix in (".npz", ".json")
                  and p.name != "card.json"},
        "versions": {"torch": torch.__version__, "python": platform.python_version()},
        "machine": "2-core CPU, no GPU (shared)",
        "date": time.strftime("%Y-%m-%d"),
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({time.time() - t_start:.0f} s in all)")


if __name__ == "__main__":
    main()
