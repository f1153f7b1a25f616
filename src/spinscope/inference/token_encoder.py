"""Token states of a whole article from the shared, frozen all-MiniLM-L6-v2 (the bundled int8 encoder).

The encoder file (``resources/models/encoder/model_int8.onnx``, exported by
``spinscope.train.export_encoder``) has two outputs: ``last_hidden_state`` (what the sentence encoder
pools) and ``layers``, the hidden states of layers 1-5 stacked as (batch, seq, 5, 384). An article is
tokenised (only its analysable segments), cut into overlapping windows of ``size`` tokens, and each
token keeps its states from the window where it is most central. The technique heads read any subset
of the six layers from this one pass.

Windows run one at a time by default (``batch_size=1``): the int8 graph quantises activations with a
scale per run, so a window's states then never depend on which other windows shared its batch; the
transient memory is one window's (the longest PTC article's peak RSS: 650 MB in batches of 8, 487 MB
one by one); and on one thread it is no slower (fold 0 of the grouped CV, 95 articles: 15.3 s of CPU
against 16.4 s in batches of 8, SI 0.4028 / TC 0.5494 against 0.4035 / 0.5477).

Since windows are never padded, the encoder runs a copy of the graph without the attention padding mask,
made in memory at load time (``spinscope.inference.unpadded``): bit-identical states, a little less CPU.
``unpadded=False`` (or a graph the rewrite does not recognise, or no ``onnx`` package: ``unpadded_reason``
says which) runs the file's masked graph instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import ModelError
from spinscope.inference.sentence_encoder import DEFAULT_DIR, DIM
from spinscope.inference.windows import (
    Tokens,
    best_window,
    build_batch,
    equal_length_batches,
    load_tokenizer,
    tokenize,
    window_starts,
)

N_LAYERS = 6


class TokenEncoder:
    """Per-token states of all six encoder layers for one text. Build once and reuse; loads lazily."""

    def __init__(self, model_dir: Path | str | None = None, *, threads: int | None = None,
                 size: int = 256, overlap: int = 32, batch_size: int = 1, unpadded: bool = True) -> None:
        self.model_dir = Path(model_dir) if model_dir is not None else DEFAULT_DIR
        self.threads = threads
        self.size = size
        self.overlap = overlap
        self.batch_size = batch_size
        self.unpadded = unpadded
        self.unpadded_reason = ""  # why the masked graph runs although unpadded=True ("" otherwise)
        self._session: Any = None
        self._masked = True  # whether the session takes an attention_mask
        self._tokenizer: Any = None

    def load(self) -> None:
        if self._session is not None:
            return
        model, tok = self.model_dir / "model_int8.onnx", self.model_dir / "tokenizer.json"
        for p in (model, tok):
            if not p.is_file():
                raise ModelError(f"encoder file missing: {p} (run python -m spinscope.train.export_encoder)")
        try:
            from spinscope.inference.onnx import cpu_session
            from spinscope.inference.unpadded import unpadded_session

            session, self.unpadded_reason = unpadded_session(model, self.threads) if self.unpadded else (None, "")
            if session is None:
                session = cpu_session(model, self.threads)
            tokenizer = load_tokenizer(tok)
        except Exception as exc:
            raise ModelError(f"cannot load the encoder from {self.model_dir}: {exc}") from exc
        if [o.name for o in session.get_outputs()][:2] != ["last_hidden_state", "layers"]:
            raise ModelError(f"{model} has no 'layers' output (re-export: python -m spinscope.train.export_encoder)")
        self._tokenizer = tokenizer
        self._masked = any(i.name == "attention_mask" for i in session.get_inputs())
        self._session = session

    def tokenize(self, text: str, segments: Sequence[tuple[int, int]] | None = None) -> Tokens:
        self.load()
        return tokenize(self._tokenizer, text, segments)

    def states(self, toks: Tokens, layers: Sequence[int] | None = None) -> np.ndarray:
        """(n, len(layers), 384) float32 states of ``toks`` (layer indices 0-5; 5 is the last layer)."""
        self.load()
        sel = list(range(N_LAYERS)) if layers is None else list(layers)
        n = len(toks)
        if n == 0:
            return np.zeros((0, len(sel), DIM), np.float32)
        wins = window_starts(n, self.size, self.overlap)
        best, pos = best_window(n, wins)
        out = np.empty((n, len(sel), DIM), np.float32)
        for b, e in equal_length_batches(wins, self.batch_size):
            ids, mask = build_batch(toks.ids, wins[b:e])
            feeds = {"input_ids": ids, "token_type_ids": np.zeros_like(ids)}
            if self._masked:
                feeds["attention_mask"] = mask
            elif not mask.all():  # equal_length_batches never pads; the unpadded graph would attend to padding
                raise ValueError("a padded batch for the encoder graph without attention mask")
            last, mid = self._session.run(None, feeds)
            take = np.nonzero((best >= b) & (best < e))[0]  # the tokens most central in this batch's windows
            rows, cols = best[take] - b, pos[take]
            for j, layer in enumerate(sel):  # only the chosen layers, only these tokens: memory stays per batch
                out[take, j] = last[rows, cols] if layer == N_LAYERS - 1 else mid[rows, cols, layer]
        return out
