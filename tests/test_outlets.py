"""Outlet profiles: host normalisation and matching, satire, unrated, overrides, name finding."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from pathlib import Path

import jsonschema
import pytest

from spinscope.errors import InputError
from spinscope.outlets import OutletTable, card_rows, default_table_path, normalise_host

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "src/spinscope/resources/schema/outlet.schema.json").read_text()
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


@pytest.fixture(scope="module")
def table() -> OutletTable:
    return OutletTable()


# ------------------------------------------------------------------ normalise_host
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("cnn.com", "cnn.com"),
        ("CNN.COM", "cnn.com"),
        ("www.cnn.com", "cnn.com"),
        ("https://www.cnn.com/2024/01/01/politics/x.html?a=1#b", "cnn.com"),
        ("http://WWW.CNN.COM.:8080/x", "cnn.com"),
        ("cnn.com.", "cnn.com"),
        ("m.cnn.com", "cnn.com"),
        ("mobile.twitter.com", "twitter.com"),
        ("amp.theguardian.com", "theguardian.com"),
        ("www2.example.org", "example.org"),
        ("edition.cnn.com", "edition.cnn.com"),
        ("https://www.cnn.com/amp/2024/x", "cnn.com"),
        ("https://www-cnn-com.cdn.ampproject.org/c/s/www.cnn.com/2024/x", "cnn.com"),
        ("https://www-bbc-co-uk.cdn.ampproject.org/v/s/www.bbc.co.uk/news/x", "bbc.co.uk"),
        ("https://www.google.com/amp/s/www.breitbart.com/politics/x", "breitbart.com"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("https://BÜCHER.example/x", "xn--bcher-kva.example"),
        ("www.com", "www.com"),  # never strip down to a bare TLD
        ("127.0.0.1:8000", "127.0.0.1"),
        ("http://[::1]:8080/x", "::1"),
    ],
)
def test_normalise_host(given: str, expected: str) -> None:
    assert normalise_host(given) == expected


@pytest.mark.parametrize("bad", ["", "   ", "http://", "exa mple.com", "a..b"])
def test_normalise_host_rejects_garbage(bad: str) -> None:
    with pytest.raises(InputError):
        normalise_host(bad)


# ------------------------------------------------------------------ matching
@pytest.mark.parametrize(
    "variant",
    [
        "cnn.com",
        "www.cnn.com",
        "m.cnn.com",
        "amp.cnn.com",
        "CNN.COM",
        "cnn.com.",
        "cnn.com:443",
        "https://www.cnn.com:8443/2024/05/01/politics/story/index.html",
        "edition.cnn.com",
        "us.edition.cnn.com",
        "https://www-cnn-com.cdn.ampproject.org/c/s/www.cnn.com/x",
    ],
)
def test_variants_match_the_outlet(table: OutletTable, variant: str) -> None:
    p = table.profile(variant)
    assert p["domain"] == "cnn.com"
    assert p["rated"] is True
    assert p["factuality"] is not None and p["bias"] is not None


def test_subdomain_is_reported_as_such(table: OutletTable) -> None:
    p = table.profile("https://edition.cnn.com/x")
    assert (p["match"], p["matched_host"], p["domain"]) == ("subdomain", "edition.cnn.com", "cnn.com")
    assert table.profile("cnn.com")["match"] == "exact"


@pytest.mark.parametrize(
    "host",
    [
        "deviantart.com",
        "www.deviantart.com",
        "rt.com.evil.net",
        "art.com",
        "rt.co",
        "evilrt.com",
        "rt-com.net",
        "rt.comm",
        "xrt.com",
    ],
)
def test_rt_com_trap(table: OutletTable, host: str) -> None:
    assert table.profile("rt.com")["rated"] is True  # the outlet itself is in the table
    p = table.profile(host)
    assert p["domain"] != "rt.com"
    assert not any(s.get("ref", "").endswith("/rt/") for s in p["sources"])


@pytest.mark.parametrize(
    "lookalike",
    ["cnn.com.co", "cnn-news.com", "cnnnews.com", "cnn.co", "cnn.com.evil.net", "notcnn.com", "c-nn.com"],
)
def test_lookalikes_do_not_match_cnn(table: OutletTable, lookalike: str) -> None:
    assert table.profile(lookalike)["domain"] != "cnn.com"


def test_shared_hosts_match_only_exactly(table: OutletTable) -> None:
    # A blog on blogspot.com is not rated by the platform's entry; the platform itself is.
    blog = table.profile("someone.blogspot.com")
    assert blog["rated"] is False and blog["domain"] == "someone.blogspot.com"
    platform = table.profile("blogspot.com")
    assert "user-content-platform" in platform["labels"]
    assert table.profile("someone.substack.com")["rated"] is False


def test_path_scoped_entry(table: OutletTable) -> None:
    column = table.profile("https://www.newyorker.com/humor/borowitz-report/some-joke")
    assert column["domain"] == "newyorker.com/humor/borowitz-report" and column["match"] == "path"
    assert "satire" in column["labels"]
    magazine = table.profile("https://www.newyorker.com/news/news-desk/x")
    assert magazine["domain"] == "newyorker.com" and "satire" not in magazine["labels"]
    assert table.profile("https://www.newyorker.com/humor/borowitz-reportage")["domain"] == "newyorker.com"


# ------------------------------------------------------------------ content of profiles
def test_profile_shape_and_sources(table: OutletTable) -> None:
    p = table.profile("cnn.com")
    VALIDATOR.validate(p)
    assert p["name"] == "CNN"
    used = {s["field"]: s for s in p["sources"] if s["used"]}
    assert used["factuality"]["value"] == p["factuality"] and used["bias"]["value"] == p["bias"]
    assert used["factuality"]["source"] == "MBFC via Burdisso et al. 2024" and used["factuality"]["date"] == "2024"
    # older ratings are kept, not used
    assert any(s["source_id"] == "mbfc-baly2018" and not s["used"] for s in p["sources"])
    assert used["reliability"]["source_id"] == "wikipedia-rsp-burdisso2024"


def test_factuality_and_bias_are_separate(table: OutletTable) -> None:
    # Reuters: high factuality and least-biased; Breitbart: right bias and blacklisted on Wikipedia.
    reuters, breitbart = table.profile("reuters.com"), table.profile("breitbart.com")
    assert reuters["factuality"] in ("high", "very high") and reuters["bias"] == "center"
    assert breitbart["bias"] in ("right", "extreme-right")
    assert breitbart["reliability"] == "blacklisted"
    assert {s["field"] for s in breitbart["sources"]} >= {"factuality", "bias", "reliability"}


def test_satire(table: OutletTable) -> None:
    onion = table.profile("https://www.theonion.com/some-story-123")
    assert onion["rated"] is True
    assert "satire" in onion["labels"]
    sat = [s for s in onion["sources"] if s["field"] == "label" and s["value"] == "satire"]
    assert sat and sat[0]["source"] == "spinscope curated list" and sat[0]["date"]
    assert "satire" in table.profile("babylonbee.com")["labels"]
    assert "satire" not in table.profile("cnn.com")["labels"]


def test_conspiracy_label_from_mbfc(table: OutletTable) -> None:
    p = table.profile("naturalnews.com")
    assert "conspiracy-pseudoscience" in p["labels"]
    src = [s for s in p["sources"] if s["field"] == "label" and s["value"] == "conspiracy-pseudoscience"]
    assert src[0]["source_id"] == "mbfc-burdisso2024" and "raw" in src[0]


def test_unrated(table: OutletTable) -> None:
    p = table.profile("https://my-local-blog.example/post")
    VALIDATOR.validate(p)
    assert p["rated"] is False
    assert p["domain"] == "my-local-blog.example" and p["matched_host"] == "my-local-blog.example"
    assert (p["factuality"], p["bias"], p["reliability"], p["labels"], p["sources"]) == (
        None,
        None,
        None,
        [],
        [],
    )
    rows = dict(card_rows(p))
    assert rows["rating"].startswith("unrated")
    assert table.profile("127.0.0.1:8080")["rated"] is False


def test_every_table_entry_gives_a_valid_profile() -> None:
    t = OutletTable()
    con = sqlite3.connect(default_table_path())
    keys = [k for (k,) in con.execute("SELECT domain FROM outlets")]
    con.close()
    assert len(keys) > 5000
    for key in random.Random(0).sample(keys, 300):
        target = key if "/" not in key else "https://" + key + "/x"
        p = t.profile(target)
        assert p["domain"] == key, key
        VALIDATOR.validate(p)


def test_meta_records_build(table: OutletTable) -> None:
    meta = table.meta
    assert meta["build_command"].startswith("python scripts/build_outlets.py")
    assert any(k.startswith("input_sha256:") and len(v) == 64 for k, v in meta.items())
    counts = json.loads(meta["counts"])
    assert counts["domains"] == table.stats()["domains"]
    assert default_table_path().stat().st_size < 5_000_000


def test_lazy_load_and_fast_lookup() -> None:
    t = OutletTable()
    assert t._loaded is None and t._names is None  # nothing read at construction
    t.profile("cnn.com")
    assert t._loaded is not None
    loaded = t._loaded
    t0 = time.perf_counter()
    for _ in range(2000):
        t.profile("https://edition.cnn.com/2024/x")
    per = (time.perf_counter() - t0) / 2000
    assert t._loaded is loaded  # loaded once
    assert per < 0.001, per


def test_missing_table_is_a_model_error(tmp_path: Path) -> None:
    from spinscope.errors import ModelError

    with pytest.raises(ModelError):
        OutletTable(path=tmp_path / "nope.sqlite").profile("cnn.com")
