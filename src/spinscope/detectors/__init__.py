"""Detector registry: names mapped to ``module:Class`` paths, imported only when an analyzer needs them.

Order matters: a detector may read the findings of the ones before it (``context.findings``).
"""

from __future__ import annotations

import importlib

from spinscope.detectors.base import Context, Detector, Findings, Resources

REGISTRY: dict[str, str] = {
    "lexical": "spinscope.detectors.lexical:LexicalDetector",
    "rhetoric": "spinscope.detectors.rhetoric:RhetoricDetector",
    "techniques": "spinscope.detectors.techniques:TechniquesDetector",
    "outlet": "spinscope.detectors.outlet:OutletDetector",
    "quotes": "spinscope.detectors.quotes:QuotesDetector",
    "sources": "spinscope.detectors.sources:SourcesDetector",
    "claims": "spinscope.detectors.claims:ClaimsDetector",
    "headline": "spinscope.detectors.headline:HeadlineDetector",
}

DEFAULT_DETECTORS: tuple[str, ...] = tuple(REGISTRY)


def load_detector(name: str) -> Detector:
    try:
        path = REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown detector {name!r}; known: {', '.join(REGISTRY)}") from None
    module_name, _, cls_name = path.partition(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    detector: Detector = cls()
    return detector


__all__ = ["Context", "Detector", "Findings", "Resources", "REGISTRY", "DEFAULT_DETECTORS", "load_detector"]
