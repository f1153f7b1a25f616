"""Lexical technique classifier for PTC spans: hashed n-grams + logistic regression, numpy only.

The classic second opinion next to the fine-tuned encoder's technique head. It sees, for a span:
word 1-2-grams and character 2-4-grams of the span itself, word 1-2-grams of its sentence, and the
article-level span features of :mod:`spinscope.inference.ptc_features` (incl. repetition), as
hashed TF-IDF blocks (:mod:`spinscope.inference.hashed_tfidf`).

Trained by ``python -m spinscope.train.ptc_lexical --export DIR``; stored as ``tc_lexical.npz``
beside the encoder model, holding only the hash buckets seen in training.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from spinscope.inference.hashed_tfidf import WORD, Block, SparseLinear, char_grams, count, word_grams
from spinscope.inference.ptc_features import span_features, title_end_of

HASH_BITS = 20
N_BUCKETS = 1 << HASH_BITS
BLOCK_SCALES = (1.0, 1.0, 0.5)  # span words, span characters, sentence words
FEATURE_SCALE = 3.0


def sentence_of(text: str, start: int, end: int) -> str:
    """The span's sentence, roughly: from the previous line break or ". " to the next line break."""
    a = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start)) + 1
    b = text.find("\n", end)
    return text[a : b if b >= 0 else len(text)]


def ngram_blocks(span: str, context: str, memo: dict[str, int] | None = None) -> list[Block]:
    """Raw counts per hash bucket for the three blocks: span words, span characters, context words."""
    sw = WORD.findall(span.lower())
    return [
        count(word_grams(sw, 2, "w"), HASH_BITS, memo),
        count(char_grams(span.lower().split(), 2, 4, "c"), HASH_BITS, memo),
        count(word_grams(WORD.findall(context.lower()), 2, "x"), HASH_BITS, memo),
    ]


class LexicalTC:
    """Technique probabilities for character spans; loads ``tc_lexical.npz`` lazily."""

    FILE = "tc_lexical.npz"

    def __init__(self, model_dir: Path | str) -> None:
        self.path = Path(model_dir) / self.FILE
        self._model: SparseLinear | None = None

    def available(self) -> bool:
        return self.path.is_file()

    def predict_proba(self, text: str, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
        if self._model is None:
            self._model = SparseLinear(self.path, HASH_BITS)
        m = self._model
        w_feat, bias = m.extra["w_feat"].astype(np.float32), m.extra["bias"].astype(np.float32)
        lower, tend = text.lower(), title_end_of(text)
        out = np.zeros((len(ranges), m.w.shape[1]), np.float32)
        memo: dict[str, int] = {}  # spans of one article share words and sentences
        for i, (s, e) in enumerate(ranges):
            blocks = ngram_blocks(text[s:e], sentence_of(text, s, e), memo)
            out[i] = m.score(blocks, BLOCK_SCALES) + FEATURE_SCALE * span_features(text, lower, s, e, tend) @ w_feat
        out += bias
        out -= out.max(axis=1, keepdims=True)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out
