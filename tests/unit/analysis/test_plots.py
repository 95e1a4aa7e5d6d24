"""The trade-off figures: model values, simulated points and reproducible PNG/SVG files."""

from __future__ import annotations

import math

import pytest

from qnetstack.analysis import plots
from qnetstack.physical.nv import load_preset
from qnetstack.physical.nv.platform import herald_model
from qnetstack.physical.platform import LinkGeometry

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _herald(preset: str, alpha: float | None, arm_a: float, arm_b: float):
    overrides = {"bright_state_alpha": alpha} if alpha is not None else None
    config = load_preset(preset, overrides)
    geometry = LinkGeometry("a", "b", "s", arm_a, arm_b, 0, 0)
    cycle_s = config.attempt_duration_ps(arm_a, arm_b) / 1e12
    return herald_model(config, geometry), cycle_s


@pytest.mark.parametrize("alpha", [0.05, 0.3])
def test_rate_fidelity_curve_is_the_herald_model(alpha):
    (point,) = plots.rate_fidelity_curve("lab_2018", None, [alpha])
    result, cycle_s = _herald("lab_2018", alpha, 0.001, 0.001)
    assert point.p_succ == result.p_succ
    assert point.fidelity == result.fidelity
    assert point.rate_hz == pytest.approx(result.p_succ / cycle_s, rel=1e-12)


def test_lab_2018_reproduces_the_reference_sheet_rates():
    # physics.md §5: 12.9 Hz at α = 0.1 and 38.4 Hz ("up to 39 Hz") at α = 0.3.
    low, high = plots.rate_fidelity_curve("lab_2018", None, [0.1, 0.3])
    assert low.rate_hz == pytest.approx(12.9, rel=0.01)
    assert high.rate_hz == pytest.approx(38.4, rel=0.01)


def test_rate_distance_curve_is_the_herald_model_with_a_midpoint_station():
    curve = plots.rate_distance_curve("nearterm2020_coopmans2021", [25.0, 100.0])
    for point, length in zip(curve, (25.0, 100.0), strict=True):
        result, cycle_s = _herald("nearterm2020_coopmans2021", None, length / 2, length / 2)
        assert point.length_km == length
        assert point.fidelity == result.fidelity
        assert point.rate_hz == pytest.approx(result.p_succ / cycle_s, rel=1e-12)
    assert curve[0].rate_hz == pytest.approx(4.2, rel=0.02)  # physics.md §5


def test_double_click_preset_has_one_point_at_alpha_one_half():
    curve = plots.rate_fidelity_curve("telecom_double_click_avis2022")
    assert len(curve) == 1
    assert curve[0].alpha == 0.5


def test_bad_distance_and_alpha_are_rejected():
    with pytest.raises(ValueError, match="distance"):
        plots.rate_fidelity_curve("lab_2018", 0.0)
    with pytest.raises(ValueError, match="bright_state_alpha"):
        plots.rate_fidelity_curve("lab_2018", None, [0.7])
    with pytest.raises(ValueError, match="unknown NV preset"):
        plots.rate_fidelity_curve("nope")


def test_rate_ci95_brackets_the_rate_and_narrows_with_n():
    lo, hi = plots.rate_ci95(10.0, 50)
    assert lo < 10.0 < hi
    # Exact Gamma quantiles for n = 50 (scipy.stats.chi2.ppf(q, 100) / 100 · 10).
    assert lo == pytest.approx(7.422, rel=2e-3)
    assert hi == pytest.approx(12.963, rel=2e-3)
    lo2, hi2 = plots.rate_ci95(10.0, 5000)
    assert hi2 - lo2 < (hi - lo) / 5


def test_rate_fidelity_writes_a_png(tmp_path):
    out = plots.plot_rate_fidelity("lab_2018", tmp_path / "rf.png")
    assert out.read_bytes().startswith(PNG_MAGIC)


def test_rate_distance_writes_a_reproducible_svg(tmp_path):
    first = plots.plot_rate_distance("lab_2018", tmp_path / "a.svg", max_km=5.0, points=11)
    second = plots.plot_rate_distance("lab_2018", tmp_path / "b.svg", max_km=5.0, points=11)
    data = first.read_bytes()
    assert data.lstrip().startswith(b"<?xml")
    assert b"<svg" in data[:1000]
    assert b"<dc:date>" not in data
    assert data == second.read_bytes()


def test_unsupported_suffix_is_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"unsupported output type '\.pdf'"):
        plots.plot_rate_fidelity("lab_2018", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_simulated_points_come_from_runs_and_scatter_around_the_model(tmp_path):
    points = plots.simulate_points("lab_2018", None, 20, alphas=(0.1, 0.3), seed=3)
    assert [p.alpha for p in points] == [0.1, 0.3]
    for point in points:
        model = plots.rate_fidelity_curve("lab_2018", None, [point.alpha])[0]
        assert point.delivered == 20
        assert point.rate_ci95[0] < model.rate_hz < point.rate_ci95[1]
        # Delivered pairs at 2 m barely age: the fidelity is the fresh one.
        assert point.fidelity == pytest.approx(model.fidelity, abs=1e-3)
        # Measured, not the formula: a finite-sample rate differs from the model's.
        assert not math.isclose(point.rate_hz, model.rate_hz, rel_tol=1e-6)
    out = plots.plot_rate_fidelity("lab_2018", tmp_path / "sim.png", simulated=points)
    assert out.stat().st_size > 0
