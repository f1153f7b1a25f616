"""Sources: classification, outlets, coverage scores; the NER-less fallback."""

from __future__ import annotations

from pathlib import Path

from spinscope.analyzer import Analyzer
from spinscope.config import Options
from spinscope.detectors import Context, Resources, load_detector
from spinscope.ingest import article_from_text
from spinscope.nlp import load_pipeline

TEXT = (
    "Officials split over aid\n"
    "A senior administration official said on Tuesday that the aid package was dead.\n"
    '"We are not going to fund this," the official told Reuters.\n'
    "According to a report by the United Nations, 45 civilians were killed in March.\n"
    "The ministry's chief spokesman, Ahmad Karimi, said the figures were exaggerated.\n"
    "People familiar with the matter said talks would resume, The New York Times reported.\n"
    "The weather was cold and grey all week in the capital city.\n"
)


def run(text: str, resources: Resources | None = None) -> Context:
    article = article_from_text(text)
    ctx = Context(resources=resources or Resources())
    for name in ("quotes", "sources"):
        ctx.findings[name] = load_detector(name).detect(article, ctx)
    return ctx


def source_kinds(text: str) -> dict[str, str]:
    return {s["name"]: s["kind"] for s in run(text).findings["sources"].sections["sources"]}


def test_sources_are_classified() -> None:
    ctx = run(TEXT)
    sources = {s["name"]: s for s in ctx.findings["sources"].sections["sources"]}
    assert sources["A senior administration official"]["anonymous"] is True
    assert sources["Ahmad Karimi"]["kind"] == "person"
    assert sources["Ahmad Karimi"]["role"] == "The ministry's chief spokesman"
    assert sources["Reuters"]["kind"] == "outlet"
    assert sources["The New York Times"]["kind"] == "outlet"
    assert any(s["kind"] == "document" and "report" in s["name"] for s in sources.values())
    assert any(s["anonymous"] and "familiar with the matter" in s["name"] for s in sources.values())
    official = sources["A senior administration official"]
    assert len(official["mentions"]) == 2  # "the official" resolved back to it


def test_coverage_scores() -> None:
    scores = run(TEXT).findings["sources"].scores
    # six factual body sentences, five attributed (the weather sentence is not)
    assert scores["attribution_coverage"] == round(5 / 6, 4)
    assert 0 < scores["anonymous_source_share"] < 1


def test_runs_without_spacy_model_and_says_so() -> None:
    resources = Resources()
    resources.get("spacy", lambda: load_pipeline("no_such_spacy_model_xyz"))
    ctx = run(TEXT, resources)
    warnings = ctx.findings["quotes"].warnings
    assert any("no_such_spacy_model_xyz" in w and "no NER" in w for w in warnings)
    sources = {s["name"]: s for s in ctx.findings["sources"].sections["sources"]}
    assert sources["A senior administration official"]["anonymous"] is True


def test_analyzer_fills_report_sections() -> None:
    report = Analyzer(Options(detectors=("quotes", "sources", "claims"))).analyze(article_from_text(TEXT))
    d = report.to_dict()
    assert d["quotes"] and d["quotes"][0]["speaker"]["name"] == "A senior administration official"
    assert {"attribution_coverage", "anonymous_source_share"} <= set(d["scores"])
    assert d["claims"] and d["claims"][0]["rank"] == 1


def test_sections_match_their_schemas() -> None:
    import json
    from importlib import resources

    import jsonschema

    report = Analyzer(Options(detectors=("quotes", "sources", "claims"))).analyze(article_from_text(TEXT))
    d = report.to_dict()
    for section in ("quotes", "sources", "claims"):
        ref = resources.files("spinscope.resources") / "schema" / f"{section}.schema.json"
        schema = json.loads(ref.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.validate(d[section], schema, cls=jsonschema.Draft202012Validator)
        assert d[section]


def test_cli_json_lists_speakers_anonymous_sources_and_outlets(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "spinscope.cli.main",
            "analyze",
            str(path),
            "--format",
            "json",
            "--detectors",
            "quotes,sources,claims",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    d = json.loads(out.stdout)
    assert d["quotes"][0]["speaker"]["name"] == "A senior administration official"
    kinds = {s["name"]: (s["kind"], s["anonymous"]) for s in d["sources"]}
    assert kinds["A senior administration official"] == ("anonymous", True)
    assert kinds["Reuters"] == ("outlet", False)


def test_shared_ner_helpers() -> None:
    from spinscope.nlp import article_doc, entities_in, get_nlp

    article = article_from_text(TEXT)
    ctx = Context(resources=Resources())
    if get_nlp(ctx) is None:
        import pytest

        pytest.skip("spaCy model not installed")
    ents = entities_in(article, ctx, article.sentences[4:5])
    assert any(e.label == "PERSON" and e.text == "Ahmad Karimi" for e in ents)
    doc = article_doc(article, ctx)
    assert doc is not None and doc is article_doc(article, ctx)


def test_plural_document_nouns_are_named_whole() -> None:
    text = (
        "Harbour deal collapses\n"
        "According to documents seen by the Gazette, the rent covered only 60 percent of the cost.\n"
        "According to reports from the port, two ships were turned away.\n"
    )
    names = source_kinds(text)
    assert names.get("documents") == "document" and "document" not in names
    assert names.get("reports from the port") == "document" or names.get("reports") == "document"


def test_terminal_counts_mentions_in_words() -> None:
    from spinscope.render.common import count_noun as _count

    assert _count(1, "mention") == "1 mention" and _count(2, "mention") == "2 mentions"
    assert _count(0, "mention") == "0 mentions"


def test_people_share_a_source_by_surname_unless_given_names_differ() -> None:
    text = (
        "Couple describe the night of the shooting\n"
        "Candace Smith said she hid in the bushes outside the house.\n"
        "Quentin Smith said he had been drinking that evening.\n"
        "Labour’s Yvette Cooper MP said the inquiry must be independent.\n"
        "Ms Cooper added that the police had questions to answer.\n"
    )
    sources = run(text).findings["sources"].sections["sources"]
    people = {s["name"]: len(s["mentions"]) for s in sources if s["kind"] == "person"}
    assert people == {"Candace Smith": 1, "Quentin Smith": 1, "Yvette Cooper": 2}


def test_a_definite_role_at_a_named_body_is_one_person() -> None:
    text = (
        "Senator speaks\n"
        "The former chairman of the Judiciary Committee said in a statement that the inquiry was over.\n"
        "A senior official said the report would be published on Monday.\n"
    )
    kinds = source_kinds(text)
    assert kinds["The former chairman of the Judiciary Committee"] == "person"
    assert kinds["A senior official"] == "anonymous"


def test_an_adverb_before_the_verb_is_not_part_of_the_source() -> None:
    kinds = source_kinds("Inquiry widens\nThe Seattle Times first reported that the bureau is assisting the inquiry.\n")
    assert kinds == {"The Seattle Times": "outlet"}


def test_a_capitalised_group_noun_is_anonymous() -> None:
    kinds = source_kinds("Inquiry widens\nProsecutors said the bank had ignored the warnings for years.\n")
    assert kinds == {"Prosecutors": "anonymous"}


def test_cited_outlets_platforms_and_outlet_descriptions() -> None:
    text = (
        "Outlets\n"
        "Islam, who also appeared on Business Insider's list last year, says he trades stocks.\n"
        "Police said over Twitter on Monday that the man had kept his word.\n"
        "“It’s fake, dude,” wrote the site Mediaite in its story.\n"
        "The story was first reported by The Hollywood Reporter on Friday.\n"
        "The plan was a riff on Starbucks’ popular drink, fans said.\n"
        "“It was a no-brainer,” Jimmy Page told the Daily Mirror.\n"
    )
    sources = run(text).findings["sources"].sections["sources"]
    kinds = {s["name"]: s["kind"] for s in sources}
    assert kinds.get("Twitter") == "platform"
    assert kinds.get("Mediaite") == "outlet"
    assert kinds.get("Jimmy Page") == "person"
    assert "Business Insider" not in kinds  # named, not cited
    assert not any("Starbucks" in name for name in kinds)


def test_outlets_by_what_surrounds_them() -> None:
    kinds = source_kinds(
        "Force leaks\n"
        "Unconfirmed reports from Movie Pilot and Ikwiz suggest that the director wants an earlier release. "
        "Mohammed Emwazi is the man in the videos, the BBC and the Washington Post newspaper reported Thursday.\n"
        "Dr. Welat told Guney Yildiz, a journalist at BBC World, that he suspected chlorine gas. "
        '"We will charge nightly," Apple spokeswoman Nat Kerris said in a statement to Re/code. '
        "Yonhap suggest Kim is still in control.\n"
    )
    for outlet in ("Movie Pilot", "Ikwiz", "BBC", "Washington Post", "BBC World", "Re/code", "Yonhap"):
        assert kinds[outlet] == "outlet", outlet
    assert not any("reports from" in name or "Yonhap" in name and name != "Yonhap" for name in kinds)
    assert kinds["Dr. Welat"] == "person" and kinds["Nat Kerris"] == "person"


def test_a_report_by_a_body_stays_a_document_and_bible_stories_no_outlet() -> None:
    kinds = source_kinds(
        "Crime\n"
        "But a report by the Swedish National Council for Crime Prevention shows increasing numbers of threats. "
        "The lessons treat stories in the Bible as historical fact, the suit says.\n"
    )
    assert kinds["a report by the Swedish National Council for Crime Prevention"] == "document"
    assert "Bible" not in kinds and "Swedish National Council" not in kinds


def test_media_are_anonymous_and_a_released_statement_has_its_author() -> None:
    kinds = source_kinds(
        "Rescue\n"
        "South Korean media said Kim is still in control.\n"
        "Yemen’s defence ministry released a statement claiming that armed forces freed a hostage, Reuters reported.\n"
    )
    assert kinds["South Korean media"] == "anonymous"
    assert kinds["Yemen’s defence ministry"] == "organisation"


def test_one_entry_per_source_across_kinds_and_police() -> None:
    ctx = run(
        "Force leaks\n"
        "Unconfirmed reports from Movie Pilot and Ikwiz suggest the release will move. According to Movie Pilot, "
        'the director is worried. Ikwiz says: "Disney is taking the request very seriously."\n'
        "The Royal Newfoundland Constabulary said the man was arrested. Police said he had been drinking.\n"
    )
    sources = ctx.findings["sources"].sections["sources"]
    names = [s["name"] for s in sources]
    assert names.count("Movie Pilot") == 1 and names.count("Ikwiz") == 1
    kinds = {s["name"]: s["kind"] for s in sources}
    assert kinds["Movie Pilot"] == "outlet" and kinds["Ikwiz"] == "outlet"
    assert "Police" not in kinds  # one force: the Constabulary, with both mentions
    force = next(s for s in sources if s["name"] == "The Royal Newfoundland Constabulary")
    assert len(force["mentions"]) == 2


def test_screen_name_and_at_least_from_the_parse() -> None:
    kinds = source_kinds(
        "Lego letter\n"
        "It is a sentiment that has seen the image shared widely since user fryd_ first posted it on Saturday.\n"
        "Police said at least one occupant of the Manhattan apartment told officers the report was false.\n"
    )
    assert kinds.get("fryd_") == "person"
    assert not any(name.startswith("least") for name in kinds)


def test_an_outlet_is_listed_once_under_the_articles_name_for_it() -> None:
    kinds = source_kinds(
        "Rescue failed\n"
        "The raid failed, the AP reported on Saturday. Officials confirmed the account to the Associated Press.\n"
        "CBS Detroit notes in its report that the car was found.\n"
        "The story was false, the U.K.'s Daily Mail said.\n"
    )
    assert kinds.get("AP") == "outlet" and "Associated Press" not in kinds  # one source, the article's name
    assert kinds.get("CBS Detroit") == "outlet" and "CBS News" not in kinds
    assert kinds.get("Daily Mail") == "outlet" and "Mail" not in kinds


def test_an_outlet_inside_a_description_is_the_source_only_when_the_description_is_a_text() -> None:
    kinds = source_kinds(
        "Hoax\n"
        "The phony story on the fake MSNBC site claimed the actor had died.\n"
        '"He is furious," an NBC source said.\n'
        '"Everyone was shocked," claimed the Mirror\'s source.\n'
    )
    assert kinds.get("MSNBC") == "outlet"
    assert not any("story" in name for name in kinds)
    assert kinds.get("an NBC source") == "anonymous" and not any(n.startswith("NBC") for n in kinds)
    assert kinds.get("Mirror") == "outlet"  # an outlet whose source is quoted is cited too


def test_the_newspaper_and_the_company_are_the_named_outlet_and_body() -> None:
    kinds = source_kinds(
        "Watch charge\n"
        "Apple said the watch would last a day, The Washington Post reported.\n"
        "The battery is small, the newspaper said. The company said it expects nightly charging.\n"
        "The device will ship in April, the paper added.\n"
    )
    assert kinds == {"Apple": "organisation", "The Washington Post": "outlet"}


def test_a_given_name_alone_and_an_arabic_article_stay_with_the_full_name() -> None:
    ctx = run(
        "Magnet boy\n"
        "Nikolai Kryaglyachenko, 12, said he can now hold spoons on his chest.\n"
        "Nikolai added that he wants to be an electrician.\n"
        '"Building snowmen is forbidden," declared Sheikh Mohammed Saleh al-Munajjid, a cleric.\n'
        "Sheikh Munajjid argued that statues imitate creation.\n"
    )
    names = [s["name"] for s in ctx.findings["sources"].sections["sources"]]
    assert names == ["Nikolai Kryaglyachenko", "Sheikh Mohammed Saleh al-Munajjid"]


def test_a_thing_that_seems_to_speak_is_no_source_and_a_video_is_a_document() -> None:
    kinds = source_kinds(
        "Magnet boy\n"
        "A schoolboy who was knocked out by a massive electrical shock claims he now has superpowers.\n"
        "Ireland has an extremely violent history described as a long war.\n"
        "The video shows the boy holding spoons. The receipt shows the date of the purchase.\n"
        "Those investigating the case said the story was true.\n"
    )
    assert kinds == {"The video": "document", "The receipt": "document", "Those investigating the case": "anonymous"}


def test_a_definite_role_names_the_person_the_role_was_given_to() -> None:
    ctx = run(
        "Ottawa\n"
        "At a press conference, RCMP Commissioner Bob Paulson also said the gunman acted alone.\n"
        "The RCMP commissioner also said the gunman had applied for a passport.\n"
        '"He is watched 24/7," the commissioner said.\n'
    )
    names = [s["name"] for s in ctx.findings["sources"].sections["sources"]]
    assert names == ["Bob Paulson"]
    assert ctx.findings["quotes"].sections["quotes"][0]["speaker"]["name"] == "Bob Paulson"


def test_the_nbc_source_is_the_earlier_nbc_source_not_the_nearest_source() -> None:
    ctx = run(
        "Anchor\n"
        '"He wants his head on a platter," an NBC source said. '
        '"He has the full support of the network," a network source said. '
        '"They are taking it very seriously," the NBC source said.\n'
    )
    speakers = [q["speaker"]["name"] for q in ctx.findings["quotes"].sections["quotes"]]
    assert speakers == ["an NBC source", "a network source", "an NBC source"]


def test_short_outlet_names_reports_and_police_join_the_named_source() -> None:
    kinds = source_kinds(
        "Tape\n"
        "The audio was first obtained by the New York Daily News, the New York Daily News reported on Monday.\n"
        "The Daily News notes that the pause is telling. The report adds that the tape is unverified.\n"
        "Newfoundland police said over Twitter that the man had surrendered. Later, police wrote that he was "
        "released.\n"
        "\"We are sad,\" a statement from Dana Baird-Hanks, a spokeswoman with the city, said.\n"
    )
    assert kinds == {
        "New York Daily News": "outlet",
        "Newfoundland police": "organisation",
        "Twitter": "platform",
        "Dana Baird-Hanks": "person",
    }


def test_the_paper_is_no_outlet_named_the() -> None:
    kinds = source_kinds("Reunion\nThe paper claims Jimmy Page had signed on, according to the Mirror.\n")
    assert "The" not in kinds and kinds.get("Mirror") == "outlet"


def test_outlets_cited_by_a_name_that_says_so_without_the_outlet_table() -> None:
    kinds = source_kinds(
        "Leave\n"
        "Taibbi is on leave after disagreements with executives, New York Magazine's Andrew Rice reports.\n"
        "The port will not be included, according to 9to5Mac.\n"
        "The official denied the claims, reported Independent.\n"
    )
    assert kinds.get("New York Magazine") == "outlet" and kinds.get("Andrew Rice") == "person"
    assert kinds.get("9to5Mac") == "outlet" and kinds.get("Independent") == "outlet"


def test_groups_of_people_citing_and_quoting_are_sources_and_things_are_not() -> None:
    kinds = source_kinds(
        "Shooting\n"
        "Eyewitnesses said the gunman ran towards the building. Students said they were scared.\n"
        "The man was from Quebec, U.S. sources told Reuters.\n"
        "Citing an anonymous tipster, the site named the woman.\n"
        "Quoting from Muslim scholars, Munajjid argued that snowmen are idols.\n"
        "Citing the cases of two bloggers, the minister defended the ban.\n"
    )
    for group in ("Eyewitnesses", "Students", "U.S. sources", "an anonymous tipster", "Muslim scholars"):
        assert kinds.get(group) == "anonymous", group
    assert not any("cases" in name for name in kinds)


def test_a_platform_is_cited_where_the_words_were_said_on_it_not_anywhere_in_the_sentence() -> None:
    kinds = source_kinds(
        "Hoax\n"
        "News that the actor had died spread quickly on Facebook and Twitter, with users linking to a story on "
        "something called MSNBC.website.\n"
        "In the video, which was available on YouTube for a day, the terrorists remind the audience of the raids.\n"
        "The police force said over Twitter that the man had surrendered.\n"
    )
    assert "Facebook" not in kinds and "YouTube" not in kinds and kinds.get("Twitter") == "platform"


def test_a_relative_of_a_named_person_is_the_source_not_the_named_person() -> None:
    kinds = source_kinds(
        "Rescue\n"
        "The sister of British-born American photojournalist Luke Somers has said he has been killed.\n"
        "A girlfriend of Michael Phelps has revealed that she was born a man.\n"
        "IS threatened to kill him unless Barack Obama calls a halt to attacks.\n"
    )
    assert kinds == {
        "The sister of British-born American photojournalist Luke Somers": "anonymous",
        "A girlfriend of Michael Phelps": "anonymous",
    }


def test_a_title_alone_after_the_is_a_person_not_a_body() -> None:
    """'the President' (capitalised, so no description) is one person; 'The Royal Newfoundland Constabulary'
    stays a body."""
    kinds = source_kinds(
        "Washington\n"
        'The investigation ended in what the President has long called a "Witch Hunt."\n'
        "The Prime Minister said the deal was done.\n"
        "The Royal Newfoundland Constabulary said the road was closed.\n"
    )
    assert kinds.get("the President") == "person"
    assert kinds.get("The Prime Minister") == "person"
    assert kinds.get("The Royal Newfoundland Constabulary") == "organisation"
