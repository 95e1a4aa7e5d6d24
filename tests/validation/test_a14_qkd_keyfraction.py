"""Validation target A14: BBM92 key fraction on Werner pairs, r = 1 − 2h(Q), zero at Q = 11 %.

validation.md A14 [D]: QBER = 2(1−F)/3; F = 0.9 → Q = 0.0667, key fraction 0.2933; zero key at
Q = 0.1100 ⇔ F = 0.8350; tolerance 1e-4 (Monte-Carlo: within 3 standard errors).

The error rates are not taken from the closed form: they come from the joint outcome
distribution of Z/Z and X/X measurements on ``DensityMatrix.werner(F)`` (exact) and from
sampled measurement records run through sifting and the post-processing pipeline (MC).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.apps.qkd import (
    BASIS_ANGLES_RAD,
    FailureReason,
    QkdRngs,
    asymptotic_key_fraction,
    binary_entropy,
    joint_outcome_probabilities,
    measure_pairs,
    random_bases,
    run_postprocessing,
    sift,
    zero_key_qber,
)
from qnetstack.quantum import DensityMatrix

TOLERANCE = 1e-4


def exact_qber(fidelity: float, basis: int) -> float:
    """P(a ≠ b) for both ends measuring ``basis`` on a Werner pair, from the density matrix."""
    angle = BASIS_ANGLES_RAD[basis]
    p = joint_outcome_probabilities(DensityMatrix.werner(fidelity), angle, angle)
    return float(p[1] + p[2])


def werner_sifted_key(fidelity: float, pairs: int, seed: int):
    rng = np.random.default_rng(seed)
    alice_bases, bob_bases = random_bases(pairs, rng), random_bases(pairs, rng)
    angles = np.asarray(BASIS_ANGLES_RAD)
    a, b = measure_pairs(
        DensityMatrix.werner(fidelity), angles[alice_bases], angles[bob_bases], rng
    )
    return sift(alice_bases, a, bob_bases, b)


def test_a14_qber_and_key_fraction_at_f_0_9_exact(record_validation):
    q_z, q_x = exact_qber(0.9, 0), exact_qber(0.9, 1)
    record_validation("A14", 0.0667, q_z, TOLERANCE, quantity="QBER at F = 0.9", case="DM")
    assert q_z == pytest.approx(0.0667, abs=TOLERANCE)
    assert q_x == pytest.approx(q_z, abs=1e-12)
    r = asymptotic_key_fraction(q_z, q_x)
    record_validation("A14", 0.2933, r, TOLERANCE, quantity="key fraction at F = 0.9", case="DM")
    assert r == pytest.approx(0.2933, abs=TOLERANCE)


def test_a14_zero_key_threshold_at_11_percent(record_validation):
    """r(Q) = 1 − 2h(Q) changes sign at Q = 0.1100 (±1e-4), i.e. F = 0.8350 (±1e-4)."""
    threshold = zero_key_qber()
    record_validation(
        "A14", 0.1100, threshold, TOLERANCE, quantity="zero-key QBER", case="1 − 2h(Q) = 0"
    )
    assert threshold == pytest.approx(0.1100, abs=TOLERANCE)
    assert asymptotic_key_fraction(0.1095) > 0 > asymptotic_key_fraction(0.1105)
    assert abs(asymptotic_key_fraction(0.1100)) < 2e-4  # exact threshold 0.11003
    low, high = 0.75, 1.0  # bisection on F with the density-matrix QBER
    while high - low > 1e-12:
        mid = 0.5 * (low + high)
        low, high = (mid, high) if exact_qber(mid, 0) > threshold else (low, mid)
    record_validation(
        "A14", 0.8350, 0.5 * (low + high), TOLERANCE, quantity="zero-key F", case="DM bisection"
    )
    assert 0.5 * (low + high) == pytest.approx(0.8350, abs=TOLERANCE)


def test_a14_monte_carlo_records_through_sifting(record_validation):
    """4·10⁵ Werner pairs (F = 0.9), random Z/X bases: sifted QBER and 1 − 2h(Q̂) within 3 SE."""
    key = werner_sifted_key(0.9, 400_000, seed=14)
    q_hat = key.error_rate
    q = 0.2 / 3
    se_q = math.sqrt(q * (1 - q) / len(key))
    record_validation(
        "A14", q, q_hat, 3 * se_q, quantity="QBER (MC, 3σ)", case=f"{len(key)} sifted bits"
    )
    assert abs(q_hat - q) < 3 * se_q
    slope = 2 * math.log2((1 - q) / q)  # |dr/dQ|
    assert abs(asymptotic_key_fraction(q_hat) - 0.2933) < 3 * slope * se_q + TOLERANCE


def test_a14_pipeline_produces_key_below_the_asymptotic_fraction():
    """Through the full post-processing (finite key, Cascade, PA), F = 0.9: a verified key whose
    length per key bit lies below 1 − 2h(Q) (no finite protocol beats it) and above
    1 − h(Q̄) − 1.25·h(Q̂), Q̄ the larger phase-error bound, 1.25 the worst Cascade efficiency
    the unit tests allow."""
    key = werner_sifted_key(0.9, 600_000, seed=1)
    result = run_postprocessing(key, QkdRngs.from_seed(2))
    assert result.success, result.message
    np.testing.assert_array_equal(result.key_alice, result.key_bob)
    assert result.estimate is not None
    n_key = sum(result.estimate.key_per_basis)
    rate = result.final_key_length / n_key
    asymptotic = 1 - 2 * binary_entropy(0.2 / 3)
    floor = 1 - binary_entropy(max(result.phase_error_bounds)) - 1.25 * binary_entropy(result.qber)
    assert floor < rate < asymptotic


def test_a14_no_key_above_the_threshold_at_any_size():
    """F = 0.83 → Q = 11.3 % > 11 %: the pipeline finds no secret key (here 5·10⁵ pairs; the
    early abort uses ideal leakage n·h(Q), so larger n cannot help)."""
    key = werner_sifted_key(0.83, 500_000, seed=3)
    result = run_postprocessing(key, QkdRngs.from_seed(4))
    assert result.failure is FailureReason.NO_SECRET_KEY
    assert result.qber > zero_key_qber()


@pytest.mark.parametrize("fidelity", [0.95, 0.9, 0.85])
def test_a14_key_fraction_curve_matches_werner_closed_form(fidelity):
    q = exact_qber(fidelity, 0)
    assert q == pytest.approx(2 * (1 - fidelity) / 3, abs=1e-9)
    assert asymptotic_key_fraction(q) == pytest.approx(1 - 2 * binary_entropy(q), abs=1e-12)
