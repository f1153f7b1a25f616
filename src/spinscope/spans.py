"""The one span type shared by every detector, and excluded (clutter) regions.

Offsets are Python ``str`` indices into ``Article.text``, end exclusive. Spans are frozen and
validated; they never carry a copy of the text (take ``article.text[span.start:span.end]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A finding: ``text[start:end]`` is labelled ``label`` with ``score`` in [0, 1]."""

    start: int
    end: int
    label: str
    score: float
    explanation: str
    detector: str = ""

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end):
            raise ValueError(f"bad span offsets {self.start}..{self.end}")
        if not (0.0 <= self.score <= 1.0):
            raise ValueError(f"span score {self.score} outside [0, 1]")

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def to_dict(self, text: str | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "technique": self.label,
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
