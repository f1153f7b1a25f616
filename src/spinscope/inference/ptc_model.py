"""Run time of the PTC technique model: heads on the frozen shared encoder, numpy only.

One pass of the bundled int8 all-MiniLM-L6-v2 (``resources/models/encoder``, shared with the headline and
claims layers) gives every token its states in all six layers (``spinscope.inference.token_encoder``);
the heads in ``resources/models/ptc/heads.npz`` (trained by ``spinscope.train.ptc_heads``; architecture
in ``spinscope.inference.ptc_heads``) tag tokens O/B/I and classify spans into the 14 techniques.
``config.json`` holds the layers read, the SI threshold and decoding (chosen on inner folds of a grouped
cross-validation), ``card.json`` the model card. Nothing loads until first use. No torch needed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.detectors.lexicon import FUNCTION_WORDS
from spinscope.errors import ModelError
from spinscope.inference.ptc_features import span_features, title_end_of
from spinscope.inference.ptc_heads import pool_span, technique_probs, token_network
from spinscope.inference.ptc_tagger import LinearTagger
from spinscope.inference.ptc_tc import LexicalTC, PooledTC, lexical_blocks, pooled_row, token_range
from spinscope.inference.token_encoder import TokenEncoder
from spinscope.inference.windows import Tokens

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "resources" / "models" / "ptc"


@dataclass(frozen=True)
class Encoded:
    """An article after the encoder: its tokens, per-token hidden states and SI probabilities."""

    text: str
    tokens: Tokens
    hidden: np.ndarray  # (n, C) float32: the heads' token representations
    si_probs: np.ndarray  # (n, 3) O, B, I
    states: np.ndarray  # (n, layers, 384) float32: the encoder states the heads read


@dataclass(frozen=True)
class SpanPrediction:
    start: int
    end: int
    score: float  # mean P(inside) over the span's tokens
    technique_probs: np.ndarray  # (14,)
    trigger_tokens: tuple[str, ...]  # the span's most confidently tagged tokens


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
                 encoder: TokenEncoder | None = None) -> None:
        self.model_dir = Path(model_dir) if model_dir is not None else DEFAULT_DIR
        self.threads = threads
        self._encoder = encoder
        self._heads: dict[str, np.ndarray] = {}
        self._pooled: PooledTC | None = None
        self._lexical: LexicalTC | None = None
        self._tagger: LinearTagger | None = None
        self.config: dict[str, Any] = {}

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        if self._heads:
            return
        files = [self.model_dir / n for n in ("heads.npz", "config.json")]
        for p in files:
            if not p.is_file():
                raise ModelError(f"PTC model file missing: {p} (train it with `spinscope train ptc`)")
        try:
            config = json.loads(files[1].read_text(encoding="utf-8"))
            if config.get("architecture") != "frozen-encoder-conv":
                raise ValueError(f"unknown architecture {config.get('architecture')!r}")
            with np.load(files[0]) as z:
                heads = {k: z[k].astype(np.float32) for k in z.files}
        except Exception as exc:
            raise ModelError(f"cannot load the PTC model from {self.model_dir}: {exc}") from exc
        blend = config.get("tc_blend", {})
        unknown = sorted(set(blend) - {"heads", "pooled", "lexical"})
        if unknown:
            raise ModelError(f"cannot load the PTC model from {self.model_dir}: unknown view {unknown[0]!r}")
        pooled = PooledTC(self.model_dir / "tc_pooled.npz") if blend.get("pooled", 0) > 0 else None
        lexical = LexicalTC(self.model_dir / "tc_lexical.npz") if blend.get("lexical", 0) > 0 else None
        tagger = LinearTagger(self.model_dir / "si_linear.npz") if config.get("si_blend", 0) > 0 else None
        if self._encoder is None:
            win = config.get("window", {})
            self._encoder = TokenEncoder(threads=self.threads, size=int(win.get("size", 256)),
                                         overlap=int(win.get("overlap_inference", 32)))
        self.config = config
        self._pooled, self._lexical = pooled, lexical
        self._tagger = tagger
        self._heads = heads

    @property
    def encoder(self) -> TokenEncoder:
        self.load()
        assert self._encoder is not None
        return self._encoder

    @property
    def techniques(self) -> list[str]:
        self.load()
        return list(self.config["techniques"])

    @property
    def threshold(self) -> float:
        self.load()
        return float(self.config["si_threshold"])

    # ------------------------------------------------------------------ encoder + token heads
    def encode(self, text: str, segments: Sequence[tuple[int, int]] | None = None) -> Encoded:
        """Tokenise (only ``segments`` when given), run the shared encoder once, tag tokens."""
        toks = self.encoder.tokenize(text, segments)
        return self.encode_states(text, toks, self.encoder.states(toks, self.config["layers"]))

    def encode_states(self, text: str, toks: Tokens, states: np.ndarray) -> Encoded:
        """The heads on given encoder states (n, len(layers), 384), e.g. cached ones in training."""
        self.load()
        if len(toks) == 0:
            w = 2 * int(self.config["width"])
            return Encoded(text, toks, np.zeros((0, w), np.float32), np.zeros((0, 3), np.float32),
                           np.zeros((0, len(self.config["layers"]), 384), np.float32))
        z, probs = token_network(states, self._heads, list(self.config["dilations"]))
        weight = float(self.config.get("si_blend", 0.0))
        if weight > 0 and self._tagger is not None:  # average with the linear tagger (inference.ptc_tagger)
            probs = ((1.0 - weight) * probs + weight * self._tagger.probs(states)).astype(np.float32)
        return Encoded(text, toks, z, probs, states)

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

    def technique_views(self, enc: Encoded, ranges: Sequence[tuple[int, int]],
                        only: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """Each view's technique probabilities (len(ranges), 14) for character spans of the encoded text:
        ``heads`` (raw, before ``tc_adjust``) and the linear views of ``spinscope.inference.ptc_tc`` this
        model has; ``only`` restricts the views computed."""
        self.load()

        def wanted(name: str) -> bool:
            return only is None or name in only

        if not ranges:
            names = ["heads", *(n for n, m in (("pooled", self._pooled), ("lexical", self._lexical)) if m is not None)]
            return {n: np.zeros((0, len(self.techniques)), np.float32) for n in names if wanted(n)}
        out: dict[str, np.ndarray] = {}
        off = enc.tokens.offsets
        lower, tend = enc.text.lower(), title_end_of(enc.text)
        features = [span_features(enc.text, lower, s, e, tend) for s, e in ranges]
        if wanted("heads"):
            rows = [np.concatenate([pool_span(enc.hidden, *token_range(off, s, e)), f])
                    for (s, e), f in zip(ranges, features, strict=True)]
            out["heads"] = technique_probs(np.stack(rows).astype(np.float32), self._heads)
        if self._pooled is not None and wanted("pooled"):
            out["pooled"] = self._pooled.probs(np.stack([pooled_row(enc.states, off, enc.text, s, e, f)
                                                         for (s, e), f in zip(ranges, features, strict=True)]))
        if self._lexical is not None and wanted("lexical"):
            out["lexical"] = self._lexical.probs([lexical_blocks(enc.text, lower, s, e, tend) for s, e in ranges])
        return out

    def classify(self, enc: Encoded, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
        """Technique probabilities (len(ranges), 14) for character spans of the encoded text: the heads'
        (with their prior correction ``tc_adjust``), blended with the linear views by ``tc_blend``."""
        views = self.technique_views(enc, ranges)
        probs = views["heads"]
        adjust = self.config.get("tc_adjust")
        if adjust:  # undo the class-weighted loss's prior shift (factor chosen in cross-validation)
            probs = probs * np.asarray(adjust, np.float32)
            probs /= probs.sum(1, keepdims=True)
        blend = self.config.get("tc_blend")
        if blend:
            probs = float(blend.get("heads", 1.0)) * probs
            for name, p in views.items():
                if name != "heads":
                    probs = probs + float(blend[name]) * p
        out: np.ndarray = probs.astype(np.float32)
        return out

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
        return self.predict_encoded(self.encode(text, segments), threshold)

    def predict_encoded(self, enc: Encoded, threshold: float | None = None) -> list[SpanPrediction]:
        found = self.spans(enc, threshold)
        probs = self.classify(enc, [(s, e) for s, e, *_ in found])
        out = []
        for (s, e, score, ta, tb), p in zip(found, probs, strict=True):
            p_in = 1.0 - enc.si_probs[ta:tb, 0]
            out.append(SpanPrediction(s, e, min(1.0, max(0.0, score)), p, self._cues(enc, ta, p_in)))
        return out
