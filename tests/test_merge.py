"""One finding per place: spans of one technique that overlap are merged, every reason kept."""

from __future__ import annotations

from spinscope.analyzer import Analyzer
from spinscope.config import Options
from spinscope.merge import merge_findings
from spinscope.spans import Span
from spinscope.techniques import PTC_TECHNIQUES

ORDER = ("lexical", "rhetoric", "techniques")


def test_same_technique_on_the_same_words_is_one_finding_with_every_reason() -> None:
    model = Span(10, 17, "Doubt", 0.61, "Questions credibility. Model: span confidence 0.59.", "techniques")
    rule = Span(10, 55, "Doubt", 0.40, "A rhetorical question that raises doubt without answering it.", "rhetoric")
    (merged,) = merge_findings([model, rule], ORDER)
    assert (merged.start, merged.end, merged.technique) == (10, 55, "Doubt")
    assert merged.score == 0.61  # the strongest evidence
    assert merged.detector == "rhetoric+techniques"  # pipeline order
    assert merged.explanation.startswith("Questions credibility.")
    assert "Also from the rhetoric layer: A rhetorical question" in merged.explanation


def test_other_techniques_and_separate_places_stay_separate() -> None:
    spans = [
        Span(0, 20, "Loaded_Language", 0.5, "a", "techniques"),
        Span(0, 20, "Name_Calling,Labeling", 0.4, "b", "techniques"),  # same words, other technique
        Span(20, 30, "Loaded_Language", 0.3, "c", "lexical"),  # touches at 20: no overlap
    ]
    out = merge_findings(spans, ORDER)
    assert [(s.start, s.end, s.technique) for s in out] == [
        (0, 20, "Loaded_Language"), (0, 20, "Name_Calling,Labeling"), (20, 30, "Loaded_Language")]


def test_a_chain_of_overlaps_is_one_group_and_output_is_sorted() -> None:
    spans = [Span(30, 40, "Loaded_Language", 0.2, "x", "lexical"), Span(0, 12, "Loaded_Language", 0.3, "y", "lexical"),
             Span(10, 32, "Loaded_Language", 0.7, "z", "techniques"), Span(50, 60, "Doubt", 0.5, "d", "rhetoric")]
    out = merge_findings(spans, ORDER)
    assert [(s.start, s.end) for s in out] == [(0, 40), (50, 60)]
    assert out[0].detector == "lexical+techniques" and out[0].explanation.count("Also from the lexical layer") == 2


def test_a_full_report_has_one_finding_per_place() -> None:
    text = ("Why Did She Hide It?\n\nThe mayor hid the report. Why did she hide it? The corrupt, disgraceful "
            "cover-up is a disaster for every decent family, a reckless and shameful betrayal.\n")
    report = Analyzer(Options(detectors=("lexical", "rhetoric", "techniques"), min_score=0.0)).analyze(text)
    ptc = [s for s in report.spans if s.technique in PTC_TECHNIQUES]
    assert ptc
    for i, a in enumerate(ptc):
        for b in ptc[i + 1 :]:
            assert not (a.technique == b.technique and a.start < b.end and b.start < a.end), (a, b)
    counts = {k.removeprefix("techniques."): v for k, v in report.scores.items() if k.startswith("techniques.")}
    assert counts == {t: float(sum(s.technique == t for s in ptc)) for t in {s.technique for s in ptc}}
    assert report.spans == sorted(report.spans, key=lambda s: (s.start, -s.end, s.technique))
