"""The rhetoric layer's repetition rule: a loaded phrase said again and again, not the article's subject."""

from __future__ import annotations

from spinscope.detectors import Context, Resources, load_detector
from spinscope.ingest import article_from_text


def repetition(text: str) -> list[str]:
    article = article_from_text(text)
    found = load_detector("rhetoric").detect(article, Context(resources=Resources()))
    return [article.text[s.start : s.end] for s in found.spans if s.technique == "Repetition"]


def test_a_loaded_phrase_used_three_times_is_marked_after_its_first_use() -> None:
    text = (
        "Council vote\n"
        "The council passed the corrupt deal on Monday.\n"
        "Residents say the corrupt deal will cost them dearly.\n"
        "Nobody voted for this corrupt deal, the mayor's critics said.\n"
    )
    assert repetition(text) == ["corrupt deal", "corrupt deal"]


def test_a_neutral_phrase_used_three_times_is_the_subject_not_a_technique() -> None:
    text = (
        "Border talks\n"
        "Ministers met on Monday to discuss the hard border.\n"
        "Officials said a hard border would need new checkpoints.\n"
        "Both sides want to avoid a hard border, the report said.\n"
    )
    assert repetition(text) == []
