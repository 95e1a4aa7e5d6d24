"""The repeater figure's points: measured through the stack, combined with stated formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.analysis.key_rate import (
    KeyRatePoint,
    best_point,
    direct_rates_bps,
    key_rate_scenario,
    run_point,
    wilson_interval,
)
from qnetstack.apps.qkd import binary_entropy
from qnetstack.apps.qkd.decoy import GYS_2004, optimal_key_rate
from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import Simulation, parse_scenario

REGISTRY = PluginRegistry.from_entry_points()
PRESET = "near_future_10x_coopmans2021"


def test_wilson_interval_matches_the_textbook_values() -> None:
    # Wilson 95 % (z = 1.96): 0/10 -> [0, 0.2775], 10/100 -> [0.0552, 0.1744] (Agresti & Coull 1998)
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=5e-5)
    assert wilson_interval(10, 100) == pytest.approx((0.0552, 0.1744), abs=5e-5)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_direct_references_are_decoy_bb84_and_plob_at_the_pulse_rate() -> None:
    decoy, plob = direct_rates_bps([100.0], 1e9)
    # PLOB: -log2(1 - eta), eta = 10^(-0.21 * 100 / 10) = 10^-2.1
    eta = 10 ** (-2.1)
    assert plob[0] == pytest.approx(-math.log2(1 - eta) * 1e9, rel=1e-12)
    per_pulse, _ = optimal_key_rate(np.array([100.0]), GYS_2004)
    assert decoy[0] == pytest.approx(per_pulse[0] * 1e9, rel=1e-12)
    assert 0 < decoy[0] < plob[0]


def test_a_point_is_the_runs_pair_rate_sifting_and_sample_errors() -> None:
    point = run_point(PRESET, 1, 50.0, 0.9, 600, seed=3, registry=REGISTRY)
    data = key_rate_scenario(PRESET, 1, 50.0, 0.9, 600, seed=3)
    assert data["topology"] == {"kind": "chain", "nodes": 3, "spacing_km": 25.0}
    request = Simulation(parse_scenario(data, REGISTRY), REGISTRY).run()["requests"][0]
    qkd = request["qkd"]
    assert point.delivered == request["delivered"] == 600
    assert point.pair_rate_hz == request["rate_hz"]
    assert point.sifted_fraction == qkd["sifted_bits"] / 600
    assert 0.4 < point.sifted_fraction < 0.6  # random Z/X bases at both ends
    z, x = qkd["qber_per_basis"]["Z"], qkd["qber_per_basis"]["X"]
    assert point.qber_z == z["errors"] / z["sample_bits"]
    assert point.qber_x == x["errors"] / x["sample_bits"]
    fraction = max(0.0, 1 - binary_entropy(point.qber_z) - binary_entropy(point.qber_x))
    assert point.key_fraction == pytest.approx(fraction)
    assert point.secret_key_rate_bps == pytest.approx(
        point.pair_rate_hz * point.sifted_fraction * fraction
    )
    lo, hi = point.ci95_bps
    assert lo <= point.secret_key_rate_bps <= hi
    # the QBERs come from pairs of the fidelity the run measured: mean QBER ≈ 2(1 − F)/3 plus
    # readout error, within the sample's statistics (A14 checks this tightly)
    assert point.fidelity is not None
    mean_qber = (point.qber_z + point.qber_x) / 2
    assert abs(mean_qber - 2 * (1 - point.fidelity) / 3) < 0.08


def test_an_impossible_target_gives_no_pairs_and_the_best_point_skips_it() -> None:
    refused = run_point(PRESET, 0, 50.0, 0.999, 100, registry=REGISTRY)
    assert refused.delivered == 0
    assert refused.secret_key_rate_bps == 0
    assert "UNSUPPORTED" in refused.error
    best = best_point(PRESET, 0, 50.0, [0.999, 0.9], 400, registry=REGISTRY)
    assert best.min_fidelity == 0.9
    assert best.secret_key_rate_bps > 0
    assert isinstance(best, KeyRatePoint)
    assert best.to_json()["ci95_bps"] == list(best.ci95_bps)
