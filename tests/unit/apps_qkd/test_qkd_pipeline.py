"""run_postprocessing: keys match or failure is reported; lengths; determinism; bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qnetstack.apps.qkd import (
    FailureReason,
    PostprocessingParameters,
    QkdParameterError,
    QkdRngs,
    SiftedKey,
    run_postprocessing,
    toeplitz_hash,
)

PROPERTY = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])


def sifted(n: int, qber: float, seed: int) -> SiftedKey:
    rng = np.random.default_rng(seed)
    alice = rng.integers(0, 2, n, dtype=np.uint8)
    errors = (rng.random(n) < qber).astype(np.uint8)
    return SiftedKey(alice, alice ^ errors, rng.integers(0, 2, n, dtype=np.uint8))


@PROPERTY
@given(
    n=st.integers(5_000, 40_000),
    qber=st.floats(0.0, 0.07),
    seed=st.integers(0, 2**32 - 1),
    fraction=st.floats(0.05, 0.3),
    passes=st.integers(1, 4),
)
def test_keys_match_or_failure_is_reported(n, qber, seed, fraction, passes):
    """Sizes and error rates where most runs give a key, some (one Cascade pass) fail
    verification and some have no key; the ``event`` statistics show the mix."""
    params = PostprocessingParameters(
        eps_sec=1e-4, eps_cor=1e-9, sample_fraction=fraction, cascade_passes=passes
    )
    result = run_postprocessing(sifted(n, qber, seed), QkdRngs.from_seed(seed), params)
    event(result.failure.value if result.failure else "success")
    if result.success:
        assert result.failure is None
        np.testing.assert_array_equal(result.key_alice, result.key_bob)
        # PA output length is exactly the computed secret length.
        assert len(result.key_alice) == result.final_key_length == result.secret_length
        assert result.key_length_terms is not None
        assert result.secret_length == result.key_length_terms.length > 0
    else:
        assert isinstance(result.failure, FailureReason)
        assert result.message.startswith(result.failure.value)
        assert result.key_alice.size == result.key_bob.size == result.final_key_length == 0


def test_clean_run_reports_every_figure():
    key = sifted(200_000, 0.02, seed=1)
    result = run_postprocessing(key, QkdRngs.from_seed(2))
    assert result.success, result.message
    assert result.sifted_length == 200_000
    assert result.sample_size == 20_000
    assert result.estimate is not None
    assert sum(result.estimate.key_per_basis) == 180_000
    assert abs(result.qber - 0.02) < 0.004
    for observed, bound in zip(result.qber_per_basis, result.phase_error_bounds, strict=True):
        assert observed < bound < observed + 0.1
    assert result.leak_ec_bits == result.cascade.leak_bits > 0
    assert result.verification_tag_bits == 50  # ⌈log₂ 10¹⁵⌉
    assert 0 < result.secret_length < 180_000 * (1 - 2 * 0.1414)


def test_pa_output_is_the_toeplitz_hash_of_alices_key():
    key = sifted(20_000, 0.01, seed=3)
    result = run_postprocessing(key, QkdRngs.from_seed(4))
    assert result.success
    # Re-derive: the same seed gives the same streams; the sample and Cascade consume Bob's
    # and the public stream, verification then PA consume Alice's.
    rngs = QkdRngs.from_seed(4)
    keep = np.ones(len(key), bool)
    keep[np.sort(rngs.bob.choice(len(key), size=result.sample_size, replace=False))] = False
    alice_key = key.alice[keep]
    rngs.alice.integers(
        0, 2, size=len(alice_key) + result.verification_tag_bits - 1, dtype=np.uint8
    )
    seed = rngs.alice.integers(
        0, 2, size=len(alice_key) + result.final_key_length - 1, dtype=np.uint8
    )
    np.testing.assert_array_equal(
        result.key_alice, toeplitz_hash(alice_key, seed, result.final_key_length)
    )


def test_same_seed_same_result_different_seed_different_key():
    key = sifted(30_000, 0.03, seed=5)
    first = run_postprocessing(key, QkdRngs.from_seed(9))
    second = run_postprocessing(key, QkdRngs.from_seed(9))
    other = run_postprocessing(key, QkdRngs.from_seed(10))
    assert first.success
    assert other.success
    np.testing.assert_array_equal(first.key_alice, second.key_alice)
    assert dataclasses.replace(first, key_alice=None, key_bob=None, cascade=None) == (
        dataclasses.replace(second, key_alice=None, key_bob=None, cascade=None)
    )
    assert not np.array_equal(first.key_alice[:100], other.key_alice[:100])


def test_requested_key_length_is_honoured():
    key = sifted(50_000, 0.02, seed=6)
    result = run_postprocessing(
        key, QkdRngs.from_seed(1), PostprocessingParameters(key_length=1_000)
    )
    assert result.success
    assert result.final_key_length == len(result.key_bob) == 1_000
    assert result.secret_length > 1_000


def test_requested_key_length_larger_than_possible_is_refused():
    key = sifted(50_000, 0.02, seed=6)
    with pytest.raises(QkdParameterError, match=r"key_length must be in the range 1\.\.\d+"):
        run_postprocessing(key, QkdRngs.from_seed(1), PostprocessingParameters(key_length=40_000))
    with pytest.raises(QkdParameterError, match="at most the sifted key length 50000"):
        run_postprocessing(key, QkdRngs.from_seed(1), PostprocessingParameters(key_length=60_000))


def test_qber_above_tolerance_aborts_before_error_correction():
    params = PostprocessingParameters(qber_tolerance=0.03)
    result = run_postprocessing(sifted(50_000, 0.06, seed=7), QkdRngs.from_seed(1), params)
    assert result.failure is FailureReason.QBER_ABOVE_TOLERANCE
    assert result.leak_ec_bits == 0
    assert result.sample_size == 5_000  # partial results are kept


def test_tolerance_replaces_the_observed_rate_in_the_key_length():
    key = sifted(100_000, 0.01, seed=8)
    loose = run_postprocessing(key, QkdRngs.from_seed(2), PostprocessingParameters())
    tight = run_postprocessing(
        key, QkdRngs.from_seed(2), PostprocessingParameters(qber_tolerance=0.03)
    )
    assert loose.success
    assert tight.success
    assert tight.secret_length < loose.secret_length


def test_high_qber_gives_no_secret_key():
    result = run_postprocessing(sifted(50_000, 0.12, seed=9), QkdRngs.from_seed(1))
    assert result.failure is FailureReason.NO_SECRET_KEY
    assert result.leak_ec_bits == 0  # stopped before disclosing parities


def test_residual_errors_are_caught_by_verification():
    """One Cascade pass leaves blocks with an even number of errors; the hash catches them."""
    params = PostprocessingParameters(cascade_passes=1, eps_sec=1e-3, eps_cor=1e-6)
    result = run_postprocessing(sifted(20_000, 0.05, seed=10), QkdRngs.from_seed(3), params)
    assert result.failure is FailureReason.VERIFICATION_FAILED
    assert result.leak_ec_bits > 0
    assert result.verification_tag_bits == 20


def test_too_short_sifted_key_is_a_failure_not_an_error():
    result = run_postprocessing(sifted(1, 0.0, seed=1), QkdRngs.from_seed(1))
    assert result.failure is FailureReason.SIFTED_KEY_TOO_SHORT


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("eps_sec", 0.0, r"eps_sec must be in the open interval \(0, 1\), got 0.0"),
        ("eps_sec", 1.0, r"eps_sec must be in the open interval \(0, 1\)"),
        ("eps_cor", -1e-9, r"eps_cor must be in the open interval \(0, 1\)"),
        ("sample_fraction", 1.0, r"sample_fraction must be in the open interval \(0, 1\)"),
        ("sample_fraction", 0.0, r"sample_fraction must be in the open interval \(0, 1\)"),
        ("qber_tolerance", 0.7, r"qber_tolerance must be in the interval \(0, 0.5\]"),
        ("cascade_passes", 0, "cascade_passes must be an integer >= 1"),
        ("key_length", 0, "key_length must be an integer >= 1"),
        ("preparation_quality", 0.0, "preparation_quality must be a finite number > 0"),
    ],
)
def test_bad_parameters_name_the_field_and_range(field, value, match):
    with pytest.raises(QkdParameterError, match=match):
        PostprocessingParameters(**{field: value})
    assert issubclass(QkdParameterError, ValueError)


def test_rng_seed_must_be_non_negative():
    with pytest.raises(QkdParameterError, match="seed must be an integer >= 0"):
        QkdRngs.from_seed(-1)
