"""JSON renderer: the "spinscope/1" document."""

from __future__ import annotations

import json as _json

from spinscope.report import Report


def render_json(report: Report, *, indent: int | None = 2) -> str:
    return _json.dumps(report.to_dict(), ensure_ascii=False, indent=indent)
