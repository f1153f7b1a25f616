"""The public API is short, typed and pinned; importing spinscope loads no model or heavy library."""

from __future__ import annotations

import subprocess
import sys

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
