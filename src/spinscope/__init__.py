"""spinscope: see how a news article persuades rather than informs.

    >>> import spinscope
    >>> report = spinscope.analyze(text=article_text, outlet="bbc.co.uk", date="2024-05-01")
    >>> report = spinscope.analyze(path="article.txt")           # or a pathlib.Path; a str is never a path
    >>> span = report.spans[0]                                   # spans in reading order
    >>> span.technique, report.text[span.start:span.end], span.explanation
    >>> df = spinscope.read_results("results.parquet")           # batch results as a pandas DataFrame

``spinscope.analyze`` keeps one Analyzer per Options value, so calling it in a loop loads the models once;
``Analyzer(options).pipe(texts)`` analyses many texts with one set of models.
"""

from __future__ import annotations

from spinscope.analyzer import Analyzer
from spinscope.api import analyze
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
from spinscope.frames import read_results, read_spans
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
    "read_results",
    "read_spans",
]
