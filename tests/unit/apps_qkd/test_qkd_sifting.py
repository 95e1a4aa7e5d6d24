"""Sifting (BB84/BBM92), basis choices and Werner-pair measurement records."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.apps.qkd import (
    BASIS_ANGLES_RAD,
    QkdParameterError,
    SiftedKey,
    joint_outcome_probabilities,
    measure_pairs,
    random_bases,
    sift,
)
from qnetstack.quantum import DensityMatrix


def test_sift_keeps_matching_bases_in_order():
    key = sift([0, 1, 1, 0, 1], [1, 0, 1, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 0, 0])
    np.testing.assert_array_equal(key.alice, [1, 1, 0])
    np.testing.assert_array_equal(key.bob, [1, 1, 0])
    np.testing.assert_array_equal(key.basis, [0, 1, 1])


def test_sift_drops_undetected_rounds():
    key = sift([0, 0, 1], [1, 0, 1], [0, 0, 1], [1, 1, 1], detected=np.array([True, False, True]))
    np.testing.assert_array_equal(key.alice, [1, 1])
    np.testing.assert_array_equal(key.basis, [0, 1])


def test_sift_keeps_about_half_of_random_rounds():
    rng = np.random.default_rng(3)
    n = 100_000
    key = sift(random_bases(n, rng), rng.integers(0, 2, n), random_bases(n, rng), np.zeros(n, int))
    # Binomial(n, 1/2): 4 standard deviations = 632.
    assert abs(len(key) - n / 2) < 4 * math.sqrt(n / 4)


@pytest.mark.parametrize("p_z", [0.0, 0.3, 1.0])
def test_random_bases_probability(p_z):
    bases = random_bases(50_000, np.random.default_rng(1), p_z=p_z)
    assert abs(np.mean(bases == 0) - p_z) < 4 * math.sqrt(0.25 / 50_000)


@pytest.mark.parametrize("p_z", [-0.1, 1.5, math.nan])
def test_random_bases_rejects_probability_outside_unit_interval(p_z):
    with pytest.raises(QkdParameterError, match="p_z"):
        random_bases(10, np.random.default_rng(1), p_z=p_z)


def test_sift_rejects_mismatched_lengths_naming_them():
    with pytest.raises(QkdParameterError, match=r"alice_bases=3.*bob_bits=2"):
        sift([0, 1, 0], [1, 1, 0], [0, 1, 0], [1, 0])


def test_sift_rejects_non_binary_values():
    with pytest.raises(QkdParameterError, match="alice_bits"):
        sift([0, 1], [2, 0], [0, 1], [1, 0])
    with pytest.raises(QkdParameterError, match="bob_bases"):
        sift([0, 1], [1, 0], [0, 3], [1, 0])


def test_sifted_key_checks_its_arrays():
    with pytest.raises(QkdParameterError, match="equal lengths"):
        SiftedKey(np.zeros(3, np.uint8), np.zeros(2, np.uint8), np.zeros(3, np.uint8))


@pytest.mark.parametrize("fidelity", [1.0, 0.9, 0.7])
def test_joint_probabilities_of_werner_pairs_match_closed_form(fidelity):
    """E(θa, θb) = w cos(θa − θb) with w = (4F − 1)/3, marginals ½ (module docstring)."""
    state = DensityMatrix.werner(fidelity)
    w = (4 * fidelity - 1) / 3
    for theta_a, theta_b in [
        (0.0, 0.0),
        (math.pi / 2, math.pi / 2),
        (0.0, math.pi / 4),
        (1.0, 2.5),
    ]:
        p = joint_outcome_probabilities(state, theta_a, theta_b)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        assert p[0] + p[1] == pytest.approx(0.5, abs=1e-12)
        assert (p[0] + p[3]) - (p[1] + p[2]) == pytest.approx(w * math.cos(theta_a - theta_b))


def test_measure_pairs_samples_the_werner_error_rate():
    rng = np.random.default_rng(11)
    n = 200_000
    alice_bases, bob_bases = random_bases(n, rng), random_bases(n, rng)
    angles = np.asarray(BASIS_ANGLES_RAD)
    a, b = measure_pairs(DensityMatrix.werner(0.85), angles[alice_bases], angles[bob_bases], rng)
    key = sift(alice_bases, a, bob_bases, b)
    expected = 2 * (1 - 0.85) / 3
    sigma = math.sqrt(expected * (1 - expected) / len(key))
    assert abs(key.error_rate - expected) < 4 * sigma
    mismatched = alice_bases != bob_bases
    assert abs(np.mean(a[mismatched] != b[mismatched]) - 0.5) < 0.01


def test_measure_pairs_is_deterministic_under_a_seed():
    angles = np.zeros(1000)
    state = DensityMatrix.werner(0.8)
    first = measure_pairs(state, angles, angles, np.random.default_rng(5))
    second = measure_pairs(state, angles, angles, np.random.default_rng(5))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_measure_pairs_rejects_wrong_states_and_lengths():
    with pytest.raises(QkdParameterError, match="two-qubit"):
        measure_pairs(DensityMatrix.zero(1), [0.0], [0.0], np.random.default_rng(1))
    with pytest.raises(QkdParameterError, match="equal lengths"):
        measure_pairs(DensityMatrix.werner(0.9), [0.0, 1.0], [0.0], np.random.default_rng(1))
