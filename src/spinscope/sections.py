"""Typed, read-only views of a report's sections (``report.typed``): quotes, sources, claims, the headline
check and the outlet profile as dataclasses, like spans, instead of plain dicts.

The JSON (docs/SCHEMA.md) stays the source of truth: each view is built from the section's dict and
keeps the fields a program reads most; ``raw`` holds the whole dict for the rest. Missing keys become
``None`` or empty, so reports from older versions read too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from spinscope.spans import Region

if TYPE_CHECKING:
    from spinscope.report import Report


def _region(d: Any) -> Region | None:
    if isinstance(d, dict) and "start" in d and "end" in d:
        return Region(int(d["start"]), int(d["end"]))
    return None


def _regions(items: Any) -> tuple[Region, ...]:
    return tuple(r for r in (_region(x) for x in items or ()) if r is not None)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    text: str
    kind: str  # speech | scare | title | …
    speaker: str | None  # the speaker's name, when found
    speaker_role: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        sp = d.get("speaker") or {}
        return cls(int(d["start"]), int(d["end"]), str(d.get("text", "")), str(d.get("kind", "")),
                   sp.get("name"), sp.get("role"), d)


@dataclass(frozen=True)
class Source:
    name: str
    kind: str  # person | anonymous | organisation | outlet | document
    anonymous: bool
    role: str | None
    mentions: tuple[Region, ...]
    attributed: tuple[Region, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Source:
        return cls(str(d.get("name", "")), str(d.get("kind", "")), bool(d.get("anonymous")), d.get("role"),
                   _regions(d.get("mentions")), _regions(d.get("attributed")), d)


@dataclass(frozen=True)
class Claim:
    start: int
    end: int
    text: str
    rank: int | None
    score: float | None  # check-worthiness in [0, 1]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        rank = d.get("rank")
        return cls(int(d["start"]), int(d["end"]), str(d.get("text", "")), None if rank is None else int(rank),
                   _float(d.get("score")), d)


@dataclass(frozen=True)
class HeadlineCheck:
    available: bool
    reason: str | None  # why not, when not available
    clickbait: float | None  # probability
    clickbait_cues: tuple[str, ...]
    stance: str | None  # agree | disagree | discuss | unrelated
    stance_probabilities: dict[str, float]
    evidence: tuple[Region, ...]  # the body sentences the stance rests on
    unsupported_terms: tuple[str, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HeadlineCheck:
        cb = d.get("clickbait") or {}
        st = d.get("stance") or {}
        return cls(
            bool(d.get("available", bool(d))), d.get("reason"), _float(cb.get("probability")),
            tuple(str(c.get("cue", "")) for c in cb.get("cues", [])), st.get("label"),
            {str(k): float(v) for k, v in (st.get("probabilities") or {}).items()}, _regions(st.get("evidence")),
            tuple(str(u.get("term", "")) for u in d.get("unsupported_terms", [])), d,
        )


@dataclass(frozen=True)
class OutletProfile:
    domain: str | None  # None: nothing named the publisher
    name: str | None
    rated: bool
    factuality: str | None
    bias: str | None
    reliability: str | None
    credibility: str | None
    labels: tuple[str, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OutletProfile:
        return cls(d.get("domain"), d.get("name"), bool(d.get("rated")), d.get("factuality"), d.get("bias"),
                   d.get("reliability"), d.get("credibility"), tuple(d.get("labels") or ()), d)


@dataclass(frozen=True)
class Sections:
    quotes: tuple[Quote, ...]
    sources: tuple[Source, ...]
    claims: tuple[Claim, ...]
    headline: HeadlineCheck | None  # None when the headline detector did not run
    outlet: OutletProfile  # domain None when nothing named the publisher


def sections_of(report: Report) -> Sections:
    return Sections(
        quotes=tuple(Quote.from_dict(q) for q in report.quotes),
        sources=tuple(Source.from_dict(s) for s in report.sources),
        claims=tuple(Claim.from_dict(c) for c in report.claims),
        headline=HeadlineCheck.from_dict(report.headline) if report.headline else None,
        outlet=OutletProfile.from_dict(report.outlet),
    )
