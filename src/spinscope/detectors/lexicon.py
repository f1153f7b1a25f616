"""Loading and matching the transparent layer's lexicons (resources/lexicons/)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Term:
    text: str
    label: str
    score: float
    why: str
    extend: bool = False  # widen the span to the word(s) the term qualifies (intensifiers)
    literal_sense: bool = False  # a hand-written loaded word or label that also names things ("plague", "regime")


def load_json(name: str) -> dict[str, Any]:
    raw = resources.files("spinscope").joinpath(f"resources/lexicons/{name}").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


class Matcher:
    """Word-bounded, case-insensitive matching of many terms at once (longest match first)."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = {t.text.lower(): t for t in terms}
        ordered = sorted(self.terms, key=len, reverse=True)
        alternation = "|".join(re.escape(t).replace("'", "['’]") for t in ordered) or r"(?!x)x"
        self.pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)

    def finditer(self, text: str, start: int, end: int) -> list[tuple[int, int, Term]]:
        out = []
        for m in self.pattern.finditer(text, start, end):
            key = m.group(0).lower().replace("’", "'")
            term = self.terms.get(key)
            if term is not None:
                out.append((m.start(), m.end(), term))
        return out
