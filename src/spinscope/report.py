"""The Report: everything the detectors found in one article, as renderers and front ends see it.

``Report.to_dict()`` is the "spinscope/1" JSON document (schema in
``resources/schema/spinscope-1.schema.json`` and docs/SCHEMA.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from spinscope.article import Article, Metadata
from spinscope.spans import Region, Span

if TYPE_CHECKING:
    from spinscope.sections import Sections

SCHEMA = "spinscope/1"


@dataclass
class Report:
    id: str
    title: str
    text: str
    language: str | None
    excluded: list[Region] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    headline: dict[str, Any] = field(default_factory=dict)
    outlet: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    sentences: list[Region] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    detectors: list[str] = field(default_factory=list)
    degraded: list[str] = field(default_factory=list)  # detectors that failed: their findings are missing
    timings_ms: dict[str, float] = field(default_factory=dict)

    @classmethod
    def empty_for(cls, article: Article) -> Report:
        return cls(
            id=article.id,
            title=article.title,
            text=article.text,
            language=article.metadata.language,
            excluded=list(article.excluded),
            sentences=list(article.sentences),
            metadata=article.metadata.to_dict(),
            warnings=list(article.warnings),
        )

    def spans_sorted(self) -> list[Span]:
        return sorted(self.spans, key=Span.sort_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "language": self.language,
            "excluded": [r.to_dict() for r in self.excluded],
            "spans": [s.to_dict(self.text) for s in self.spans_sorted()],
            "quotes": self.quotes,
            "sources": self.sources,
            "claims": self.claims,
            "headline": self.headline,
            "outlet": self.outlet,
            "scores": self.scores,
            "metadata": self.metadata,
            "sentences": [[r.start, r.end] for r in self.sentences],
            "warnings": self.warnings,
            "detectors": self.detectors,
            "degraded": self.degraded,
            "timings_ms": self.timings_ms,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        if d.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} report (schema={d.get('schema')!r})")
        return cls(
            id=d["id"],
            title=d.get("title", ""),
            text=d["text"],
            language=d.get("language"),
            excluded=[Region(r["start"], r["end"], r.get("reason", "")) for r in d.get("excluded", [])],
            spans=[Span.from_dict(s) for s in d.get("spans", [])],
            quotes=list(d.get("quotes", [])),
            sources=list(d.get("sources", [])),
            claims=list(d.get("claims", [])),
            headline=dict(d.get("headline", {})),
            outlet=dict(d.get("outlet", {})),
            scores=dict(d.get("scores", {})),
            metadata=dict(d.get("metadata", {})),
            sentences=[Region(a, b) for a, b in d.get("sentences", [])],
            warnings=list(d.get("warnings", [])),
            detectors=list(d.get("detectors", [])),
            degraded=list(d.get("degraded", [])),
            timings_ms=dict(d.get("timings_ms", {})),
        )

    @property
    def meta(self) -> Metadata:
        return Metadata(**{k: v for k, v in self.metadata.items() if k in Metadata.__slots__})

    @property
    def typed(self) -> Sections:
        """The quotes, sources, claims, headline check and outlet as typed read-only objects (spinscope.sections)."""
        from spinscope.sections import sections_of

        return sections_of(self)
