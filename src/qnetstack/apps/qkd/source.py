"""Measurement records of entangled pairs, sampled from the exact two-qubit state.

Why it exists: validation must run *through* the maths it checks. Instead of drawing errors at a
rate computed from a formula, :func:`measure_pairs` takes a
:class:`~qnetstack.quantum.DensityMatrix` (for example ``DensityMatrix.werner(0.9)``) and
measurement directions for each round, computes the joint outcome distribution of every
distinct pair of directions from the density matrix, and samples outcomes from it. BBM92
records (Z/X bases) and E91 records (Ekert's angles) come from the same function.

Directions lie in the X–Z plane of the Bloch sphere: angle θ (radians, from the +Z axis towards
+X) is the observable cos θ·Z + sin θ·X. Outcome 0 is its +1 eigenvector
cos(θ/2)|0⟩ + sin(θ/2)|1⟩, so θ = 0 is the Z basis and θ = π/2 the X basis with the conventions of
:mod:`qnetstack.quantum` (outcome 0 = |0⟩ or |+⟩). For Φ⁺ the correlator is
E(θ_A, θ_B) = cos(θ_A − θ_B); for a Werner state of fidelity F it is w·cos(θ_A − θ_B),
w = (4F − 1)/3.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.errors import QkdParameterError
from qnetstack.quantum import DensityMatrix

__all__ = ["BASIS_ANGLES_RAD", "joint_outcome_probabilities", "measure_pairs"]

BASIS_ANGLES_RAD: tuple[float, float] = (0.0, math.pi / 2)
"""Bloch angle of basis code 0 (Z) and 1 (X); index with a basis array to get directions."""

Bits = npt.NDArray[np.uint8]


def _projector(theta_rad: float, outcome: int) -> npt.NDArray[np.complex128]:
    half = theta_rad / 2
    if outcome == 0:
        ket = np.array([math.cos(half), math.sin(half)], dtype=np.complex128)
    else:
        ket = np.array([math.sin(half), -math.cos(half)], dtype=np.complex128)
    return np.outer(ket, ket.conj())


def joint_outcome_probabilities(
    state: DensityMatrix, alice_angle_rad: float, bob_angle_rad: float
) -> npt.NDArray[np.float64]:
    """P(a, b) for Alice measuring qubit 0 at ``alice_angle_rad`` and Bob qubit 1 at his angle.

    Returns:
        Array ``p`` of shape (4,), ``p[2a + b]`` = Tr[ρ (Π_a ⊗ Π_b)], clipped at 0 and
        normalised (it sums to 1 up to rounding for a valid state).

    Raises:
        QkdParameterError: If ``state`` is not a two-qubit state.
    """
    if state.n_qubits != 2:
        raise QkdParameterError(f"state must be a two-qubit state, got {state.n_qubits} qubits")
    probabilities = np.empty(4, dtype=np.float64)
    for a in (0, 1):
        for b in (0, 1):
            operator = np.kron(_projector(alice_angle_rad, a), _projector(bob_angle_rad, b))
            probabilities[2 * a + b] = state.expectation(operator, [0, 1])
    probabilities = np.clip(probabilities, 0.0, None)
    normalised: npt.NDArray[np.float64] = probabilities / probabilities.sum()
    return normalised


def measure_pairs(
    state: DensityMatrix,
    alice_angles_rad: npt.ArrayLike,
    bob_angles_rad: npt.ArrayLike,
    rng: np.random.Generator,
) -> tuple[Bits, Bits]:
    """Sample Alice's and Bob's outcomes for one pair in ``state`` per round.

    Args:
        state: The two-qubit state of every pair (qubit 0 at Alice, qubit 1 at Bob).
        alice_angles_rad: Alice's measurement direction per round (Bloch angle, radians).
        bob_angles_rad: Bob's direction per round; same length.
        rng: Source of randomness (one uniform number per round).

    Returns:
        ``(alice_bits, bob_bits)`` as uint8 arrays.

    Raises:
        QkdParameterError: If the angle arrays differ in length or are not one-dimensional.
    """
    theta_a = np.asarray(alice_angles_rad, dtype=np.float64)
    theta_b = np.asarray(bob_angles_rad, dtype=np.float64)
    if theta_a.ndim != 1 or theta_b.ndim != 1:
        raise QkdParameterError("alice_angles_rad and bob_angles_rad must be one-dimensional")
    _checks.same_length(alice_angles_rad=theta_a, bob_angles_rad=theta_b)
    pairs, group = np.unique(np.stack([theta_a, theta_b], axis=1), axis=0, return_inverse=True)
    group = group.reshape(-1)
    table = np.array(
        [np.cumsum(joint_outcome_probabilities(state, ta, tb))[:3] for ta, tb in pairs]
    ).reshape(-1, 3)
    uniform = rng.random(len(theta_a))
    thresholds = table[group]
    outcome = (uniform[:, None] >= thresholds).sum(axis=1).astype(np.uint8)
    return (outcome >> 1).astype(np.uint8), (outcome & 1).astype(np.uint8)
