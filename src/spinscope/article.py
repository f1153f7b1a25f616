"""The document model: one verbatim text and everything else as offsets into it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from spinscope.spans import Region


@dataclass(frozen=True, slots=True)
class Metadata:
    url: str | None = None
    domain: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = None
    source: str | None = None  # outlet name as given by a corpus, if any
    input_kind: str = "text"  # text | html | url | corpus

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "domain": self.domain,
            "author": self.author,
            "date": self.date,
            "language": self.language,
            "source": self.source,
            "input_kind": self.input_kind,
        }


@dataclass(frozen=True, slots=True)
class Article:
    """An article ready for analysis.

    ``text`` is the verbatim article (for plain text in the news/PTC convention: the headline on the
    first line, then the body). ``title`` is ``text[title_region.start:title_region.end]`` when the
    title is part of the text. ``excluded`` lists page clutter that no detector analyses.
    """

    id: str
    text: str
    title: str = ""
    title_region: Region | None = None
    paragraphs: tuple[Region, ...] = ()
    sentences: tuple[Region, ...] = ()
    excluded: tuple[Region, ...] = ()
    metadata: Metadata = field(default_factory=Metadata)
    warnings: tuple[str, ...] = ()

    def is_excluded(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` touches an excluded region."""
        return any(r.overlaps(start, end) for r in self.excluded)

    def analysable_sentences(self) -> list[Region]:
        """Sentences with excluded regions cut out (the title counts as a sentence). A sentence that an
        excluded region only touches (a dateline before it) keeps the rest; one inside clutter is dropped."""
        out: list[Region] = []
        for s in self.sentences:
            pieces = [(s.start, s.end)]
            for r in self.excluded:
                if r.overlaps(s.start, s.end):
                    pieces = [p for a, b in pieces for p in ((a, min(b, r.start)), (max(a, r.end), b)) if p[0] < p[1]]
            for a, b in pieces:
                while a < b and self.text[a].isspace():
                    a += 1
                while b > a and self.text[b - 1].isspace():
                    b -= 1
                if b > a and any(ch.isalnum() for ch in self.text[a:b]):
                    out.append(Region(a, b))
        return out

    def sentence_at(self, offset: int) -> Region | None:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return None

    @property
    def body_start(self) -> int:
        return self.title_region.end if self.title_region else 0

    def word_count(self) -> int:
        """Words outside excluded regions."""
        return sum(len(self.text[s.start : s.end].split()) for s in self.analysable_sentences())


def content_id(text: str) -> str:
    """A stable id for a text that has none: the first 16 hex digits of its sha256."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
