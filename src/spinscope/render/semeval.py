"""SemEval-2020 Task 11 TSV: ``article_id<TAB>technique<TAB>start<TAB>end`` for the 14 PTC techniques."""

from __future__ import annotations

from spinscope.report import Report
from spinscope.techniques import is_ptc_technique


def render_tsv(report: Report) -> str:
    spans = [s for s in report.spans_sorted() if is_ptc_technique(s.technique)]
    rows = [f"{report.id}\t{s.technique}\t{s.start}\t{s.end}\n" for s in spans]
    return "".join(rows)
