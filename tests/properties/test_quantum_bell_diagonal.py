"""Properties of BellDiagonal, and its agreement with the exact DensityMatrix formalism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import (
    apply_bd_operation,
    bd_operations,
    bell_diagonal_states,
    bell_indices,
    memory_times,
    pauli_probabilities,
    probabilities,
)

from qnetstack.quantum import (
    BellDiagonal,
    BellIndex,
    bbpssw,
    bbpssw_dm,
    dejmps,
    dejmps_dm,
    project_bell,
    swap,
)
from qnetstack.quantum.gates import X, Y, Z

PROPERTY_SETTINGS = settings(deadline=None, max_examples=150)
AGREEMENT_ATOL = 1e-9


def assert_probability_vector(state: BellDiagonal) -> None:
    c = state.coefficients
    assert c.shape == (4,)
    assert np.all(c >= 0.0)
    assert abs(c.sum() - 1.0) <= 1e-9


@PROPERTY_SETTINGS
@given(bell_diagonal_states(), st.lists(bd_operations(), max_size=15))
def test_operation_sequences_keep_a_probability_vector(state, ops):
    for op in ops:
        state = apply_bd_operation(state, op)
        assert_probability_vector(state)


@PROPERTY_SETTINGS
@given(bell_diagonal_states(), bell_diagonal_states())
def test_swap_agrees_with_density_matrix_for_every_bsm_outcome(a, b):
    """Projecting (B1, B2) onto β_m leaves (A, C) in swap(a, b) relabelled by m, with p = 1/4."""
    register = a.to_density_matrix().tensor(b.to_density_matrix())  # A, B1, B2, C
    corrected = swap(a, b)
    for m in BellIndex:
        probability, state = project_bell(register, 1, 2, m)
        assert probability == pytest.approx(0.25, abs=AGREEMENT_ATOL)
        expected = corrected.apply_pauli(m)  # c_uncorrected[k] = c[k ⊕ m]
        assert state.allclose(expected.to_density_matrix(), atol=AGREEMENT_ATOL)


@PROPERTY_SETTINGS
@given(bell_diagonal_states(), bell_diagonal_states())
def test_dejmps_agrees_with_density_matrix_circuit(a, b):
    try:
        p_bd, out_bd = dejmps(a, b)
    except ValueError:
        with pytest.raises(ValueError, match="cannot succeed"):
            dejmps_dm(a.to_density_matrix(), b.to_density_matrix())
        return
    assume(p_bd > 1e-4)  # renormalising by a tiny probability amplifies rounding
    p_dm, out_dm = dejmps_dm(a.to_density_matrix(), b.to_density_matrix())
    assert p_dm == pytest.approx(p_bd, abs=AGREEMENT_ATOL)
    assert out_dm.allclose(out_bd.to_density_matrix(), atol=AGREEMENT_ATOL)


@PROPERTY_SETTINGS
@given(bell_diagonal_states(), bell_diagonal_states())
def test_bbpssw_agrees_with_density_matrix_circuit(a, b):
    p_bd, out_bd = bbpssw(a, b)  # twirled inputs succeed with probability >= 1/3
    p_dm, out_dm = bbpssw_dm(a.to_density_matrix(), b.to_density_matrix())
    assert p_dm == pytest.approx(p_bd, abs=AGREEMENT_ATOL)
    assert out_dm.allclose(out_bd.to_density_matrix(), atol=AGREEMENT_ATOL)


@PROPERTY_SETTINGS
@given(bell_diagonal_states(), probabilities, st.sampled_from([0, 1]))
def test_depolarise_and_dephase_agree_with_density_matrix(state, p, qubit):
    dm = state.to_density_matrix()
    assert dm.depolarise(qubit, p).allclose(
        state.depolarise(p).to_density_matrix(), atol=AGREEMENT_ATOL
    )
    assert dm.dephase(qubit, p).allclose(state.dephase(p).to_density_matrix(), atol=AGREEMENT_ATOL)
    flipped = dm.apply_kraus([np.sqrt(1 - p) * np.eye(2), np.sqrt(p) * X], [qubit])
    assert flipped.allclose(state.bit_flip(p).to_density_matrix(), atol=AGREEMENT_ATOL)


@PROPERTY_SETTINGS
@given(bell_diagonal_states(), pauli_probabilities(), st.sampled_from([0, 1]))
def test_pauli_channel_agrees_with_density_matrix(state, probs, qubit):
    p_x, p_y, p_z = probs
    p_i = max(0.0, 1.0 - p_x - p_y - p_z)
    kraus = [np.sqrt(p_i) * np.eye(2), np.sqrt(p_x) * X, np.sqrt(p_y) * Y, np.sqrt(p_z) * Z]
    exact = state.to_density_matrix().apply_kraus(kraus, [qubit])
    assert exact.allclose(state.pauli_channel(p_x, p_y, p_z).to_density_matrix(), atol=1e-9)


@PROPERTY_SETTINGS
@given(bell_diagonal_states(), memory_times(), st.sampled_from([0, 1]))
def test_memory_noise_is_the_twirled_exact_channel(state, times, qubit):
    dt_ps, t1_ps, t2_ps = times
    exact = state.to_density_matrix().apply_memory_noise(qubit, dt_ps, t1_ps, t2_ps)
    approx = state.apply_memory_noise(dt_ps, t1_ps, t2_ps)
    assert BellDiagonal.from_density_matrix(exact).allclose(approx, atol=1e-12)
    if t1_ps == float("inf"):  # pure dephasing keeps the pair Bell-diagonal: exact agreement
        assert exact.allclose(approx.to_density_matrix(), atol=1e-12)


@PROPERTY_SETTINGS
@given(bell_diagonal_states(), bell_indices)
def test_twirl_keeps_fidelity_and_round_trips_through_density_matrix(state, b):
    twirled = state.twirl(b)
    assert twirled.fidelity(b) == pytest.approx(state.fidelity(b), abs=1e-12)
    assert BellDiagonal.from_density_matrix(state.to_density_matrix()).allclose(state, atol=1e-12)
