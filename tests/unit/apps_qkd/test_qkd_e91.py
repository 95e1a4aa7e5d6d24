"""E91: setting table, sifting, CHSH estimate and its convention."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.apps.qkd import (
    E91_ALICE_ANGLES_RAD,
    E91_BOB_ANGLES_RAD,
    E91_KEY_BASIS_OVERLAP,
    QkdParameterError,
    chsh_from_correlators,
    correlator,
    e91_settings,
    e91_sift,
    measure_pairs,
)
from qnetstack.quantum import DensityMatrix


def run_e91(fidelity: float, n: int, seed: int):
    rng = np.random.default_rng(seed)
    alice_settings, bob_settings = e91_settings(n, rng)
    a, b = measure_pairs(
        DensityMatrix.werner(fidelity),
        np.asarray(E91_ALICE_ANGLES_RAD)[alice_settings],
        np.asarray(E91_BOB_ANGLES_RAD)[bob_settings],
        rng,
    )
    return e91_sift(alice_settings, a, bob_settings, b)


def test_chsh_from_correlators_puts_the_minus_on_the_last_term():
    assert chsh_from_correlators(1, 1, 1, -1) == 4
    assert chsh_from_correlators(0.5, 0.25, 0.125, 1.0) == pytest.approx(-0.125)
    c = 1 / math.sqrt(2)
    assert chsh_from_correlators(c, c, c, -c) == pytest.approx(2 * math.sqrt(2))


def test_correlator_is_one_minus_twice_the_disagreement():
    assert correlator([0, 1, 1, 0], [0, 1, 0, 0]) == pytest.approx(0.5)
    assert math.isnan(correlator([], []))


def test_e91_settings_are_uniform_over_three():
    alice, bob = e91_settings(90_000, np.random.default_rng(2))
    for settings in (alice, bob):
        counts = np.bincount(settings, minlength=3)
        assert np.all(np.abs(counts - 30_000) < 4 * math.sqrt(90_000 * (1 / 3) * (2 / 3)))


def test_e91_on_perfect_pairs_gives_identical_keys_and_tsirelson_value():
    result = run_e91(1.0, 90_000, seed=4)
    assert len(result.sifted) > 0
    np.testing.assert_array_equal(result.sifted.alice, result.sifted.bob)
    # 2/9 of rounds give key: Binomial(n, 2/9) within 4 sigma.
    assert abs(len(result.sifted) - 20_000) < 4 * math.sqrt(90_000 * 2 / 9 * 7 / 9)
    assert abs(result.chsh - 2 * math.sqrt(2)) < 4 * result.chsh_std_error
    assert result.chsh_std_error < 0.02


def test_e91_chsh_of_werner_state_matches_a16_closed_form():
    """S = 2√2 (4F − 1)/3 (physics.md F13); F = 0.92 → 2.527."""
    result = run_e91(0.92, 150_000, seed=8)
    expected = 2 * math.sqrt(2) * (4 * 0.92 - 1) / 3
    assert abs(result.chsh - expected) < 4 * result.chsh_std_error
    assert sum(result.chsh_rounds) == pytest.approx(150_000 * 4 / 9, rel=0.03)


def test_e91_separable_state_does_not_violate_chsh():
    result = run_e91(0.5, 60_000, seed=1)  # F = 1/2 Werner state is separable
    assert result.chsh < 2 + 4 * result.chsh_std_error
    assert abs(result.chsh - 2 * math.sqrt(2) / 3) < 4 * result.chsh_std_error


def test_e91_key_basis_labels_and_overlap():
    result = e91_sift([1, 2, 0, 2], [1, 0, 1, 1], [0, 1, 0, 2], [1, 0, 0, 0])
    np.testing.assert_array_equal(result.sifted.basis, [0, 1])
    np.testing.assert_array_equal(result.sifted.alice, [1, 0])
    assert pytest.approx(math.cos(math.pi / 8) ** 2) == E91_KEY_BASIS_OVERLAP


def test_e91_rejects_bad_settings():
    with pytest.raises(QkdParameterError, match="alice_settings"):
        e91_sift([3], [0], [0], [0])
    with pytest.raises(QkdParameterError, match="equal lengths"):
        e91_sift([0, 1], [0, 1], [0], [0])
