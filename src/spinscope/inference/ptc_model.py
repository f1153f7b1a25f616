"""Run time of the PTC model: one int8 ONNX encoder pass per article window, numpy heads on top.

Files in ``resources/models/ptc/`` (written by ``spinscope.train.ptc``): ``encoder_int8.onnx``
(fine-tuned all-MiniLM-L6-v2, last_hidden_state; attention fused without a padding mask, so windows
are batched only with windows of the same length), ``heads.npz`` (SI tagger O/B/I and the technique
MLP), ``tokenizer.json``, ``config.json`` (threshold, window) and ``card.json`` (model card).
The session is created on first use and kept on the object. No torch needed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.detectors.lexicon import FUNCTION_WORDS
from spinscope.errors import ModelError
from spinscope.inference.ptc_features import span_features, title_end_of
from spinscope.inference.ptc_lexical import LexicalTC
from spinscope.inference.windows import (
    Tokens,
    best_window,
    build_batch,
    equal_length_batches,
    gather_tokens,
    load_tokenizer,
    tokenize,
    window_starts,
)

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "resources" / "models" / "ptc"


@dataclass(frozen=True)
class Encoded:
    """An article after the encoder: its tokens, per-token hidden states and SI probabilities."""

    text: str
    tokens: Tokens
    hidden: np.ndarray  # (n, H) float32, each token from its most central window
    si_probs: np.ndarray  # (n, 3) O, B, I


@dataclass(frozen=True)
class SpanPrediction:
    start: int
    end: int
    score: float  # mean P(inside) over the span's tokens
    technique_probs: np.ndarray  # (14,)
    trigger_tokens: tuple[str, ...]  # the span's most confidently tagged tokens


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    out: np.ndarray = e / e.sum(-1, keepdims=True)
    return out


_ERF = np.vectorize(math.erf, otypes=[np.float32])


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as torch.nn.functional.gelu."""
    out: np.ndarray = 0.5 * x * (1.0 + _ERF(x / math.sqrt(2.0)))
    return out


_SENTENCE_END = frozenset({".", "!", "?"})


_APOSTROPHES = frozenset("'\u2019")


def _in_word(text: str, i: int) -> bool:
    """Is ``text[i]`` part of a word: a letter or digit, or an apostrophe between two ("it's", "Trump’s")."""
    c = text[i]
    if c.isalnum():
        return True
    return c in _APOSTROPHES and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def _word_start(text: str, s: int, e: int) -> int:
    """Where a span that the tagger starts at ``s`` should start: at a word's beginning. A span starting on
    the clitic after an apostrophe ("s a dangerous" in "it's a dangerous") starts at the next word; one
    starting inside a plain word is extended back to the word's first letter."""
    if 1 < s < e and text[s - 1] in _APOSTROPHES and _in_word(text, s - 1):
        t = s
        while t < e and text[t].isalnum():
            t += 1
        while t < e and text[t].isspace():
            t += 1
        if t < e:
            return t
    while s > 0 and _in_word(text, s - 1) and _in_word(text, s):
        s -= 1
    return s


def _word_end(text: str, e: int) -> int:
    """A span ending inside a word ends at the word's end ("Trump" + "’s", "dang" + "erous")."""
    while e < len(text) and _in_word(text, e) and _in_word(text, e - 1):
        e += 1
    return e


_DOUBLE_QUOTES = '"\u201c\u201d'
_QUOTE_MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"


def _balance_quotes(text: str, s: int, e: int) -> tuple[int, int]:
    """A span holding one double quote mark of a pair takes the other when it is right outside
    (“so-called "historic"” rather than “so-called "historic”), else drops a leading lone mark."""
    if sum(text.count(c, s, e) for c in _DOUBLE_QUOTES) % 2 == 1:
        if e < len(text) and text[e] in _DOUBLE_QUOTES:
            return s, e + 1
        if s < e - 1 and text[s] in _DOUBLE_QUOTES:
            return s + 1, e
    return s, e


def _word_at(text: str, a: int, b: int) -> str:
    """The whole word around a word-piece token."""
    while a > 0 and _in_word(text, a - 1):
        a -= 1
    while b < len(text) and _in_word(text, b):
        b += 1
    return text[a:b]


class PTCModel:
    """Span identification and technique classification for one text at a time."""

    def __init__(self, model_dir: Path | str | None = None, *, threads: int | None = None,
                 batch_size: int = 8) -> None:
        self.model_dir = Path(model_dir) if model_dir is not None else DEFAULT_DIR
        self.threads = threads
        self.batch_size = batch_size
        self._session: Any = None
        self._takes_mask = True
        self._tokenizer: Any = None
        self._heads: dict[str, np.ndarray] = {}
        self.config: dict[str, Any] = {}
        self._lexical: LexicalTC | None = None
        self._lexical_weight = 0.0

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        if self._session is not None:
            return
        files = [self.model_dir / n for n in ("encoder_int8.onnx", "heads.npz", "tokenizer.json", "config.json")]
        for p in files:
            if not p.is_file():
                raise ModelError(f"PTC model file missing: {p} (train it with `spinscope train ptc`)")
        try:
            from spinscope.inference.onnx import cpu_session

            session = cpu_session(files[0], self.threads)
            with np.load(files[1]) as z:
                self._heads = {k: z[k].astype(np.float32) for k in z.files}
            self._tokenizer = load_tokenizer(files[2])
            self.config = json.loads(files[3].read_text(encoding="utf-8"))
            blend = self.config.get("tc_blend") or {}
            if float(blend.get("lexical_weight", 0.0)) > 0:
                self._lexical = LexicalTC(self.model_dir)
                self._lexical_weight = float(blend["lexical_weight"])
                if not self._lexical.available():
                    raise ModelError(f"PTC model file missing: {self._lexical.path}")
        except Exception as exc:
            raise ModelError(f"cannot load the PTC model from {self.model_dir}: {exc}") from exc
        self._session = session
        self._takes_mask = any(i.name == "attention_mask" for i in session.get_inputs())

    @property
    def techniques(self) -> list[str]:
        self.load()
        return list(self.config["techniques"])

    @property
    def threshold(self) -> float:
        self.load()
        return float(self.config["si_threshold"])

    # ------------------------------------------------------------------ encoder
    def forward(self, input_ids: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Bare encoder forward: last_hidden_state (B, T, H).

        The shipped encoder has fused attention without a padding mask
        (:mod:`spinscope.train.fuse_attention`): it takes ``input_ids`` only and refuses a padded batch.
        An encoder that still has an ``attention_mask`` input gets ``mask`` (default: no padding)."""
        self.load()
        feed = {"input_ids": input_ids}
        if self._takes_mask:
            feed["attention_mask"] = np.ones_like(input_ids) if mask is None else mask
        elif mask is not None and not mask.all():
            raise ValueError("this PTC encoder has no padding mask: feed windows of equal length, unpadded")
        out: np.ndarray = self._session.run(None, feed)[0]
        return out

    def encode(self, text: str, segments: Sequence[tuple[int, int]] | None = None) -> Encoded:
        """Tokenise (only ``segments`` when given), window, run the encoder, tag tokens."""
        self.load()
        toks = tokenize(self._tokenizer, text, segments)
        h = int(self._heads["tagger_w"].shape[1])
        if len(toks) == 0:
            return Encoded(text, toks, np.zeros((0, h), np.float32), np.zeros((0, 3), np.float32))
        win = self.config["window"]
        wins = window_starts(len(toks), int(win["size"]), int(win["overlap_inference"]))
        parts = []
        for b, e in equal_length_batches(wins, self.batch_size):
            ids, mask = build_batch(toks.ids, wins[b:e])
            out = self.forward(ids, mask)
            if out.shape[1] < int(win["size"]):
                pad = np.zeros((out.shape[0], int(win["size"]) - out.shape[1], out.shape[2]), out.dtype)
                out = np.concatenate([out, pad], 1)
            parts.append(out)
        hidden_w = np.concatenate(parts, 0)
        best, pos = best_window(len(toks), wins)
        hidden = gather_tokens(hidden_w, best, pos).astype(np.float32)
        logits = hidden @ self._heads["tagger_w"].T + self._heads["tagger_b"]
        return Encoded(text, toks, hidden, _softmax(logits))

    # ------------------------------------------------------------------ heads
    def spans(self, enc: Encoded, threshold: float | None = None, *, split_on_b: bool | None = None,
              max_gap: int | None = None, min_tokens: int | None = None) -> list[tuple[int, int, float, int, int]]:
        """SI decoding: (start, end, score, first token, end token).

        Runs of tokens with P(inside) >= threshold; a confident B starts a new span when ``split_on_b``;
        runs separated by at most ``max_gap`` tokens on the same line are joined; runs shorter than
        ``min_tokens`` are dropped. Defaults come from the model's config (picked on validation).
        """
        self.load()
        dec = self.config.get("si_decode", {})
        thr = self.threshold if threshold is None else threshold
        split_b = bool(dec.get("split_on_b", True)) if split_on_b is None else split_on_b
        gap_max = int(dec.get("max_gap", 0)) if max_gap is None else max_gap
        min_tok = int(dec.get("min_tokens", 1)) if min_tokens is None else min_tokens
        probs, off, text = enc.si_probs, enc.tokens.offsets, enc.text
        p_in = 1.0 - probs[:, 0]
        runs: list[list[int]] = []
        cur = -1
        n = len(p_in)
        for t in range(n + 1):
            inside = t < n and bool(p_in[t] >= thr)
            new_b = split_b and inside and cur >= 0 and probs[t, 1] > probs[t, 2] and probs[t, 1] > 0.5
            brk = inside and cur >= 0 and (
                "\n" in text[off[t - 1, 1] : off[t, 0]]  # a line break
                or (text[off[t - 1, 0] : off[t - 1, 1]] in _SENTENCE_END and text[off[t, 0]].isupper())
            )
            if cur >= 0 and (not inside or new_b or brk):
                runs.append([cur, t])
                cur = -1
            if inside and cur < 0:
                cur = t
        merged: list[list[int]] = []
        for a, b in runs:
            if (merged and gap_max > 0 and a - merged[-1][1] <= gap_max
                    and "\n" not in text[off[merged[-1][1] - 1, 1] : off[a, 0]]
                    and not any(text[off[k, 0] : off[k, 1]] in _SENTENCE_END for k in range(merged[-1][1] - 1, a))):
                merged[-1][1] = b
            else:
                merged.append([a, b])
        out: list[tuple[int, int, float, int, int]] = []
        for a, b in merged:
            if b - a >= min_tok:
                s, e = int(off[a, 0]), int(off[b - 1, 1])
                s, e = _balance_quotes(text, _word_start(text, s, e), _word_end(text, e))
                out.append((s, e, float(p_in[a:b].mean()), a, b))
        return out

    def classify(self, enc: Encoded, ranges: Sequence[tuple[int, int]], *, blend: bool = True) -> np.ndarray:
        """Technique probabilities (len(ranges), 14) for character spans of the encoded text: the encoder's
        technique head, blended (``config.json`` ``tc_blend``, weight picked on validation) with the lexical
        n-gram classifier unless ``blend`` is False."""
        self.load()
        if not ranges:
            return np.zeros((0, len(self.techniques)), np.float32)
        off = enc.tokens.offsets
        lower, tend = enc.text.lower(), title_end_of(enc.text)
        rows = []
        for s, e in ranges:
            idx = np.nonzero((off[:, 0] < e) & (off[:, 1] > s))[0]
            if idx.size == 0:  # span outside the tokenised text: nearest token
                idx = np.array([int(np.argmin(np.abs(off[:, 0] - s)))]) if len(off) else np.array([], int)
            seg = enc.hidden[idx] if idx.size else np.zeros((1, enc.hidden.shape[1]), np.float32)
            rows.append(np.concatenate([seg.mean(0), seg.max(0), span_features(enc.text, lower, s, e, tend)]))
        x = np.stack(rows).astype(np.float32)
        h = _gelu(x @ self._heads["tc1_w"].T + self._heads["tc1_b"])
        probs = _softmax(h @ self._heads["tc2_w"].T + self._heads["tc2_b"])
        if blend and self._lexical is not None:
            w = self._lexical_weight
            probs = (1.0 - w) * probs + w * self._lexical.predict_proba(enc.text, ranges)
        return probs

    @staticmethod
    def _cues(enc: Encoded, first: int, p_in: np.ndarray, n: int = 3) -> tuple[str, ...]:
        """The words of a span whose tokens the tagger found most "inside", in text order: whole words,
        each once, without function words or bare punctuation ("obviously", "gross", not "a" or "“")."""
        picked: dict[str, tuple[int, str]] = {}
        for i in np.argsort(-p_in, kind="stable"):
            a, b = (int(x) for x in enc.tokens.offsets[first + int(i)])
            if not any(c.isalnum() for c in enc.text[a:b]):  # a quote mark or hyphen token
                continue
            word = _word_at(enc.text, a, b).strip(_QUOTE_MARKS)
            key = word.lower()
            if key in FUNCTION_WORDS or key in picked:
                continue
            picked[key] = (a, word)
            if len(picked) == n:
                break
        return tuple(w for _, w in sorted(picked.values()))

    def predict(self, text: str, segments: Sequence[tuple[int, int]] | None = None,
                threshold: float | None = None) -> list[SpanPrediction]:
        enc = self.encode(text, segments)
        found = self.spans(enc, threshold)
        probs = self.classify(enc, [(s, e) for s, e, *_ in found])
        out = []
        for (s, e, score, ta, tb), p in zip(found, probs, strict=True):
            p_in = 1.0 - enc.si_probs[ta:tb, 0]
            out.append(SpanPrediction(s, e, min(1.0, max(0.0, score)), p, self._cues(enc, ta, p_in)))
        return out
