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

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array (len(texts), 384) of L2-normalised embeddings."""
        if self._session is None:
            self._load()
        n = len(texts)
        out = np.zeros((n, DIM), dtype=np.float32)
        if n == 0:
            return out
        encodings = self._tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")  # similar lengths share a batch: less padding
        for b in range(0, n, self.batch_size):
            idx = order[b : b + self.batch_size]
            width = int(lengths[idx].max())
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                e = encodings[i]
                ids[row, : len(e.ids)] = e.ids
                mask[row, : len(e.ids)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            norm = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norm, 1e-12, None)
        return out
