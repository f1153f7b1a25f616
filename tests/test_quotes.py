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


def test_stray_closing_mark_makes_no_quote() -> None:
    """A closing mark with no opening one and no attribution is a typo, not a quote of the whole sentence."""
    qs = quotes("Title\nYonhap suggest Kim is suffering from gout, diabetes and high blood pressure\".\n")
    assert qs == []
    qs = quotes('Title\nWe recovered the weapon and expect an arrest," Inspector James Hall said.\n')
    assert qs and qs[0]["broken"] == "missing_open"  # repaired: an attribution follows the mark


def test_titles_slogans_and_labels() -> None:
    text = (
        "Title\nBebe Rexha sang John Lennon's \"Imagine,\" and the crowd cheered.\n"
        "He was interviewed on the \"Meet the Press\" programme after the vote.\n"
        "It claimed that the “Welcome To The Jungle” singer was found dead.\n"
        "The words “London is open” rang in the new year.\n"
        "Fans shared today's “Axl Rose is dead” prank all day.\n"
        "Critics say the bank's \"forward guidance\" has confused markets.\n"
    )
    kinds = {q["text"]: (q["kind"], q["speaker"]) for q in quotes(text)}
    assert kinds["Imagine,"] == ("title", None)
    assert kinds["Meet the Press"] == ("title", None)
    assert kinds["Welcome To The Jungle"] == ("title", None)
    assert kinds["London is open"] == ("slogan", None)
    assert kinds["Axl Rose is dead"] == ("scare", None)
    assert kinds["forward guidance"][0] == "scare"


def test_attributed_partial_quote_is_speech() -> None:
    qs = quotes("Title\nMohammed Islam told New York that his net worth is in the “high eight figures,” not more.\n")
    assert qs[0]["kind"] == "speech" and qs[0]["speaker"]["name"] == "Mohammed Islam"


def test_pronoun_prefers_the_current_speaker_and_skips_names_in_quotes() -> None:
    text = (
        "Title\nMark Oberholtzer said he traded in the truck three years ago.\n"
        "Derek Duckett, a coordinator for Texas City, said he was unaware of any threats.\n"
        "Oberholtzer said he did not know what to do. He just wanted the public to know.\n"
        "“I just want it to go away,” he said.\n"
        "Michael Brown has now told CNBC’s Scott Wapner that he did not make $72 million.\n"
        "“The attention is not what we expected,” he told Wapner.\n"
        "Anna Lee wrote: “John Smith never called me back.” She added: “It was a lie.”\n"
    )
    speakers = [q["speaker"]["name"] for q in quotes(text)]
    assert speakers == ["Mark Oberholtzer", "Michael Brown", "Anna Lee", "Anna Lee"]


def test_title_abbreviation_does_not_cut_the_name() -> None:
    qs = quotes('Title\n"The apartment was clean," said Det. James Patterson, of the police department.\n')
    assert qs[0]["speaker"]["name"].endswith("James Patterson")


def test_cue_word_used_as_a_noun_is_no_cue() -> None:
    qs = quotes("Title\nBy Tuesday his firm had received a thousand calls about it. “A few are ugly,” he said.\n")
    assert qs[0]["speaker"] is None or qs[0]["speaker"]["name"] != "a thousand"


def test_participle_cues_and_screen_names() -> None:
    text = (
        "Title\nLego sent a message inside the box, explaining how “the urge to create is equally strong”.\n"
        "User fryd_ commented that “it seems like we’ve taken a step backwards” since then.\n"
        "But others disagreed, with Taliesen13 responding: “That sounds like the moral of The Lego Movie.”\n"
    )
    assert [q["speaker"]["name"] for q in quotes(text)] == ["Lego", "fryd_", "Taliesen13"]


def test_a_name_after_known_as_or_nicknamed_is_no_speech() -> None:
    qs = quotes(
        "Suspect\nReports say Abdel Bary, also known as “Lyricist Jinn” or “L Jinny”, is the main suspect. "
        "The informant, known only as “Confidential Source 1,” says he was threatened.\n"
    )
    assert [q["kind"] for q in qs] == ["scare", "scare", "scare"]
