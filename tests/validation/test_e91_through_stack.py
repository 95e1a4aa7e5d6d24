"""E91 through the stack: key and CHSH value from the same rotated measurements.

Werner pairs from the EGP on the depolarising platform (which heralds Ψ⁺ or Ψ⁻ at random, so
the Pauli-frame correction of :func:`~qnetstack.apps.qkd.e91_frame_correction` is exercised on
every pair); each end measures right after emission along one of its three E91 directions
(``measure_basis: e91``), drawn by its own link layer. The ``bbm92`` app (protocol E91) runs
the protocol over the classical channel (the ``direct`` network layer under it); the figures
checked are the ones it discloses: the CHSH rounds (all of them), the parameter-estimation
sample of the key rounds.

Targets (analytic; validation.md A16 for S):

* every correlator E(θ_A, θ_B) = (4F − 1)/3 · cos(θ_A − θ_B) (Werner state in the Φ⁺ frame);
* S = 2√2 (4F − 1)/3, F = 0.92 → 2.52673, tolerance 3 standard errors; the sign is Ekert's
  combination E(X, π/4) + E(X, 3π/4) + E(Z, π/4) − E(Z, 3π/4), positive for Φ⁺;
* at F = 1 the two ends' key bits agree on every matched round (QBER 0) and S = 2√2;
* the key-basis error rate is 2(1 − F)/3 and, at high F, the asymptotic key fraction
  q − 2h(Q) with q = −log₂ cos²(π/8) is positive.
"""

from __future__ import annotations

import math

import pytest

from helpers_measured import werner_measure_scenario
from qnetstack.apps.qkd import E91_PREPARATION_QUALITY
from qnetstack.scenario import parse_scenario
from qnetstack.scenario.simulation import Simulation

PAIRS = 6000
QKD = {"protocol": "e91", "epsilon_sec": 1e-6, "epsilon_cor": 1e-9, "sample_fraction": 0.5}


def e91_scenario(fidelity: float, pairs: int = PAIRS) -> dict[str, object]:
    return werner_measure_scenario(
        f"e91-werner-{fidelity}", 91, fidelity, pairs, basis="e91", success_probability=0.5,
        chsh=True, qkd=QKD,
    )  # fmt: skip


def run(fidelity: float, registry, pairs: int = PAIRS):
    simulation = Simulation(parse_scenario(e91_scenario(fidelity, pairs), registry), registry)
    result = simulation.run()
    assert result["failure"] is None
    request = result["requests"][0]
    assert request["delivered"] == pairs
    return request


def h2(p: float) -> float:
    return 0.0 if p in (0.0, 1.0) else -p * math.log2(p) - (1 - p) * math.log2(1 - p)


@pytest.fixture(scope="module")
def werner_092():
    from qnetstack.runtime import PluginRegistry

    registry = PluginRegistry.from_entry_points()
    return run(0.92, registry)


def test_werner_092_chsh_matches_the_analytic_value(werner_092, record_validation):
    request = werner_092
    chsh = request["chsh"]
    expected = 2 * math.sqrt(2) * (4 * 0.92 - 1) / 3
    assert expected == pytest.approx(2.52673, abs=1e-5)
    record_validation(
        "A16",
        expected,
        chsh["s"],
        3 * chsh["s_std_error"],
        quantity="S (3σ)",
        case="stack, E91 rotated settings, F = 0.92",
    )
    assert abs(chsh["s"] - expected) < 3 * chsh["s_std_error"]
    assert chsh["s_std_error"] < 0.08  # the violation is resolved
    assert chsh["violation"] is True
    assert request["qkd"]["chsh"] == chsh  # the same measurements feed both entries


def test_werner_092_each_correlator_is_the_werner_cosine(werner_092):
    request = werner_092
    visibility = (4 * 0.92 - 1) / 3
    for entry in request["chsh"]["correlators"].values():
        expected = visibility * math.cos(entry["alice_angle_rad"] - entry["bob_angle_rad"])
        sigma = math.sqrt((1 - expected**2) / entry["pairs"])
        assert abs(entry["value"] - expected) < 4 * sigma
        assert entry["pairs"] > PAIRS / 9 * 0.8  # each of the nine setting pairs ~ 1/9


def test_werner_092_key_error_rate_is_the_werner_qber(werner_092):
    request = werner_092
    qkd = request["qkd"]
    assert qkd["protocol"] == "e91"
    n = qkd["sifted_bits"]
    assert abs(n - 2 * PAIRS / 9) < 4 * math.sqrt(PAIRS * 2 / 9 * 7 / 9)  # 2/9 of the rounds
    expected = 2 * (1 - 0.92) / 3
    sample = qkd["sample_bits"]
    assert sample > n / 3  # sample_fraction 0.5 of the key rounds
    measured = qkd["qber"]
    assert abs(measured - expected) < 3 * math.sqrt(expected * (1 - expected) / sample)
    # A Werner pair of F = 0.92 gives no E91 key: q − 2h(Q) < 0 already asymptotically.
    assert qkd["asymptotic_key_fraction"] < 0
    assert qkd["final_key_length"] == 0


def test_perfect_pairs_give_identical_key_bits_and_maximal_violation(registry):
    request = run(1.0, registry, pairs=3000)
    qkd = request["qkd"]
    assert qkd["sifted_bits"] > 500
    assert qkd["qber"] == 0.0  # no error on either matched setting
    assert all(basis["sample_bits"] > 0 for basis in qkd["qber_per_basis"].values())
    assert all(basis["errors"] == 0 for basis in qkd["qber_per_basis"].values())
    chsh = request["chsh"]
    for entry in chsh["correlators"].values():  # |E| = cos(π/4) exactly in expectation
        assert abs(abs(entry["value"]) - math.sqrt(0.5)) < 4 * math.sqrt(0.5 / entry["pairs"])
    assert abs(chsh["s"] - 2 * math.sqrt(2)) < 3 * chsh["s_std_error"]


def test_high_fidelity_has_a_positive_asymptotic_key_fraction(registry):
    """At F = 0.99 the key-basis QBER (2(1 − F)/3 ≈ 0.7 %) leaves q − 2h(Q) > 0.

    The finite-key length of the runner stays 0 at this size: with q ≈ 0.228 the sampling
    deviation of Tomamichel et al.'s bound needs ~10⁵ sifted bits (~4·10⁵ pairs), beyond a
    unit-test budget.
    """
    request = run(0.99, registry, pairs=3000)
    qkd = request["qkd"]
    expected_q = 2 * (1 - 0.99) / 3
    assert E91_PREPARATION_QUALITY - 2 * h2(expected_q) > 0.1
    assert qkd["qber"] < 0.03
    assert qkd["asymptotic_key_fraction"] == pytest.approx(
        E91_PREPARATION_QUALITY - 2 * h2(qkd["qber"]), abs=1e-12
    )
    assert qkd["asymptotic_key_fraction"] > 0


def test_the_chsh_app_measures_s_with_e91_settings(registry, record_validation):
    """``chsh: true`` without ``qkd``: the ``chsh`` app brings every round's records together."""
    data = werner_measure_scenario(
        "e91-chsh-app", 92, 0.92, PAIRS, basis="e91", success_probability=0.5, chsh=True
    )
    result = Simulation(parse_scenario(data, registry), registry).run()
    chsh = result["requests"][0]["chsh"]
    expected = 2 * math.sqrt(2) * (4 * 0.92 - 1) / 3
    record_validation(
        "A16", expected, chsh["s"], 3 * chsh["s_std_error"], quantity="S (3σ)",
        case="stack, chsh app, E91 settings, F = 0.92",
    )  # fmt: skip
    assert abs(chsh["s"] - expected) < 3 * chsh["s_std_error"]
    assert chsh["rounds"] == PAIRS
    assert chsh["both_ends_agree"] is True
    assert sum(term["pairs"] for term in chsh["correlators"].values()) > 4 * PAIRS / 9 * 0.9
