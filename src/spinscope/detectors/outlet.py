"""The "outlet" detector: the profile of the article's publisher (report section ``outlet``).

It reads ``article.metadata.domain`` (set by ingest from the URL or a corpus record; for a page served
with a chosen Host header, that host), falling back to the host of ``metadata.url`` and then to an outlet
name given by a corpus (``metadata.source``). Without any of these the section stays empty: plain text
has no publisher. An outlet missing from the table gets ``rated: false`` - never a default verdict.
Ratings come from the bundled table plus ``Options.outlet_overrides`` (TOML or CSV).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from spinscope.article import Article
from spinscope.config import Options
from spinscope.detectors.base import Context, Detector, Findings
from spinscope.errors import InputError
from spinscope.outlets import OutletTable, load_overrides, resource_key


class OutletDetector(Detector):
    name: ClassVar[str] = "outlet"
    labels: ClassVar[tuple[str, ...]] = ()
    sections: ClassVar[tuple[str, ...]] = ("outlet",)

    def __init__(self) -> None:
        self._overrides: Path | None = None
        self._table: OutletTable | None = None

    def configure(self, options: Options) -> None:
        """Read ``options.outlet_overrides``; a bad file raises InputError here, before any analysis."""
        self._overrides = options.outlet_overrides
        self._table = None
        if self._overrides is not None:
            load_overrides(self._overrides)

    def table(self, context: Context | None = None) -> OutletTable:
        """The outlet table, shared through ``context.resources`` (key depends on the overrides file)."""
        if self._table is None:
            overrides = self._overrides
            key = resource_key(overrides)
            if context is not None:
                self._table = context.resources.get(key, lambda: OutletTable(overrides=overrides))
            else:
                self._table = OutletTable(overrides=overrides)
        return self._table

    def detect(self, article: Article, context: Context) -> Findings:
        meta = article.metadata
        table = self.table(context)
        warnings: list[str] = []
        for value in (meta.domain, meta.url):
            if not value:
                continue
            try:
                profile = table.profile(value)
            except InputError as exc:
                warnings.append(f"outlet: cannot read host {value!r}: {exc}")
                continue
            if meta.source and not profile.get("name"):
                profile["name"] = meta.source
            return Findings(sections={"outlet": profile}, warnings=warnings)
        if meta.source:
            named = table.profile_for_name(meta.source)
            if named is not None:
                return Findings(sections={"outlet": named}, warnings=warnings)
        return Findings(warnings=warnings)
