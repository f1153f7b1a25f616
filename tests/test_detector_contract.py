"""Every registered detector goes through the same checks (after scikit-learn's estimator checks):
offsets in bounds, declared labels only, input unchanged, deterministic, nothing inside clutter, and
graceful on a minimal article."""

from __future__ import annotations

import copy

import pytest

from spinscope.detectors import REGISTRY, Context, Resources, load_detector
from spinscope.ingest import article_from_text

TEXT = (
    "Why Is the Mayor Hiding the Truth?\n\n"
    "By Dana Whitfield\n\n"
    "The mayor's so-called reform is a disgraceful betrayal of every taxpayer, critics said on Monday.\n\n"
    "Photo: The shocking, outrageous scene at city hall (Reuters/Jim Reyes)\n\n"
    '"We will never accept this," said Rosa Ibarra, a council member. A senior official, who asked not '
    "to be named, told Reuters the deal could signal a deeper crisis.\n\n"
    "According to a report by the Regional Planning Institute, the project would cost $4.2 billion by 2030.\n\n"
    "Related: The most disgraceful scandals of the year\n"
)


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources()


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_detector_contract(name: str, resources: Resources) -> None:
    detector = load_detector(name)
    article = article_from_text(TEXT, id="contract")
    before = copy.deepcopy(article)
    first = detector.detect(article, Context(resources=resources))
    second = detector.detect(article, Context(resources=resources))
    assert article == before, "detect() must not change the article"
    assert first.spans == second.spans, "detect() must be deterministic"
    assert first.sections == second.sections
    for s in first.spans:
        assert 0 <= s.start < s.end <= len(article.text)
        assert not article.is_excluded(s.start, s.end), (name, article.text[s.start : s.end])
        if detector.labels:
            assert s.technique in detector.labels, f"{name} emitted undeclared label {s.technique}"
        assert s.explanation.strip(), "every span explains itself"
    assert set(first.sections) <= set(detector.sections)
    tiny = article_from_text("Short title\n\nOne plain sentence here.\n", id="tiny")
    detector.detect(tiny, Context(resources=resources))
