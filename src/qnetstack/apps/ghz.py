"""Three-party GHZ states from two Bell pairs: the fusion at the centre node.

Theory of operation
-------------------
Nodes A and C each share a pair with a centre node B: (A, b₁) and (b₂, C), both in Φ⁺ after
their announced Bell frames are corrected (a Pauli on A's and on C's qubit; the Pauli with XOR
mask b maps β_b to Φ⁺, :mod:`qnetstack.quantum.bell`). B applies CNOT(b₁ → b₂) and measures b₂
in Z; outcome m. From |Φ⁺⟩|Φ⁺⟩ = ½ Σ_{x,y} |x x⟩|y y⟩ the CNOT gives ½ Σ |x⟩|x⟩|x ⊕ y⟩|y⟩, so
m = x ⊕ y and (A, b₁, C) is left in (|0 0 m⟩ + |1 1 m̄⟩)/√2: C applies X^m and the three hold
|GHZ⟩ = (|000⟩ + |111⟩)/√2. This is the standard fusion of two pairs into a GHZ state
(e.g. the three-node GHZ of Pompili et al., Science 372, 259 (2021), made in this way).

**Noise model.** B's two-qubit gate depolarises b₁ and b₂ with probability p (the channel
ρ → (1 − 3p/4)ρ + (p/4)Σ σρσ, applied before the CNOT as the swap model of
:meth:`~qnetstack.physical.qstore.PairStore.swap` does), and B's readout flips m with
probability q (C then applies the wrong correction). The correction itself is noise-free.

**Analytic value for Werner pairs** (derived here and checked by the tests). A Werner pair
ρ_w = w Φ⁺ + (1 − w) 𝟙/4 is linear in w, and the fusion is a linear map, so the output is the
sum of four terms: Φ⁺⊗Φ⁺ → |GHZ⟩ (fidelity 1); Φ⁺⊗𝟙/4 → Φ⁺(A,b₁) ⊗ 𝟙/2(C) (fidelity ¼);
𝟙/4⊗Φ⁺ → 𝟙/2(A) ⊗ ½(|00⟩⟨00| + |11⟩⟨11|)(b₁,C) (fidelity ¼); 𝟙/4⊗𝟙/4 → 𝟙/8 (⅛). Hence

    F_GHZ = w₁w₂ + w₁(1 − w₂)/4 + (1 − w₁)w₂/4 + (1 − w₁)(1 − w₂)/8,

and depolarising one half of a Werner pair with p gives the Werner pair w(1 − p), so gate noise
replaces wᵢ by wᵢ(1 − p). A misread m applies X to C: the terms above then have fidelities
0, ¼, 0 and ⅛, so with readout error q the mean is (1 − q)F_GHZ + q[w₁(1 − w₂)/4 +
(1 − w₁)(1 − w₂)/8] (:func:`werner_ghz_fidelity`).
"""

from __future__ import annotations

import math

import numpy as np

from qnetstack.quantum import DensityMatrix
from qnetstack.quantum.gates import CNOT, X, pauli

__all__ = ["GHZ_KET", "fuse_pairs", "ghz_fidelity", "werner_ghz_fidelity"]

_R = 1.0 / math.sqrt(2.0)
GHZ_KET = np.array([_R, 0, 0, 0, 0, 0, 0, _R], dtype=complex)
"""(|000⟩ + |111⟩)/√2 in the qubit order (A, B, C)."""


def fuse_pairs(
    pair_ab: DensityMatrix,
    pair_bc: DensityMatrix,
    rng: np.random.Generator,
    *,
    frames: tuple[int, int] = (0, 0),
    gate_depolar_prob: float = 0.0,
    readout_flip_prob: float = 0.0,
) -> tuple[int, DensityMatrix]:
    """Fuse pairs (A, b₁) and (b₂, C) into a three-qubit state of (A, B, C).

    Args:
        pair_ab: Two-qubit state, qubit order (A, b₁).
        pair_bc: Two-qubit state, qubit order (b₂, C).
        rng: Samples B's measurement outcome (and its readout error).
        frames: Announced Bell indices of the two pairs; corrected to Φ⁺ first (a Pauli on A's
            and on C's qubit).
        gate_depolar_prob: Depolarising of B's CNOT on b₁ and b₂.
        readout_flip_prob: Probability that B misreads its outcome.

    Returns:
        ``(reported outcome, state)``: the state of (A, b₁, C) after C's correction.
    """
    if pair_ab.n_qubits != 2 or pair_bc.n_qubits != 2:
        raise ValueError("fuse_pairs needs two two-qubit states")
    if frames[0]:
        pair_ab = pair_ab.apply_unitary(pauli(frames[0]), [0])
    if frames[1]:
        pair_bc = pair_bc.apply_unitary(pauli(frames[1]), [1])
    joint = pair_ab.tensor(pair_bc)  # (A, b1, b2, C)
    if gate_depolar_prob:
        joint = joint.depolarise(1, gate_depolar_prob).depolarise(2, gate_depolar_prob)
    joint = joint.apply_unitary(CNOT, [1, 2])
    outcome, post = joint.measure(2, rng, "Z")
    reported = outcome ^ int(bool(readout_flip_prob) and rng.random() < readout_flip_prob)
    state = post.partial_trace([0, 1, 3])
    if reported:
        state = state.apply_unitary(X, [2])
    return reported, state


def ghz_fidelity(state: DensityMatrix) -> float:
    """⟨GHZ|ρ|GHZ⟩ of a three-qubit state."""
    if state.n_qubits != 3:
        raise ValueError(f"a GHZ fidelity needs three qubits, got {state.n_qubits}")
    return float(state.fidelity_pure(GHZ_KET))


def werner_ghz_fidelity(
    f_ab: float, f_bc: float, gate_depolar_prob: float = 0.0, readout_flip_prob: float = 0.0
) -> float:
    """Mean GHZ fidelity of fusing Werner pairs of fidelities ``f_ab``, ``f_bc`` (module
    docstring)."""
    p, q = gate_depolar_prob, readout_flip_prob
    w1 = (4 * f_ab - 1) / 3 * (1 - p)
    w2 = (4 * f_bc - 1) / 3 * (1 - p)
    right = w1 * w2 + w1 * (1 - w2) / 4 + (1 - w1) * w2 / 4 + (1 - w1) * (1 - w2) / 8
    wrong = w1 * (1 - w2) / 4 + (1 - w1) * (1 - w2) / 8
    return (1 - q) * right + q * wrong
