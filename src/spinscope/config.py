"""One options object for an analysis; CLI flags and web settings map onto it in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from spinscope.detectors import DEFAULT_DETECTORS


@dataclass(frozen=True, kw_only=True)
class Options:
    detectors: tuple[str, ...] = DEFAULT_DETECTORS
    allow_private: bool = False  # allow URLs that resolve to loopback/private/link-local addresses
    fetch_timeout: float = 15.0  # seconds, per URL
    max_bytes: int = 5_000_000  # refuse inputs (files, downloads) larger than this
    # an article's text (after HTML extraction) longer than this is refused: the cost of an analysis grows
    # with the text (~0.1 s and ~1.4 MB per KB, docs/PERFORMANCE.md), and this limit keeps an article at it
    # within the budget below on a busy 2-core machine
    max_chars: int = 500_000
    # per-article budget (spinscope.budget; CLI and batch): reading + analysis end within this many seconds
    # and below this much process memory (RSS, MB), or fail with BudgetExceeded. None: no limit.
    time_budget: float | None = 120.0
    memory_budget_mb: float | None = 2000.0
    max_redirects: int = 5
    require_english: bool = True  # refuse articles that are clearly not English (the models are English-only)
    min_score: float | None = None  # drop findings scored below this (None: the calibrated reader threshold)
    outlet_overrides: Path | None = None  # TOML or CSV file of outlet ratings to add or correct
    user_agent: str = "spinscope/0.1 (+https://github.com/spinscope)"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def model_threads(self) -> int | None:
        """The analysis's thread budget for model sessions and native pools (``extra["ptc_threads"]``; None: the
        libraries' defaults). Batch runs set it per worker, `spinscope serve` from ``--model-threads``."""
        threads = self.extra.get("ptc_threads")
        return int(threads) if threads else None
