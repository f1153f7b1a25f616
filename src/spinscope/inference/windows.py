"""Tokenise a whole article with character offsets and cut it into overlapping encoder windows.

Long articles are never truncated: every token lands in at least one window of at most
``size`` tokens (including [CLS] and [SEP]); consecutive windows overlap by ``overlap`` tokens and a
token's prediction is taken from the window where it sits furthest from an edge.
Excluded (clutter) regions are simply not tokenised, so nothing inside them is ever predicted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

CLS_ID, SEP_ID, PAD_ID = 101, 102, 0


@dataclass(frozen=True)
class Tokens:
    """Content tokens of a text (no special tokens): ids and [start, end) character offsets."""

    ids: np.ndarray  # int64 (n,)
    offsets: np.ndarray  # int64 (n, 2)

    def __len__(self) -> int:
        return int(self.ids.shape[0])


def load_tokenizer(path: Path | str) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


def tokenize(tokenizer: Any, text: str, segments: Sequence[tuple[int, int]] | None = None) -> Tokens:
    """Tokenise ``text`` (or only its ``segments``) without special tokens, offsets into ``text``."""
    if segments is None:
        segments = [(0, len(text))]
    ids: list[int] = []
    offs: list[tuple[int, int]] = []
    for s, e in segments:
        if e <= s:
            continue
        enc = tokenizer.encode(text[s:e], add_special_tokens=False)
        for i, (a, b) in zip(enc.ids, enc.offsets, strict=True):
            if b > a:
                ids.append(i)
                offs.append((a + s, b + s))
    return Tokens(np.asarray(ids, dtype=np.int64), np.asarray(offs, dtype=np.int64).reshape(-1, 2))


def window_starts(n: int, size: int = 256, overlap: int = 32) -> list[tuple[int, int]]:
    """Content-token ranges [a, b) of the windows covering ``n`` tokens (size counts [CLS]/[SEP])."""
    content = size - 2
    if content <= overlap:
        raise ValueError("window size must exceed the overlap by more than 2")
    if n <= content:
        return [(0, n)] if n else []
    stride = content - overlap
    out: list[tuple[int, int]] = []
    a = 0
    while True:
        b = min(a + content, n)
        out.append((a, b))
        if b >= n:
            break
        a += stride
    # the last window is stretched back so that it is full (more context, same count)
    la, lb = out[-1]
    if lb - la < content:
        out[-1] = (max(0, lb - content), lb)
    return out


def equal_length_batches(wins: Sequence[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Consecutive index ranges [b, e) of ``wins``, at most ``size`` long, whose windows all have one
    length: batches that need no padding. (``window_starts`` makes every window full length, so in
    practice these are plain chunks of ``size``.)"""
    out: list[tuple[int, int]] = []
    b = 0
    for i in range(1, len(wins) + 1):
        if i == len(wins) or i - b == size or wins[i][1] - wins[i][0] != wins[b][1] - wins[b][0]:
            out.append((b, i))
            b = i
    return out


def build_batch(ids: np.ndarray, wins: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """input_ids and attention_mask (B, T) with [CLS] ... [SEP] and right padding."""
    width = max(b - a for a, b in wins) + 2
    input_ids = np.full((len(wins), width), PAD_ID, dtype=np.int64)
    mask = np.zeros((len(wins), width), dtype=np.int64)
    for r, (a, b) in enumerate(wins):
        k = b - a
        input_ids[r, 0] = CLS_ID
        input_ids[r, 1 : k + 1] = ids[a:b]
        input_ids[r, k + 1] = SEP_ID
        mask[r, : k + 2] = 1
    return input_ids, mask


def best_window(n: int, wins: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """For each content token: the window index where it is most central, and its row position there."""
    best = np.full(n, -1, dtype=np.int64)
    pos = np.zeros(n, dtype=np.int64)
    margin = np.full(n, -1, dtype=np.int64)
    for w, (a, b) in enumerate(wins):
        idx = np.arange(a, b)
        m = np.minimum(idx - a, b - 1 - idx)
        take = m > margin[a:b]
        best[a:b][take] = w
        pos[a:b][take] = idx[take] - a + 1  # +1 for [CLS]
        margin[a:b][take] = m[take]
    return best, pos


def gather_tokens(hidden: np.ndarray, best: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Per content token, its hidden state from its best window: (n, H)."""
    if best.size == 0:
        return np.zeros((0, hidden.shape[-1]), dtype=hidden.dtype)
    out: np.ndarray = hidden[best, pos]
    return out
