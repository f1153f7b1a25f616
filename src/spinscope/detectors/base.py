"""The detector contract.

A detector is a small component with a declared contract: ``name``, the ``labels`` it may emit, the
report ``sections`` it fills, and ``detect(article, context) -> Findings``. It never mutates the
article, never emits a span inside an excluded region, and keeps any model it loads on itself (or in
``context.resources``, shared by the detectors of one analyzer), loading it on first use.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from spinscope.article import Article
from spinscope.spans import Span

T = TypeVar("T")


@dataclass
class Findings:
    """What one detector found in one article."""

    spans: list[Span] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class Resources:
    """Lazily built, cached objects shared by the detectors of one analyzer (e.g. a spaCy pipeline)."""

    def __init__(self) -> None:
        self._items: dict[str, Any] = {}

    def get(self, key: str, factory: Callable[[], T]) -> T:
        if key not in self._items:
            self._items[key] = factory()
        item: T = self._items[key]
        return item


@dataclass
class Context:
    """Per-article scratchpad: shared resources, memoised computations, earlier detectors' findings."""

    resources: Resources
    findings: dict[str, Findings] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        if key not in self.memo:
            self.memo[key] = compute()
        value: T = self.memo[key]
        return value


class Detector(ABC):
    name: ClassVar[str]
    labels: ClassVar[tuple[str, ...]] = ()
    sections: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def detect(self, article: Article, context: Context) -> Findings:
        """Return the findings for ``article``; must not mutate it."""


def keep_outside_excluded(article: Article, spans: list[Span]) -> list[Span]:
    """Drop spans that touch excluded regions (a guard every detector can apply)."""
    return [s for s in spans if s.end <= len(article.text) and not article.is_excluded(s.start, s.end)]
