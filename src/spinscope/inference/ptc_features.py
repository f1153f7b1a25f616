"""Article-level features of a candidate span, shared by training (torch) and run time (numpy).

The technique classifier sees the pooled encoder states of the span (which already carry its
sentence context) plus these signals; the repetition feature (does the span's text occur elsewhere in
the article?) is what makes ``Repetition`` learnable at all.
"""

from __future__ import annotations

import math
import re

import numpy as np

N_FEATURES = 10
_WS = re.compile(r"\s+")
_QUOTES = "\"'“”‘’«»"


def normalise(s: str) -> str:
    return _WS.sub(" ", s.lower()).strip(" \t\n.,;:!?\"'“”‘’()")


def repetition_count(text_lower: str, span_norm: str) -> int:
    """Occurrences of the span text elsewhere in the article (case-insensitive, non-overlapping)."""
    if len(span_norm) < 3:
        return 0
    return max(0, text_lower.count(span_norm) - 1)


def span_features(text: str, text_lower: str, start: int, end: int, title_end: int) -> np.ndarray:
    span = text[start:end]
    norm = normalise(span)
    rep = repetition_count(text_lower, norm)
    words = len(span.split())
    before = text[max(0, start - 1) : start]
    after = text[end : end + 1]
    f = np.array(
        [
            min(rep, 5) / 5.0,
            1.0 if rep > 0 else 0.0,
            math.log1p(len(span)) / 6.0,
            min(words, 40) / 40.0,
            1.0 if start < title_end else 0.0,
            1.0 if (before and before in _QUOTES) or (after and after in _QUOTES) else 0.0,
            1.0 if "!" in span else 0.0,
            1.0 if "?" in span else 0.0,
            start / max(1, len(text)),
            1.0 if span[:1].isupper() else 0.0,
        ],
        dtype=np.float32,
    )
    return f


def title_end_of(text: str) -> int:
    """PTC convention: the headline is the first line."""
    nl = text.find("\n")
    return nl if nl >= 0 else len(text)
