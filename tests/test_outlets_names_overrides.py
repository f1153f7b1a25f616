"""Outlet names in text (find_names / profile_for_name) and user overrides (TOML and CSV)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.errors import InputError
from spinscope.outlets import OutletTable, card_rows


@pytest.fixture(scope="module")
def table() -> OutletTable:
    return OutletTable()


def found(table: OutletTable, text: str) -> list[tuple[str, str]]:
    return [(text[s:e], d) for s, e, _, d in table.find_names(text)]


# ------------------------------------------------------------------ find_names
def test_find_names_basic(table: OutletTable) -> None:
    text = (
        "WASHINGTON (AP) — The claim, first reported by the Associated Press and repeated by the BBC, "
        "was denied to Reuters. Fox News and CNN's anchors disagreed; The New York Times and Breitbart "
        "covered it, as did RT and Sputnik."
    )
    hits = table.find_names(text)
    for start, end, name, domain in hits:
        assert text[start:end] and isinstance(name, str) and "." in domain
    assert found(table, text) == [
        ("AP", "apnews.com"),
        ("the Associated Press", "apnews.com"),
        ("the BBC", "bbc.com"),
        ("Reuters", "reuters.com"),
        ("Fox News", "foxnews.com"),
        ("CNN", "cnn.com"),
        ("The New York Times", "nytimes.com"),
        ("Breitbart", "breitbart.com"),
        ("RT", "rt.com"),
        ("Sputnik", "sputniknews.com"),
    ]
    names = [n for _, _, n, _ in hits]
    assert names[0] == names[1] == "Associated Press"


def test_find_names_spans_are_offsets(table: OutletTable) -> None:
    text = "Ünïcödé prefix — according to the Washington Post, it rained."
    [(s, e, name, domain)] = table.find_names(text)
    assert text[s:e] == "the Washington Post" and domain == "washingtonpost.com" and name == "The Washington Post"


@pytest.mark.parametrize(
    "text",
    [
        "Look at the MAP of ART and the CAPTAIN's RTX card.",  # AP / RT inside words
        "ap and rt and cnn and bbc in lower case",
        "the reuters of this world",
        "An email to a snapshot; apnews without a domain.",
        "SmartRT and rt.com-like words: deviantART, PARTY.",
        "Michael Bloomberg and Steve Forbes spoke.",  # people, not outlets
        "the Reuters Institute published a report.",  # longer proper noun
        "They went to The Hill Country.",
    ],
)
def test_find_names_no_false_hits(table: OutletTable, text: str) -> None:
    assert table.find_names(text) == []


def test_find_names_edges(table: OutletTable) -> None:
    assert found(table, "CNN") == [("CNN", "cnn.com")]
    assert found(table, "(Reuters) -") == [("Reuters", "reuters.com")]
    assert found(table, "told Reuters Monday.") == [("Reuters", "reuters.com")]
    assert found(table, "But Bloomberg reported.") == [("Bloomberg", "bloomberg.com")]
    assert found(table, "“AP”") == [("AP", "apnews.com")]
    assert found(table, "") == []
    assert found(table, "in The New York Times Magazine") == [("The New York Times", "nytimes.com")]
    assert found(table, "across The Atlantic Ocean") == []  # "The X" + capitalised word: a longer proper noun
    assert found(table, "in The Atlantic magazine") == [("The Atlantic", "theatlantic.com")]


def test_profile_for_name(table: OutletTable) -> None:
    bbc = table.profile_for_name("the BBC")
    assert bbc is not None and bbc["domain"] == "bbc.com" and bbc["rated"] and bbc["matched_name"] == "the BBC"
    ap = table.profile_for_name("AP")
    assert ap is not None and ap["domain"] == "apnews.com" and ap["name"] == "Associated Press"
    assert table.profile_for_name("The Associated Press")["domain"] == "apnews.com"  # type: ignore[index]
    assert table.profile_for_name("reuters")["domain"] == "reuters.com"  # type: ignore[index]
    assert table.profile_for_name("Fox News")["bias"] in ("right", "extreme-right")  # type: ignore[index]
    onion = table.profile_for_name("The Onion")
    assert onion is not None and "satire" in onion["labels"]
    assert table.profile_for_name("The Daily Planet") is None
    borowitz = table.profile_for_name("Borowitz Report")
    assert borowitz is not None and borowitz["match"] == "path" and "satire" in borowitz["labels"]
    assert table.profile_for_name("") is None
    # every name find_names returns resolves
    for _, _, name, domain in table.find_names("RT, Sputnik, the Guardian and Al Jazeera"):
        prof = table.profile_for_name(name)
        assert prof is not None and prof["domain"] == domain


# ------------------------------------------------------------------ overrides
def test_overrides_toml(tmp_path: Path) -> None:
    f = tmp_path / "ratings.toml"
    f.write_text(
        """
[[outlet]]
domain = "cnn.com"
factuality = "High"
note = "our newsroom's review"
date = "2026-01-15"

[[outlet]]
domain = "https://www.my-local-paper.example/"
name = "My Local Paper"
factuality = "high"
bias = "least biased"
labels = ["local"]

[outlets."theonion.com"]
labels = []
""",
        encoding="utf-8",
    )
    base, t = OutletTable(), OutletTable(overrides=f)
    cnn = t.profile("https://edition.cnn.com/x")
    assert cnn["factuality"] == "high" != base.profile("cnn.com")["factuality"]
    assert cnn["bias"] == base.profile("cnn.com")["bias"]  # untouched fields keep the bundled rating
    fact = [s for s in cnn["sources"] if s["field"] == "factuality"]
    assert fact[0]["source"] == "override: ratings.toml" and fact[0]["used"] and fact[0]["date"] == "2026-01-15"
    assert fact[0]["ref"] == "our newsroom's review"
    assert all(not s["used"] for s in fact[1:]) and len(fact) > 1  # bundled ratings listed, not used
    new = t.profile("my-local-paper.example")
    assert new["rated"] and new["name"] == "My Local Paper" and new["bias"] == "center" and new["labels"] == ["local"]
    assert base.profile("my-local-paper.example")["rated"] is False
    onion = t.profile("theonion.com")
    assert onion["labels"] == [] and onion["factuality"] == base.profile("theonion.com")["factuality"]
    assert any(s["value"] == "satire" and not s["used"] for s in onion["sources"])
    assert any("override" in text for _, text in card_rows(cnn))


def test_overrides_csv(tmp_path: Path) -> None:
    f = tmp_path / "ratings.csv"
    f.write_text(
        "domain,name,factuality,bias,reliability,labels,date,note\n"
        "example-news.test,Example News,mixed,right-center,,satire;clickbait,2026-02-01,\n"
        "rt.com,,,,generally reliable,,,test correction\n",
        encoding="utf-8",
    )
    t = OutletTable(overrides=f)
    p = t.profile("www.example-news.test")
    assert (p["factuality"], p["bias"], p["labels"], p["rated"]) == (
        "mixed",
        "right-center",
        ["satire", "clickbait"],
        True,
    )
    assert {s["source"] for s in p["sources"]} == {"override: ratings.csv"}
    rt = t.profile("rt.com")
    assert rt["reliability"] == "generally reliable"
    assert rt["factuality"] == OutletTable().profile("rt.com")["factuality"]
    # overrides never leak into look-alikes
    assert t.profile("deviantart.com")["rated"] is False


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.toml", "[[outlet]]\ndomain = 'x.test'\nfactuality = 'superb'\n", "factuality"),
        ("bad2.toml", "[[outlet]]\nfactuality = 'high'\n", "missing 'domain'"),
        ("bad3.toml", "[[outlet]\n", "not valid TOML"),
        ("bad4.toml", "[[outlet]]\ndomain = 'x.test'\ncolour = 'red'\n", "unknown field"),
        ("bad.csv", "name,bias\nX,left\n", "'domain' column"),
        ("bad2.csv", "domain,bias\nx.test,sideways\n", "line 2"),
        ("bad.json", "{}", ".toml or .csv"),
    ],
)
def test_bad_overrides_raise_input_error(tmp_path: Path, name: str, content: str, message: str) -> None:
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        OutletTable(overrides=f).profile("cnn.com")


def test_missing_overrides_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        OutletTable(overrides=tmp_path / "none.toml").profile("cnn.com")
