"""Sentence embeddings from the bundled int8 ONNX all-MiniLM-L6-v2 (onnxruntime + tokenizers + numpy).

The model (``resources/models/encoder/``) is exported by ``spinscope.train.export_encoder``. Embeddings
are mean-pooled over the attention mask and L2-normalised, matching sentence-transformers; the int8
export keeps cosine >= 0.99 to the torch model (see ``card.json``). Nothing loads until first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import ModelError

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "resources" / "models" / "encoder"
DIM = 384


class SentenceEncoder:
    """Encode texts into 384-d unit vectors. Build once and reuse; the session loads lazily."""

    def __init__(
        self,
        model_dir: Path | str | None = None,
        *,
        max_length: int = 256,
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        self.model_dir = Path(model_dir) if model_dir is not None else DEFAULT_DIR
        self.max_length = max_length
        self.batch_size = batch_size
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: tuple[str, ...] = ()

    def _load(self) -> None:
        model = self.model_dir / "model_int8.onnx"
        tok = self.model_dir / "tokenizer.json"
        for p in (model, tok):
            if not p.is_file():
                raise ModelError(f"sentence encoder file missing: {p} (run python -m spinscope.train.export_encoder)")
        try:
            from tokenizers import Tokenizer

            from spinscope.inference.onnx import cpu_session

            session = cpu_session(model, self.threads)
            tokenizer = Tokenizer.from_file(str(tok))
        except ModelError:
            raise
        except Exception as exc:  # corrupt file, incompatible runtime
            raise ModelError(f"cannot load sentence encoder from {self.model_dir}: {exc}") from exc
        tokenizer.enable_truncation(max_length=self.max_length)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self._inputs = tuple(i.name for i in session.get_inputs())
        self._session = session

    def encode(self, texts: Sequence[str], max_tokens: int | None = None) -> np.ndarray:
        """Return a float32 array (len(texts), 384) of L2-normalised embeddings.

        ``max_tokens`` (with [CLS] and [SEP]) cuts each text shorter than the encoder's ``max_length``."""
        if self._session is None:
            self._load()
        n = len(texts)
        out = np.zeros((n, DIM), dtype=np.float32)
        if n == 0:
            return out
        encodings = self._tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        rows = [e.ids for e in encodings]
        if max_tokens is not None and max_tokens >= 2:
            rows = [r if len(r) <= max_tokens else r[: max_tokens - 1] + [r[-1]] for r in rows]  # keep [SEP]
        lengths = np.array([len(r) for r in rows])
        for idx in _length_batches(lengths, self.batch_size):
            width = int(lengths[idx].max())
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = rows[i]
                mask[row, : lengths[i]] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            norm = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norm, 1e-12, None)
        return out


def _length_batches(lengths: np.ndarray, batch_size: int, min_fill: float = 0.75) -> list[np.ndarray]:
    """Indices grouped longest first; a batch closes when full or when the next text is shorter than
    ``min_fill`` of the batch's longest, so padding never wastes more than a quarter of a batch."""
    order = np.argsort(-lengths, kind="stable")
    batches: list[np.ndarray] = []
    start = 0
    for k in range(1, len(order) + 1):
        if k == len(order) or k - start >= batch_size or lengths[order[k]] < min_fill * lengths[order[start]]:
            batches.append(order[start:k])
            start = k
    return batches
