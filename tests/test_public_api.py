"""The public API is short, typed and pinned; importing spinscope loads no model or heavy library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import spinscope

EXPECTED = {
    "SCHEMA",
    "Analyzer",
    "Article",
    "BlockedAddressError",
    "EvaluationError",
    "FetchError",
    "InputError",
    "Metadata",
    "ModelError",
    "Options",
    "Region",
    "Report",
    "Span",
    "SpinscopeError",
    "__version__",
    "analyze",
    "read_results",
    "read_spans",
}


def test_exported_members() -> None:
    assert set(spinscope.__all__) == EXPECTED
    for name in EXPECTED:
        assert hasattr(spinscope, name)


def test_import_and_help_load_nothing_heavy() -> None:
    code = (
        "import sys, spinscope, spinscope.cli.main as m; m.build_app(); "
        "heavy = [x for x in ('torch', 'spacy', 'onnxruntime', 'trafilatura', 'fastapi', 'dask', 'sklearn') "
        "if x in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"imported at start-up: {out}"


def test_analyze_text_end_to_end() -> None:
    report = spinscope.analyze(
        "A Shameful Vote\n\nThe council's shameful vote was a disgrace, critics said on Monday.\n",
        spinscope.Options(detectors=("lexical", "rhetoric")),
    )
    assert report.title == "A Shameful Vote"
    assert {report.text[s.start : s.end].lower() for s in report.spans} >= {"shameful", "disgrace"}
    assert 0 < report.scores["persuasion"] <= 1


ARTICLE = (
    "A Shameful Vote\n\nThe council's shameful vote was a disgrace, critics said on Monday. Why did they hide it?\n"
)


def test_analyze_reuses_one_analyzer_per_options_across_threads() -> None:
    import threading

    from spinscope.api import clear_analyzers, default_analyzer

    clear_analyzers()
    opts = spinscope.Options(detectors=("lexical", "rhetoric"))
    seen: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            seen.append(id(default_analyzer(spinscope.Options(detectors=("lexical", "rhetoric")))))
            assert spinscope.analyze(text=ARTICLE, options=opts).spans
        except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(seen)) == 1 and default_analyzer(opts) is default_analyzer(opts)
    assert default_analyzer(spinscope.Options(detectors=("lexical",))) is not default_analyzer(opts)


def test_explicit_arguments_never_read_a_string_as_a_path(tmp_path: Path) -> None:
    f = tmp_path / "story.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    opts = spinscope.Options(detectors=("lexical",))
    by_path = spinscope.analyze(path=f, options=opts)
    assert by_path.id == "story" and by_path.title == "A Shameful Vote"
    assert spinscope.analyze(f, opts).spans == by_path.spans  # a pathlib.Path is a file
    with pytest.raises(spinscope.InputError, match="pathlib.Path or path="):
        spinscope.analyze(str(f), opts)  # a str naming a file is refused with a hint, never opened
    as_text = spinscope.analyze(text=str(f) + " is where the shameful report was kept, critics said.", options=opts)
    assert str(f) in as_text.text
    with pytest.raises(spinscope.InputError, match="one of"):
        spinscope.analyze(ARTICLE, text=ARTICLE)


def test_text_with_metadata_and_sorted_spans_with_one_field_name() -> None:
    import warnings

    report = spinscope.analyze(text=ARTICLE, url="https://www.reuters.com/x", date="2024-05-01", id="vote-1")
    assert report.id == "vote-1" and report.metadata["date"] == "2024-05-01"
    assert report.outlet.get("domain") == "reuters.com" and report.metadata["url"] == "https://www.reuters.com/x"
    keys = [s.sort_key() for s in report.spans]
    assert keys == sorted(keys) and report.spans == report.spans_sorted()
    doc = report.to_dict()
    assert [d["technique"] for d in doc["spans"]] == [s.technique for s in report.spans]
    with pytest.warns(DeprecationWarning, match="technique"):
        assert report.spans[0].label == report.spans[0].technique
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing inside an analysis uses the deprecated name
        spinscope.analyze(text=ARTICLE + "\nAnother shameful day.\n")
    with pytest.raises(spinscope.InputError, match="ISO 8601"):
        spinscope.analyze(text=ARTICLE, date="last Monday")


def test_pipe_analyses_many_texts_in_order() -> None:
    analyzer = spinscope.Analyzer(spinscope.Options(detectors=("lexical", "rhetoric")))
    texts = [ARTICLE, "Calm Report\n\nThe committee met on Tuesday and published its minutes.\n"]
    reports = list(analyzer.pipe(texts))
    assert [r.title for r in reports] == ["A Shameful Vote", "Calm Report"]
    assert reports[0].spans and reports[0].spans == analyzer.analyze_article(analyzer.load(ARTICLE)).spans
    with pytest.raises(spinscope.InputError):
        list(analyzer.pipe(["   "]))


def test_typed_sections_mirror_the_report_dicts() -> None:
    from importlib import resources

    from spinscope.sections import HeadlineCheck, OutletProfile

    text = resources.files("spinscope").joinpath("resources/examples/example.txt").read_text("utf-8")
    report = spinscope.analyze(text=text, outlet="reuters.com")
    typed = report.typed
    assert len(typed.quotes) == len(report.quotes) and len(typed.sources) == len(report.sources)
    for q, d in zip(typed.quotes, report.quotes, strict=True):
        assert (q.start, q.end, q.kind) == (d["start"], d["end"], d["kind"])
        assert report.text[q.start : q.end].strip("\"“” ") or q.text
    for s, d in zip(typed.sources, report.sources, strict=True):
        assert s.name == d["name"] and s.anonymous == bool(d.get("anonymous"))
        assert all(report.text[m.start : m.end] for m in s.mentions)
    assert [c.rank for c in typed.claims] == [c.get("rank") for c in report.claims]
    assert isinstance(typed.headline, HeadlineCheck) and typed.headline.stance == report.headline["stance"]["label"]
    assert typed.headline.unsupported_terms == tuple(u["term"] for u in report.headline["unsupported_terms"])
    assert isinstance(typed.outlet, OutletProfile) and typed.outlet.rated and typed.outlet.name == "Reuters"
    plain = spinscope.analyze(text=ARTICLE, options=spinscope.Options(detectors=("lexical",)))
    assert plain.typed.headline is None and plain.typed.outlet.domain is None and plain.typed.quotes == ()
