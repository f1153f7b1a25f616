"""The "spinscope/1" JSON Schema and a validator for reports."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def report_schema() -> dict[str, Any]:
    raw = resources.files("spinscope").joinpath("resources/schema/spinscope-1.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(raw)
    return schema


def validate_report(doc: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``doc`` is not a valid spinscope/1 report, and
    ``ValueError`` when an offset does not index ``doc["text"]``."""
    import jsonschema

    jsonschema.validate(doc, report_schema())
    n = len(doc["text"])
    for key in ("spans", "excluded", "quotes", "claims"):
        for item in doc.get(key, []):
            if "start" in item and not (0 <= item["start"] < item["end"] <= n):
                raise ValueError(f"{key} offsets {item['start']}..{item['end']} outside the text (length {n})")
