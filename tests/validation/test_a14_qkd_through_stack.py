"""A14 through the stack: BBM92 on Werner pairs delivered by the EGP on the depolarising platform.

Target (validation.md A14): QBER = 2(1 − F)/3 and the asymptotic key fraction 1 − 2h(Q), zero at
Q = 11 % (F = 0.835). The pairs go through the whole stack (station, physical layer, EGP,
measure-directly at emission, OKs at both ends, Pauli-frame correction of the announced Ψ±) and
the ``bbm92`` app's post-processing conversation over the classical channel (sifting, the
disclosed sample, Cascade, verification, privacy amplification). The error rate checked is the
sample's, the only one the protocol discloses. Tolerance: 3 binomial standard deviations.
"""

from __future__ import annotations

import math

import pytest

from helpers_measured import werner_measure_scenario
from qnetstack.scenario import parse_scenario
from qnetstack.scenario.simulation import run_scenario

PAIRS = 8000
QKD = {"epsilon_sec": 1e-6, "epsilon_cor": 1e-9, "sample_fraction": 0.5}


def werner_qkd(fidelity: float) -> dict[str, object]:
    return werner_measure_scenario(f"a14-werner-{fidelity}", 14, fidelity, PAIRS, qkd=QKD)


@pytest.fixture(scope="module", params=[0.97, 0.835], ids=["F=0.97", "F=0.835"])
def run(request):
    from qnetstack.runtime import PluginRegistry

    registry = PluginRegistry.from_entry_points()
    fidelity = request.param
    result = run_scenario(parse_scenario(werner_qkd(fidelity), registry), registry)
    assert result["failure"] is None
    return fidelity, result["requests"][0]


def h2(p: float) -> float:
    return 0.0 if p in (0.0, 1.0) else -p * math.log2(p) - (1 - p) * math.log2(1 - p)


def test_qber_of_the_disclosed_sample_is_two_thirds_of_the_infidelity(run, record_validation):
    fidelity, request = run
    expected = 2 * (1 - fidelity) / 3
    per_basis = request["qkd"]["qber_per_basis"]
    n = per_basis["Z"]["sample_bits"] + per_basis["X"]["sample_bits"]
    errors = per_basis["Z"]["errors"] + per_basis["X"]["errors"]
    sigma = math.sqrt(expected * (1 - expected) / n)
    record_validation(
        "A14", expected, errors / n, 3 * sigma, quantity="QBER (3σ)", case=f"stack, F = {fidelity}"
    )
    assert abs(errors / n - expected) < 3 * sigma
    # Half the pairs are sifted (equal bases), and every pair reached the app.
    sifted = request["qkd"]["sifted_bits"]
    assert abs(sifted - PAIRS / 2) < 4 * math.sqrt(PAIRS / 4)
    assert request["qkd"]["raw_pairs"] == PAIRS


def test_sample_estimate_and_key_fraction(run):
    fidelity, request = run
    qkd = request["qkd"]
    expected = 2 * (1 - fidelity) / 3
    measured = qkd["qber"]
    sigma = math.sqrt(expected * (1 - expected) / qkd["sample_bits"])
    assert abs(measured - expected) < 3 * sigma
    assert qkd["asymptotic_key_fraction"] == pytest.approx(1 - 2 * h2(measured), abs=1e-12)
    # The analytic fraction at F lies within the fraction's 3σ band around the measurement.
    lo = 1 - 2 * h2(min(0.5, measured + 3 * sigma))
    hi = 1 - 2 * h2(max(0.0, measured - 3 * sigma))
    assert lo < 1 - 2 * h2(expected) < hi


def test_finite_key_outcome(run):
    fidelity, request = run
    qkd = request["qkd"]
    if fidelity == 0.835:  # Q = 11 %: the asymptotic fraction vanishes, no finite key
        assert 1 - 2 * h2(2 * (1 - fidelity) / 3) == pytest.approx(0.0, abs=2e-3)
        assert qkd["success"] is False
        assert qkd["failure"] == "no_secret_key"
        assert qkd["final_key_length"] == 0
        return
    assert qkd["success"] is True
    assert qkd["final_key_length"] > 0
    assert qkd["keys_match"] is True
    assert qkd["key_digest_alice"] == qkd["key_digest_bob"]
    assert qkd["leak_ec_bits"] > 0
    duration_s = request["delivered"] / request["rate_hz"]
    assert qkd["key_rate_bps"] == pytest.approx(qkd["final_key_length"] / duration_s, rel=1e-9)
