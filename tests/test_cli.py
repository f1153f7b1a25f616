"""The `spinscope analyze` command as a user runs it: formats, the schema, and every bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from spinscope.schema import validate_report

from .conftest import FIXTURES, REPO, Route, Server, run_cli


def test_example_runs_and_prints_a_readable_report() -> None:
    r = run_cli("analyze", "--example")
    assert r.code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("Harbour Deal COLLAPSES")
    assert " spans, " in lines[2] and lines[3].startswith("Most frequent: Loaded Language")  # summary first
    assert "[I] Loaded Language" in r.stdout and "Loaded_Language" not in r.stdout.split("Findings")[0]
    assert "Excluded page clutter" in r.stdout
    assert "Traceback" not in r.stderr


def _run_in_terminal(*args: str, columns: int = 80) -> str:
    """Run the CLI on a pseudo-terminal ``columns`` wide (as a user's terminal) and return what it showed."""
    import os
    import pty
    import re
    import subprocess
    import sys

    from .conftest import REPO

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "50", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "spinscope", *args], stdout=follower, stderr=follower, cwd=REPO, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", b"".join(chunks).decode("utf-8")).replace("\r", "")


def test_terminal_report_at_80_columns_wraps_and_defines_each_technique_once() -> None:
    from spinscope.techniques import catalogue

    shown = _run_in_terminal("analyze", "--example")
    lines = shown.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    article = shown.split("Article (")[1].split("Findings (")[0]
    words = " ".join(line.strip("│ ") for line in article.splitlines())
    for sentence in ("leaving taxpayers to pick up the pieces", "the projected rent covered only 60 percent"):
        assert sentence in words  # wrapped, not cut at the panel's edge
    assert lines[1].split(",")[0].endswith("spans") and shown.index("Most frequent") < shown.index("Article (")
    flat = " ".join(line.strip("│ ") for line in lines)
    for name in ("Loaded_Language", "Doubt", "Exaggeration,Minimisation"):
        assert flat.count(catalogue()[name].definition) == 1, name
    assert "Reckless[I]" in shown  # the technique's letter after each highlight, as on the web page
    assert len(lines) < 300


def test_short_terminal_report_is_one_screen_of_summary_and_findings() -> None:
    shown = _run_in_terminal("analyze", "--example", "--short")
    assert "Article (" not in shown and "Uses words and phrases" not in shown
    assert "Headline check: clickbait" in shown and "Findings (" in shown
    assert all(len(line) <= 80 for line in shown.splitlines())
    plain = run_cli("analyze", "--example", "--short")
    assert plain.code == 0 and "Findings" in plain.stdout and "Excluded page clutter" not in plain.stdout


def test_help_reads_at_80_columns_with_version_and_short_flag() -> None:
    import os

    env_cols = os.environ.get("COLUMNS")
    for args in (("-h",), ("analyze", "-h"), ("analyze", "--help"), ("train", "ptc", "--help")):
        r = run_cli(*args)
        assert r.code == 0, (args, r.stderr)
        assert "<bool>" not in r.stdout and "…" not in r.stdout, args
    analyze_help = run_cli("analyze", "-h").stdout
    for flag in ("--outlet-overrides", "--any-language", "--short", "--url", "--outlet", "--date", "--id"):
        assert flag in analyze_help
    assert run_cli("--version").stdout.startswith("spinscope ") and env_cols == os.environ.get("COLUMNS")
    train = run_cli("train", "ptc", "--help").stdout
    assert train.startswith("usage: spinscope train ptc") and "(default: 5)" in train


def test_train_ptc_without_torch_is_a_one_line_error(tmp_path: Path) -> None:
    """--help needs no optional package; running without torch says what is missing, in one line."""
    import subprocess
    import sys

    from .conftest import REPO

    code = "import sys; sys.modules['torch'] = None; from spinscope.cli.main import run; run()"
    for args, status in ((["--help"], 0), (["--data", "/nonexistent", "--work", str(tmp_path)], 1)):
        proc = subprocess.run(
            [sys.executable, "-c", code, "train", "ptc", *args],
            capture_output=True, text=True, cwd=REPO, timeout=120,
        )
        assert proc.returncode == status, proc.stderr
        assert "Traceback" not in proc.stderr
        if status:
            assert proc.stderr.strip().count("\n") == 0 and "torch" in proc.stderr


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


def test_metadata_flags_describe_a_text_file(tmp_path: Path) -> None:
    src = tmp_path / "story.txt"
    src.write_text("Council Approves Plan\n\nThe council approved the harbour plan on Monday after a debate.\n")
    r = run_cli("analyze", str(src), "-f", "json", "--outlet", "BBC", "--date", "2024-05-01", "--id", "story-1",
                "--url", "https://www.bbc.co.uk/news/story")
    assert r.code == 0, r.stderr
    doc = json.loads(r.stdout)
    validate_report(doc)
    assert doc["id"] == "story-1"
    assert doc["metadata"]["date"] == "2024-05-01" and doc["metadata"]["source"] == "BBC"
    assert doc["metadata"]["url"] == "https://www.bbc.co.uk/news/story" and doc["outlet"]["domain"] == "bbc.co.uk"
    by_domain = json.loads(run_cli("analyze", str(src), "-f", "json", "--outlet", "reuters.com").stdout)
    assert by_domain["outlet"]["domain"] == "reuters.com" and by_domain["outlet"].get("rated")
    for flag, value, message in (("--date", "yesterday", "ISO 8601"), ("--url", "ftp://x", "http(s)")):
        bad = run_cli("analyze", str(src), flag, value)
        assert bad.code == 2 and message in bad.stderr and len(bad.stderr.splitlines()) == 1


def test_a_finding_merged_from_several_layers_shows_every_reason() -> None:
    """A merged finding (spinscope.merge: "+"-joined detectors, "Also from the … layer:" reasons) shows each
    layer's reason once, without repeating the technique's definition, in the terminal and HTML reports."""
    from spinscope.analyzer import Analyzer
    from spinscope.config import Options
    from spinscope.render.common import reasons
    from spinscope.render.html import render_html
    from spinscope.render.terminal import render_plain
    from spinscope.spans import Span
    from spinscope.techniques import definition

    text = "Council Vote\n\nWhy did she hide it? The council voted on Monday after a long debate.\n"
    report = Analyzer(Options(detectors=("lexical",))).analyze(text)
    start = text.index("Why")
    merged = Span(
        start, start + len("Why did she hide it?"), "Doubt", 0.68,
        "A rhetorical question (“Why did…?”) that raises doubt without answering it. Also from the techniques "
        f"model: {definition('Doubt')} Model: span confidence 0.59, strongest cues “Why”, “did”.",
        "rhetoric+techniques",
    )
    report.spans = [merged]
    assert reasons(merged) == [
        "A rhetorical question (“Why did…?”) that raises doubt without answering it.",
        "Also from the techniques model: span confidence 0.59, strongest cues “Why”, “did”.",
    ]
    plain = render_plain(report)
    assert plain.count("raises doubt without answering it") == 1 and "span confidence 0.59" in plain
    assert plain.count(definition("Doubt")) == 1 and "(rhetoric + techniques)" in plain  # definition: legend only
    page = render_html(report)
    assert "rhetoric + techniques" in page and "span confidence 0.59" in page


def test_docs_name_real_addresses_and_portable_commands() -> None:
    """README points at the OpenAPI schema the server serves, mentions SPINSCOPE_DATA, and the outlet docs
    give a command that runs on any machine."""
    from .conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "`/docs`" not in readme and "`/openapi.json`" in readme and "SPINSCOPE_DATA" in readme
    for doc in ("README.md", "docs/OUTLETS.md", "docs/SCHEMA.md", "docs/CLUTTER.md"):
        assert "/work/" not in (REPO / doc).read_text(encoding="utf-8"), doc
    schema = (REPO / "docs" / "SCHEMA.md").read_text(encoding="utf-8")
    assert '"rated": false' in schema and "`{}` (empty) when nothing names the publisher" in schema


def test_outlet_section_matches_docs_schema_for_the_three_cases() -> None:
    """docs/SCHEMA.md: {} without a publisher, rated false with match none for an unknown domain, a profile."""
    from spinscope.analyzer import Analyzer
    from spinscope.config import Options
    from spinscope.ingest import article_from_text
    from spinscope.ingest.metadata import with_metadata

    analyzer = Analyzer(Options(detectors=("outlet",)))
    article = article_from_text("Council Approves Plan\n\nThe council approved the harbour plan on Monday.\n")
    assert analyzer.analyze_article(article).outlet == {}
    unknown = analyzer.analyze_article(with_metadata(article, outlet="unknown-gazette.example")).outlet
    assert unknown["rated"] is False and unknown["match"] == "none" and unknown["factuality"] is None
    assert analyzer.analyze_article(with_metadata(article, outlet="reuters.com")).outlet["rated"] is True


def test_progress_bar_on_a_terminal_and_silent_in_a_pipe() -> None:
    import subprocess
    import sys

    code = (
        "from spinscope.cli.app import progress\n"
        "print(sum(progress(range(40), label='counting')))\n"
    )
    for setting, shown in (("1", True), ("", False), ("0", False)):
        env = {**os.environ, "SPINSCOPE_PROGRESS": setting}
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0 and proc.stdout.strip() == "780"
        assert ("counting" in proc.stderr and "40/40" in proc.stderr) is shown, proc.stderr


def test_predict_ptc_shows_progress(data_dir: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    ids = tmp_path / "ids.txt"
    ids.write_text("111111111\n111111112\n", encoding="utf-8")
    out = tmp_path / "si.txt"
    env = {**os.environ, "SPINSCOPE_PROGRESS": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "spinscope", "predict", "ptc", "--articles", str(data_dir / "ptc" / "train-articles"),
         "--ids-file", str(ids), "--out", str(out), "--threads", "1"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "predicting si" in proc.stderr and "2/2" in proc.stderr and out.read_text().strip()


def test_spinner_for_long_steps_without_counts() -> None:
    """eval fnc1 / eval clickbait score in vectorised batches: a spinner with the elapsed time shows they run."""
    import subprocess
    import sys

    code = "import time\nfrom spinscope.cli.app import working\nwith working('scoring pairs'):\n    time.sleep(0.3)\n"
    for setting, shown in (("1", True), ("", False)):
        env = {**os.environ, "SPINSCOPE_PROGRESS": setting}
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0 and ("scoring pairs" in proc.stderr) is shown, proc.stderr
    headline_cli = (REPO / "src" / "spinscope" / "cli" / "cmd_headline.py").read_text(encoding="utf-8")
    assert 'working("scoring the FNC-1 pairs")' in headline_cli and 'working("scoring the clickbait' in headline_cli
