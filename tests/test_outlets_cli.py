"""The outlet detector in the analyzer, `spinscope outlet`, and `spinscope analyze URL` with a chosen Host."""

from __future__ import annotations

import json
from pathlib import Path

from spinscope.analyzer import Analyzer
from spinscope.article import Article, Metadata
from spinscope.config import Options
from spinscope.detectors import REGISTRY, load_detector

ARTICLE = (
    "Senate passes the budget after a long night\n\n"
    "The Senate passed the budget on Tuesday after a debate that lasted through the night, "
    "according to Reuters and the Associated Press. "
    "Senators from both parties said the bill was a compromise.\n"
)


def make_article(**meta: str) -> Article:
    return Article(id="t1", text=ARTICLE, title=ARTICLE.split("\n", 1)[0], metadata=Metadata(**meta))


def test_detector_registered() -> None:
    assert REGISTRY["outlet"] == "spinscope.detectors.outlet:OutletDetector"
    d = load_detector("outlet")
    assert d.name == "outlet" and d.sections == ("outlet",)


def test_detector_uses_metadata_domain_first() -> None:
    analyzer = Analyzer(Options(detectors=("outlet",)))
    # domain wins over the URL: a page fetched from 127.0.0.1 with Host www.foxnews.com is Fox News
    report = analyzer.analyze(make_article(url="http://127.0.0.1:8000/story", domain="www.foxnews.com:8000"))
    assert report.outlet["domain"] == "foxnews.com" and report.outlet["rated"] is True
    assert report.to_dict()["outlet"]["sources"]
    report = analyzer.analyze(make_article(url="https://m.bbc.co.uk/news/x"))
    assert report.outlet["domain"] in ("bbc.co.uk", "bbc.com") and report.outlet["rated"] is True


def test_detector_unrated_and_no_domain() -> None:
    analyzer = Analyzer(Options(detectors=("outlet",)))
    report = analyzer.analyze(make_article(url="https://unknown-gazette.example/x"))
    assert report.outlet["rated"] is False and report.outlet["domain"] == "unknown-gazette.example"
    assert analyzer.analyze(make_article()).outlet == {}  # plain text: no publisher
    named = analyzer.analyze(make_article(source="The Guardian"))
    assert named.outlet["domain"] == "theguardian.com"


def test_detector_reads_overrides(tmp_path: Path) -> None:
    f = tmp_path / "o.csv"
    f.write_text("domain,factuality,bias\nunknown-gazette.example,high,center\n", encoding="utf-8")
    analyzer = Analyzer(Options(detectors=("outlet",), outlet_overrides=f))
    out = analyzer.analyze(make_article(domain="unknown-gazette.example")).outlet
    assert out["rated"] is True and out["factuality"] == "high"
    assert out["sources"][0]["source"] == "override: o.csv"


def test_bad_overrides_fail_before_analysis(tmp_path: Path) -> None:
    import pytest

    from spinscope.errors import InputError

    f = tmp_path / "o.toml"
    f.write_text("[[outlet]]\ndomain = 'x.test'\nfactuality = 'great'\n", encoding="utf-8")
    with pytest.raises(InputError, match="factuality"):
        Analyzer(Options(detectors=("outlet",), outlet_overrides=f)).analyze(make_article(domain="x.test"))


def test_cli_outlet_card(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("outlet", "cnn.com")
    assert r.code == 0, r.stderr
    assert "CNN (cnn.com)" in r.stdout and "factuality" in r.stdout and "MBFC via Burdisso et al. 2024" in r.stdout
    r = cli("outlet", "https://www.theonion.com/x")
    assert r.code == 0 and "satire" in r.stdout
    r = cli("outlet", "unknown-gazette.example")
    assert r.code == 0 and "unrated" in r.stdout.lower() and "factuality" not in r.stdout


def test_cli_outlet_json_and_overrides(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("outlet", "https://edition.cnn.com/x", "--json")
    prof = json.loads(r.stdout)
    assert prof["domain"] == "cnn.com" and prof["match"] == "subdomain" and prof["sources"]
    f = tmp_path / "o.toml"
    f.write_text('[[outlet]]\ndomain = "cnn.com"\nbias = "center"\n', encoding="utf-8")
    prof = json.loads(cli("outlet", "cnn.com", "--json", "--overrides", str(f)).stdout)
    assert prof["bias"] == "center" and prof["sources"][0]["source"] == "override: o.toml"
    r = cli("outlet", "the BBC", "--json")
    assert json.loads(r.stdout)["domain"] == "bbc.com"


def test_cli_outlet_errors_are_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("outlet", "not a known outlet name")
    assert r.code != 0 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[[outlet]]\ndomain='x.test'\nbias='sideways'\n", encoding="utf-8")
    r = cli("outlet", "cnn.com", "--overrides", str(bad))
    assert r.code != 0 and "bias" in r.stderr and "Traceback" not in r.stderr


def test_analyze_url_with_chosen_host(cli, http_server) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import Route

    html = (
        "<html><head><title>Senate passes the budget</title></head><body><article>"
        "<h1>Senate passes the budget</h1>"
        + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n")[2:] if p)
        + "<p>Lawmakers said the compromise keeps spending flat for two years, "
        "and the agencies will report back.</p>"
        "</article></body></html>"
    ).encode()
    http_server.routes["/politics/budget.html"] = Route(html)
    url = f"http://www.breitbart.com:{http_server.port}/politics/budget.html"
    r = cli(
        "analyze",
        url,
        "--resolve",
        "www.breitbart.com:127.0.0.1",
        "--allow-private",
        "--detectors",
        "outlet",
        "--format",
        "json",
    )
    assert r.code == 0, r.stderr
    assert http_server.hosts and http_server.hosts[-1].startswith("www.breitbart.com")
    report = json.loads(r.stdout)
    assert report["outlet"]["domain"] == "breitbart.com"
    assert report["outlet"]["rated"] is True and report["outlet"]["reliability"] == "blacklisted"
