"""Exact density matrices, and the Bell-basis operations that act on pairs inside a register.

:class:`DensityMatrix` (defined in a private module and exported here) is the exact formalism.
This module adds what entanglement swapping and purification need from it:

* :func:`project_bell` / :func:`bell_state_measurement`: a Bell-state measurement (BSM) on two
  qubits of a register. "Outcome m" means the measured pair (q1, q2) was projected onto Bell
  state |β_m⟩ with q1 as the first qubit of the Bell state (BellIndex convention of
  :mod:`qnetstack.quantum.bell`, which also equals the bits (z, x) read out by the usual
  CNOT(q1→q2), H(q1), Z-measurement circuit).
* :func:`werner_twirl`: the depolarising twirl of a pair into a Werner state, implemented as the
  average over bilateral operations (Bennett et al., PRA 54, 3824 (1996)) rather than
  by writing the Werner state down, so that it can be cross-checked against
  :meth:`~qnetstack.quantum.bell_diagonal.BellDiagonal.twirl`.

Swap convention (see :mod:`qnetstack.quantum.swap`): with pairs in Bell states i on (A, B1) and
j on (B2, C), projecting (B1, B2) onto β_m leaves (A, C) in β_{i⊕j⊕m}; each outcome has
probability 1/4 for Bell-diagonal inputs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qnetstack.quantum import _tensor
from qnetstack.quantum._checks import check_qubits
from qnetstack.quantum._density_matrix import Basis, DensityMatrix, MeasureBasis, xz_basis_kets
from qnetstack.quantum.bell import BELL_DMS, BellIndex, pauli_correction
from qnetstack.quantum.gates import H, I, S, X, Y, Z, pauli

__all__ = [
    "Basis",
    "DensityMatrix",
    "MeasureBasis",
    "bell_probabilities",
    "bell_state_measurement",
    "project_bell",
    "werner_twirl",
    "xz_basis_kets",
]

ComplexArray = npt.NDArray[np.complex128]

_ZERO_PROBABILITY = 1e-14


def _pair(dm: DensityMatrix, q1: int, q2: int) -> tuple[int, int]:
    first, second = check_qubits([q1, q2], dm.n_qubits)
    return first, second


def bell_probabilities(dm: DensityMatrix, q1: int, q2: int) -> npt.NDArray[np.float64]:
    """Probabilities of the four BSM outcomes on (q1, q2), indexed by BellIndex."""
    pair = _pair(dm, q1, q2)
    reduced = dm.partial_trace(pair).matrix
    probs = np.array([np.real(np.trace(BELL_DMS[m] @ reduced)) for m in BellIndex])
    probs = np.clip(probs, 0.0, None)
    return np.asarray(probs / probs.sum(), dtype=np.float64)


def project_bell(dm: DensityMatrix, q1: int, q2: int, outcome: int) -> tuple[float, DensityMatrix]:
    """Project (q1, q2) onto Bell state ``outcome`` and discard the measured qubits.

    Returns:
        ``(probability, state)``: the state is renormalised, on the remaining qubits in their
        original relative order.

    Raises:
        ValueError: If fewer than three qubits are given (nothing would remain), or the outcome
            has (numerically) zero probability.
    """
    pair = _pair(dm, q1, q2)
    n = dm.n_qubits
    if n < 3:
        raise ValueError("project_bell needs a register of >= 3 qubits; use bell_probabilities")
    m = BellIndex(outcome)
    projected = _tensor.conjugate_by(dm.matrix, BELL_DMS[m], pair, n)
    rest = [q for q in range(n) if q not in pair]
    reduced = _tensor.partial_trace(projected, rest, n)
    weight = float(np.trace(reduced).real)
    probability = weight / dm.trace
    if probability <= _ZERO_PROBABILITY:
        raise ValueError(
            f"Bell outcome {m.name} on qubits {pair} has probability {probability:.3g}"
        )
    return min(1.0, probability), DensityMatrix(reduced / weight)


def bell_state_measurement(
    dm: DensityMatrix, q1: int, q2: int, rng: np.random.Generator
) -> tuple[BellIndex, DensityMatrix]:
    """Bell-state measurement on (q1, q2), sampled with one ``rng.random()`` draw.

    Returns:
        ``(outcome, state)``: the Bell state the pair was projected onto and the renormalised
        state of the other qubits (measured qubits traced out).
    """
    probs = bell_probabilities(dm, q1, q2)
    # Only outcomes of non-zero probability can be drawn, even at the edges of floating point.
    possible = [m for m in BellIndex if probs[m] > _ZERO_PROBABILITY]
    remaining = rng.random() * float(sum(probs[m] for m in possible))
    outcome = possible[-1]
    for m in possible:
        remaining -= float(probs[m])
        if remaining < 0.0:
            outcome = m
            break
    _, state = project_bell(dm, q1, q2, outcome)
    return outcome, state


# U = H S† conjugates X → Y → Z → X, so the bilateral U ⊗ U* fixes Φ⁺ and cycles the other three
# Bell states (Bennett et al. 1996 use the same "bilateral B_x B_y" rotations).
_CYCLE = np.asarray(H @ S.conj().T, dtype=np.complex128)


def _bilateral(u: ComplexArray) -> ComplexArray:
    return np.asarray(np.kron(u, u.conj()), dtype=np.complex128)


_BILATERAL_PAULIS = tuple(_bilateral(p) for p in (I, X, Y, Z))
_BILATERAL_CYCLES = tuple(_bilateral(u) for u in (I, _CYCLE, _CYCLE @ _CYCLE))


def _average_conjugations(
    matrix: ComplexArray, unitaries: tuple[ComplexArray, ...]
) -> ComplexArray:
    total = sum((u @ matrix @ u.conj().T for u in unitaries), start=np.zeros_like(matrix))
    return np.asarray(total / len(unitaries), dtype=np.complex128)


def werner_twirl(dm: DensityMatrix, b: int = BellIndex.PHI_PLUS) -> DensityMatrix:
    """Twirl a two-qubit state into the Werner state with the same fidelity to β_b.

    Applies, on average, the 12 bilateral operations (σ ⊗ σ*)·(Uᵏ ⊗ U*ᵏ) in the frame where β_b
    is Φ⁺: the Pauli average removes the off-diagonal Bell-basis terms and the cyclic average
    equalises the three populations orthogonal to β_b. Bilateral U ⊗ U* leaves Φ⁺ invariant,
    which is why the fidelity is kept.

    Raises:
        ValueError: If ``dm`` is not a two-qubit state.
    """
    if dm.n_qubits != 2:
        raise ValueError(f"werner_twirl needs a two-qubit state, got {dm.n_qubits} qubits")
    correction = pauli(pauli_correction(b))
    frame = np.kron(I, correction)  # maps β_b to Φ⁺ (and back: Paulis are self-inverse)
    matrix = frame @ dm.matrix @ frame.conj().T
    matrix = _average_conjugations(matrix, _BILATERAL_PAULIS)
    matrix = _average_conjugations(matrix, _BILATERAL_CYCLES)
    return DensityMatrix(frame @ matrix @ frame.conj().T)
