"""spinscope: see how a news article persuades rather than informs.

    >>> import spinscope
    >>> report = spinscope.analyze("article.txt")      # a path, a URL or the text itself
    >>> report.spans[0].label, report.scores["persuasion"]

Build an ``Analyzer`` once to reuse its models across many articles.
"""

from __future__ import annotations

from spinscope.analyzer import Analyzer, analyze
from spinscope.article import Article, Metadata
from spinscope.config import Options
from spinscope.errors import (
    BlockedAddressError,
    EvaluationError,
    FetchError,
    InputError,
    ModelError,
    SpinscopeError,
)
from spinscope.report import SCHEMA, Report
from spinscope.spans import Region, Span

__version__ = "0.1.0"

__all__ = [
    "SCHEMA",
    "Analyzer",
    "Article",
    "BlockedAddressError",
    "EvaluationError",
    "FetchError",
    "InputError",
    "Metadata",
    "ModelError",
    "Options",
    "Region",
    "Report",
    "Span",
    "SpinscopeError",
    "__version__",
    "analyze",
]
