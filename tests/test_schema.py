"""The spinscope/1 schema file is up to date with its section fragments, and full reports validate."""

from __future__ import annotations

import subprocess
import sys

from spinscope.analyzer import Analyzer
from spinscope.render.json import render_json
from spinscope.schema import validate_report

from .conftest import REPO


def test_schema_is_built_from_the_fragments() -> None:
    proc = subprocess.run([sys.executable, "scripts/build_schema.py", "--check"], cwd=REPO, capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()


def test_a_full_report_with_every_section_validates() -> None:
    import json
    from importlib import resources

    path = resources.files("spinscope").joinpath("resources/examples/example.txt")
    report = Analyzer().analyze(str(path))
    doc = json.loads(render_json(report))
    validate_report(doc)
    assert doc["quotes"] and doc["sources"] and doc["claims"] and doc["headline"]
