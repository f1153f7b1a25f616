"""The `spinscope analyze` command as a user runs it: formats, the schema, and every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.schema import validate_report

from .conftest import FIXTURES, Route, Server, run_cli


def test_example_runs_and_prints_a_readable_report() -> None:
    r = run_cli("analyze", "--example")
    assert r.code == 0, r.stderr
    assert "Harbour Deal COLLAPSES" in r.stdout
    assert "Loaded_Language" in r.stdout and "Excluded page clutter" in r.stdout
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("fmt", ["json", "tsv", "html"])
def test_formats_write_files(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    r = run_cli("analyze", "--example", "--format", fmt, "--out", str(out))
    assert r.code == 0, r.stderr
    content = out.read_text(encoding="utf-8")
    if fmt == "json":
        doc = json.loads(content)
        validate_report(doc)
        assert doc["schema"] == "spinscope/1" and doc["spans"]
        for s in doc["spans"]:
            assert doc["text"][s["start"] : s["end"]] == s["text"]
    elif fmt == "tsv":
        rows = [line.split("\t") for line in content.splitlines()]
        assert rows and all(len(row) == 4 and row[0] == "example" for row in rows)
        assert all(int(row[2]) < int(row[3]) for row in rows)
    else:
        assert content.startswith("<!doctype html>") and "Content-Security-Policy" in content
        assert "<script src" not in content and "http://" not in content.split("<body>")[0]


def test_html_report_is_inert_against_markup_in_the_article(tmp_path: Path) -> None:
    evil = (
        "Shocking <script>alert('x')</script> headline\n\n"
        "This disgraceful <img src=x onerror=alert(1)> story is an outrage </div></span>.\n\n"
        'Another "quoted" paragraph with </script><script>alert(2)</script> inside it.\n'
    )
    src = tmp_path / "evil.txt"
    src.write_text(evil, encoding="utf-8")
    out = tmp_path / "evil.html"
    assert run_cli("analyze", str(src), "--format", "html", "--out", str(out)).code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("<script") == 2  # the report's own JSON and its own code


def test_ptc_article_spans_are_real_phrases(data_dir: Path) -> None:
    path = data_dir / "ptc" / "train-articles" / "article111111111.txt"
    r = run_cli("analyze", str(path), "--format", "json")
    assert r.code == 0, r.stderr
    doc = json.loads(r.stdout)
    validate_report(doc)
    text = path.read_text(encoding="utf-8")
    assert doc["text"] == text and doc["spans"]
    for s in doc["spans"]:
        assert text[s["start"] : s["end"]] == s["text"] and s["text"].strip()


def test_stdin() -> None:
    r = run_cli(
        "analyze",
        "-",
        "--format",
        "json",
        stdin=b"A Disgraceful Vote\n\nThe vote was a disgraceful farce, critics said.\n",
    )
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout)["title"] == "A Disgraceful Vote"


def test_html_page_from_a_local_server_with_allow_private(http_server: Server) -> None:
    http_server.routes["/news"] = Route((FIXTURES / "html" / "news_page.html").read_bytes())
    refused = run_cli("analyze", http_server.url("/news"))
    assert refused.code != 0 and "allow-private" in refused.stderr and "Traceback" not in refused.stderr
    r = run_cli("analyze", http_server.url("/news"), "--allow-private", "--format", "json")
    assert r.code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["title"] == "Council Rejects Harbour Lease After Months of Talks"
    assert doc["text"] == (FIXTURES / "html" / "news_page.txt").read_text(encoding="utf-8")


def _bad(tmp_path: Path, name: str, data: bytes) -> str:
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


BAD_INPUTS = {
    "empty": (lambda t: _bad(t, "empty.txt", b""), "empty"),
    "blank": (lambda t: _bad(t, "blank.txt", b" \n\n \n"), "empty"),
    "binary": (lambda t: _bad(t, "photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8), "binary"),
    "invalid-encoding": (lambda t: _bad(t, "bad.txt", bytes(range(128, 256)) * 40 + b"\x00\x01\x02" * 200), "encoding"),
    "huge": (lambda t: _bad(t, "huge.txt", b"Title\n\n" + b"All work and no play. " * 1_000_000), "limit"),
    "html-without-article": (
        lambda t: _bad(
            t, "nav.html", b"<html><body><nav><a href='/'>Home</a></nav><footer>(c) 2026</footer></body></html>"
        ),
        "no article text",
    ),
    "non-english": (
        lambda t: _bad(
            t,
            "de.txt",
            "Die Regierung plant neue Steuern\n\nDie Regierung hat am Montag erklärt, dass sie "
            "die Steuern für die Unternehmen nicht erhöhen will, und der Minister sagte, es sei gut "
            "für das Land und die Menschen.".encode(),
        ),
        "German",
    ),
    "missing-file": (lambda t: str(t / "nope.txt"), "no such file"),
    "directory": (lambda t: str(t), "directory"),
    "unreachable-url": (lambda t: "http://unreachable.invalid/story", "cannot resolve"),
    "refused-url": (lambda t: "http://127.0.0.1:9/story", "allow-private"),
    "only-clutter": (
        lambda t: _bad(t, "clutter.txt", b"Trending now\n\n23 Comments\n\nShare this on Facebook\n"),
        "clutter",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gives_one_line_and_nonzero_exit(tmp_path: Path, case: str) -> None:
    make, expected = BAD_INPUTS[case]
    r = run_cli("analyze", make(tmp_path))
    assert r.code != 0
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("spinscope: error:") and expected in lines[0], lines[0]
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_refused_port_with_allow_private_is_a_clean_error() -> None:
    r = run_cli("analyze", "http://127.0.0.1:9/story", "--allow-private")
    assert r.code != 0 and r.stderr.startswith("spinscope: error: cannot fetch") and len(r.stderr.splitlines()) == 1


def test_pasted_text_says_the_outlet_is_unknown(tmp_path: Path) -> None:
    """Without a link the reports say plainly that nothing is known about the publisher."""
    from spinscope.analyzer import Analyzer
    from spinscope.ingest import article_from_text
    from spinscope.render.html import render_html
    from spinscope.render.terminal import render_plain

    report = Analyzer().analyze(article_from_text("Council approves plan\nThe council approved the plan on Monday.\n"))
    assert "Outlet: unknown" in render_plain(report)
    assert "unknown (no domain or URL)" in render_html(report)
