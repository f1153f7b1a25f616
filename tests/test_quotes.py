"""Quote finding: marks, paragraphs, nesting, broken quotes, scare quotes, speakers."""

from __future__ import annotations

from spinscope.detectors import Context, Resources, load_detector
from spinscope.ingest import article_from_text


def quotes(text: str) -> list[dict]:
    article = article_from_text(text)
    return load_detector("quotes").detect(article, Context(resources=Resources())).sections["quotes"]


def test_curly_and_pronoun() -> None:
    qs = quotes("Title\nFinance minister Helen Carter spoke on Monday. “We had no choice,” she said.\n")
    assert [q["text"] for q in qs] == ["We had no choice,"]
    assert qs[0]["speaker"]["name"] == "Helen Carter"
    assert qs[0]["speaker"]["resolved_from"]["text"] == "she"


def test_multi_paragraph_quote() -> None:
    text = 'Title\n"First paragraph of the speech.\n"Second paragraph ends here," Mayor Tom Keller said.\n'
    qs = quotes(text)
    assert len(qs) == 1 and "First" in qs[0]["text"] and "Second" in qs[0]["text"]
    assert qs[0]["speaker"]["name"].endswith("Tom Keller")


def test_broken_quotes_repaired() -> None:
    qs = quotes('Title\nWe recovered the weapon and expect an arrest," Inspector James Hall said.\n')
    assert qs and qs[0]["broken"] == "missing_open" and qs[0]["text"].startswith("We recovered")
    qs = quotes("Title\nUnion leader Kate Morgan spoke. \"They think we will fold. We won't.\nNext paragraph.\n")
    assert qs and qs[0]["broken"] == "missing_close" and qs[0]["text"].endswith("won't.")


def test_scare_quotes_and_nested() -> None:
    qs = quotes('Title\nThe so-called "experts" were wrong. The witness said: "He said \'go\' and left."\n')
    kinds = {q["text"]: q["kind"] for q in qs}
    assert kinds["experts"] == "scare"
    speech = [q for q in qs if q["kind"] == "speech"][0]
    assert speech["nested"]
    assert speech["speaker"]["name"] == "The witness"


def test_inches_are_not_quotes() -> None:
    assert quotes('Title\nThe new pipe has a 12" diameter and the old one measured 8" across.\n') == []


def test_nested_quotes_with_the_same_or_other_marks() -> None:
    qs = quotes(
        "Title\n"
        "Kavanaugh “has endorsed the idea of a “counterterrorism exception” to the rule,” said Liza Goitein.\n"
        '"It is not that BDS is “censoring” work," Dan Fishback claimed.\n'
    )
    assert [q["speaker"]["name"] for q in qs] == ["Liza Goitein", "Dan Fishback"]
    assert all(q["nested"] and "broken" not in q for q in qs)
    assert qs[0]["text"].endswith("to the rule,")


def test_relative_clause_between_speaker_and_verb() -> None:
    """Names inside "who …," describe the subject; they are not the speaker."""
    qs = quotes(
        "Title\nLabour’s Yvette Cooper MP, who leads the group that includes former Tory ministers Nicky Morgan, "
        "Oliver Letwin, and Nick Boles, said, “Our amendment would block the powers.”\n"
    )
    assert qs[0]["speaker"]["name"] == "Yvette Cooper"
    qs = quotes(
        'Title\nKeith Vaz, chairman of the Home Affairs Select Committee, who had called for the bloggers to be '
        'banned from the UK, said: "I welcome the ban."\n'
    )
    assert qs[0]["speaker"]["name"] == "Keith Vaz"
    assert qs[0]["speaker"]["role"] == "chairman of the Home Affairs Select Committee"


def test_relative_clause_after_a_clause_is_not_a_subject() -> None:
    qs = quotes(
        "Title\nAn old friend he had not seen in years and would never expect to meet in Rome, who is now an "
        "archbishop, appeared from between two parked cars and said: “Keep up the good writing.”\n"
    )
    assert (qs[0]["speaker"] or {}).get("name") != "Rome"


def test_quote_on_the_line_after_its_introduction() -> None:
    """One sentence per line: a line that ends with its attribution introduces the quote on the next line."""
    text = (
        "Title\nA no-deal exit fulfils the referendum result, Tory MP Peter Bone told Sky News on Sunday.\n"
        "“The only way you’re going to deliver Brexit is a clean break.”\n"
        "Ritter writes:\n“The missile debris contradicts the finding.”\n"
    )
    assert [q["speaker"]["name"] for q in quotes(text)] == ["Peter Bone", "Ritter"]


def test_a_line_that_only_reports_does_not_introduce() -> None:
    text = (
        "Title\nCritics argue that leaving would end talks on North Korea's continued testing of missiles.\n"
        "“If we want to talk to North Korea now, we must stay in the deal.”\n"
        "A dispatcher calmly tells her to stay there.\n“Please help.”\n"
    )
    assert [q["speaker"] for q in quotes(text)] == [None, None]


def test_inverted_speaker_with_a_role_after_a_place() -> None:
    text = (
        "Title\n“This is not what the court ordered,” said Las Vegas attorney Maggie McLetchie.\n"
        "“Nobody wants a war,” wrote Jonathan Spyer in an article for Foreign Policy.\n"
    )
    assert [q["speaker"]["name"] for q in quotes(text)] == ["Maggie McLetchie", "Jonathan Spyer"]


def test_he_is_neither_an_organisation_nor_a_title_case_headline() -> None:
    text = (
        "Senator Says Inquiry Is Over\n"
        "He also noted that the special counsel has been investigating the campaign for “nearly two years now,” "
        "and the Justice Department even before the election.\n"
        "“We know that the Russians tried to meddle in our democratic processes.\n"
        "But we still haven’t seen any evidence of collusion,” he said.\n"
    )
    names = [(q["speaker"] or {}).get("name") for q in quotes(text)]
    assert "Justice Department" not in names and not any(n and "Senator Says" in n for n in names)


def test_a_sentence_opener_is_not_the_speaker() -> None:
    """'In an interview …, Trump called … and accused …': the subject follows the opening phrase."""
    text = (
        "Title\nIn an interview with Fox Business Network, Trump called McCain \"horrible\" for his 2017 vote "
        "against repealing Obamacare, and accused him of sending the dossier to the FBI.\n"
    )
    assert [q["speaker"]["name"] for q in quotes(text)] == ["Trump"]
