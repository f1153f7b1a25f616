"""Article-level scores derived from spans (documented in docs/SCHEMA.md)."""

from __future__ import annotations

import bisect

from spinscope.article import Article
from spinscope.spans import Span
from spinscope.techniques import is_ptc_technique


def technique_counts(spans: list[Span]) -> dict[str, float]:
    """``techniques.<name>``: the number of findings of each PTC technique, whichever layers found them
    (after merging: the count a reader sees)."""
    counts: dict[str, int] = {}
    for s in spans:
        if is_ptc_technique(s.technique):
            counts[s.technique] = counts.get(s.technique, 0) + 1
    return {f"techniques.{k}": float(v) for k, v in sorted(counts.items())}


def article_scores(article: Article, spans: list[Span]) -> dict[str, float]:
    """``persuasion``: score-weighted share of analysable sentences that hold a technique span
    (each sentence counts with the highest score of a span starting in it), in [0, 1].
    ``techniques_per_100_words``: PTC technique spans per 100 analysable words."""
    sentences = article.analysable_sentences()
    words = article.word_count()
    technique_spans = [s for s in spans if is_ptc_technique(s.technique)]
    best: dict[int, float] = {}
    starts = [sent.start for sent in sentences]  # sentences are sorted and disjoint: a bisect finds the one
    for s in technique_spans:
        i = bisect.bisect_right(starts, s.start) - 1
        if i >= 0 and s.start < sentences[i].end:
            best[i] = max(best.get(i, 0.0), s.score)
    persuasion = sum(best.values()) / len(sentences) if sentences else 0.0
    return {
        "persuasion": round(min(1.0, persuasion), 4),
        "techniques_per_100_words": round(100.0 * len(technique_spans) / words, 3) if words else 0.0,
        "words": float(words),
        "sentences": float(len(sentences)),
    }
