"""Cascade: corrects errors, never introduces any, leaks close to the Shannon limit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qnetstack.apps.qkd import (
    MIN_CASCADE_QBER,
    ParameterEstimate,
    QkdParameterError,
    binary_entropy,
    cascade,
    cascade_qber,
    initial_block_size,
    reconciliation_efficiency,
)

PROPERTY = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])


def noisy_pair(n: int, qber: float, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    rng = np.random.default_rng(seed)
    alice = rng.integers(0, 2, n, dtype=np.uint8)
    errors = (rng.random(n) < qber).astype(np.uint8)
    return alice, alice ^ errors, int(errors.sum())


def test_initial_block_size_is_brassard_salvail_choice():
    assert initial_block_size(0.01, 10**6) == 73
    assert initial_block_size(0.05, 10**6) == 15
    assert initial_block_size(0.001, 500) == 500  # capped at the key length
    assert initial_block_size(0.9, 100) == 1


@pytest.mark.parametrize("qber", [0.005, 0.01, 0.02, 0.03, 0.05])
@pytest.mark.parametrize("seed", [1, 2])
def test_cascade_corrects_every_error_at_low_qber(qber, seed):
    """Fixed seeds, n = 10⁵: all errors corrected (Cascade's residual-error rate is ≪ 10⁻⁵)."""
    alice, bob, n_errors = noisy_pair(100_000, qber, seed)
    result = cascade(alice, bob, qber, np.random.default_rng(seed + 100))
    np.testing.assert_array_equal(result.corrected, alice)
    assert result.flips == n_errors


@pytest.mark.parametrize(
    ("qber", "low", "high"),
    [(0.01, 1.08, 1.20), (0.02, 1.10, 1.20), (0.03, 1.10, 1.22), (0.05, 1.12, 1.25)],
)
def test_cascade_leak_is_close_to_the_shannon_limit(qber, low, high):
    """f = leak / (n h(Q)) of original 4-pass Cascade lies in 1.05–1.25 for Q = 1–5 % (stated
    ranges per Q; measured ≈ 1.13, 1.15, 1.16, 1.18 at n = 2·10⁵)."""
    alice, bob, n_errors = noisy_pair(200_000, qber, seed=7)
    result = cascade(alice, bob, qber, np.random.default_rng(8))
    f = reconciliation_efficiency(result.leak_bits, len(alice), n_errors / len(alice))
    assert low <= f <= high
    assert result.leak_bits > len(alice) * binary_entropy(n_errors / len(alice))


def test_leak_counts_block_parities_and_binary_steps_exactly():
    """One error in 8 bits, k₁ = 8: pass 1 discloses 1 block parity + 3 BINARY parities,
    passes 2–4 one block parity each (block size capped at 8, no odd blocks left) = 7."""
    alice = np.zeros(8, np.uint8)
    bob = alice.copy()
    bob[5] = 1
    result = cascade(alice, bob, 0.1, np.random.default_rng(0), first_block_size=8)
    assert result.leak_bits == 7
    assert result.block_sizes == (8, 8, 8, 8)
    np.testing.assert_array_equal(result.corrected, alice)


@PROPERTY
@given(
    n=st.integers(1, 3_000),
    qber=st.floats(0.001, 0.3),
    seed=st.integers(0, 2**32 - 1),
    passes=st.integers(1, 5),
)
def test_cascade_only_flips_erroneous_bits(n, qber, seed, passes):
    alice, bob, n_errors = noisy_pair(n, qber, seed)
    result = cascade(alice, bob, qber, np.random.default_rng(seed), passes=passes)
    wrong_before = alice != bob
    wrong_after = alice != result.corrected
    assert not np.any(wrong_after & ~wrong_before)  # no new errors
    assert result.flips == n_errors - int(wrong_after.sum())
    np.testing.assert_array_equal(bob, alice ^ wrong_before)  # the input was not modified


def test_cascade_is_deterministic_under_the_public_seed():
    alice, bob, _ = noisy_pair(20_000, 0.03, seed=4)
    first = cascade(alice, bob, 0.03, np.random.default_rng(5))
    second = cascade(alice, bob, 0.03, np.random.default_rng(5))
    assert first.leak_bits == second.leak_bits
    np.testing.assert_array_equal(first.corrected, second.corrected)


def test_cascade_rejects_bad_input():
    with pytest.raises(QkdParameterError, match="equal lengths"):
        cascade(np.zeros(3, np.uint8), np.zeros(4, np.uint8), 0.1, np.random.default_rng(1))
    with pytest.raises(QkdParameterError, match="qber"):
        cascade(np.zeros(3, np.uint8), np.zeros(3, np.uint8), 0.0, np.random.default_rng(1))
    with pytest.raises(QkdParameterError, match="passes"):
        cascade(
            np.zeros(3, np.uint8), np.zeros(3, np.uint8), 0.1, np.random.default_rng(1), passes=0
        )


def test_cascade_on_empty_keys_discloses_nothing():
    result = cascade(np.zeros(0, np.uint8), np.zeros(0, np.uint8), 0.1, np.random.default_rng(1))
    assert result.leak_bits == 0
    assert result.corrected.size == 0


def _estimate(errors: int, sample: int) -> ParameterEstimate:
    half = sample // 2
    return ParameterEstimate(
        sifted_length=2 * sample,
        sample_size=sample,
        sample_per_basis=(half, sample - half),
        errors_per_basis=(errors // 2, errors - errors // 2),
        key_per_basis=(half, sample - half),
    )


def test_cascade_qber_is_the_one_sided_wilson_bound():
    """z = 1.645: 2 errors in 718 → 0.839 %; 0 errors → z²/(k + z²); never below the floor."""
    assert cascade_qber(_estimate(2, 718)) == pytest.approx(0.008385, rel=1e-3)
    z2 = 1.645**2
    assert cascade_qber(_estimate(0, 1000)) == pytest.approx(z2 / (1000 + z2))
    assert cascade_qber(_estimate(0, 10**7)) == MIN_CASCADE_QBER
    assert cascade_qber(_estimate(600, 1000)) == 0.5


def test_block_sized_by_the_bound_leaves_fewer_residual_errors_on_short_keys():
    """775-bit keys at Q = 0.33 % (a block of 3000 pairs of F = 0.995): sizing Cascade by the
    sample's point estimate leaves errors in about a quarter of keys, by the bound in a few %."""
    rng = np.random.default_rng(5)
    trials, n, qber = 200, 775, 0.0033
    failed = {"point": 0, "bound": 0}
    for _ in range(trials):
        alice, bob, _ = noisy_pair(n, qber, int(rng.integers(1 << 30)))
        sample = (rng.random(n) < qber).sum()  # the disclosed sample's errors, same size
        estimate = _estimate(int(sample), n)
        for name, q in (
            ("point", max(sample / n, MIN_CASCADE_QBER)),
            ("bound", cascade_qber(estimate)),
        ):
            result = cascade(alice, bob, q, np.random.default_rng(int(rng.integers(1 << 30))))
            failed[name] += int(np.any(result.corrected != alice))
    assert failed["point"] / trials > 0.15
    assert failed["bound"] / trials < 0.06
