"""Scores that are probabilities: the isotonic fit, the reliability measure, the bundled calibration file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spinscope.calibration import Calibrator, IsotonicMap, default_calibrator, fit_isotonic, reliability
from spinscope.errors import ModelError
from spinscope.spans import Span
from spinscope.techniques import PTC_TECHNIQUES


def test_isotonic_fit_recovers_a_known_probability_and_is_monotone() -> None:
    rng = np.random.default_rng(0)
    raw = rng.uniform(0, 1, 20_000)
    hit = rng.uniform(0, 1, raw.size) < raw**2  # true P(hit | raw) = raw²
    m = fit_isotonic(raw, hit, min_block=50)
    assert np.all(np.diff(m.y) >= 0) and np.all(np.diff(m.x) >= 0)
    for r in (0.2, 0.5, 0.8):
        assert abs(m(r) - r**2) < 0.05
    probs = np.array([m(r) for r in raw])
    assert reliability(probs, hit)[0] < 0.02  # calibrated on its own data
    assert reliability(raw, hit)[0] > 0.1  # the raw score is not


def test_small_blocks_are_pooled() -> None:
    m = fit_isotonic([0.1, 0.2, 0.3, 0.9], [0, 1, 0, 1], min_block=3)
    assert len(m.x) <= 2


def test_reliability_table_and_ece_by_hand() -> None:
    ece, table = reliability([0.05, 0.05, 0.95, 0.95], [0, 1, 1, 1], bins=10)
    assert [r["n"] for r in table] == [2, 2]
    assert table[0]["hit_rate"] == 0.5 and table[1]["hit_rate"] == 1.0
    assert ece == pytest.approx(0.5 * 0.45 + 0.5 * 0.05)
    assert reliability([], []) == (0.0, [])


def test_calibrator_maps_by_layer_and_label_with_a_fallback(tmp_path: object) -> None:
    cal = Calibrator({"techniques:Doubt": IsotonicMap(np.array([0.0, 1.0]), np.array([0.1, 0.3])),
                      "techniques:*": IsotonicMap(np.array([0.0, 1.0]), np.array([0.0, 0.5]))})
    spans = [Span(0, 3, "Doubt", 0.5, "", "techniques"), Span(0, 3, "Slogans", 1.0, "", "techniques"),
             Span(0, 3, "Shouting", 0.4, "", "rhetoric")]
    out = cal.apply(spans)
    assert [s.score for s in out] == [0.2, 0.5, 0.4]  # no map for the rhetoric layer: unchanged
    assert not cal.calibrated("rhetoric", "Shouting") and cal.calibrated("techniques", "Flag-Waving")


def test_bad_calibration_files_are_model_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ModelError, match="missing"):
        Calibrator.load(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"maps": {"techniques:*": {"x": [0.5, 0.1], "y": [0.1, 0.2]}}}))
    with pytest.raises(ModelError, match="non-decreasing"):
        Calibrator.load(bad)


def test_the_bundled_calibration_covers_every_trained_layer() -> None:
    cal = default_calibrator()
    assert 0.0 < cal.reader_threshold < 1.0
    for tech in PTC_TECHNIQUES:
        assert cal.calibrated("techniques", tech)
    for key, m in cal.maps.items():
        assert key.split(":")[0] in {"techniques", "lexical", "rhetoric", "merged"}
        assert np.all(np.diff(m.y) >= 0) and 0.0 <= m.y.min() and m.y.max() <= 1.0
    pooled = cal.meta["cross_fitted"]["pooled"]
    assert pooled["spans"] > 1000 and 0.0 <= pooled["ece"] <= 1.0


def test_the_reader_threshold_is_the_default_and_min_score_overrides_it() -> None:
    from spinscope.analyzer import Analyzer
    from spinscope.config import Options

    text = ("Traitors Sell Out Our Great Nation\n\nThe corrupt, lying elites in Washington have betrayed every single "
            "patriot in this country. These radical leftist thugs want to destroy America and everything we hold "
            "dear. Why did they hide it? Only a fool would believe their disgusting lies.\n")
    floor = default_calibrator().reader_threshold
    shown = Analyzer(Options(detectors=("lexical", "rhetoric", "techniques"))).analyze(text).spans
    every = Analyzer(Options(detectors=("lexical", "rhetoric", "techniques"), min_score=0.0)).analyze(text).spans
    ptc_shown = [s for s in shown if s.technique in PTC_TECHNIQUES]
    ptc_every = [s for s in every if s.technique in PTC_TECHNIQUES]
    assert ptc_shown and all(s.score >= floor for s in ptc_shown)
    assert len(ptc_every) > len(ptc_shown) and any(s.score < floor for s in ptc_every)
    raw = Analyzer(Options(detectors=("lexical",), min_score=0.0, extra={"calibration": "off"})).analyze(text).spans
    assert {round(s.score, 2) for s in raw} - {round(s.score, 2) for s in every}  # calibration changed the scores
