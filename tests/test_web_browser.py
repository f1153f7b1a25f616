"""End-to-end tests of the web page in a real headless chromium (Playwright) against a real uvicorn server
on 127.0.0.1: paste, highlights, explanations, panels, toggles, exports, permalink, upload, errors, and an
article full of markup that must stay inert text."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from spinscope.render.common import reasons
from spinscope.spans import Span
from spinscope.techniques import catalogue
from spinscope.web.server import serve_in_thread
from spinscope.web.settings import WebSettings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXAMPLE = resources.files("spinscope").joinpath("resources/examples/example.txt").read_text("utf-8")
PANELS = ("headline", "outlet", "sources", "quotes", "claims")

HOSTILE = (
    "Council <script>window.__pwned = 1; alert('script')</script> approves the reckless harbour deal\n\n"
    "Critics called the plan a disgraceful giveaway and the worst blunder in the history of the city. "
    "<img src=x onerror=\"window.__pwned = 2; alert('img')\"> Everyone knows the mayor is hiding the truth. "
    "<svg onload=\"window.__pwned = 3\"></svg> Why did nobody stop this shameful scheme?\n\n"
    "The council said it would publish the documents <a href=\"javascript:alert(4)\">here</a> next week."
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_in_thread(WebSettings()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def shot(page: Any, tmp_path: Path, name: str, *, full_page: bool = True) -> Path:
    """A screenshot in the test's folder, also kept in $SPINSCOPE_SCREENSHOTS when that is set (for review)."""
    import os
    import shutil

    path = tmp_path / name
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5_000
    keep = os.environ.get("SPINSCOPE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / name)
    return path


class PageRecorder:
    """Collects console errors (a CSP violation shows up there) and dialogs opened by the page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    try:
        yield ctx
    finally:
        ctx.close()


def open_page(context: Any, url: str) -> tuple[Any, PageRecorder]:
    page = context.new_page()
    rec = PageRecorder(page)
    page.goto(url)
    page.wait_for_selector("body[data-ready='true']")
    return page, rec


def analyse_text(page: Any, text: str, title: str = "") -> None:
    page.check("#mode-text")
    page.fill("#title-input", title)
    page.fill("#text-input", text)
    page.click("#analyze-button")
    wait_done(page)


def wait_done(page: Any) -> None:
    # (no wait_for_function: its string predicates need eval, which the page's CSP forbids)
    page.locator("#status", has_text="Done").wait_for(timeout=60_000)


def marked_indices(page: Any) -> set[int]:
    raw: list[str] = page.eval_on_selector_all("#article mark.hl", "ms => ms.map(m => m.dataset.spans)")
    return {int(i) for item in raw for i in item.split(",") if i}


def download_json(page: Any) -> dict[str, Any]:
    with page.expect_download() as info:
        page.click("#export-json")
    report: dict[str, Any] = json.loads(Path(info.value.path()).read_text("utf-8"))
    return report


def test_paste_highlight_explain_toggle_export(context: Any, server: str, tmp_path: Path) -> None:
    page, rec = open_page(context, server)
    analyse_text(page, EXAMPLE)
    report = download_json(page)
    assert report["schema"] == "spinscope/1"
    assert report["text"] == EXAMPLE
    assert report["spans"], "the example article should produce highlights"

    marks = page.locator("#article mark.hl")
    assert marks.count() > 0
    # The article shows verbatim (highlight letters are CSS generated content, not text).
    assert page.locator("#article").evaluate("e => e.textContent") == report["text"]
    assert marked_indices(page) == set(range(len(report["spans"])))

    # Legend: one toggle per technique present, with its letter.
    techniques = {s["technique"] for s in report["spans"]}
    assert page.locator("#legend input[type=checkbox]").count() == len(techniques)

    # Click a highlight: its definition, score and explanation appear.
    first = page.locator("#article mark.hl[tabindex='0']").first
    first.click()
    details = page.locator("#details-body").inner_text()
    idx = min(int(i) for i in (first.get_attribute("data-spans") or "").split(","))
    shown = [report["spans"][int(i)] for i in (first.get_attribute("data-spans") or "").split(",")]
    assert any(catalogue()[s["technique"]].definition in details for s in shown if s["technique"] in catalogue())
    assert any(all(r in details for r in reasons(Span.from_dict(s))) for s in shown)
    for s in shown:  # the definition is shown once, not again inside the reasons
        if s["technique"] in catalogue():
            assert details.count(catalogue()[s["technique"]].definition) == 1
    assert "Score" in details and str(round(report["spans"][idx]["score"] * 100)) in details

    # Hover explains too.
    last = page.locator("#article mark.hl[tabindex='0']").last
    last.hover()
    hovered = [report["spans"][int(i)] for i in (last.get_attribute("data-spans") or "").split(",")]
    hover_text = page.locator("#details-body").inner_text()
    assert any(all(r in hover_text for r in reasons(Span.from_dict(s))) for s in hovered)

    # Keyboard: Tab from the last legend button lands on a highlight; Enter explains it.
    page.focus("#hide-all")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('#article mark.hl')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
    assert "Definition" in page.locator("#details-body").inner_text()

    # Panels: what the report has is listed in words; an empty section says why it is empty.
    for name in PANELS:
        body = page.locator(f"#panel-{name} .panel-body")
        value = report[name]
        if not value:
            assert body.locator(".empty").count() == 1 and body.inner_text().strip()
        elif isinstance(value, list):
            assert body.locator("ul.items > li").count() == len(value)
        else:
            assert body.inner_text().strip() and body.locator(".empty").count() == 0
    assert "without a link" in page.locator("#panel-outlet").inner_text()  # pasted text: no outlet
    headline = page.locator("#panel-headline").inner_text()
    assert "Clickbait" in headline and f"{round(report['headline']['clickbait']['probability'] * 100)}%" in headline
    speech = [q for q in report["quotes"] if q["kind"] == "speech" and q.get("speaker")]
    if speech:
        assert speech[0]["speaker"]["name"] in page.locator("#panel-quotes").inner_text()

    # Toggle the most frequent technique off: none of its spans stays highlighted; on again: back.
    counts: dict[str, int] = {}
    for s in report["spans"]:
        counts[s["technique"]] = counts.get(s["technique"], 0) + 1
    top = max(counts, key=lambda k: counts[k])
    top_idx = {i for i, s in enumerate(report["spans"]) if s["technique"] == top}
    page.locator(f"#legend input[data-technique='{top}']").uncheck()
    assert not (marked_indices(page) & top_idx)
    assert page.locator("#article").evaluate("e => e.textContent") == report["text"]
    page.locator(f"#legend input[data-technique='{top}']").check()
    assert top_idx <= marked_indices(page)

    # Export as the standalone HTML report.
    with page.expect_download() as info:
        page.click("#export-html")
    html = Path(info.value.path()).read_text("utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert info.value.suggested_filename.endswith(".html")

    shot(page, tmp_path, "web-page.png")

    # The permalink re-runs the same analysis in a fresh page.
    link = page.input_value("#permalink")
    assert link.startswith(server + "/#a=")
    again, rec2 = open_page(context, link)
    wait_done(again)
    assert again.locator("#article mark.hl").count() == marks.count()
    assert again.input_value("#text-input") == EXAMPLE
    assert rec.errors == [] and rec2.errors == [], rec.errors + rec2.errors


def test_markup_in_article_stays_inert_text(context: Any, server: str, tmp_path: Path) -> None:
    page, rec = open_page(context, server)
    analyse_text(page, HOSTILE, title="<b>Bold</b> <img src=y onerror=\"window.__pwned = 5\"> title")
    article = page.locator("#article")
    text = article.evaluate("e => e.textContent")
    assert "<script>window.__pwned = 1; alert('script')</script>" in text
    assert "<img src=x onerror=" in text and "<svg onload=" in text
    assert article.locator("script, img, svg, a, b").count() == 0
    assert page.locator("#summary img, #summary b").count() == 0
    assert "<b>Bold</b>" in page.locator("#summary").inner_text()
    for i in range(min(3, page.locator("#article mark.hl").count())):
        page.locator("#article mark.hl").nth(i).click()
    assert page.locator("#details-body img, #details-body script").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert rec.dialogs == []
    page.screenshot(path=str(tmp_path / "inert.png"))


def test_upload_and_errors(context: Any, server: str, tmp_path: Path) -> None:
    page, rec = open_page(context, server)
    # Client-side check: nothing pasted.
    page.click("#analyze-button")
    assert "Paste the article text first" in page.locator("#error").inner_text()
    assert page.locator("#error").get_attribute("role") == "alert"

    # Server-side refusal of a loopback URL, shown as a clear one-line message.
    page.check("#mode-url")
    page.fill("#url-input", server + "/healthz")
    page.click("#analyze-button")
    page.locator("#error").wait_for(state="visible", timeout=30_000)
    message = page.locator("#error").inner_text()
    assert "Could not analyse" in message and "127.0.0.1" in message
    assert "Traceback" not in message

    # An .html upload: the page's article text is extracted and highlighted.
    body = "".join(f"<p>{p}</p>" for p in EXAMPLE.split("\n\n")[1:])
    title = EXAMPLE.split("\n", 1)[0]
    page_file = tmp_path / "article.html"
    page_file.write_text(f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}"
                         f"</h1>{body}</article></body></html>", "utf-8")
    page.check("#mode-file")
    page.set_input_files("#file-input", str(page_file))
    page.click("#analyze-button")
    wait_done(page)
    assert page.locator("#error").is_hidden()
    assert page.locator("#article mark.hl").count() > 0
    assert "Harbour Deal" in page.locator("#summary").inner_text()
    assert rec.errors == [e for e in rec.errors if "status of 403" in e or "status of 422" in e]


def test_ptc_training_article(context: Any, server: str, data_dir: Path) -> None:
    path = sorted((data_dir / "ptc" / "train-articles").glob("*.txt"))[0]
    page, _ = open_page(context, server)
    analyse_text(page, path.read_text("utf-8"))
    assert page.locator("#article mark.hl").count() > 0
    page.locator("#article mark.hl[tabindex='0']").first.click()
    assert "Definition" in page.locator("#details-body").inner_text()


def test_article_by_link_shows_its_outlet_card(context: Any, tmp_path: Path) -> None:
    """A link to a page on a site no table rates: the article is fetched and analysed, and the outlet card
    names the site and says plainly that it is unrated (configured to allow a loopback URL)."""
    title = EXAMPLE.split("\n", 1)[0]
    body = "".join(f"<p>{p}</p>" for p in EXAMPLE.split("\n\n")[1:])
    (tmp_path / "story.html").write_text(
        f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
        "</article></body></html>", "utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        with serve_in_thread(WebSettings(allow_private=True)) as app_url:
            page, rec = open_page(context, app_url)
            page.check("#mode-url")
            page.fill("#url-input", f"http://127.0.0.1:{site.server_address[1]}/story.html")
            page.click("#analyze-button")
            wait_done(page)
            assert page.locator("#article mark.hl").count() > 0
            card = page.locator("#panel-outlet").inner_text()
            assert "127.0.0.1" in card and "Unrated" in card
            assert rec.errors == []
    finally:
        site.shutdown()
        site.server_close()


def test_uploaded_page_with_a_canonical_link_shows_a_rated_outlet(context: Any, server: str, tmp_path: Path) -> None:
    """An .html upload whose canonical link names a rated outlet: factuality and bias on separate rows,
    each with the source of its rating."""
    page_file = tmp_path / "story.html"
    page_file.write_text(
        "<!doctype html><html><head><title>Council approves harbour plan</title>"
        '<link rel="canonical" href="https://www.reuters.com/world/council-approves-harbour-plan/"></head>'
        "<body><article><h1>Council approves harbour plan</h1><p>The council approved the harbour plan on "
        "Monday after a long debate, officials said.</p><p>Critics called it a reckless giveaway to developers "
        "and said residents would pay the price for years.</p></article></body></html>", "utf-8")
    page, rec = open_page(context, server)
    page.check("#mode-file")
    page.set_input_files("#file-input", str(page_file))
    page.click("#analyze-button")
    wait_done(page)
    outlet = download_json(page)["outlet"]
    assert outlet["domain"] == "reuters.com" and outlet["rated"]
    card = page.locator("#panel-outlet").inner_text()
    assert "reuters.com" in card and "Unrated" not in card
    for field, label in (("factuality", "Factual reporting"), ("bias", "Political bias")):
        if outlet.get(field):
            assert label in card and str(outlet[field]) in card
    assert rec.errors == []


def test_pasted_text_with_outlet_and_date_and_a_permalink_pasted_into_an_open_tab(
    context: Any, server: str, tmp_path: Path
) -> None:
    """Pasted text can carry its outlet, date and link; the permalink keeps them; a permalink pasted into
    the address bar of an open page (only the fragment changes) opens that analysis."""
    page, rec = open_page(context, server)
    page.check("#mode-text")
    page.fill("#text-input", EXAMPLE)
    page.locator("#meta summary").click()
    page.fill("#meta-outlet", "reuters.com")
    page.fill("#meta-date", "2024-05-01")
    page.fill("#meta-url", "https://www.reuters.com/world/harbour-deal")
    page.click("#analyze-button")
    wait_done(page)
    report = download_json(page)
    assert report["metadata"]["date"] == "2024-05-01" and report["outlet"]["domain"] == "reuters.com"
    summary = page.locator("#summary").inner_text()
    assert "2024-05-01" in summary and "reuters.com/world/harbour-deal" in summary
    per100 = f"{report['scores']['techniques_per_100_words']:.1f}"
    assert f"Techniques per 100 words\n{per100}" in summary  # one decimal, like the terminal report
    assert "without a link" not in page.locator("#panel-outlet").inner_text()
    for quote in page.locator("#panel-quotes blockquote").all_inner_texts():  # the page draws no extra marks
        assert quote and quote[0] not in "\"“”" and quote[-1] not in "\"“”"
    link = page.input_value("#permalink")
    shot(page, tmp_path, "web-page-metadata.png")

    # Another article in the same tab, then the first permalink pasted into its address bar.
    for field in ("#meta-outlet", "#meta-date", "#meta-url"):
        page.fill(field, "")
    analyse_text(page, "Calm Report\n\nThe committee met on Tuesday and published its minutes in full.\n")
    assert page.input_value("#text-input").startswith("Calm Report")
    assert "2024" not in page.locator("#summary").inner_text()
    page.evaluate("link => { location.href = link; }", link)
    wait_done(page)
    page.locator("#summary", has_text="2024-05-01").wait_for(timeout=60_000)
    assert page.input_value("#text-input") == EXAMPLE and page.input_value("#meta-outlet") == "reuters.com"
    assert rec.errors == [], rec.errors


def test_static_html_report_reads_like_the_web_page(context: Any, tmp_path: Path) -> None:
    """The exported report: legend and article first, the web page's letters and patterns, one tab stop per
    place where a finding starts (not one per overlap piece), technique toggles, print styles, no console error."""
    import spinscope
    from spinscope.render.common import mark_of
    from spinscope.render.html import render_html

    report = spinscope.analyze(text=EXAMPLE)
    out = tmp_path / "report.html"
    out.write_text(render_html(report), encoding="utf-8")
    page = context.new_page()
    rec = PageRecorder(page)
    page.goto(out.as_uri())
    legend_y = page.locator(".legend").bounding_box()["y"]
    article_y = page.locator(".article").bounding_box()["y"]
    assert legend_y < article_y < 1000  # the article starts on the first screen, after the legend
    names = page.locator(".legend-items b").all_inner_texts()
    assert names and all("_" not in n for n in names) and "Loaded Language" in names
    letters = page.locator(".legend-items .swatch").all_inner_texts()
    assert sorted(letters) == sorted({mark_of(s.technique).letter for s in report.spans})  # as on the web page
    starts = {s.start for s in report.spans}
    assert page.locator(".article mark[tabindex='0']").count() == len(starts)
    assert page.locator(".article").evaluate("e => e.textContent") == report.text  # letters are CSS content

    page.locator(".article mark[tabindex='0']").first.click()
    explain = page.locator("#explain").inner_text()
    assert "Definition:" in explain and "score" in explain

    loaded = [i for i, s in enumerate(report.spans_sorted()) if s.technique == "Loaded_Language"]
    page.locator(".legend input[data-technique='Loaded_Language']").uncheck()
    only_loaded = page.eval_on_selector_all(
        ".article mark[data-s]", "ms => ms.filter(m => m.classList.contains('off')).map(m => m.dataset.s)"
    )
    assert only_loaded and all(int(i) in loaded for item in only_loaded for i in item.split())
    assert page.locator(".findings li[data-technique='Loaded_Language']:visible").count() == 0
    page.locator("#show-all").click()
    assert page.locator(".article mark.off").count() == 0
    shot(page, tmp_path, "html-report.png", full_page=False)

    page.emulate_media(media="print")
    assert not page.locator(".legend input").first.is_visible() and not page.locator("#explain").is_visible()
    assert page.locator(".findings").is_visible()
    shot(page, tmp_path, "html-report-print.png")
    assert rec.errors == [], rec.errors


def test_terminal_report_at_80_columns_in_chromium(context: Any, tmp_path: Path) -> None:
    """The terminal report as an 80-column terminal shows it (rich's own HTML export of the screen)."""
    import io

    from rich.console import Console

    import spinscope
    from spinscope.render.terminal import render_terminal

    console = Console(record=True, width=80, force_terminal=True, color_system="truecolor", file=io.StringIO())
    render_terminal(spinscope.analyze(text=EXAMPLE), console)
    text = console.export_text(clear=False)
    assert max(len(line) for line in text.splitlines()) <= 80 and "Reckless[I]" in text
    out = tmp_path / "terminal.html"
    out.write_text(console.export_html(inline_styles=True), encoding="utf-8")
    page = context.new_page()
    page.goto(out.as_uri())
    assert "Most frequent: Loaded Language" in page.locator("body").inner_text()
    shot(page, tmp_path, "terminal-80-columns.png")


def test_corpus_page_in_chromium(context: Any, tmp_path: Path) -> None:
    """The corpus page: charts drawn (SVG with axes) and a listed article's headline opens its report."""
    import subprocess
    import sys

    from spinscope.batch import run_batch
    from spinscope.config import Options

    corpus = tmp_path / "c.jsonl"
    calm = "The committee met on Tuesday and agreed the budget."
    bodies = [EXAMPLE.split("\n", 1)[1], HOSTILE.split("\n", 1)[1], calm]
    with corpus.open("w", encoding="utf-8") as f:
        for i in range(9):
            rec = {"id": f"a{i}", "title": f"Headline {i}", "text": bodies[i % 3], "source": ["Daily", "Weekly"][i % 2],
                   "date": f"2024-{1 + i % 4:02d}-10"}
            f.write(json.dumps(rec) + "\n")
    results = tmp_path / "r.jsonl"
    run_batch([corpus], results, options=Options(detectors=("lexical", "rhetoric", "sources", "quotes")), workers=0)
    out = tmp_path / "corpus.html"
    proc = subprocess.run([sys.executable, "-m", "spinscope", "corpus", str(results), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    page = context.new_page()
    rec = PageRecorder(page)
    page.goto(out.as_uri())
    charts = page.locator("figure.chart svg")
    assert charts.count() >= 7
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box["width"] > 150 and box["height"] > 50
    shot(page, tmp_path, "corpus-page.png")
    page.locator("a[href*='corpus_reports/']").first.click()
    page.locator(".article mark").first.wait_for()
    assert rec.errors == [], rec.errors


def test_compare_page_side_by_side(context: Any, server: str, tmp_path: Path) -> None:
    """The comparison view: two pasted articles, side-by-side tables with the technique letters, and what
    each says that the other does not."""
    other = resources.files("spinscope").joinpath("resources/examples/example_b.txt").read_text("utf-8")
    page, rec = open_page(context, server + "/compare")
    page.fill("#text-a", EXAMPLE)
    page.fill("#text-b", other)
    page.click("#compare-button")
    page.locator("#status", has_text="Done").wait_for(timeout=120_000)
    overview = page.locator("#overview").inner_text()
    assert "Harbour Deal COLLAPSES" in overview and "Northgate Withdraws" in overview
    assert "Loaded Language" in page.locator("#techniques").inner_text()
    assert page.locator("#techniques .swatch").first.inner_text() != "?"
    assert "Dev Patel" in page.locator("#sources").inner_text()
    assert "60 percent" in page.locator("#only-a").inner_text()
    assert "$42 million" in page.locator("#only-b").inner_text()
    shot(page, tmp_path, "web-compare.png")
    assert rec.errors == [], rec.errors
