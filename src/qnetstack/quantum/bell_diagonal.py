"""Bell-diagonal two-qubit states: four numbers per pair.

Why: a network of a thousand nodes cannot afford density matrices for every pair, but every
operation a repeater performs on twirled pairs — Pauli noise, swapping, recurrence purification —
maps Bell-diagonal states to Bell-diagonal states (Dür et al., PRA 59, 169 (1999); Bennett et al.,
PRA 54, 3824 (1996)). A :class:`BellDiagonal` stores the populations
ρ = Σ_b c_b |β_b⟩⟨β_b| in :class:`~qnetstack.quantum.bell.BellIndex` order, so a Pauli with XOR
mask m simply permutes them: c'[k] = c[k ⊕ m].

Single-qubit Pauli channels act the same whichever qubit of the pair they hit, so the noise
methods do not take a qubit argument. Amplitude damping is *not* Bell-diagonal preserving; it is
replaced by its Pauli twirl, which reproduces the Bell-basis populations of the exact channel
(see :meth:`BellDiagonal.apply_memory_noise`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qnetstack.quantum._checks import check_probability
from qnetstack.quantum._density_matrix import DensityMatrix
from qnetstack.quantum.bell import BELL_DMS, BELL_KETS, BellIndex, PauliLabel, pauli_index
from qnetstack.quantum.channels import t1t2_noise, twirled_amplitude_damping

__all__ = ["BellDiagonal"]

FloatArray = npt.NDArray[np.float64]

_NEGATIVE_ATOL = 1e-12
_SUM_ATOL = 1e-9

# _XOR[m] is the index permutation k -> k ⊕ m, so ``c[_XOR[m]]`` is "apply the Pauli with mask m".
_XOR = np.array([[k ^ m for k in range(4)] for m in range(4)], dtype=np.intp)
_XOR.flags.writeable = False


class BellDiagonal:
    """Immutable Bell-diagonal state of a pair.

    Args:
        coefficients: Four populations in BellIndex order (Φ⁺, Ψ⁺, Φ⁻, Ψ⁻). Negative values down
            to −1e-12 are clipped to 0 and the vector is renormalised.

    Raises:
        ValueError: If the shape is not (4,), an entry is below −1e-12 or not finite, or the sum
            differs from 1 by more than 1e-9.
    """

    __slots__ = ("_coefficients",)

    _coefficients: FloatArray

    def __init__(self, coefficients: npt.ArrayLike) -> None:
        c = np.array(coefficients, dtype=np.float64, copy=True)
        if c.shape != (4,):
            raise ValueError(f"Bell-diagonal coefficients must have shape (4,), got {c.shape}")
        if not np.all(np.isfinite(c)):
            raise ValueError(f"Bell-diagonal coefficients must be finite, got {c}")
        if np.any(c < -_NEGATIVE_ATOL):
            raise ValueError(f"Bell-diagonal coefficients must be >= 0, got {c}")
        total = float(c.sum())
        if abs(total - 1.0) > _SUM_ATOL:
            raise ValueError(f"Bell-diagonal coefficients must sum to 1, got sum {total!r}")
        c = np.clip(c, 0.0, None)
        c /= c.sum()
        c.flags.writeable = False
        self._coefficients = c

    @classmethod
    def _trusted(cls, coefficients: FloatArray) -> BellDiagonal:
        """Wrap coefficients an operation produced as a convex mixture of valid ones.

        Channels and swaps map probability vectors to probability vectors, so their outputs
        skip the validation of :meth:`__init__`, which dominates the cost of these operations
        on the hot path of large networks. (Rounding keeps the sum within ~1e-15 per step.)
        """
        obj = cls.__new__(cls)
        coefficients.flags.writeable = False
        obj._coefficients = coefficients
        return obj

    # ----------------------------------------------------------------- constructors
    @classmethod
    def bell(cls, b: int = BellIndex.PHI_PLUS) -> BellDiagonal:
        """The pure Bell state ``b``."""
        c = np.zeros(4)
        c[BellIndex(b)] = 1.0
        return cls(c)

    @classmethod
    def werner(cls, fidelity: float, b: int = BellIndex.PHI_PLUS) -> BellDiagonal:
        """Werner state: population F on β_b and (1 − F)/3 on each other Bell state."""
        f = check_probability("fidelity", fidelity)
        c = np.full(4, (1.0 - f) / 3.0)
        c[BellIndex(b)] = f
        return cls(c)

    @classmethod
    def from_density_matrix(cls, dm: DensityMatrix) -> BellDiagonal:
        """Bell-basis populations ⟨β_b|ρ|β_b⟩ of a two-qubit state (its Pauli-twirl projection).

        Raises:
            ValueError: If ``dm`` is not a two-qubit state.
        """
        if dm.n_qubits != 2:
            raise ValueError(f"need a two-qubit state, got {dm.n_qubits} qubits")
        c = np.array([np.real(ket.conj() @ dm.matrix @ ket) for ket in BELL_KETS])
        return cls(np.clip(c, 0.0, None) / dm.trace)

    def to_density_matrix(self) -> DensityMatrix:
        """The two-qubit density matrix Σ_b c_b |β_b⟩⟨β_b|."""
        matrix = np.einsum("b,bij->ij", self._coefficients, np.asarray(BELL_DMS))
        return DensityMatrix(matrix)

    # ------------------------------------------------------------------- accessors
    @property
    def coefficients(self) -> FloatArray:
        """Read-only populations in BellIndex order."""
        return self._coefficients

    def fidelity(self, b: int = BellIndex.PHI_PLUS) -> float:
        """Fidelity ⟨β_b|ρ|β_b⟩ to Bell state ``b``."""
        return float(self._coefficients[BellIndex(b)])

    def most_likely(self) -> BellIndex:
        """The Bell state with the largest population (lowest index on ties)."""
        return BellIndex(int(np.argmax(self._coefficients)))

    def allclose(self, other: BellDiagonal, atol: float = 1e-9) -> bool:
        """Whether the populations agree within ``atol``."""
        return bool(np.allclose(self._coefficients, other._coefficients, rtol=0.0, atol=atol))

    def __repr__(self) -> str:
        values = ", ".join(f"{v:.6g}" for v in self._coefficients)
        return f"BellDiagonal([{values}])"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BellDiagonal):
            return NotImplemented
        return bool(np.array_equal(self._coefficients, other._coefficients))

    def __hash__(self) -> int:
        return hash(self._coefficients.tobytes())

    # ------------------------------------------------------------------ operations
    def apply_pauli(self, pauli: PauliLabel | int) -> BellDiagonal:
        """Apply a Pauli (label or XOR mask 0..3) to either qubit: c'[k] = c[k ⊕ m].

        This is also how a Pauli-frame correction is applied: ``apply_pauli(b)`` relabels β_b as
        Φ⁺ (see :func:`~qnetstack.quantum.bell.pauli_correction`).
        """
        return BellDiagonal._trusted(self._coefficients[_XOR[pauli_index(pauli)]])

    def pauli_channel(self, p_x: float, p_y: float, p_z: float) -> BellDiagonal:
        """Single-qubit Pauli channel ρ → (1 − Σp)ρ + p_x XρX + p_y YρY + p_z ZρZ on one qubit.

        Raises:
            ValueError: If a probability is outside [0, 1] or their sum exceeds 1.
        """
        if not (0.0 <= p_x <= 1.0 and 0.0 <= p_y <= 1.0 and 0.0 <= p_z <= 1.0):
            for name, value in (("p_x", p_x), ("p_y", p_y), ("p_z", p_z)):
                check_probability(name, value)  # raises with the parameter's name
        p_identity = 1.0 - (p_x + p_y + p_z)
        if p_identity < -_NEGATIVE_ATOL:
            raise ValueError(f"p_x + p_y + p_z must be <= 1, got {p_x + p_y + p_z!r}")
        p_identity = max(p_identity, 0.0)
        # Plain floats: on four numbers this is several times faster than numpy indexing (a
        # hot path: every memory-noise step of every pair). X has mask 1, Y mask 3, Z mask 2.
        c = self._coefficients.tolist()
        out = [
            p_identity * c[k] + p_x * c[k ^ 1] + p_y * c[k ^ 3] + p_z * c[k ^ 2] for k in range(4)
        ]
        return BellDiagonal._trusted(np.array(out))

    def depolarise(self, p: float) -> BellDiagonal:
        """Depolarising channel with parameter ``p`` on one qubit: c' = (1 − p)c + p/4."""
        p = check_probability("p", p)
        return BellDiagonal._trusted((1.0 - p) * self._coefficients + 0.25 * p)

    def dephase(self, p: float) -> BellDiagonal:
        """Dephasing (1 − p)ρ + p ZρZ on one qubit: c'[k] = (1 − p)c[k] + p c[k ⊕ 2]."""
        return self.pauli_channel(0.0, 0.0, p)

    def bit_flip(self, p: float) -> BellDiagonal:
        """Bit flip (1 − p)ρ + p XρX on one qubit: c'[k] = (1 − p)c[k] + p c[k ⊕ 1]."""
        return self.pauli_channel(p, 0.0, 0.0)

    def twirl(self, b: int = BellIndex.PHI_PLUS) -> BellDiagonal:
        """Depolarising twirl into the Werner state with the same fidelity to β_b."""
        return BellDiagonal.werner(self.fidelity(b), b)

    def apply_memory_noise(self, dt_ps: int, t1_ps: float, t2_ps: float) -> BellDiagonal:
        """One qubit of the pair idles ``dt_ps`` under T1/T2 noise (NetSquid T1T2 model).

        The amplitude damping γ of :func:`~qnetstack.quantum.channels.t1t2_noise` is replaced by
        its Pauli twirl (p_x = p_y = γ/4, p_z = (1 − γ/2 − √(1−γ))/2, see
        :func:`~qnetstack.quantum.channels.twirled_amplitude_damping`) and followed by the
        dephasing p. For a Bell-diagonal input the result equals the exact density-matrix
        evolution projected back onto the Bell basis; pure T2 (``t1_ps = math.inf``) is exact.
        Only the Bell-basis coherences that the exact channel creates are dropped.
        """
        gamma, p_dephase = t1t2_noise(dt_ps, t1_ps, t2_ps)
        if gamma <= 0.0:
            return self.dephase(p_dephase) if p_dephase > 0.0 else self
        p_x, p_y, p_z = twirled_amplitude_damping(gamma)
        if p_dephase > 0.0:
            # One Pauli channel for both steps: composing with Z-dephasing p swaps I↔Z and
            # X↔Y with probability p (Paulis multiply as the XOR group of their masks).
            p_i, q = 1.0 - (p_x + p_y + p_z), p_dephase
            p_x, p_y, p_z = (
                p_x * (1.0 - q) + p_y * q,
                p_y * (1.0 - q) + p_x * q,
                p_z * (1.0 - q) + p_i * q,
            )
        return self.pauli_channel(p_x, p_y, p_z)
