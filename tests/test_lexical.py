"""The transparent lexical layer: hand-listed words that are the article's subject are not judged each time."""

from __future__ import annotations

import spinscope
from spinscope.detectors.lexical import TOPIC_MIN_USES

PLAGUE = (
    "Plague outbreak spreads to the capital\n\n"
    "Health officials confirmed 40 new cases of plague on Monday. The plague is carried by fleas on rats. "
    "Doctors treat plague with antibiotics, and the ministry says the plague season ends in April. "
    "Critics called the response a disgrace."
)


def lexical_spans(text: str) -> list[spinscope.Span]:
    """The layer's own spans and raw scores: no calibration, no reader threshold."""
    options = spinscope.Options(detectors=("lexical",), min_score=0.0, extra={"calibration": "off"})
    report = spinscope.analyze(text, options=options)
    return [s for s in report.spans if s.detector == "lexical"]


def test_the_articles_subject_is_marked_once_softly_and_says_why() -> None:
    spans = lexical_spans(PLAGUE)
    plague = [s for s in spans if PLAGUE[s.start : s.end].lower() == "plague"]
    assert len(plague) == 1 and PLAGUE[plague[0].start : plague[0].end] == "Plague"  # the headline's
    assert plague[0].score < 0.3
    assert "headline" in plague[0].explanation and "5 times" in plague[0].explanation
    assert any(PLAGUE[s.start : s.end] == "disgrace" and s.score >= 0.4 for s in spans)  # other words as before


def test_without_the_headline_every_use_is_a_judgement() -> None:
    text = PLAGUE.replace("Plague outbreak", "Outbreak", 1)
    plague = [s for s in lexical_spans(text) if text[s.start : s.end].lower() == "plague"]
    assert len(plague) == 4 and all(s.score >= 0.4 for s in plague)


def test_a_word_used_rarely_is_judged_even_in_the_headline() -> None:
    text = "Plague of lies in the capital\n\nThe mayor spoke about the plague of lies on Monday."
    assert text.lower().count("plague") < TOPIC_MIN_USES
    plague = [s for s in lexical_spans(text) if text[s.start : s.end].lower() == "plague"]
    assert len(plague) == 2 and all(s.score >= 0.4 for s in plague)


def test_a_phrase_cue_clause_runs_through_abbreviations() -> None:
    """The clause around a cue phrase does not stop at the full stops of "U.S.’s" or "Gen."."""
    text = ("Border Plan\nThe shutdown would fulfil the will of the American people by securing the U.S.’s "
            "southern border for Gen. Smith and his troops, officials said.\n")
    flag = [s for s in lexical_spans(text) if s.technique == "Flag-Waving"]
    assert flag, "the cue phrase 'the american people' is marked"
    assert text[flag[0].start : flag[0].end].endswith("southern border for Gen. Smith and his troops")


def test_trie_matcher_finds_the_longest_term_at_word_boundaries() -> None:
    from spinscope.detectors.lexicon import Matcher, Term

    m = Matcher([Term(t, "X", 1.0, "") for t in ("so", "so-called", "so called", "the american people",
                                                 "the american", "don't", "evil")])
    text = "The so-called plan, so called by The American People, don't help the American evildoers or evil."
    found = [text[a:b] for a, b, _ in m.finditer(text, 0, len(text))]
    assert found == ["so-called", "so called", "The American People", "don't", "the American", "evil"]
    curly = "It don’t matter"
    assert [curly[a:b] for a, b, _ in m.finditer(curly, 0, len(curly))] == ["don’t"]
