"""Decoy-state BB84 model pieces, PLOB, the crossover finder, the WCP Monte-Carlo, the plot."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.apps.qkd import (
    GYS_2004,
    DecoyIntensities,
    FibreQkdSystem,
    QkdParameterError,
    binary_entropy,
    channel_transmittance,
    crossover_distance,
    gllp_key_rate,
    key_rate_per_pulse,
    optimal_key_rate,
    plob_bound,
    plot_key_rate_vs_distance,
    signal_gain,
    signal_qber,
    simulate_wcp_counts,
    simulate_wcp_records,
    single_photon_error,
    system_transmittance,
    vacuum_weak_decoy_bounds,
)


def test_transmittance_is_db_loss_times_detector_efficiency():
    assert channel_transmittance(100.0, 0.2) == pytest.approx(0.01)
    assert system_transmittance(50.0, GYS_2004) == pytest.approx(0.045 * 10 ** (-1.05))


def test_gain_and_qber_limits():
    """No light: only dark counts, QBER ½. Lossless, no dark counts: QBER = e_d."""
    assert signal_gain(0.5, 0.0, GYS_2004) == pytest.approx(GYS_2004.dark_count_probability)
    assert signal_qber(0.5, 0.0, GYS_2004) == pytest.approx(0.5)
    clean = FibreQkdSystem(0.2, 1.0, 0.0, 0.02)
    assert signal_gain(0.5, 1.0, clean) == pytest.approx(1 - math.exp(-0.5))
    assert signal_qber(0.5, 1.0, clean) == pytest.approx(0.02)
    assert single_photon_error(1e-3, clean) == pytest.approx(0.02)


def test_vacuum_weak_bounds_are_tight_as_nu_goes_to_zero():
    """Ma et al.: with ν → 0 the bounds approach the true Y₁ = Y₀ + η and e₁."""
    eta = float(system_transmittance(40.0, GYS_2004))
    mu = 0.48
    y1_true = GYS_2004.dark_count_probability + eta
    e1_true = float(single_photon_error(eta, GYS_2004))
    previous_gap = math.inf
    for nu in (0.2, 0.1, 0.05, 0.01):
        bounds = vacuum_weak_decoy_bounds(
            mu,
            nu,
            float(signal_gain(mu, eta, GYS_2004)),
            float(signal_gain(nu, eta, GYS_2004)),
            float(signal_qber(nu, eta, GYS_2004)),
            GYS_2004.dark_count_probability,
        )
        assert bounds.y1_lower <= y1_true
        assert bounds.e1_upper >= e1_true
        gap = y1_true - bounds.y1_lower
        assert gap < previous_gap
        previous_gap = gap
    assert previous_gap / y1_true < 0.01


def test_gllp_rate_formula():
    rate = gllp_key_rate(1e-3, 0.03, 4e-4, 0.035, 1.22, 0.5)
    expected = 0.5 * (-1e-3 * 1.22 * binary_entropy(0.03) + 4e-4 * (1 - binary_entropy(0.035)))
    assert rate == pytest.approx(expected)


def test_key_rate_falls_with_distance_and_decoys_help():
    distances = np.array([0.0, 50.0, 100.0])
    infinite, _ = optimal_key_rate(distances, GYS_2004)
    weak, _ = optimal_key_rate(distances, GYS_2004, nu=0.1)
    assert np.all(np.diff(infinite) < 0)
    assert np.all(weak <= infinite)
    assert np.all(key_rate_per_pulse(distances, GYS_2004, mu=0.48) <= infinite * (1 + 1e-12))


@pytest.mark.parametrize("eta", [1e-6, 1e-3, 0.01, 0.5, 0.9])
def test_plob_bound_values(eta):
    assert plob_bound(eta) == pytest.approx(-math.log2(1 - eta))


def test_plob_bound_physics_md_value_and_small_loss_limit():
    """physics.md F12: 100 km at 0.2 dB/km, η = 0.01 → 0.0145 bits/use; ≈ 1.44 η for η ≪ 1."""
    assert plob_bound(channel_transmittance(100.0, 0.2)) == pytest.approx(0.0145, abs=5e-5)
    assert plob_bound(1e-6) == pytest.approx(1e-6 / math.log(2), rel=1e-6)
    assert plob_bound(1.0) == math.inf
    with pytest.raises(QkdParameterError, match=r"transmittance must be in the interval \[0, 1\]"):
        plob_bound(1.5)


def test_decoy_rate_stays_below_plob():
    distances = np.linspace(0, 140, 29)
    rate, _ = optimal_key_rate(distances, GYS_2004)
    bound = plob_bound(channel_transmittance(distances, GYS_2004.fibre_loss_db_per_km))
    assert np.all(rate < bound)


def exponential(rate_at_0: float, db_per_km: float):
    return lambda d: rate_at_0 * 10 ** (-db_per_km * np.asarray(d) / 10)


def test_crossover_of_exponential_curves_is_exact():
    """direct 10^{−0.02L}, repeater 10^{−3−0.01L}: equal at L = 300 km."""
    direct, repeater = exponential(1.0, 0.2), exponential(1e-3, 0.1)
    grid = np.linspace(0, 500, 26)
    assert crossover_distance(repeater, direct, grid) == pytest.approx(300.0, abs=1e-6)
    assert crossover_distance(repeater(grid), direct(grid), grid) == pytest.approx(300.0)


def test_crossover_edge_cases():
    grid = np.linspace(0, 100, 11)
    ahead, behind = np.full(11, 2.0), np.full(11, 1.0)
    assert crossover_distance(ahead, behind, grid) == 0.0
    assert crossover_distance(behind, ahead, grid) is None
    direct_dies = np.where(grid < 55, 1.0, 0.0)
    assert crossover_distance(np.full(11, 0.1), direct_dies, grid) == 60.0
    with pytest.raises(QkdParameterError, match="strictly increasing"):
        crossover_distance(ahead, behind, grid[::-1])
    with pytest.raises(QkdParameterError, match="one rate per distance"):
        crossover_distance(ahead[:5], behind, grid)


def test_crossover_of_decoy_bb84_and_a_sqrt_eta_curve():
    """A √η-scaling curve overtakes the direct decoy-BB84 curve where their logs meet."""
    grid = np.linspace(0, 200, 201)

    def direct(d: np.ndarray) -> np.ndarray:
        return optimal_key_rate(d, GYS_2004)[0]

    def repeater(d: np.ndarray) -> np.ndarray:
        return 1e-4 * np.sqrt(system_transmittance(d, GYS_2004))

    crossing = crossover_distance(repeater, direct, grid)
    assert crossing is not None
    assert repeater(np.array([crossing]))[0] == pytest.approx(
        direct(np.array([crossing]))[0], rel=1e-3
    )


def test_intensities_and_system_validation():
    with pytest.raises(QkdParameterError, match="p_signal must be in the closed interval"):
        DecoyIntensities(0.5, 0.1, p_signal=1.2)
    with pytest.raises(QkdParameterError, match="p_signal \\+ p_decoy must be at most 1"):
        DecoyIntensities(0.5, 0.1, p_signal=0.7, p_decoy=0.5)
    with pytest.raises(QkdParameterError, match="decoy must be smaller than signal"):
        DecoyIntensities(0.1, 0.5)
    with pytest.raises(QkdParameterError, match=r"misalignment_error must be in the interval"):
        FibreQkdSystem(0.2, 0.1, 1e-6, 0.7)
    with pytest.raises(QkdParameterError, match="ec_efficiency"):
        FibreQkdSystem(0.2, 0.1, 1e-6, 0.01, ec_efficiency=0.9)
    with pytest.raises(QkdParameterError, match="detector_efficiency"):
        FibreQkdSystem(0.2, 0.0, 1e-6, 0.01)


def test_pulse_by_pulse_and_count_samplers_agree_with_the_model():
    """Per-class gains and QBERs of both samplers within 4.5 standard errors of Q_μ, E_μ."""
    intensities = DecoyIntensities(0.5, 0.1, p_signal=0.6, p_decoy=0.3)
    noisy = FibreQkdSystem(0.2, 0.1, 1e-3, 0.03)  # large Y₀ so vacuum pulses click enough
    distance = 20.0
    eta = float(system_transmittance(distance, noisy))
    records = simulate_wcp_records(
        1_000_000, distance, noisy, intensities, np.random.default_rng(1)
    )
    counts_a = records.counts()
    counts_b = simulate_wcp_counts(
        1_000_000, distance, noisy, intensities, np.random.default_rng(2)
    )
    for counts in (counts_a, counts_b):
        assert sum(counts.sent) == 1_000_000
        for cls, mean in enumerate(intensities.means):
            q = float(signal_gain(mean, eta, noisy))
            e = float(signal_qber(mean, eta, noisy))
            assert abs(counts.gain(cls) - q) < 4.5 * math.sqrt(q * (1 - q) / counts.sent[cls])
            assert abs(counts.qber(cls) - e) < 4.5 * math.sqrt(e * (1 - e) / counts.sifted[cls])
            detected = counts.detected[cls]
            assert abs(counts.sifted[cls] / detected - 0.5) < 4.5 * math.sqrt(0.25 / detected)


def test_records_give_a_sifted_signal_key_with_the_model_qber():
    intensities = DecoyIntensities(0.5, 0.1)
    records = simulate_wcp_records(400_000, 5.0, GYS_2004, intensities, np.random.default_rng(4))
    key = records.signal_sifted_key()
    assert len(key) == records.counts().sifted[0]
    e = float(signal_qber(0.5, system_transmittance(5.0, GYS_2004), GYS_2004))
    assert abs(key.error_rate - e) < 4.5 * math.sqrt(e * (1 - e) / len(key))


def test_plot_writes_a_reproducible_png(tmp_path):
    distances = np.linspace(0, 150, 31)
    rate, _ = optimal_key_rate(distances, GYS_2004)
    curves = {"decoy BB84 (infinite decoys)": rate}
    first = plot_key_rate_vs_distance(tmp_path / "a.png", distances, curves, 0.21, crossover_km=60)
    second = plot_key_rate_vs_distance(tmp_path / "b.png", distances, curves, 0.21, crossover_km=60)
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert first.read_bytes() == second.read_bytes()
    with pytest.raises(QkdParameterError, match=r"\.png"):
        plot_key_rate_vs_distance(tmp_path / "a.pdf", distances, curves)
