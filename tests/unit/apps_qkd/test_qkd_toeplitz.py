"""Toeplitz hashing: against the explicit matrix product, linearity, verification tags."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.linalg import toeplitz

from qnetstack.apps.qkd import (
    QkdParameterError,
    toeplitz_hash,
    toeplitz_seed,
    verification_tag_length,
    verify_keys,
)

PROPERTY = settings(deadline=None, max_examples=80, suppress_health_check=[HealthCheck.too_slow])


def naive_hash(x: np.ndarray, seed: np.ndarray, m: int) -> np.ndarray:
    """Build T explicitly: first column s[n−1:], first row s[n−1], s[n−2], …, s[0]."""
    n = len(x)
    matrix = toeplitz(seed[n - 1 : n - 1 + m], seed[n - 1 :: -1])
    assert matrix.shape == (m, n)
    return (matrix.astype(np.int64) @ x.astype(np.int64)) % 2


@PROPERTY
@given(n=st.integers(1, 300), m=st.integers(1, 300), seed=st.integers(0, 2**32 - 1))
def test_hash_equals_the_explicit_matrix_product(n, m, seed):
    """Covers both code paths: row by row (m ≤ 64) and FFT (m > 64)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n, dtype=np.uint8)
    s = toeplitz_seed(n, m, rng)
    np.testing.assert_array_equal(toeplitz_hash(x, s, m), naive_hash(x, s, m))


@PROPERTY
@given(n=st.integers(1, 400), m=st.integers(1, 200), seed=st.integers(0, 2**32 - 1))
def test_hash_is_linear_over_gf2(n, m, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.integers(0, 2, (2, n), dtype=np.uint8)
    s = toeplitz_seed(n, m, rng)
    np.testing.assert_array_equal(
        toeplitz_hash(x ^ y, s, m), toeplitz_hash(x, s, m) ^ toeplitz_hash(y, s, m)
    )
    assert not toeplitz_hash(np.zeros(n, np.uint8), s, m).any()


def test_fft_path_is_exact_at_two_million_bits():
    """The first 64 rows of a 2·10⁶ → 10⁵ FFT hash equal the row-by-row product (its seed
    prefix defines exactly those rows), so large inputs lose no precision."""
    rng = np.random.default_rng(21)
    n, m = 2_000_000, 100_000
    x = rng.integers(0, 2, n, dtype=np.uint8)
    s = toeplitz_seed(n, m, rng)
    big = toeplitz_hash(x, s, m)
    np.testing.assert_array_equal(big[:64], toeplitz_hash(x, s[: n + 63], 64))
    assert len(big) == m
    assert 0.45 < big.mean() < 0.55


def test_hash_rejects_wrong_seed_length():
    with pytest.raises(QkdParameterError, match="seed must hold"):
        toeplitz_hash(np.zeros(10, np.uint8), np.zeros(10, np.uint8), 5)
    with pytest.raises(QkdParameterError, match="at least one bit"):
        toeplitz_hash(np.zeros(0, np.uint8), np.zeros(4, np.uint8), 5)


@pytest.mark.parametrize(("eps", "bits"), [(0.5, 1), (1e-3, 10), (1e-15, 50), (2.0**-40, 40)])
def test_tag_length_is_ceil_log2_inverse_eps(eps, bits):
    assert verification_tag_length(eps) == bits == max(1, math.ceil(math.log2(1 / eps)))


def test_verification_passes_equal_keys_and_catches_single_errors():
    rng = np.random.default_rng(3)
    key = rng.integers(0, 2, 10_000, dtype=np.uint8)
    assert verify_keys(key, key.copy(), 1e-12, rng).passed
    caught = 0
    for position in range(0, 10_000, 500):
        wrong = key.copy()
        wrong[position] ^= 1
        caught += not verify_keys(key, wrong, 1e-12, rng).passed
    assert caught == 20


def test_verification_collision_rate_matches_two_to_minus_t():
    """With a 1-bit tag (ε_cor = ½) unequal keys collide about half the time (universal₂)."""
    rng = np.random.default_rng(5)
    key = rng.integers(0, 2, 200, dtype=np.uint8)
    other = key.copy()
    other[[3, 50, 77]] ^= 1
    passes = sum(verify_keys(key, other, 0.5, rng).passed for _ in range(4_000))
    assert abs(passes / 4_000 - 0.5) < 4 * math.sqrt(0.25 / 4_000)


@pytest.mark.parametrize("eps", [0.0, 1.0, -0.1])
def test_verification_rejects_eps_cor_outside_open_unit_interval(eps):
    with pytest.raises(QkdParameterError, match="eps_cor must be in the open interval"):
        verify_keys(np.zeros(4, np.uint8), np.zeros(4, np.uint8), eps, np.random.default_rng(1))
