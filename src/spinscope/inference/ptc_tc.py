"""Technique classification of a span from three views, blended: numpy only, shared by training and run time.

The technique heads (``spinscope.inference.ptc_heads``) classify a span from the convolutional network's
token representations. Two linear models see the same span differently, and their average with the
heads is better than any one of them on grouped cross-validation (docs/performance/ptc.md):

* **pooled states** (``tc_pooled.npz``): multinomial logistic regression on the *frozen* encoder states of
  the span (mean and max over its tokens, per layer the heads read) and of the sentence around it (mean,
  last layer), plus the ten span features of ``ptc_features`` (repetition, position, quotes, ...);
  standardised with the training rows' mean and scale.
* **lexical** (``tc_lexical.npz``): multinomial logistic regression on hashed TF-IDF n-grams
  (``spinscope.inference.hashed_tfidf``): the span's words (1-2-grams) and characters (2-4-grams inside
  words), the rest of its sentence (words) and a few coarse flags (length, repeated, in the headline,
  quoted, question, exclamation, capitals).

Both were trained with class weights ``w_c`` (rare techniques up-weighted); their probabilities are divided
by ``w_c`` and renormalised, which undoes the prior shift the weights cause. The blend weights live in the
model's ``config.json`` (``tc_blend``), chosen on inner folds (``spinscope.train.ptc_tc``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import ModelError
from spinscope.inference.hashed_tfidf import WORD, Block, SparseLinear, char_grams, count, word_grams
from spinscope.inference.ptc_features import normalise, repetition_count
from spinscope.inference.ptc_heads import softmax

LEXICAL_BITS = 20
LEXICAL_SCALES = (1.0, 1.0, 0.5, 0.7)  # span words, span characters, sentence words, flags
_SENTENCE_BREAKS = ".!?\n"
_QUOTES = "\"'“”‘’«»"


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch from the last sentence break (``.!?`` or a line break) before ``start`` to the first one at
    or after ``end``: a cheap sentence, the same in training and at run time."""
    a = max(text.rfind(c, 0, start) for c in _SENTENCE_BREAKS) + 1
    ends = [b for b in (text.find(c, end) for c in _SENTENCE_BREAKS) if b >= 0]
    return a, min(ends) if ends else len(text)


def token_range(offsets: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """Tokens [a, b) overlapping the characters [start, end); the nearest token when none does."""
    idx = np.nonzero((offsets[:, 0] < end) & (offsets[:, 1] > start))[0]
    if idx.size == 0:
        i = int(np.argmin(np.abs(offsets[:, 0] - start)))
        return i, i + 1
    return int(idx[0]), int(idx[-1]) + 1


def pooled_row(states: np.ndarray, offsets: np.ndarray, text: str, start: int, end: int,
               features: np.ndarray) -> np.ndarray:
    """The pooled-states view of one span: per layer the mean and the max over its tokens, the mean of
    the last layer over its sentence, and the span's ``ptc_features.span_features``. ``states`` is
    (n, layers, 384)."""
    a, b = token_range(offsets, start, end)
    span = states[a:b]
    sa, sb = sentence_around(text, start, end)
    ca, cb = token_range(offsets, sa, sb)
    parts = [span[:, i].mean(0) for i in range(states.shape[1])]
    parts += [span[:, i].max(0) for i in range(states.shape[1])]
    parts += [states[ca:cb, -1].mean(0), features]
    return np.concatenate(parts).astype(np.float32)


def lexical_blocks(text: str, lower: str, start: int, end: int, title_end: int,
                   memo: dict[str, int] | None = None) -> list[Block]:
    """The lexical view of one span: hashed n-gram counts in four blocks (see the module docstring)."""
    raw = text[start:end]
    words = WORD.findall(lower[start:end])
    sa, sb = sentence_around(text, start, end)
    context = WORD.findall(lower[sa:start]) + WORD.findall(lower[end:sb])
    n = len(raw.split())
    flags = [f"len{n if n < 12 else (20 if n < 20 else 40)}"]
    rep = repetition_count(lower, normalise(raw))
    if rep:
        flags += ["rep", f"rep{min(rep, 3)}"]
    if start < title_end:
        flags.append("title")
    before, after = text[max(0, start - 1) : start], text[end : end + 1]
    if (before and before in _QUOTES) or (after and after in _QUOTES):
        flags.append("quoted")
    if "!" in raw:
        flags.append("excl")
    if "?" in raw or "?" in text[end : sb + 1]:
        flags.append("q")
    if raw[:1].isupper():
        flags.append("cap")
    if words and raw.isupper():
        flags.append("allcaps")
    return [
        count(word_grams(words, 2, "w:"), LEXICAL_BITS, memo),
        count(char_grams(words, 2, 4, "c:"), LEXICAL_BITS, memo),
        count(word_grams(context, 1, "x:"), LEXICAL_BITS, memo),
        count([f"f:{f}" for f in flags], LEXICAL_BITS, memo),
    ]


def unweight(probs: np.ndarray, class_weight: np.ndarray) -> np.ndarray:
    """Probabilities of a model trained with class weights, with the weights' prior shift undone."""
    p = probs / class_weight
    out: np.ndarray = p / p.sum(-1, keepdims=True)
    return out


class StandardisedLinear:
    """A linear layer on standardised rows, as the trainers store it (``save_standardised_linear``): mean,
    scale, coef (k, d), intercept (k,), and any extra arrays (``extra``)."""

    def __init__(self, path: Path) -> None:
        try:
            with np.load(path) as z:
                self.mean, self.scale = z["mean"].astype(np.float32), z["scale"].astype(np.float32)
                self.coef, self.intercept = z["coef"].astype(np.float32), z["intercept"].astype(np.float32)
                self.extra = {n: z[n] for n in z.files if n not in ("mean", "scale", "coef", "intercept")}
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"cannot load {path}: {exc}") from exc
        if self.coef.shape[1:] != self.mean.shape:
            raise ModelError(f"cannot load {path}: coef has shape {self.coef.shape}")

    def logits(self, rows: np.ndarray) -> np.ndarray:
        out: np.ndarray = ((rows - self.mean) / self.scale) @ self.coef.T + self.intercept
        return out


def save_standardised_linear(path: Path, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray,
                             intercept: np.ndarray, **extra: Any) -> None:
    np.savez_compressed(path, mean=mean.astype(np.float32), scale=scale.astype(np.float32),
                        coef=coef.astype(np.float32), intercept=intercept.astype(np.float32), **extra)


class PooledTC(StandardisedLinear):
    """The pooled-states linear model (``tc_pooled.npz``, with the training's ``class_weight``)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        if "class_weight" not in self.extra:
            raise ModelError(f"cannot load {path}: missing 'class_weight'")
        self.class_weight = self.extra["class_weight"].astype(np.float32)

    def probs(self, rows: np.ndarray) -> np.ndarray:
        return unweight(softmax(self.logits(rows)), self.class_weight)


class LexicalTC:
    """The lexical linear model (``tc_lexical.npz``: a ``SparseLinear`` plus intercept and class_weight)."""

    def __init__(self, path: Path) -> None:
        self.linear = SparseLinear(path, LEXICAL_BITS)
        try:
            self.intercept = self.linear.extra["intercept"].astype(np.float32)
            self.class_weight = self.linear.extra["class_weight"].astype(np.float32)
        except KeyError as exc:
            raise ModelError(f"cannot load {path}: missing {exc}") from exc

    def probs(self, blocks: list[list[Block]]) -> np.ndarray:
        z = np.stack([self.linear.score(b, LEXICAL_SCALES) for b in blocks]) + self.intercept
        return unweight(softmax(z), self.class_weight)
