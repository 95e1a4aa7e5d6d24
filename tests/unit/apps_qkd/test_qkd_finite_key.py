"""Finite-key length (Tomamichel et al. 2012) and asymptotic key fractions."""

from __future__ import annotations

import math

import pytest

from qnetstack.apps.qkd import (
    KeyBlock,
    QkdParameterError,
    asymptotic_key_fraction,
    binary_entropy,
    inverse_binary_entropy,
    secret_key_length,
    werner_qber,
    zero_key_qber,
)


def eq2(n: int, k: int, q_tol: float, leak: int, eps_sec: float, eps_cor: float) -> float:
    """Tomamichel et al., Nat. Commun. 3, 634 (2012), Eq. (2), written out independently."""
    mu = math.sqrt((n + k) / (n * k) * (k + 1) / k * math.log(2 / eps_sec))
    return n * (1 - binary_entropy(q_tol + mu)) - leak - math.log2(2 / (eps_sec**2 * eps_cor))


def test_binary_entropy_values():
    assert binary_entropy(0.0) == binary_entropy(1.0) == 0.0
    assert binary_entropy(0.5) == pytest.approx(1.0)
    assert binary_entropy(0.11) == pytest.approx(
        -0.11 * math.log2(0.11) - 0.89 * math.log2(0.89), abs=1e-15
    )
    assert inverse_binary_entropy(binary_entropy(0.07)) == pytest.approx(0.07, abs=1e-12)
    with pytest.raises(QkdParameterError, match=r"p must be in the closed interval \[0, 1\]"):
        binary_entropy(1.5)


def test_single_block_is_tomamichel_equation_2():
    n, k, q, leak, eps_sec, eps_cor = 10**6, 10**5, 0.02, 160_000, 1e-10, 1e-15
    result = secret_key_length([KeyBlock(n, k, q)], leak, eps_sec, eps_cor)
    assert result.bound_bits == pytest.approx(eq2(n, k, q, leak, eps_sec, eps_cor), rel=1e-12)
    assert result.length == math.floor(result.bound_bits)
    assert result.security_bits == pytest.approx(math.log2(2 / (1e-20 * 1e-15)))


def test_two_blocks_split_the_secrecy_budget():
    """Each of m blocks uses ε_sec/m in its μ (module docstring)."""
    blocks = [KeyBlock(400_000, 30_000, 0.03), KeyBlock(500_000, 20_000, 0.02)]
    result = secret_key_length(blocks, 100_000, 1e-9, 1e-12)
    entropy = sum(
        b.key_bits
        * (
            1
            - binary_entropy(
                b.test_qber
                + math.sqrt(
                    (b.key_bits + b.test_bits)
                    / (b.key_bits * b.test_bits)
                    * (b.test_bits + 1)
                    / b.test_bits
                    * math.log(2 / (1e-9 / 2))
                )
            )
        )
        for b in blocks
    )
    expected = entropy - 100_000 - math.log2(2 / (1e-18 * 1e-12))
    assert result.bound_bits == pytest.approx(expected, rel=1e-12)


def test_no_key_is_zero_not_negative():
    result = secret_key_length([KeyBlock(1_000, 100, 0.2)], 500, 1e-10, 1e-10)
    assert result.length == 0
    assert result.bound_bits < 0
    assert secret_key_length([KeyBlock(1_000, 0, 0.0)], 0, 0.1, 0.1).phase_error_bounds == (0.5,)


@pytest.mark.parametrize("qber", [0.01, 0.02, 0.05])
def test_finite_key_rate_tends_to_asymptotic_rate(qber):
    """ℓ/n → 1 − 2h(Q) with ideal leakage n·h(Q) and k = n/10: within 1e-3 at n = 10¹², the
    gap shrinking with n (Tomamichel et al., Discussion)."""
    asymptotic = asymptotic_key_fraction(qber)
    gaps = []
    for n in (10**4, 10**6, 10**8, 10**10, 10**12):
        leak = math.ceil(n * binary_entropy(qber))
        length = secret_key_length([KeyBlock(n, n // 10, qber)], leak, 1e-10, 1e-15).length
        gaps.append(asymptotic - length / n)
    assert all(g >= 0 for g in gaps)
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[-1] < 1e-3


def test_asymptotic_fraction_and_threshold():
    assert asymptotic_key_fraction(0.0) == 1.0
    assert asymptotic_key_fraction(0.03, 0.05, ec_efficiency=1.2) == pytest.approx(
        1 - binary_entropy(0.05) - 1.2 * binary_entropy(0.03)
    )
    assert zero_key_qber() == pytest.approx(0.110028, abs=1e-6)
    assert zero_key_qber(1.2) < zero_key_qber()
    assert werner_qber(0.9) == pytest.approx(0.2 / 3)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"eps_sec": 0.0}, "eps_sec must be in the open interval"),
        ({"eps_sec": 1.0}, "eps_sec must be in the open interval"),
        ({"eps_cor": 1.5}, "eps_cor must be in the open interval"),
        ({"preparation_quality": 1.2}, r"preparation_quality must be in the interval \(0, 1\]"),
        ({"leak_ec_bits": -1}, "leak_ec_bits must be an integer >= 0"),
    ],
)
def test_secret_key_length_rejects_bad_parameters(kwargs, match):
    arguments = {"leak_ec_bits": 0, "eps_sec": 1e-10, "eps_cor": 1e-10} | kwargs
    with pytest.raises(QkdParameterError, match=match):
        secret_key_length([KeyBlock(100, 10, 0.01)], **arguments)


def test_key_block_checks_its_fields():
    with pytest.raises(QkdParameterError, match="test_qber"):
        KeyBlock(10, 10, 1.5)
    with pytest.raises(QkdParameterError, match="key_bits"):
        KeyBlock(-1, 10, 0.1)
