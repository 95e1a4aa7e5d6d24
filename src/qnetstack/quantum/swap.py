"""Entanglement swapping on Bell-diagonal pairs, with Pauli-frame bookkeeping.

Setting: pair a on qubits (A, B1), pair b on (B2, C); the middle node performs a Bell-state
measurement (BSM) on (B1, B2) and obtains outcome m, meaning (B1, B2) was projected onto β_m
(:func:`qnetstack.quantum.density.project_bell`). In the Pauli-frame labelling of
:mod:`qnetstack.quantum.bell`, a Pauli σ_i on B1 can be moved onto the BSM projector, and σ_j on
C passes through untouched, so

    β_i (A,B1) ⊗ β_j (B2,C)  —BSM outcome m→  β_{i⊕j⊕m} (A,C),   each m with probability ¼.

For Bell-diagonal inputs the populations therefore combine by XOR-convolution
(physics.md F6; Dür et al., PRA 59, 169 (1999)):

    c_uncorrected[k] = Σ_{i⊕j⊕m=k} a[i]·b[j].

How the end node corrects: the middle node sends m; the end node holding C applies
``pauli_correction(m)`` (the Pauli with XOR mask m) to its qubit, which maps label k to k ⊕ m.
:func:`swap` returns the state *after* that correction, c[k] = Σ_{i⊕j=k} a[i]·b[j], which is the
same for all four outcomes: Φ⁺ with Φ⁺ gives Φ⁺, Ψ⁺ (1) with Φ⁻ (2) gives Ψ⁻ (3). To get the
uncorrected state of outcome m use ``swap(a, b).apply_pauli(m)``; its label bookkeeping is
:func:`swap_frame`.
"""

from __future__ import annotations

import numpy as np

from qnetstack.quantum.bell import BellIndex
from qnetstack.quantum.bell_diagonal import BellDiagonal

__all__ = ["swap", "swap_frame"]

# _PARTNER[k, i] = i ⊕ k: the index of b that pairs with a[i] to give label k.
_PARTNER = np.array([[i ^ k for i in range(4)] for k in range(4)], dtype=np.intp)
_PARTNER.flags.writeable = False


def swap(a: BellDiagonal, b: BellDiagonal) -> BellDiagonal:
    """Swap pairs ``a`` (A, B1) and ``b`` (B2, C) into a pair (A, C), BSM outcome corrected.

    Returns:
        The (A, C) state with c[k] = Σ_{i⊕j=k} a[i]·b[j]. For Werner inputs the Werner
        parameters multiply: F = F₁F₂ + (1 − F₁)(1 − F₂)/3 (physics.md F6).
    """
    ca = a.coefficients
    cb = b.coefficients
    return BellDiagonal._trusted((cb[_PARTNER] * ca[np.newaxis, :]).sum(axis=1))


def swap_frame(label_a: int, label_b: int, bsm_outcome: int) -> BellIndex:
    """Bell state held by the end nodes after a BSM with ``bsm_outcome``, before correction.

    Args:
        label_a: Bell state of pair (A, B1).
        label_b: Bell state of pair (B2, C).
        bsm_outcome: Bell state (B1, B2) was projected onto.

    Returns:
        ``label_a ⊕ label_b ⊕ bsm_outcome``. The end node holding C maps it to
        ``label_a ⊕ label_b`` by applying ``pauli_correction(bsm_outcome)``, and to Φ⁺ by
        applying ``pauli_correction`` of the returned label.
    """
    return BellIndex(BellIndex(label_a) ^ BellIndex(label_b) ^ BellIndex(bsm_outcome))
