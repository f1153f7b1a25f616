"""Speakers across paragraphs, possessive subjects, appositive roles and "it" (issue 22, session 9).
Real spaCy model, snippets written for these tests."""

from __future__ import annotations

from typing import Any

from tests.test_sourcing_clauses import run


def speakers(text: str) -> list[str | None]:
    """Each quote's speaker, None for none or an unresolved pronoun."""
    quotes: list[dict[str, Any]] = run(text).findings["quotes"].sections["quotes"]
    return [q["speaker"]["name"] if q["speaker"] and q["speaker"].get("resolved_from", 1) else None for q in quotes]


def test_a_quote_after_a_quote_over_several_paragraphs_keeps_its_speaker() -> None:
    text = (
        "Magnet boy\n\n"
        "Maria Lopez, 12, was hit by a current from a lamppost.\n\n"
        "“When I came round I felt groggy.\n\n"
        "“The next day coins had stuck to my body,” she said.\n\n"
        "“Then a spoon stuck to my chest.”\n"
    )
    assert speakers(text) == ["Maria Lopez", "Maria Lopez"]


def test_a_possessive_description_with_a_name_in_apposition_is_the_speaker() -> None:
    text = (
        "Magnets\n\nPeter added that he wants to help.\n\n"
        "Peter’s classmate, Anna Berg, said: “I can hang a ladle on my nose.”\n"
    )
    assert speakers(text) == ["Anna Berg"]


def test_a_person_role_in_apposition_makes_a_person_of_the_name() -> None:
    text = (
        "Named\n\nThe paper reported it first.\n\n"
        "Asim Qureshi, research director at the rights group CAGE, which had been in contact with Emwazi "
        "before he left for Syria, told the Washington Post he believed Emwazi was the man in the video.\n\n"
        '"There was an extremely strong resemblance," he said.\n'
    )
    assert speakers(text) == ["Asim Qureshi"]
    kinds = {s["name"]: s["kind"] for s in run(text).findings["sources"].sections["sources"]}
    assert kinds.get("Asim Qureshi") == "person" and "Emwazi" not in kinds


def test_it_is_never_a_person() -> None:
    text = (
        "Hoax\n\nThe actor Macaulay Culkin is alive, the Hollywood Reporter said.\n\n"
        "Culkin was seen in Paris. It states that a wellness check was requested by a family member.\n"
    )
    sources = [s["name"] for s in run(text).findings["sources"].sections["sources"]]
    assert "Culkin" not in sources and "Macaulay Culkin" not in sources


def test_a_partial_quote_in_a_reported_sentence_is_speech_of_the_one_reported() -> None:
    ctx = run(
        "Voicemail\n\n"
        'The lost message left the 68-year-old "absolutely devastated" and also "extremely angry," according to '
        "the BBC.\n\n"
        "eBay is planning “solutions” for CarPlay, according to the job posting.\n\n"
        "A student saw her reading a “Harry Potter” novel and mocked her, according to the mother.\n"
    )
    quotes = ctx.findings["quotes"].sections["quotes"]
    assert [(q["kind"], (q["speaker"] or {}).get("name")) for q in quotes] == [
        ("speech", "BBC"),
        ("speech", "BBC"),
        ("speech", "the job posting"),
        ("scare", None),
    ]
    kinds = {s["name"]: s["kind"] for s in ctx.findings["sources"].sections["sources"]}
    assert kinds == {"BBC": "outlet", "the job posting": "document", "the mother": "anonymous"}


def test_according_to_a_role_and_a_name_gives_the_person() -> None:
    ctx = run(
        "Release\n\n"
        "The film will open in 2017, according to Disney boss Bob Iger.\n\n"
        "The rules will be enforced, according to the Attorney General’s statement.\n\n"
        "The guards were armed, according to Knightscope co-founder and Vice President Stacy Stephens.\n"
    )
    kinds = {s["name"]: s["kind"] for s in ctx.findings["sources"].sections["sources"]}
    assert kinds == {
        "Bob Iger": "person",
        "the Attorney General’s statement": "document",
        "Vice President Stacy Stephens": "person",
    }


def test_a_relative_clause_subject_claims_no_quote_and_a_paragraph_break_keeps_the_introduction() -> None:
    text = (
        "Robot\n\n"
        '"That caught my attention," said Lopa Blumenthal, a lawyer for the unnamed man who claims to have made '
        'the recording. "It shows a point of contemplation."\n\n'
        "The robot was seen at an event, according to Knightscope co-founder Stacy Stephens.\n\n"
        '"So people started snapping photos," and the robot became famous overnight.\n'
    )
    assert speakers(text) == ["Lopa Blumenthal", "Lopa Blumenthal", "Stacy Stephens"]
    names = [s["name"] for s in run(text).findings["sources"].sections["sources"]]
    assert not any(name.endswith(" who") for name in names)


def test_a_participle_calling_someone_names_its_clause_subject() -> None:
    text = (
        "Anchor\n\n"
        "One longtime NBC employee who has worked with Williams had a few words for him, calling him a "
        "“real pompous piece of work.”\n\n"
        "“He’s not a journalist,” he fumed.\n"
    )
    assert speakers(text) == ["One longtime NBC employee", "One longtime NBC employee"]


def test_any_past_tense_verb_after_a_closing_comma_and_a_pronoun_is_a_cue() -> None:
    text = (
        "Rapper\n\n"
        "Abdel Bary, 24, left London in 2013.\n\n"
        "“I try to count my blessings,” he rapped in 2012.\n\n"
        "“Still I will not find rest.”\n"
    )
    assert speakers(text) == ["Abdel Bary", "Abdel Bary"]
