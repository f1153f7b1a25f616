"""The Analyzer owns the detectors (and their lazily loaded models) and turns an Article into a Report."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from spinscope.article import Article
from spinscope.calibration import Calibrator, calibrated_findings, default_calibrator
from spinscope.config import Options
from spinscope.detectors import Context, Detector, Findings, Resources, load_detector
from spinscope.detectors.base import keep_outside_excluded
from spinscope.report import Report
from spinscope.scoring import article_scores, technique_counts
from spinscope.spans import Span
from spinscope.techniques import PTC_TECHNIQUES

_PTC = frozenset(PTC_TECHNIQUES)


class Analyzer:
    """Analyse articles with a fixed set of detectors. Build once, reuse: models load on first use."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self.resources = Resources()
        self._detectors: list[Detector] | None = None
        self._calibrator: Calibrator | None = None

    @property
    def detectors(self) -> list[Detector]:
        if self._detectors is None:
            self._detectors = [load_detector(name) for name in self.options.detectors]
            for d in self._detectors:
                configure = getattr(d, "configure", None)
                if callable(configure):
                    configure(self.options)
        return self._detectors

    @property
    def calibrator(self) -> Calibrator | None:
        """The score calibration (``Options.extra["calibration"]``: a file, or "off" for raw layer scores)."""
        choice = self.options.extra.get("calibration", "")
        if choice == "off":
            return None
        if self._calibrator is None:
            self._calibrator = Calibrator.load(choice) if choice else default_calibrator()
        return self._calibrator

    def findings(self, spans: list[Span]) -> list[Span]:
        """The final step: PTC-labelled scores calibrated, one finding per place (``spinscope.merge``), then
        the minimum score: ``Options.min_score`` when set, else the calibrated reader threshold for PTC findings."""
        cal = self.calibrator
        merged = calibrated_findings(spans, cal, [d.name for d in self.detectors], _PTC)
        if self.options.min_score is not None:
            return [s for s in merged if s.score >= self.options.min_score]
        floor = cal.reader_threshold if cal is not None else 0.0
        return [s for s in merged if s.technique not in _PTC or s.score >= floor]

    def load(self, source: str | Path) -> Article:
        """Read ``source`` (text, path or URL) into an Article."""
        from spinscope.ingest import read_source

        return read_source(source, self.options)

    def analyze(self, source: str | Path | Article) -> Report:
        article = source if isinstance(source, Article) else self.load(source)
        return self.analyze_article(article)

    def pipe(self, items: Iterable[str | Path | Article]) -> Iterator[Report]:
        """Analyse many articles with the same models, yielding one Report per item, in order (like spaCy's
        ``nlp.pipe``). A ``str`` is always the article's text (never read as a path or URL), a ``Path`` is a
        file, an ``Article`` is analysed as is. A bad item raises its ``SpinscopeError``."""
        from spinscope.ingest import article_from_html, article_from_text, read_file
        from spinscope.ingest.html import looks_like_html

        for item in items:
            if isinstance(item, Article):
                article = item
            elif isinstance(item, Path):
                article = read_file(item, self.options)
            elif looks_like_html(item):
                article = article_from_html(item, options=self.options)
            else:
                article = article_from_text(item, options=self.options)
            yield self.analyze_article(article)

    def analyze_article(self, article: Article) -> Report:
        report = Report.empty_for(article)
        context = Context(resources=self.resources)
        t_all = time.perf_counter()
        for detector in self.detectors:
            t0 = time.perf_counter()
            try:
                findings = detector.detect(article, context)
            except Exception as exc:  # confine a detector failure to that detector
                findings = Findings(warnings=[f"detector {detector.name} failed: {type(exc).__name__}: {exc}"])
                report.degraded.append(detector.name)
            context.findings[detector.name] = findings
            report.timings_ms[detector.name] = round((time.perf_counter() - t0) * 1000, 2)
            report.spans.extend(keep_outside_excluded(article, findings.spans))
            for key, value in findings.sections.items():
                current = getattr(report, key)
                if isinstance(current, list):
                    current.extend(value)
                else:
                    current.update(value)
            report.scores.update(findings.scores)
            report.warnings.extend(findings.warnings)
            report.detectors.append(detector.name)
        report.spans = self.findings(report.spans)  # merged findings come in reading order, as in the JSON
        report.scores.update(technique_counts(report.spans))
        report.scores.update(article_scores(article, report.spans))
        report.timings_ms["total"] = round((time.perf_counter() - t_all) * 1000, 2)
        return report


def analyze(source: str | Path | Article, options: Options | None = None) -> Report:
    """Analyse one article given as text, a path, a URL or an Article. See ``Analyzer`` to reuse models."""
    return Analyzer(options).analyze(source)
