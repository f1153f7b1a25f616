"""The trained layer: the 14 PTC techniques found at span level by heads on the shared MiniLM encoder.

One pass of the shared int8 encoder over overlapping windows of the analysable text (excluded clutter is
never tokenised) feeds a token tagger (where is a technique used?) and a span classifier (which one?).
Scores here are raw; the Analyzer calibrates them (``spinscope.calibration``) and merges them with the
other layers' findings (``spinscope.merge``).
Each span carries the technique's definition plus what triggered it: the most confidently tagged
tokens, the model's technique probability and runner-up, and the repetition signal when it fired.
A span whose second technique is also likely (>= ``SECOND_TECHNIQUE_MIN``) is reported twice, once
per technique: overlapping spans of different techniques are kept, as in the PTC annotation.

Options (``Options.extra``): ``ptc_model_dir`` (another trained model folder), ``ptc_threshold``
(SI threshold, default from the model's config), ``ptc_threads`` (onnxruntime intra-op threads).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from spinscope.article import Article
from spinscope.config import Options
from spinscope.detectors.base import Context, Detector, Findings
from spinscope.inference.ptc_features import normalise, repetition_count
from spinscope.inference.ptc_model import PTCModel, SpanPrediction
from spinscope.spans import Span
from spinscope.techniques import PTC_TECHNIQUES, definition

SECOND_TECHNIQUE_MIN = 0.35


def analysable_segments(article: Article) -> list[tuple[int, int]]:
    """The text outside excluded regions, as [start, end) character ranges."""
    out: list[tuple[int, int]] = []
    pos = 0
    for r in sorted(article.excluded, key=lambda r: r.start):
        if r.start > pos:
            out.append((pos, r.start))
        pos = max(pos, r.end)
    if pos < len(article.text):
        out.append((pos, len(article.text)))
    return out


def technique_choices(preds: list[SpanPrediction], techniques: list[str]
                      ) -> list[tuple[SpanPrediction, str, float, str, float, float]]:
    """For each predicted span: its most likely technique, and its second one too when that is at least
    ``SECOND_TECHNIQUE_MIN`` likely, as (prediction, technique, probability, runner-up, runner-up probability,
    raw score). The raw score, sqrt(span confidence × technique probability), is what the calibration maps
    (``spinscope.calibration``) turn into the probability shown; training and run time share this rule."""
    out = []
    for p in preds:
        order = np.argsort(-p.technique_probs)
        for rank, k in enumerate(order[:2]):
            prob = float(p.technique_probs[k])
            if rank == 1 and prob < SECOND_TECHNIQUE_MIN:
                break
            other = order[1 - rank] if rank == 0 else order[0]
            raw = round(float(np.sqrt(p.score * prob)), 4)
            out.append((p, techniques[int(k)], prob, techniques[int(other)], float(p.technique_probs[other]), raw))
    return out


def _short(name: str) -> str:
    return name.replace("_", " ").replace(",", ", ")


class TechniquesDetector(Detector):
    name: ClassVar[str] = "techniques"
    labels: ClassVar[tuple[str, ...]] = PTC_TECHNIQUES

    def __init__(self) -> None:
        self._model: PTCModel | None = None
        self._model_dir: str | None = None
        self._threshold: float | None = None
        self._threads: int | None = None

    def configure(self, options: Options) -> None:
        extra = options.extra
        self._model_dir = extra.get("ptc_model_dir") or None
        self._threshold = float(extra["ptc_threshold"]) if extra.get("ptc_threshold") else None
        self._threads = options.model_threads

    @property
    def model(self) -> PTCModel:
        if self._model is None:
            self._model = PTCModel(self._model_dir, threads=self._threads)
            self._model.load()
        return self._model

    def detect(self, article: Article, context: Context) -> Findings:
        model = self.model
        preds = model.predict(article.text, analysable_segments(article), self._threshold)
        lower = article.text.lower()
        spans = [
            Span(p.start, p.end, tech, raw, self._explain(article.text, lower, p, tech, prob, runner, rp), self.name)
            for p, tech, prob, runner, rp, raw in technique_choices(preds, model.techniques)
        ]
        return Findings(spans=spans)

    @staticmethod
    def _explain(text: str, lower: str, p: SpanPrediction, tech: str, prob: float, runner: str,
                 runner_p: float) -> str:
        parts = [definition(tech) or _short(tech)]
        trig = ", ".join(f"“{t}”" for t in p.trigger_tokens if t.strip())
        why = f"Model: span confidence {p.score:.2f}"
        if trig:
            why += f", strongest cues {trig}"
        why += f"; {_short(tech)} {prob:.0%} (next: {_short(runner)} {runner_p:.0%})."
        parts.append(why)
        rep = repetition_count(lower, normalise(text[p.start : p.end]))
        if rep:
            parts.append(f"The phrase occurs {rep} more time{'s' if rep > 1 else ''} in the article.")
        return " ".join(parts)
