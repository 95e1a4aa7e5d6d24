"""Shared Hypothesis strategies for quantum states, unitaries and operation sequences.

Operations are plain tuples ``(name, *args)`` so that Hypothesis prints a readable, shrinkable
counterexample; :func:`apply_dm_operation` and :func:`apply_bd_operation` interpret them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from qnetstack.quantum import (
    BellDiagonal,
    BellIndex,
    DensityMatrix,
    bbpssw,
    dejmps,
    swap,
)

Operation = tuple[Any, ...]

probabilities = st.floats(0.0, 1.0, allow_nan=False)
angles = st.floats(-2 * math.pi, 2 * math.pi, allow_nan=False)
bell_indices = st.sampled_from(list(BellIndex))
bases = st.sampled_from(["Z", "X", "Y"])
seeds = st.integers(0, 2**32 - 1)
_entries = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)


@st.composite
def complex_matrices(draw: st.DrawFn, dim: int) -> np.ndarray:
    """A dim x dim complex matrix with real and imaginary parts in [−1, 1]."""
    real = draw(hnp.arrays(np.float64, (dim, dim), elements=_entries))
    imag = draw(hnp.arrays(np.float64, (dim, dim), elements=_entries))
    return real + 1j * imag


@st.composite
def unitaries(draw: st.DrawFn, n_qubits: int) -> np.ndarray:
    """A unitary exp(iH) for a random Hermitian H (always exactly unitary, any spectrum)."""
    g = draw(complex_matrices(2**n_qubits))
    hermitian = 0.5 * (g + g.conj().T) * draw(st.floats(0.0, 4.0))
    eigenvalues, vectors = np.linalg.eigh(hermitian)
    return np.asarray((vectors * np.exp(1j * eigenvalues)) @ vectors.conj().T)


@st.composite
def density_matrices(
    draw: st.DrawFn, n_qubits: int | None = None, max_qubits: int = 3
) -> DensityMatrix:
    """A random state: pure, full rank (Ginibre), or a mixture of both; 1..max_qubits qubits."""
    n = n_qubits if n_qubits is not None else draw(st.integers(1, max_qubits))
    dim = 2**n
    kind = draw(st.sampled_from(["pure", "mixed", "basis"]))
    if kind == "basis":
        ket = np.zeros(dim, dtype=np.complex128)
        ket[draw(st.integers(0, dim - 1))] = 1.0
        return DensityMatrix.from_ket(ket)
    g = draw(complex_matrices(dim))
    if kind == "pure":
        ket = g[:, 0]
        norm = np.linalg.norm(ket)
        if norm < 1e-3:
            return DensityMatrix.zero(n)
        return DensityMatrix.from_ket(ket / norm)
    rho = g @ g.conj().T + 1e-3 * np.eye(dim)
    return DensityMatrix(rho / np.trace(rho))


@st.composite
def bell_diagonal_coefficients(draw: st.DrawFn) -> np.ndarray:
    """A probability vector of length 4: random, a pure Bell state, or a Werner state."""
    kind = draw(st.sampled_from(["random", "pure", "werner"]))
    if kind == "pure":
        c = np.zeros(4)
        c[draw(bell_indices)] = 1.0
        return c
    if kind == "werner":
        f = draw(probabilities)
        c = np.full(4, (1.0 - f) / 3.0)
        c[draw(bell_indices)] = f
        return c
    raw = np.array(draw(st.lists(probabilities, min_size=4, max_size=4)))
    if raw.sum() < 1e-3:
        raw = np.full(4, 0.25)
    return np.asarray(raw / raw.sum())


def bell_diagonal_states() -> st.SearchStrategy[BellDiagonal]:
    """Random :class:`BellDiagonal` states."""
    return bell_diagonal_coefficients().map(BellDiagonal)


@st.composite
def memory_times(draw: st.DrawFn) -> tuple[int, float, float]:
    """(dt_ps, t1_ps, t2_ps) with T2 <= 2·T1; T1 may be infinite (pure dephasing)."""
    dt_ps = draw(st.integers(0, 10**13))
    t1_ps = draw(st.one_of(st.just(math.inf), st.floats(1e6, 1e16)))
    if math.isinf(t1_ps):
        t2_ps = draw(st.one_of(st.just(math.inf), st.floats(1e6, 1e16)))
    else:
        t2_ps = t1_ps * draw(st.floats(1e-3, 2.0))
    return dt_ps, t1_ps, t2_ps


@st.composite
def pauli_probabilities(draw: st.DrawFn) -> tuple[float, float, float]:
    """(p_x, p_y, p_z) with a sum of at most 1."""
    raw = draw(st.lists(probabilities, min_size=4, max_size=4))
    total = sum(raw)
    if total == 0.0:
        return 0.0, 0.0, 0.0
    return raw[0] / total, raw[1] / total, raw[2] / total


@st.composite
def dm_operations(draw: st.DrawFn, n_qubits: int) -> Operation:
    """One gate, channel or measurement on an ``n_qubits`` register."""
    qubit = st.integers(0, n_qubits - 1)
    kinds = ["unitary1", "depolarise", "dephase", "amplitude_damp", "memory", "measure"]
    if n_qubits >= 2:
        kinds.append("unitary2")
    kind = draw(st.sampled_from(kinds))
    if kind == "unitary1":
        return ("unitary", (draw(qubit),), draw(unitaries(1)))
    if kind == "unitary2":
        pair = tuple(draw(st.permutations(range(n_qubits)))[:2])
        return ("unitary", pair, draw(unitaries(2)))
    if kind == "memory":
        return ("memory", draw(qubit), *draw(memory_times()))
    if kind == "measure":
        return ("measure", draw(qubit), draw(bases), draw(seeds))
    return (kind, draw(qubit), draw(probabilities))


def apply_dm_operation(dm: DensityMatrix, op: Operation) -> DensityMatrix:
    """Apply an operation drawn from :func:`dm_operations`."""
    name = op[0]
    if name == "unitary":
        return dm.apply_unitary(op[2], op[1])
    if name == "depolarise":
        return dm.depolarise(op[1], op[2])
    if name == "dephase":
        return dm.dephase(op[1], op[2])
    if name == "amplitude_damp":
        return dm.amplitude_damp(op[1], op[2])
    if name == "memory":
        return dm.apply_memory_noise(op[1], op[2], op[3], op[4])
    if name == "measure":
        _, state = dm.measure(op[1], np.random.default_rng(op[3]), op[2])
        return state
    raise AssertionError(f"unknown operation {op!r}")


def bd_operations() -> st.SearchStrategy[Operation]:
    """One operation on a :class:`BellDiagonal` pair (some take a second pair)."""
    return st.one_of(
        st.tuples(st.sampled_from(["depolarise", "dephase", "bit_flip"]), probabilities),
        st.tuples(st.just("pauli"), bell_indices),
        st.tuples(st.just("pauli_channel"), pauli_probabilities()),
        st.tuples(st.just("twirl"), bell_indices),
        st.tuples(st.just("memory"), memory_times()),
        st.tuples(st.sampled_from(["swap", "dejmps", "bbpssw"]), bell_diagonal_states()),
    )


def apply_bd_operation(state: BellDiagonal, op: Operation) -> BellDiagonal:
    """Apply an operation drawn from :func:`bd_operations`.

    A purification round that cannot succeed (probability 0) leaves the state unchanged.
    """
    name, arg = op
    if name == "depolarise":
        return state.depolarise(arg)
    if name == "dephase":
        return state.dephase(arg)
    if name == "bit_flip":
        return state.bit_flip(arg)
    if name == "pauli":
        return state.apply_pauli(arg)
    if name == "pauli_channel":
        return state.pauli_channel(*arg)
    if name == "twirl":
        return state.twirl(arg)
    if name == "memory":
        return state.apply_memory_noise(*arg)
    if name == "swap":
        return swap(state, arg)
    purify = dejmps if name == "dejmps" else bbpssw
    try:
        return purify(state, arg)[1]
    except ValueError:
        return state
