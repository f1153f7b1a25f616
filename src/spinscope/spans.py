"""The one span type shared by every detector, and excluded (clutter) regions.

Offsets are Python ``str`` indices into ``Article.text``, end exclusive. Spans are frozen and
validated; they never carry a copy of the text (take ``article.text[span.start:span.end]``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, init=False)
class Span:
    """A finding: ``text[start:end]`` shows ``technique`` with ``score`` in [0, 1].

    ``technique`` is the one name of the label in Python and in JSON. ``label`` (the former field name) is
    kept as a deprecated alias: reading ``span.label`` or passing ``label=`` warns (DeprecationWarning)."""

    start: int
    end: int
    technique: str
    score: float
    explanation: str
    detector: str

    def __init__(
        self,
        start: int,
        end: int,
        technique: str | None = None,
        score: float = 0.0,
        explanation: str = "",
        detector: str = "",
        *,
        label: str | None = None,
    ) -> None:
        if label is not None:
            warnings.warn("Span(label=...) is deprecated; use technique=...", DeprecationWarning, stacklevel=2)
            technique = technique or label
        if not technique:
            raise ValueError("a span needs a technique")
        for name, value in (("start", start), ("end", end), ("technique", technique), ("score", score),
                            ("explanation", explanation), ("detector", detector)):
            object.__setattr__(self, name, value)
        if not (0 <= self.start < self.end):
            raise ValueError(f"bad span offsets {self.start}..{self.end}")
        if not (0.0 <= self.score <= 1.0):
            raise ValueError(f"span score {self.score} outside [0, 1]")

    @property
    def label(self) -> str:
        """Deprecated alias of ``technique``."""
        warnings.warn("Span.label is deprecated; use Span.technique", DeprecationWarning, stacklevel=2)
        return self.technique

    def sort_key(self) -> tuple[int, int, str]:
        """Reading order: by start, the longer of two spans starting together first, then by technique."""
        return (self.start, -self.end, self.technique)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def to_dict(self, text: str | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "technique": self.technique,
            "score": round(self.score, 4),
            "explanation": self.explanation,
            "detector": self.detector,
        }
        if text is not None:
            d["text"] = text[self.start : self.end]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        return cls(
            int(d["start"]),
            int(d["end"]),
            str(d["technique"]),
            float(d["score"]),
            str(d.get("explanation", "")),
            str(d.get("detector", "")),
        )


@dataclass(frozen=True, slots=True)
class Region:
    """A region of the text: a paragraph, a sentence, or an excluded clutter region (with reason)."""

    start: int
    end: int
    reason: str = ""

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "reason": self.reason}
