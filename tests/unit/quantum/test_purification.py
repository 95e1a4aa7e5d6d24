"""Unit tests for qnetstack.quantum.purification."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.quantum import (
    BellDiagonal,
    BellIndex,
    DensityMatrix,
    bbpssw,
    bbpssw_dm,
    dejmps,
    dejmps_dm,
)


def dejmps_f8(a: float, b: float, c: float, d: float) -> tuple[float, np.ndarray]:
    """physics.md F8 in (Φ⁺, Ψ⁻, Ψ⁺, Φ⁻) order, returned in BellIndex order."""
    n = (a + b) ** 2 + (c + d) ** 2
    out_a, out_b, out_c, out_d = (
        (a * a + b * b) / n,
        2 * c * d / n,
        (c * c + d * d) / n,
        2 * a * b / n,
    )
    return n, np.array([out_a, out_c, out_d, out_b])


@pytest.mark.parametrize("abcd", [(0.8, 0.1, 0.05, 0.05), (0.6, 0.2, 0.15, 0.05), (0.5, 0, 0, 0.5)])
def test_dejmps_identical_inputs_match_f8(abcd):
    a, b, c, d = abcd
    state = BellDiagonal([a, c, d, b])
    p_expected, c_expected = dejmps_f8(a, b, c, d)
    p, out = dejmps(state, state)
    assert p == pytest.approx(p_expected)
    np.testing.assert_allclose(out.coefficients, c_expected, atol=1e-15)


def test_dejmps_two_different_inputs_general_formula():
    s1, s2 = BellDiagonal([0.7, 0.1, 0.05, 0.15]), BellDiagonal([0.8, 0.05, 0.1, 0.05])
    (a1, c1, d1, b1), (a2, c2, d2, b2) = s1.coefficients, s2.coefficients
    n = (a1 + b1) * (a2 + b2) + (c1 + d1) * (c2 + d2)
    p, out = dejmps(s1, s2)
    assert p == pytest.approx(n)
    expected = [(a1 * a2 + b1 * b2), (c1 * c2 + d1 * d2), (a1 * b2 + b1 * a2), (c1 * d2 + d1 * c2)]
    np.testing.assert_allclose(out.coefficients, np.array(expected) / n, atol=1e-15)


@pytest.mark.parametrize("f", [0.6, 0.75, 0.9])
def test_bbpssw_matches_f9(f):
    q = (1 - f) / 3
    p_expected = f * f + 2 * f * (1 - f) / 3 + 5 * q * q
    p, out = bbpssw(BellDiagonal.werner(f), BellDiagonal.werner(f))
    assert p == pytest.approx(p_expected)
    assert out.fidelity() == pytest.approx((f * f + q * q) / p_expected)
    assert out.allclose(BellDiagonal.werner(out.fidelity()), atol=1e-15)


def test_bbpssw_twirls_non_werner_inputs_first():
    state = BellDiagonal([0.8, 0.2, 0.0, 0.0])
    assert bbpssw(state, state) == bbpssw(BellDiagonal.werner(0.8), BellDiagonal.werner(0.8))


def test_impossible_rounds_raise():
    phi, psi = BellDiagonal.bell(BellIndex.PHI_PLUS), BellDiagonal.bell(BellIndex.PSI_PLUS)
    with pytest.raises(ValueError, match="cannot succeed"):
        dejmps(phi, psi)
    with pytest.raises(ValueError, match="cannot succeed"):
        dejmps_dm(phi.to_density_matrix(), psi.to_density_matrix())


def test_perfect_pairs_stay_perfect_in_dm_circuits():
    phi = DensityMatrix.bell(0)
    for circuit in (dejmps_dm, bbpssw_dm):
        p, out = circuit(phi, phi)
        assert p == pytest.approx(1.0)
        assert out.fidelity_bell() == pytest.approx(1.0)


def test_dejmps_dm_handles_non_bell_diagonal_inputs():
    rng = np.random.default_rng(2)
    g = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    noisy = DensityMatrix(g @ g.conj().T / np.trace(g @ g.conj().T))
    p, out = dejmps_dm(DensityMatrix.werner(0.9), noisy)
    assert 0 < p <= 1
    assert out.is_valid()


def test_dm_circuits_need_pairs():
    with pytest.raises(ValueError, match="two-qubit"):
        dejmps_dm(DensityMatrix.zero(1), DensityMatrix.bell(0))
