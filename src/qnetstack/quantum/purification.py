"""Recurrence entanglement purification: DEJMPS and BBPSSW, on Bell-diagonal pairs and as circuits.

Both protocols consume two pairs shared by Alice (qubits A1, A2) and Bob (B1, B2) and keep pair 1
on success:

1. local rotations (DEJMPS only): Alice applies Rx(π/2), Bob Rx(−π/2), to both of their qubits;
2. bilateral CNOT: A1 → A2 and B1 → B2 (pair 1 controls, pair 2 is the target);
3. Alice and Bob measure A2 and B2 in Z and keep pair 1 if the outcomes coincide.

In the Pauli-frame labelling (x, z) of :mod:`qnetstack.quantum.bell` the bilateral CNOT maps
(x₁, z₁), (x₂, z₂) to (x₁, z₁⊕z₂), (x₁⊕x₂, z₂): bit flips spread to the target, phase flips to the
control. Coincidence means x₁ = x₂, and the kept pair has label (x₁, z₁⊕z₂). The DEJMPS rotation
swaps Φ⁻ and Ψ⁻ and fixes Φ⁺ and Ψ⁺.

* :func:`dejmps` — Deutsch et al., PRL 77, 2818 (1996). For identical inputs with coefficients
  (A, B, C, D) on (Φ⁺, Ψ⁻, Ψ⁺, Φ⁻) this is physics.md F8: N = (A+B)² + (C+D)²,
  A' = (A²+B²)/N, B' = 2CD/N, C' = (C²+D²)/N, D' = 2AB/N. The output is left in the circuit's
  frame (no inverse rotation), as in the paper.
* :func:`bbpssw` — Bennett et al., PRL 76, 722 (1996): twirl both inputs to Werner states, run the
  round without rotations, twirl the kept pair back to a Werner state. For identical Werner inputs
  this is physics.md F9: p = F² + 2F(1−F)/3 + 5((1−F)/3)², F' = (F² + ((1−F)/3)²)/p. (The paper
  works around the singlet Ψ⁻; we use Φ⁺ as the target state, which is the same protocol after a
  local Pauli.)

The ``*_dm`` functions run the actual circuit on a four-qubit
:class:`~qnetstack.quantum.density.DensityMatrix` (qubits A1, B1, A2, B2), so they also handle
inputs that are not Bell-diagonal, and they cross-check the closed forms.
"""

from __future__ import annotations

import math

import numpy as np

from qnetstack.quantum.bell_diagonal import BellDiagonal
from qnetstack.quantum.density import DensityMatrix, werner_twirl
from qnetstack.quantum.gates import CNOT, rx

__all__ = [
    "bbpssw",
    "bbpssw_dm",
    "bilateral_cnot_round",
    "bilateral_cnot_round_dm",
    "dejmps",
    "dejmps_dm",
    "dejmps_rotation",
]

_ZERO_PROBABILITY = 1e-14

# Pairs (k1, k2) of input labels whose target outcomes coincide (equal x bits) or not, and the
# label ((z1 ⊕ z2) << 1) | x1 of the kept pair.
_K1, _K2 = np.meshgrid(np.arange(4), np.arange(4), indexing="ij")
_EQUAL_X = ((_K1 ^ _K2) & 1) == 0
_KEPT = ((_K1 ^ _K2) & 2) | (_K1 & 1)
_OUTCOMES = {True: (_EQUAL_X, _KEPT[_EQUAL_X]), False: (~_EQUAL_X, _KEPT[~_EQUAL_X])}

# The DEJMPS rotations act on labels as the permutation Φ⁻ ↔ Ψ⁻ (indices 2 ↔ 3).
_DEJMPS_ROTATION = np.array([0, 1, 3, 2], dtype=np.intp)


def bilateral_cnot_round(
    a: BellDiagonal, b: BellDiagonal, *, coincident: bool = True
) -> tuple[float, BellDiagonal]:
    """The bilateral CNOT (pair ``a`` controls) and Z readout of pair ``b``, in closed form.

    The step every recurrence protocol shares; protocols differ in the local operations before
    and after it. With ``coincident`` the outcomes agree (the round succeeds), otherwise they
    differ (only needed when a misread bit makes the nodes keep a failed round).

    Returns:
        ``(probability of those outcomes, kept pair given them)``.

    Raises:
        ValueError: If the outcomes have probability 0.
    """
    where, labels = _OUTCOMES[coincident]
    joint = np.outer(a.coefficients, b.coefficients)[where]
    p = float(joint.sum())
    if p <= _ZERO_PROBABILITY:
        if coincident:
            raise ValueError(
                "purification cannot succeed: the inputs' bit-flip labels never coincide"
            )
        raise ValueError("the purification outcomes can never differ")
    kept = np.bincount(labels, weights=joint, minlength=4) / p
    return min(1.0, p), BellDiagonal(kept)


def dejmps(a: BellDiagonal, b: BellDiagonal) -> tuple[float, BellDiagonal]:
    """One DEJMPS round on pairs ``a`` (kept on success) and ``b`` (sacrificed).

    Returns:
        ``(p_success, kept_pair)``.

    Raises:
        ValueError: If the round succeeds with probability 0.
    """
    rotation = _DEJMPS_ROTATION
    return bilateral_cnot_round(
        BellDiagonal(a.coefficients[rotation]), BellDiagonal(b.coefficients[rotation])
    )


def bbpssw(a: BellDiagonal, b: BellDiagonal) -> tuple[float, BellDiagonal]:
    """One BBPSSW round with twirls: inputs and output are Werner states around Φ⁺.

    Returns:
        ``(p_success, kept_pair)``; the kept pair is a Werner state.

    Raises:
        ValueError: If the round succeeds with probability 0.
    """
    p_success, kept = bilateral_cnot_round(a.twirl(), b.twirl())
    return p_success, kept.twirl()


# ---------------------------------------------------------------- density-matrix circuits
_A1, _B1, _A2, _B2 = 0, 1, 2, 3


def _check_pairs(*states: DensityMatrix) -> None:
    if any(rho.n_qubits != 2 for rho in states):
        raise ValueError("purification needs two two-qubit states")


def bilateral_cnot_round_dm(
    rho1: DensityMatrix, rho2: DensityMatrix, *, coincident: bool = True
) -> tuple[float, DensityMatrix]:
    """The bilateral CNOT and Z readout of :func:`bilateral_cnot_round` as a four-qubit circuit
    (qubits A1, B1, A2, B2), for inputs that need not be Bell-diagonal.

    Returns:
        ``(probability of those outcomes, kept pair on (A1, B1) given them)``, averaged over
        both outcomes of Alice's readout.

    Raises:
        ValueError: If the inputs are not two-qubit states or the outcomes have probability 0.
    """
    _check_pairs(rho1, rho2)
    register = rho1.tensor(rho2)  # qubits A1, B1, A2, B2
    register = register.apply_unitary(CNOT, [_A1, _A2]).apply_unitary(CNOT, [_B1, _B2])
    p_total = 0.0
    kept = np.zeros((4, 4), dtype=np.complex128)
    for outcome in (0, 1):
        p_alice = register.outcome_probabilities(_A2)[outcome]
        if p_alice <= _ZERO_PROBABILITY:
            continue
        _, after_alice = register.project(_A2, outcome)
        bob = outcome if coincident else 1 - outcome
        p_bob = after_alice.outcome_probabilities(_B2)[bob]
        if p_bob <= _ZERO_PROBABILITY:
            continue
        _, after_both = after_alice.project(_B2, bob)
        weight = p_alice * p_bob
        p_total += weight
        kept += weight * after_both.partial_trace([_A1, _B1]).matrix
    if p_total <= _ZERO_PROBABILITY:
        if coincident:
            raise ValueError("purification cannot succeed: the target outcomes never coincide")
        raise ValueError("the purification outcomes can never differ")
    return min(1.0, p_total), DensityMatrix(kept / p_total)


def dejmps_rotation(rho: DensityMatrix) -> DensityMatrix:
    """DEJMPS's local operations on one pair: Rx(π/2) on Alice's qubit 0, Rx(−π/2) on Bob's."""
    return rho.apply_unitary(rx(math.pi / 2), [0]).apply_unitary(rx(-math.pi / 2), [1])


def dejmps_dm(rho1: DensityMatrix, rho2: DensityMatrix) -> tuple[float, DensityMatrix]:
    """Run the DEJMPS circuit on two pairs (A1, B1) and (A2, B2) as a four-qubit state.

    Returns:
        ``(p_success, kept_pair)`` with the kept pair on (A1, B1), averaged over both
        coinciding outcomes (00 and 11) and renormalised.
    """
    _check_pairs(rho1, rho2)
    return bilateral_cnot_round_dm(dejmps_rotation(rho1), dejmps_rotation(rho2))


def bbpssw_dm(rho1: DensityMatrix, rho2: DensityMatrix) -> tuple[float, DensityMatrix]:
    """Run BBPSSW on two pairs as a four-qubit state: twirl, bilateral CNOT, keep, twirl.

    The twirls are :func:`~qnetstack.quantum.density.werner_twirl` (averages over bilateral
    operations), so the result is a Werner state around Φ⁺.
    """
    _check_pairs(rho1, rho2)
    p_success, kept = bilateral_cnot_round_dm(werner_twirl(rho1), werner_twirl(rho2))
    return p_success, werner_twirl(kept)
