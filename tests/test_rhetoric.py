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


def shouting_in_capitals(text: str) -> list[str]:
    article = article_from_text(text)
    found = load_detector("rhetoric").detect(article, Context(resources=Resources()))
    return [article.text[s.start : s.end] for s in found.spans if s.technique == "Shouting" and "CAPS" in s.explanation]


def test_names_in_capitals_are_not_shouting_but_shouted_words_are() -> None:
    """An outlet, a person or a place in capitals (written in normal case elsewhere), an acronym, a dateline or
    a credit names something; capitals on ordinary words shout. (On the 371 PTC training articles the rule
    drops 56 of 154 capital-letter spans: HANNITY x17, SOLOMON, TOENSING, datelines such as KANSAS CITY.)"""
    names = (
        "Markets Slide\n\nLONDON (REUTERS) - Shares fell on Monday after HANNITY said the BREITBART report was "
        "wrong, an FBI official told reporters. Reuters, Hannity and Breitbart declined to comment.\n"
    )
    assert shouting_in_capitals(names) == []
    shouted = (
        "Outrage in the Council\n\nThis is FAKE NEWS and the council knows it. The crowd chanted DOWN WITH THE "
        "GOVERNMENT while the deal COLLAPSES, residents said on Monday.\n"
    )
    assert shouting_in_capitals(shouted) == ["FAKE NEWS", "DOWN WITH THE GOVERNMENT", "COLLAPSES"]
