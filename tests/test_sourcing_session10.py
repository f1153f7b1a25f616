"""Speakers and sources, issue 22 session 10: rules written from error classes seen on several parts.
Real spaCy model, snippets written for these tests."""

from __future__ import annotations

from typing import Any

from tests.test_sourcing_clauses import run, sources


def speakers(text: str) -> list[str | None]:
    """Each speech quote's speaker, None for none or an unresolved pronoun."""
    quotes: list[dict[str, Any]] = run(text).findings["quotes"].sections["quotes"]
    return [
        q["speaker"]["name"] if q["speaker"] and q["speaker"].get("resolved_from", 1) else None
        for q in quotes
        if q["kind"] == "speech"
    ]


def test_the_words_of_a_long_quote_do_not_push_the_current_speaker_out_of_reach() -> None:
    # 'he' after a long quote is the speaker of the run, not a name only mentioned in the speaker's sentence
    text = (
        "Senator\n\n"
        "Sen. Tom Harris said in a statement on Friday that the inquiry was over.\n"
        "He also noted that Robert Miller has been investigating the ties for “nearly two years now.”\n"
        "“We know that the hackers tried to meddle in our elections, as they have in so many other countries, "
        "and we know that they will try again in the next election and the one after that.\n"
        "But throughout this long and costly investigation, which cost tens of millions in taxpayer dollars and "
        "used every tool there is, we still have not seen any evidence of a plot,” he said.\n"
    )
    assert speakers(text)[-1] == "Tom Harris"


def test_a_name_opening_with_a_sentence_opener_and_a_hyphen_is_kept_whole() -> None:
    # "As-Safir": the opener "As" is part of the name, not a word to trim
    text = (
        "Arrest\n\n"
        "The Lebanese newspaper As-Safir reported the army had detained her.\n\n"
        "As-Safir said: “Investigators are questioning her at the ministry.”\n"
    )
    ctx = run(text)
    names = {s["name"] for s in ctx.findings["sources"].sections["sources"]}
    assert "As-Safir" in names and not any(n.startswith("-") for n in names)
    assert speakers(text) == ["As-Safir"]


def test_an_outlet_cited_by_told_whatever_the_outlet_table_knows() -> None:
    text = (
        "Homeless man\n\n"
        "“My heart was crushed,” Lin told TODAY.\n\n"
        "“It is very difficult,” Jennifer Cooke told Time. “We know where they are.”\n\n"
        "A Vogue employee told Gawker last Friday that the pests cannot be tolerated.\n\n"
        "Anna Ross told Smith that she would not go. Peter Hall told Congress the plan was dead.\n\n"
        "The letter was first reported by Sky News. A spokesman told Sky that the claim “is completely wrong.”\n\n"
        "Planes are missing, according to the Washington Free-Beacon. “We found out,” one official told the "
        "Free-Beacon.\n"
    )
    found = sources(text)
    for name in ("TODAY", "Time", "Gawker", "Sky News"):
        assert found.get(name) == "outlet", (name, found)
    assert not {"Smith", "Congress", "Sky", "Free-Beacon"} & {n for n, k in found.items() if k == "outlet"}
    assert [n for n in found if "Free-Beacon" in n] == ["Washington Free-Beacon"]
    assert found["Washington Free-Beacon"] == "outlet"


def test_quoted_as_saying_gives_the_one_quoted_and_lists_the_quoter() -> None:
    text = (
        "Mob\n\n"
        "“No one went to help the man,” the tabloid quoted a local man Aamir Dhawan as saying.\n\n"
        "“It would not surprise me at all,” the Evening Gazette quoted Michael Madden, editor of a blog, as saying.\n\n"
        "“Law and order has to be maintained,” one police officer was quoted as saying.\n\n"
        "The Post quoted friends of Tom Reed, who spoke on condition of anonymity, as saying he had changed.\n"
    )
    assert speakers(text) == ["Aamir Dhawan", "Michael Madden", "one police officer"]
    found = sources(text)
    assert found.get("Evening Gazette") == "outlet"
    assert found.get("friends of Tom Reed") == "anonymous" and "Tom Reed" not in found


def test_a_progressive_cue_takes_the_subject_before_be() -> None:
    text = (
        "Virus\n\n"
        "At this point, health officials are saying Ebola is unlikely.\n\n"
        "Gateway Pundit is reporting that the patient is a Nigerian woman.\n\n"
        "Now, a congressman is saying there is “credible evidence” of a plot.\n\n"
        "The bishop said God is calling them to live in “continence” and prayer.\n"
    )
    found = sources(text)
    assert found.get("health officials") == "anonymous"
    assert found.get("Gateway Pundit") == "outlet"
    assert "God" not in found
    assert speakers(text)[0] == "a congressman"


def test_two_people_joined_by_and_are_both_sources_of_a_joint_statement() -> None:
    text = (
        "Report\n\n"
        "“The full report must be made public,” Speaker of the House Nancy Pelosi and Senate Minority Leader "
        "Charles Schumer, said in a joint statement.\n\n"
        "Jimmy Whitworth, professor at the London School of Hygiene and Tropical Medicine, told The Sun: “It has "
        "been a long time since we saw this.”\n"
    )
    assert speakers(text) == ["Nancy Pelosi", "Jimmy Whitworth"]
    found = sources(text)
    assert found.get("Nancy Pelosi") == "person" and found.get("Charles Schumer") == "person"
    assert "Tropical Medicine" not in found


def test_a_quote_opening_its_sentence_takes_the_cue_that_closes_it() -> None:
    text = (
        "Captured\n\n"
        "According to the Post, websites close to the group reported the capture on Sunday.\n\n"
        "“Canada is pursuing all appropriate channels” to seek further information and is in touch with local "
        "authorities, a spokesman for the foreign ministry said on Sunday.\n"
    )
    assert speakers(text) == ["a spokesman for the foreign ministry"]


def test_a_given_name_mostly_of_the_other_sex_does_not_stop_he_from_the_current_speaker() -> None:
    text = (
        "Robots\n\n"
        "Knightscope co-founder Stacy Stephens said the company was surprised.\n\n"
        "“We have not deployed there,” Stephens said.\n\n"
        "“Unfortunately, that's what people get for not calling us,” he added.\n"
    )
    assert speakers(text) == ["Stacy Stephens", "Stacy Stephens"]


def test_a_quote_alone_in_the_paragraph_after_a_one_sentence_report_goes_on_with_its_speaker() -> None:
    text = (
        "Chicken\n\n"
        "Jiang Li Lung, who worked at the restaurant, said the staff now miss her.\n\n"
        "“It certainly made work more interesting.”\n\n"
        "He said he was a keen fan of comics and decided to put it to the test.\n\n"
        "“I can do things I couldn’t do before.”\n"
    )
    assert speakers(text) == ["Jiang Li Lung", "Jiang Li Lung"]


def test_a_line_linking_to_another_story_gives_no_source() -> None:
    text = (
        "Homeless man\n\n"
        "Lin gave the man a hundred dollars.\n"
        "NEWS: Ed Sheeran says he was never actually homeless\n"
        "SEE ALSO: Democrats Prepared To Subpoena Report, Schiff Says\n"
        "“My heart was crushed,” Lin told reporters.\n"
    )
    found = sources(text)
    assert "Ed Sheeran" not in found and "Schiff" not in found and "Lin" in found


def test_a_family_name_written_first_and_nobody_are_no_extra_sources() -> None:
    text = (
        "Chicken\n\n"
        "Tan Shen, 23, said she had not planned to stay long.\n\n"
        "Miss Tan said she decided it was time to leave.\n\n"
        "No one was willing to help, she said, and no one said a word.\n"
    )
    found = sources(text)
    assert found == {"Tan Shen": "person"}


def test_call_letters_with_a_channel_are_one_outlet() -> None:
    text = (
        "Patient\n\n"
        "According to KCTV-5, the health department is monitoring the patient.\n\n"
        "WWJ950 tweets, “Was The Batmobile Stolen In Detroit? Police Will Look Into It.”\n\n"
        "KPMG said the audit was complete.\n"
    )
    found = sources(text)
    assert found.get("KCTV-5") == "outlet" and "KCTV" not in found
    assert found.get("WWJ950") == "outlet"
    assert found.get("KPMG") != "outlet"


def test_an_appositive_missing_its_closing_comma_still_describes_the_name() -> None:
    text = (
        "Patient\n\n"
        "Dr. Rex Archer, director of Health at the Kansas City Health Department said, “We have no evidence.”\n\n"
        "In Washington, a spokesman for the department said, “We are watching.”\n"
    )
    assert speakers(text) == ["Rex Archer", "a spokesman for the department"]
    assert "director of Health at the Kansas City Health Department" not in sources(text)


def test_a_group_view_verb_needs_a_plural_group() -> None:
    text = (
        "Girls\n\n"
        "Authorities believe the group is hiding the girls in that area.\n\n"
        "Analysts point out that the group is heavily factionalised.\n\n"
        "However South Korean media claim that Kim is still in control.\n\n"
        "I believe the outrageous claim that he is ill is false, and the company claim is wrong.\n"
    )
    found = sources(text)
    assert found.get("Authorities") == "anonymous"
    assert found.get("Analysts") == "anonymous"
    assert found.get("South Korean media") == "anonymous"
    assert set(found) == {"Authorities", "Analysts", "South Korean media"}


def test_a_commenter_known_by_a_quoted_handle_is_the_speaker() -> None:
    text = (
        "Rats\n\n"
        "“You think they could stop some rats?” a commenter named “4npower” said.\n\n"
        "Another commenter, “Lady-Amanita,” claimed that the report is an exaggeration. “Rats would not live "
        "that high up.”\n"
    )
    assert speakers(text) == ["4npower", "Lady-Amanita"]
    found = sources(text)
    assert found.get("4npower") == "person" and found.get("Lady-Amanita") == "person"


def test_a_name_ner_calls_a_number_is_kept_when_it_is_no_date() -> None:
    text = (
        "Rats in the office\n\nThe company has been showing off pictures of the new offices through Instagram.\n\n"
        "Page Six reports that not everyone is sympathetic towards the company.\n\nApril said nothing.\n"
    )
    names = [a.name for a in run(text).memo["attribution.cues"]]
    assert "Page Six" in names and "April" not in names


def test_a_passive_agent_speaks_and_a_cue_after_a_conjunction_reports_another_clause() -> None:
    text = (
        "Arrest\n\n"
        "A wife of the leader has been detained, security officials have claimed.\n\n"
        "The woman was described by officials as “one of his wives”, while other reports have described her as "
        "his ex-wife.\n\n"
        "Erdogan has branded the force a “terror army,” and President Bashar Assad has called its members traitors.\n\n"
        "The client witnessed “a lot of bribery going on” but was asked by the agency to sign a form.\n"
    )
    assert speakers(text) == ["officials", "Erdogan", None]
    found = sources(text)
    assert "officials" not in found and "security officials" in found


def test_a_reduced_passive_after_a_dash_names_its_agent() -> None:
    text = (
        "Truce\n\n"
        "There have been at least five attacks since — blamed by security sources on the insurgents — that have "
        "killed dozens.\n"
    )
    assert sources(text).get("security sources") == "anonymous"


def test_one_word_that_reports_like_an_outlet_is_an_outlet() -> None:
    text = (
        "Durex\n\n"
        "The company has been growing the brand in emerging markets, as Quartz reported earlier.\n\n"
        "Things are not better this week, as MacRumors reports on a nasty bug.\n\n"
        "Apple said the bug was fixed.\n"
    )
    found = sources(text)
    assert found.get("Quartz") == "outlet" and found.get("MacRumors") == "outlet"
    assert found.get("Apple") != "outlet"


def test_a_name_the_article_calls_a_magazine_is_an_outlet_wherever_cited() -> None:
    text = (
        "Rats\n\n"
        "The new offices of Vogue magazine are being swarmed by rodents.\n\n"
        "Before this report, Vogue had posted the move in a special online story.\n"
    )
    assert sources(text).get("Vogue") == "outlet"


def test_a_role_with_the_body_it_heads_names_the_person_in_apposition() -> None:
    text = (
        "Senator\n\n"
        "Sen. Tom Harris (R-IA), Senate Finance Committee chairman, declared the inquiry dead on Friday.\n"
        "“Attempts to keep it alive will only harm us,” the former chairman of the Judiciary Committee said.\n"
        "He also noted that the inquiry had run for two years.\n"
        "“We still have not seen any evidence,” he said.\n"
    )
    assert speakers(text) == ["Tom Harris", "Tom Harris"]
    assert list(sources(text)) == ["Tom Harris"]


def test_reporting_verbs_the_list_lacked() -> None:
    text = (
        "Watch\n\n"
        "Analyst Ming-Chi Kuo predicted two sizes. At the time, he speculated the wearable could cost into the "
        "“thousands of dollars.”\n\n"
        "IAEA chief Yukiya Amano reiterated in a statement that Iran was complying.\n"
    )
    assert speakers(text) == ["Ming-Chi Kuo"]
    assert sources(text).get("Yukiya Amano") == "person"
