"""Unit tests for qnetstack.quantum.channels: Kraus sets and hardware-number conversions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.quantum.channels import (
    amplitude_damping_kraus,
    dephasing_kraus,
    dephasing_p_from_t2,
    depolarising_kraus,
    depolarising_memory_p,
    depolarising_p_from_fidelity,
    depolarising_p_from_init_fidelity,
    t1t2_noise,
    twirled_amplitude_damping,
)
from qnetstack.quantum.gates import X, Y, Z

SECOND_PS = 10**12


def apply(kraus: list[np.ndarray], rho: np.ndarray) -> np.ndarray:
    return np.asarray(sum(k @ rho @ k.conj().T for k in kraus))


@pytest.mark.parametrize("factory", [depolarising_kraus, dephasing_kraus, amplitude_damping_kraus])
@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_kraus_sets_are_trace_preserving(factory, p):
    total = sum(k.conj().T @ k for k in factory(p))
    np.testing.assert_allclose(total, np.eye(2), atol=1e-15)


def test_depolarising_matches_netsquid_convention():
    rho = np.array([[0.7, 0.2 - 0.1j], [0.2 + 0.1j, 0.3]])
    p = 0.36
    expected = (1 - 3 * p / 4) * rho + p / 4 * (X @ rho @ X + Y @ rho @ Y + Z @ rho @ Z)
    np.testing.assert_allclose(apply(depolarising_kraus(p), rho), expected, atol=1e-15)
    np.testing.assert_allclose(apply(depolarising_kraus(1.0), rho), np.eye(2) / 2, atol=1e-15)


def test_dephasing_shrinks_coherence_by_one_minus_2p():
    rho = np.full((2, 2), 0.5)
    out = apply(dephasing_kraus(0.1), rho)
    assert out[0, 1] == pytest.approx(0.5 * 0.8)
    assert out[0, 0] == pytest.approx(0.5)


def test_amplitude_damping_of_one():
    out = apply(amplitude_damping_kraus(0.25), np.diag([0.0, 1.0]))
    np.testing.assert_allclose(out, np.diag([0.25, 0.75]), atol=1e-15)


@pytest.mark.parametrize("factory", [depolarising_kraus, dephasing_kraus])
@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_bad_probability_is_named(factory, bad):
    with pytest.raises(ValueError, match="p must be in"):
        factory(bad)


def test_bad_gamma_is_named():
    with pytest.raises(ValueError, match="gamma must be in"):
        amplitude_damping_kraus(2.0)


def test_fidelity_conversions():
    assert depolarising_p_from_fidelity(0.97) == pytest.approx(0.04)
    assert depolarising_p_from_fidelity(1.0) == 0.0
    assert depolarising_p_from_init_fidelity(0.99) == pytest.approx(0.02)
    assert depolarising_p_from_init_fidelity(0.997) == pytest.approx(0.006)
    with pytest.raises(ValueError, match="gate fidelity"):
        depolarising_p_from_fidelity(0.2)
    with pytest.raises(ValueError, match="initialisation fidelity"):
        depolarising_p_from_init_fidelity(0.4)


def test_init_fidelity_conversion_gives_that_fidelity():
    p = depolarising_p_from_init_fidelity(0.99)
    assert apply(depolarising_kraus(p), np.diag([1.0, 0.0]))[0, 0].real == pytest.approx(0.99)


def test_t1t2_pure_dephasing():
    gamma, p = t1t2_noise(SECOND_PS // 10, math.inf, 1.46 * SECOND_PS)
    assert gamma == 0.0
    assert p == pytest.approx(0.5 * (1 - math.exp(-0.1 / 1.46)))
    assert p == pytest.approx(dephasing_p_from_t2(SECOND_PS // 10, 1.46 * SECOND_PS))


def test_t1t2_with_relaxation_gives_total_coherence_decay():
    dt, t1, t2 = 3 * SECOND_PS, 10 * SECOND_PS, 4 * SECOND_PS
    gamma, p = t1t2_noise(dt, t1, t2)
    assert gamma == pytest.approx(1 - math.exp(-0.3))
    assert math.sqrt(1 - gamma) * (1 - 2 * p) == pytest.approx(math.exp(-0.75))
    assert p == pytest.approx(0.5 * (1 - math.exp(-0.75) / math.sqrt(1 - gamma)))


def test_t1t2_limits():
    assert t1t2_noise(0, 5.0, 1.0) == (0.0, 0.0)
    assert t1t2_noise(10**12, math.inf, math.inf) == (0.0, 0.0)
    gamma, p = t1t2_noise(10**12, 1e12, 2e12)  # T2 = 2 T1: relaxation only
    assert gamma == pytest.approx(1 - math.exp(-1))
    assert p == 0.0


@pytest.mark.parametrize(
    ("t1", "t2", "match"),
    [
        (1.0, 3.0, r"t2_ps must be <= 2 \* t1_ps"),
        (1.0, math.inf, r"t2_ps must be <= 2 \* t1_ps"),
        (0.0, 1.0, "t1_ps must be > 0"),
        (1.0, 0.0, "t2_ps must be > 0"),
    ],
)
def test_t1t2_rejects_unphysical_times(t1, t2, match):
    with pytest.raises(ValueError, match=match):
        t1t2_noise(1, t1, t2)


def test_negative_duration_rejected():
    with pytest.raises(ValueError, match="dt_ps"):
        t1t2_noise(-1, math.inf, math.inf)


def test_depolarising_memory_gives_werner_decay_of_a_pair():
    dt, t = 2 * SECOND_PS, 5 * SECOND_PS
    p = depolarising_memory_p(dt, t)
    assert p == pytest.approx(1 - math.exp(-0.4))
    # One qubit of Φ⁺ depolarised with p keeps F = 1 − 3p/4 = ¼ + ¾ e^{−t/T}.
    assert 1 - 0.75 * p == pytest.approx(0.25 + 0.75 * math.exp(-0.4))
    assert depolarising_memory_p(dt, math.inf) == 0.0


def test_twirled_amplitude_damping_probabilities():
    p_x, p_y, p_z = twirled_amplitude_damping(0.36)
    assert p_x == p_y == pytest.approx(0.09)
    assert p_z == pytest.approx((1 - 0.18 - 0.8) / 2)
    assert twirled_amplitude_damping(0.0) == (0.0, 0.0, 0.0)
