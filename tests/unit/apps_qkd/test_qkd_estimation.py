"""Parameter estimation: the disclosed sample, per-basis counts and the Serfling bound."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.apps.qkd import QkdParameterError, SiftedKey, estimate_parameters, sampling_deviation


def sifted(n: int, qber: float, seed: int) -> SiftedKey:
    rng = np.random.default_rng(seed)
    alice = rng.integers(0, 2, n, dtype=np.uint8)
    errors = (rng.random(n) < qber).astype(np.uint8)
    return SiftedKey(alice, alice ^ errors, rng.integers(0, 2, n, dtype=np.uint8))


def test_sampling_deviation_is_tomamichel_mu():
    n, k, eps = 10_000, 1_000, 1e-10
    expected = math.sqrt((n + k) / (n * k) * (k + 1) / k * math.log(2 / eps))
    assert sampling_deviation(n, k, eps) == pytest.approx(expected, rel=1e-15)
    # By hand: 11000/1e7 · 1001/1000 · ln(2e10) = 1.1011e-3 · 23.719 = 0.026117 → μ = 0.16161.
    assert sampling_deviation(n, k, eps) == pytest.approx(0.16161, abs=1e-5)
    assert sampling_deviation(0, k, eps) == math.inf
    assert sampling_deviation(n, 0, eps) == math.inf


@pytest.mark.parametrize("eps", [0.0, 1.0, -1e-3, 2.0])
def test_sampling_deviation_rejects_eps_outside_open_unit_interval(eps):
    with pytest.raises(QkdParameterError, match=r"eps must be in the open interval \(0, 1\)"):
        sampling_deviation(10, 10, eps)


def test_sample_is_removed_and_counted_per_basis():
    key = sifted(10_000, 0.05, seed=1)
    estimate, rest = estimate_parameters(key, 0.1, np.random.default_rng(2))
    assert estimate.sample_size == 1_000
    assert len(rest) == 9_000
    assert sum(estimate.sample_per_basis) == 1_000
    assert estimate.key_per_basis == (
        int(np.count_nonzero(rest.basis == 0)),
        int(np.count_nonzero(rest.basis == 1)),
    )
    # The errors of sample + remainder add up to the errors of the sifted key, per basis.
    for b in (0, 1):
        total = np.count_nonzero((key.alice != key.bob) & (key.basis == b))
        remaining = np.count_nonzero((rest.alice != rest.bob) & (rest.basis == b))
        assert estimate.errors_per_basis[b] + remaining == total
    assert estimate.qber == pytest.approx(sum(estimate.errors_per_basis) / 1_000)


def test_remaining_key_keeps_order_of_unsampled_bits():
    n = 1_000
    alice = np.arange(n) % 2
    key = SiftedKey(alice, alice, np.zeros(n, np.uint8))
    _, rest = estimate_parameters(key, 0.3, np.random.default_rng(9))
    # Alternating input stays alternating only where neighbours survived; check a subsequence
    # property instead: the rest is the input with some positions deleted (greedy match).
    it = iter(alice)
    assert all(any(bit == a for a in it) for bit in rest.alice)


def test_same_seed_same_sample():
    key = sifted(5_000, 0.02, seed=3)
    first = estimate_parameters(key, 0.2, np.random.default_rng(7))
    second = estimate_parameters(key, 0.2, np.random.default_rng(7))
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1].bob, second[1].bob)


@pytest.mark.parametrize("fraction", [0.0, 1.0, 1.2, -0.5])
def test_sample_fraction_outside_open_unit_interval_is_refused(fraction):
    with pytest.raises(QkdParameterError, match="sample_fraction must be in the open interval"):
        estimate_parameters(sifted(100, 0.0, 1), fraction, np.random.default_rng(1))


def test_upper_bound_holds_with_at_least_the_stated_confidence():
    """Serfling: Pr[λ_key ≥ λ + μ] ≤ ε. Over 2000 random samples the bound fails in at most a
    fraction ε of them. The same trials show the check has teeth: a naive one-standard-error
    margin √(λ(1 − λ)/k) fails in more than ε of them."""
    rng = np.random.default_rng(12)
    n_total, k, eps = 400, 40, 0.05
    errors = np.zeros(n_total, dtype=np.uint8)
    errors[:40] = 1  # 10 % errors overall
    key = SiftedKey(np.zeros(n_total, np.uint8), errors, np.zeros(n_total, np.uint8))
    failures = naive_failures = 0
    trials = 2_000
    for _ in range(trials):
        estimate, rest = estimate_parameters(key, k / n_total, rng)
        observed = estimate.observed(0)
        failures += rest.error_rate > estimate.upper_bound(0, len(rest), eps)
        naive_failures += rest.error_rate > observed + math.sqrt(observed * (1 - observed) / k)
    assert failures / trials <= eps
    assert naive_failures / trials > eps


def test_upper_bound_without_sample_is_one_half():
    key = SiftedKey(np.zeros(10, np.uint8), np.zeros(10, np.uint8), np.zeros(10, np.uint8))
    estimate, _ = estimate_parameters(key, 0.5, np.random.default_rng(1))
    assert estimate.sample_per_basis[1] == 0
    assert math.isnan(estimate.observed(1))
    assert estimate.upper_bound(1, 5, 0.01) == 0.5
