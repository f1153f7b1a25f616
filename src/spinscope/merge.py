"""One finding per place: spans of one technique on the same words, from different layers, become one.

The techniques model, the lexical layer and the rhetoric layer look at the same sentences; left alone
they report "Why did she hide it?" twice (model and rhetoric, both Doubt) and "disastrous" inside a
model span of the same technique. Here every group of spans that share a label and overlap is merged
into one finding:

* extent: the union of the group (the PTC scorers merge overlapping spans of one technique the same way);
* score: the highest of the group's (calibrated) scores: the group's strongest piece of evidence;
* explanation: every member's reason, the highest-scored first, each said once;
* detector: the layers that found it, in the order the pipeline ran them, joined by ``+``.

Spans of different techniques on the same words stay separate findings, as in the PTC annotation.
"""

from __future__ import annotations

from collections.abc import Sequence

from spinscope.spans import Span

DETECTOR_JOIN = "+"
_LAYER_NAMES = {"techniques": "the techniques model", "lexical": "the lexical layer", "rhetoric": "the rhetoric layer"}


def _layer(detector: str) -> str:
    return _LAYER_NAMES.get(detector, f"the {detector} layer")


def merge_group(group: Sequence[Span], order: Sequence[str] = ()) -> Span:
    """One span for ``group`` (same label, overlapping): union extent, best score, every reason kept."""
    if len(group) == 1:
        return group[0]
    rank = {name: i for i, name in enumerate(order)}
    ranked = sorted(group, key=lambda s: (-s.score, rank.get(s.detector, len(rank)), s.start))
    best = ranked[0]
    detectors: list[str] = []
    for s in sorted(group, key=lambda s: (rank.get(s.detector, len(rank)), s.detector)):
        for d in s.detector.split(DETECTOR_JOIN):
            if d and d not in detectors:
                detectors.append(d)
    reasons: list[str] = [best.explanation]
    for s in ranked[1:]:
        if s.explanation and s.explanation not in reasons:
            reasons.append(f"Also from {_layer(s.detector)}: {s.explanation}" if s.detector != best.detector
                           else s.explanation)
    return Span(
        min(s.start for s in group),
        max(s.end for s in group),
        best.technique,
        best.score,
        " ".join(r for r in reasons if r),
        DETECTOR_JOIN.join(detectors),
    )


def merge_findings(spans: Sequence[Span], order: Sequence[str] = ()) -> list[Span]:
    """Merge overlapping spans of one label (see the module docstring); ``order`` is the pipeline's detector
    order, used to list a merged finding's layers. The result is in reading order (``Span.sort_key``)."""
    by_label: dict[str, list[Span]] = {}
    for s in spans:
        by_label.setdefault(s.technique, []).append(s)
    out: list[Span] = []
    for group in by_label.values():
        group.sort(key=lambda s: (s.start, -s.end))
        current: list[Span] = [group[0]]
        end = group[0].end
        for s in group[1:]:
            if s.start < end:  # overlaps the running group
                current.append(s)
                end = max(end, s.end)
            else:
                out.append(merge_group(current, order))
                current, end = [s], s.end
        out.append(merge_group(current, order))
    return sorted(out, key=Span.sort_key)
