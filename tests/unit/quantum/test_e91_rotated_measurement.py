"""Measurement along an X–Z-plane direction θ (E91's rotated analysers) in both formalisms.

Checks against closed forms: for Φ⁺ the ±1 outcomes along θ_a and θ_b have correlation
E = cos(θ_a − θ_b) and uniform marginals; θ = 0 and π/2 agree with the named Z and X bases; the
Pauli-frame correction of :func:`~qnetstack.apps.qkd.e91.e91_frame_correction` maps every Bell
state's outcome statistics onto Φ⁺'s exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.apps.qkd import (
    E91_ALICE_ANGLES_RAD,
    E91_BOB_ANGLES_RAD,
    e91_frame_correction,
    e91_setting_of_angle,
)
from qnetstack.apps.qkd.errors import QkdParameterError
from qnetstack.linklayer.primitives import E91_ORIGIN_ANGLES_RAD, E91_REMOTE_ANGLES_RAD
from qnetstack.physical.qstore import Formalism, MemoryModel, PairStore
from qnetstack.quantum import BellDiagonal, BellIndex, DensityMatrix, xz_basis_kets

ANGLES = [0.0, math.pi / 8, math.pi / 4, math.pi / 2, 3 * math.pi / 4, math.pi, -0.3]


def joint_probabilities(state: DensityMatrix, theta_a: float, theta_b: float) -> np.ndarray:
    """P(a, b) of measuring qubit 0 along θ_a and qubit 1 along θ_b (exact)."""
    table = np.zeros((2, 2))
    for a in (0, 1):
        if state.outcome_probabilities(0, theta_a)[a] < 1e-12:
            continue  # impossible outcome: its row stays 0
        p_a, post = state.project(0, a, theta_a)
        for b in (0, 1):
            table[a, b] = p_a * post.outcome_probabilities(1, theta_b)[b]
    return table


def correlation(table: np.ndarray) -> float:
    return float(table[0, 0] + table[1, 1] - table[0, 1] - table[1, 0])


@pytest.mark.parametrize("theta", ANGLES)
def test_eigenvectors_of_the_rotated_observable(theta):
    observable = math.cos(theta) * np.diag([1.0, -1.0]) + math.sin(theta) * np.array(
        [[0.0, 1.0], [1.0, 0.0]]
    )
    plus, minus = xz_basis_kets(theta)
    assert np.allclose(observable @ plus, plus, atol=1e-12)
    assert np.allclose(observable @ minus, -minus, atol=1e-12)


def test_angles_zero_and_half_pi_are_z_and_x():
    state = DensityMatrix.from_ket([math.cos(0.4), math.sin(0.4) * np.exp(0.3j)])
    assert state.outcome_probabilities(0, 0.0) == pytest.approx(state.outcome_probabilities(0, "Z"))
    assert state.outcome_probabilities(0, math.pi / 2) == pytest.approx(
        state.outcome_probabilities(0, "X")
    )


@pytest.mark.parametrize("theta_a", ANGLES)
@pytest.mark.parametrize("theta_b", ANGLES)
def test_phi_plus_correlation_is_cos_of_the_angle_difference(theta_a, theta_b):
    table = joint_probabilities(DensityMatrix.bell(BellIndex.PHI_PLUS), theta_a, theta_b)
    assert correlation(table) == pytest.approx(math.cos(theta_a - theta_b), abs=1e-12)
    assert table.sum(axis=1) == pytest.approx([0.5, 0.5], abs=1e-12)  # Alice's marginal


def test_werner_correlation_shrinks_by_the_werner_factor():
    f = 0.92
    table = joint_probabilities(DensityMatrix.werner(f), math.pi / 2, math.pi / 4)
    assert correlation(table) == pytest.approx((4 * f - 1) / 3 * math.cos(math.pi / 4), abs=1e-12)


def test_measured_post_state_is_the_eigenstate():
    _, post = DensityMatrix.bell().measure(0, np.random.default_rng(3), math.pi / 4)
    outcome_probs = post.outcome_probabilities(0, math.pi / 4)
    assert max(outcome_probs) == pytest.approx(1.0, abs=1e-12)


def test_bad_angles_are_rejected():
    state = DensityMatrix.bell()
    with pytest.raises(ValueError, match="finite"):
        state.outcome_probabilities(0, math.nan)
    with pytest.raises(ValueError, match="angle in radians"):
        state.outcome_probabilities(0, "W")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="angle in radians"):
        state.outcome_probabilities(0, True)  # type: ignore[arg-type]


@pytest.mark.parametrize("bell", list(BellIndex))
@pytest.mark.parametrize("a_setting", [0, 1, 2])
@pytest.mark.parametrize("b_setting", [0, 1, 2])
def test_frame_correction_maps_every_bell_state_onto_phi_plus(bell, a_setting, b_setting):
    """P_β(a, b | θ_a, θ_b) = P_Φ⁺(a, b' | θ_a, θ_b') with (s_b', b') the corrected record."""
    theta_a, theta_b = E91_ALICE_ANGLES_RAD[a_setting], E91_BOB_ANGLES_RAD[b_setting]
    actual = joint_probabilities(DensityMatrix.bell(bell), theta_a, theta_b)
    for b in (0, 1):
        corrected_setting, corrected_bit = e91_frame_correction(b_setting, b, bell)
        reference = joint_probabilities(
            DensityMatrix.bell(BellIndex.PHI_PLUS), theta_a, E91_BOB_ANGLES_RAD[corrected_setting]
        )
        for a in (0, 1):
            assert actual[a, b] == pytest.approx(reference[a, corrected_bit], abs=1e-12)


def test_frame_correction_is_a_bijection_on_bob_records():
    for bell in BellIndex:
        images = {e91_frame_correction(s, b, bell) for s in (0, 1, 2) for b in (0, 1)}
        assert len(images) == 6
    with pytest.raises(QkdParameterError, match="bell_index"):
        e91_frame_correction(0, 0, 4)


def test_link_layer_angles_are_the_library_angles():
    assert E91_ORIGIN_ANGLES_RAD == E91_ALICE_ANGLES_RAD
    assert E91_REMOTE_ANGLES_RAD == E91_BOB_ANGLES_RAD
    assert e91_setting_of_angle(math.pi / 2, E91_BOB_ANGLES_RAD) == 1
    with pytest.raises(QkdParameterError, match="not one of the settings"):
        e91_setting_of_angle(0.1, E91_BOB_ANGLES_RAD)


@pytest.mark.parametrize("formalism", [Formalism.DM, Formalism.BELL_DIAGONAL])
def test_pair_store_rotated_measurement_statistics(formalism):
    """Both formalisms reproduce E(θ_a, θ_b) = (4F − 1)/3 · cos(θ_a − θ_b) for Werner pairs."""
    f, theta_a, theta_b, n = 0.9, math.pi / 2, math.pi / 4, 4000
    rng = np.random.default_rng(91)
    store = PairStore(formalism)
    memories = (MemoryModel(), MemoryModel())
    same = 0
    for _ in range(n):
        pair = store.add(store.werner(f, BellIndex.PHI_PLUS), ("a", "b"), memories, (0, 0))
        a = store.measure(pair, 0, theta_a, rng, 0)
        b = store.measure(pair, 1, theta_b, rng, 0)
        same += int(a == b)
    expected = (4 * f - 1) / 3 * math.cos(theta_a - theta_b)
    measured = 2 * same / n - 1
    assert abs(measured - expected) < 4 * math.sqrt((1 - expected**2) / n)


def test_formalisms_give_the_same_outcome_probabilities():
    dm = DensityMatrix.werner(0.8, BellIndex.PSI_PLUS)
    bd = BellDiagonal.werner(0.8, BellIndex.PSI_PLUS).to_density_matrix()
    for theta in ANGLES:
        assert np.allclose(
            joint_probabilities(dm, math.pi / 4, theta),
            joint_probabilities(bd, math.pi / 4, theta),
            atol=1e-12,
        )
