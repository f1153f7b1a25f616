"""Page clutter in plain text: many forms, reported as excluded regions, nothing analysed inside them."""

from __future__ import annotations

import pytest

from spinscope.analyzer import Analyzer
from spinscope.config import Options
from spinscope.ingest import article_from_text
from spinscope.ingest.clutter import classify_line

CLUTTER = [
    ("Photo: Protesters outside parliament on Monday.", "caption"),
    ("(Photo by Jane Doe/Getty Images)", "caption"),
    ("Image copyright AFP", "caption"),
    ("A man walks past the closed factory. (AP Photo/John Smith)", "caption"),
    ("Related: Five things to know about the new tax", "link line"),
    ("READ MORE: Why the central bank raised rates again", "link line"),
    ("See also - The mayor's budget in numbers", "link line"),
    ("WATCH: Police clash with protesters in the capital", "link line"),
    ("Editor's picks: The week in pictures", "link line"),
    ("23 Comments", "counter"),
    ("Comments (1,204)", "counter"),
    ("4.5K shares", "counter"),
    ("Leave a comment below", "call to action"),
    ("Join the conversation on our forum", "call to action"),
    ("Share this story on Facebook", "call to action"),
    ("Click here to subscribe to our newsletter", "call to action"),
    ("Sign up for our daily briefing", "call to action"),
    ("Follow us on Instagram", "call to action"),
    ("Download our app for breaking news alerts", "call to action"),
    ("Advertisement", "advertising"),
    ("Sponsored: The 10 best savings accounts this year", "advertising"),
    ("Trending now", "rail heading"),
    ("You may also like", "rail heading"),
    ("newsletter_signup_widget", "widget"),
    ("[embedded content]", "widget"),
    ("{{ad_slot_top}}", "widget"),
    ("ShareButtonsBar", "widget"),
    ("Loading video player...", "widget"),
    ("By Dana Whitfield", "byline"),
    ("By JOHN SMITH, Political Correspondent", "byline"),
    ("Published 9:42 AM ET, Tue March 3, 2026", "timestamp"),
    ("Updated: 3 hours ago", "timestamp"),
    ("Home > World > Europe", "navigation"),
    ("News | Politics | Elections", "navigation"),
    ("Tags: economy, taxes, budget", "tags"),
    ("© 2026 Example Media Group", "caption"),
    ("©2018 Los Angeles Times, Distributed by Tribune Content Agency, LLC.", "caption"),
    ("Story continues below advertisement", "interstitial"),
    ("Story Continued Below", "interstitial"),
    ("take our poll - story continues below", "poll"),
    ("Take our survey: Should the council raise parking fees?", "poll"),
    ("Email *", "form field"),
    ("First name *", "form field"),
    ("Phone This field is for validation purposes and should be left unchanged.", "form field"),
    ("You may opt out at anytime.", "consent"),
    ("You also agree to this site's Privacy Policy and Terms of Use.", "consent"),
    ("Completing this poll grants you access to Example Outpost updates free of charge.", "consent"),
    ("Article posted with permission from Example Media", "syndication"),
    ("Reprinted with permission from The Example Foundation.", "syndication"),
    ("This report was originally published by Jane Doe at Example News", "syndication"),
    ("This article first appeared on example.org", "syndication"),
    ("Scroll down for video", "call to action"),
    ("VIEW GALLERY", "call to action"),
    ("Have something to add to this story? Share it in the comments.", "call to action"),
    ("On a mobile device? Click here to watch the video.", "call to action"),
    ("Video loading", "widget"),
    ("Poll loading …", "widget"),
    ("Please enable Javascript to watch.", "widget"),
    ("Sorry we are not currently accepting comments on this article.", "comments notice"),
    ("Comments are closed.", "comments notice"),
    (
        "As a privately owned website, we reserve the right to remove any comment and ban any user at any time."
        "Comments that contain spam, advertising, vulgarity, threats of violence and death, racism, anti-Semitism, or "
        "personal or abusive attacks on other users may be removed and result in a ban.-- Follow these instructions",
        "comments notice",
    ),
    ("Comments that contain spam or personal attacks will be deleted.", "comments notice"),
    ("RELATED COVERAGE", "rail heading"),
    ("youtube.com", "embed source"),
    ('poster="http://v.example.com/images/1155968404/201903/3951/1155-vs.jpg?pubId=1155968404" true', "embed source"),
    ('width="560" height="315" allowfullscreen', "embed source"),
    ("People also read.", "rail heading"),
    ("More from Politics.", "rail heading"),
    ("Readers also liked:", "rail heading"),
    ("Protesters gather outside parliament VIEW ALL PHOTOS IN GALLERY", "gallery"),
    ("See all 12 photos", "gallery"),
    ("Rosa Ibarra, council member", "caption"),
    ("jim reyes, harbour master", "caption"),
    ("Bill Bratton, New York City police commissioner", "caption"),
]

ARTICLE_SENTENCES = [
    "The council voted 7 to 5 on Tuesday to reject the final lease terms.",
    "Related costs rose by 12 percent last year, the report said.",
    "Photographers gathered outside the court as the verdict was read.",
    "She said people should share the burden fairly.",
    "By the end of the year, the company had hired 400 workers.",
    "Comments made by the minister on Monday drew criticism from the opposition.",
    "Follow-up talks are planned for next week in Geneva.",
    "What happens now?",
    "The Prime Minister, speaking in London, said the deal was fair.",
    "Subscribers to the service will pay more from April, the regulator said.",
    "The story continued on Monday, when police arrested two men.",
    "First published in 1851, the novel sold poorly.",
    "Published with permission of the family, the letter shows his fears.",
    "You may opt out of the scheme, the minister told savers on Tuesday.",
    "Users agree to the privacy policy when they sign up, the company said.",
    "Take our word for it: the budget will not balance.",
    "The fake site is at: www.cctvnews.cn. See a screenshot below from July.",
    "Comments by the minister were closed to debate, he said.",
    "Image loading times have doubled.",
    "Watch what they do, not what they say.",
    "Police said they would view all the images.",
    "We want to see all the videos, she said.",
    "Rosa Ibarra, who led the opposition, said no.",
    "Maciel Degollado, founder of the Legionaries of Christ.",
    "Fool Me Once, Shame on You",
    "Paris, France",
    "People also read the small print, the regulator said.",
    "We reserve the right to remain silent, the lawyer said.",
    '"Positive," she said.',
    'title="Report" was the only word on the page, she said.',
    "The site said it reserves the right to remove comments that break its rules.",
    "Comments that contained errors were corrected, the editor said.",
]


@pytest.mark.parametrize(("line", "kind"), CLUTTER)
def test_clutter_lines_are_recognised(line: str, kind: str) -> None:
    assert classify_line(line) is not None, f"not recognised as {kind}: {line!r}"


@pytest.mark.parametrize("line", ARTICLE_SENTENCES)
def test_article_sentences_are_kept(line: str) -> None:
    assert classify_line(line) is None


def test_rail_of_headlines_after_a_rail_heading() -> None:
    text = (
        "Storm Hits the Coast\n\nThe storm reached the coast on Monday, officials said.\n\n"
        "Most popular\nLocal bakery wins national award\nTen photos of the flood you have to see\n\n"
        "Rescue teams worked through the night to reach stranded families.\n"
    )
    a = article_from_text(text)
    excluded = [a.text[r.start : r.end] for r in a.excluded]
    assert excluded == ["Most popular", "Local bakery wins national award", "Ten photos of the flood you have to see"]
    kept = [a.text[s.start : s.end] for s in a.analysable_sentences()]
    assert "Rescue teams worked through the night to reach stranded families." in kept


def test_excluded_regions_get_no_spans_and_text_is_unchanged() -> None:
    text = (
        "Outrage as Minister Quits\n\nThe minister resigned on Friday after a vote in parliament.\n\n"
        "Photo: The disgraceful, outrageous scene outside the ministry (Reuters/Jane Doe)\n\n"
        "Related: The most shocking, disgusting scandals of the year\n\n"
        "outrageous_scandal_widget\n\n"
        "Critics called the decision a disgraceful betrayal of voters.\n"
    )
    report = Analyzer(Options(detectors=("lexical", "rhetoric"))).analyze(article_from_text(text))
    assert report.text == text
    reasons = {report.text[r.start : r.end].split(":")[0]: r.reason for r in report.excluded}
    assert {"Photo", "Related", "outrageous_scandal_widget"} <= set(reasons)
    assert report.spans, "the body still has loaded language"
    for s in report.spans:
        for r in report.excluded:
            assert not (s.start < r.end and r.start < s.end), (report.text[s.start : s.end], r.reason)


def test_poll_widget_is_excluded_as_a_block() -> None:
    """A poll dropped into the article: the marker, the question (repeated, as scraped), the answers,
    the form and its small print go; the article text around it stays."""
    body_before = "The senator said the vote would be held on Thursday."
    body_after = "Critics called the plan a disgraceful betrayal of voters."
    widget = [
        "take our poll - story continues below",
        "Should the senator resign?",
        "Should the senator resign?",
        "* Yes, he should resign.",
        "No, he should stay.",
        "Maybe?",
        "Email *",
        "Name This field is for validation purposes and should be left unchanged.",
        "Completing this poll grants you access to Example Outpost updates free of charge.",
        "You may opt out at anytime.",
    ]
    text = "Senator Faces Calls to Resign\n" + "\n".join([body_before, *widget, body_after]) + "\n"
    a = article_from_text(text)
    excluded = [a.text[r.start : r.end] for r in a.excluded]
    assert excluded == widget
    kept = [a.text[s.start : s.end] for s in a.analysable_sentences()]
    assert body_before in kept and body_after in kept


def test_marker_without_a_form_excludes_only_itself() -> None:
    """No form follows the marker within a few lines: the lines after it are article text."""
    lines = ["Story continues below advertisement", "Why did the council wait?", "Nobody has said."]
    text = "Council Delays Vote\nThe council met on Monday.\n" + "\n".join(lines) + "\n"
    a = article_from_text(text)
    assert [a.text[r.start : r.end] for r in a.excluded] == lines[:1]


def test_headline_repeated_as_the_first_body_line() -> None:
    text = "Ireland and the Border\n\nIreland and the Border\nIreland has been a trouble spot for centuries.\n"
    a = article_from_text(text)
    assert [(a.text[r.start : r.end], r.start) for r in a.excluded] == [("Ireland and the Border", 24)]
    assert a.title == "Ireland and the Border"
    # a later line that happens to repeat the headline is article text
    b = article_from_text("Ireland and the Border\nIt matters.\nIreland and the Border\n")
    assert not b.excluded


def test_gallery_caption_and_rail_heading_inside_an_article_get_no_spans() -> None:
    """A scraped gallery widget, a name-and-role photo caption between paragraphs and a rail heading ending
    with a full stop are excluded, so no finding lands on them."""
    text = (
        "Council Rejects Harbour Deal\n"
        "The council rejected the harbour deal on Tuesday after a long and bitter debate.\n"
        "Shocking scenes as the disgraceful vote collapses VIEW ALL PHOTOS IN GALLERY\n"
        "rosa ibarra, council member\n"
        "The mayor said the city would look for a new partner within the year.\n"
        "People also read.\n"
        "Mayor's outrageous plan is a total disaster\n"
    )
    from spinscope.detectors import Context, Resources, load_detector
    from spinscope.detectors.base import keep_outside_excluded

    article = article_from_text(text)
    reasons = {text[r.start : r.end]: r.reason for r in article.excluded}
    gallery = text.index("Shocking")
    assert reasons[text[gallery : text.index("\n", gallery)]] == "photo gallery widget"
    assert reasons["rosa ibarra, council member"].startswith("photo caption")
    assert reasons["People also read."].startswith("promotional rail heading")
    assert reasons["Mayor's outrageous plan is a total disaster"].startswith("promotional rail item")
    context = Context(resources=Resources())
    found = [s for name in ("lexical", "rhetoric") for s in load_detector(name).detect(article, context).spans]
    kept = keep_outside_excluded(article, found)
    assert not [s for s in kept if gallery <= s.start < text.index("The mayor")]
