"""Exact n-qubit density matrices (the class; import it from :mod:`qnetstack.quantum.density`).

:class:`DensityMatrix` is the exact formalism: use it for small registers (teaching, validation,
gate-level protocols, cross-checking :class:`~qnetstack.quantum.bell_diagonal.BellDiagonal`).
It is an immutable value object: every operation returns a new instance and the stored matrix is
read-only, so a state handed to another component can never change behind its back.

Qubit order: qubit 0 is the most significant bit of the basis index (|q0 q1 …⟩, ``np.kron``
order). Operators act on the listed ``targets`` in the order given, e.g.
``apply_unitary(CNOT, [2, 0])`` uses qubit 2 as control.

Operators are applied by tensor contraction over the touched qubits only (see
:mod:`qnetstack.quantum._tensor`), never by building 2ⁿ x 2ⁿ Kronecker products.

Bell-basis operations on registers (Bell-state measurement, projection, Werner twirl) are
functions in :mod:`qnetstack.quantum.density`, which is the public home of this class.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from qnetstack.quantum import _tensor
from qnetstack.quantum._checks import check_probability, check_qubits
from qnetstack.quantum.bell import BELL_DMS, BELL_KETS, BellIndex
from qnetstack.quantum.channels import (
    t1t2_noise,
)

__all__ = ["Basis", "DensityMatrix", "MeasureBasis", "xz_basis_kets"]

ComplexArray = npt.NDArray[np.complex128]
Basis = Literal["Z", "X", "Y"]
"""Single-qubit measurement basis; outcome 0 is the +1 eigenstate (|0⟩, |+⟩, |+i⟩)."""
MeasureBasis = Basis | float
"""A named basis, or a direction in the X–Z plane of the Bloch sphere given by its angle θ in
radians from +Z towards +X: the observable cos θ Z + sin θ X (θ = 0 is Z, π/2 is X). Outcome 0 is
its +1 eigenstate cos(θ/2)|0⟩ + sin(θ/2)|1⟩. E91 needs these rotated analysers (π/4, 3π/4)."""

_ZERO_PROBABILITY = 1e-14
"""Below this, a projection is treated as impossible (renormalising would amplify noise)."""

_UNITARY_ATOL = 1e-10


def _projectors() -> dict[str, tuple[ComplexArray, ComplexArray]]:
    r = 1.0 / math.sqrt(2.0)
    kets = {
        "Z": ((1.0, 0.0), (0.0, 1.0)),
        "X": ((r, r), (r, -r)),
        "Y": ((r, 1j * r), (r, -1j * r)),
    }
    result = {}
    for basis, (k0, k1) in kets.items():
        pair = []
        for ket in (k0, k1):
            vec = np.array(ket, dtype=np.complex128)
            proj = np.outer(vec, vec.conj())
            proj.flags.writeable = False
            pair.append(proj)
        result[basis] = (pair[0], pair[1])
    return result


_BASIS_PROJECTORS = _projectors()


def xz_basis_kets(theta_rad: float) -> tuple[ComplexArray, ComplexArray]:
    """Eigenvectors (+1, −1) of cos θ Z + sin θ X: Ry(θ)|0⟩ and Ry(θ)|1⟩.

    Why these: Ry(θ) turns +Z into the direction at angle θ towards +X, so measuring along θ is
    Ry(−θ) followed by a Z measurement; the projectors are those kets' outer products.

    Raises:
        ValueError: If ``theta_rad`` is not a finite number.
    """
    if isinstance(theta_rad, bool) or not isinstance(theta_rad, int | float):
        raise ValueError(f"basis must be 'Z', 'X', 'Y' or an angle in radians, got {theta_rad!r}")
    if not math.isfinite(theta_rad):
        raise ValueError(f"a measurement angle must be finite, got {theta_rad!r}")
    c, s = math.cos(theta_rad / 2.0), math.sin(theta_rad / 2.0)
    return (
        np.array((c, s), dtype=np.complex128),
        np.array((-s, c), dtype=np.complex128),
    )


def _basis_projector(basis: MeasureBasis, outcome: int) -> ComplexArray:
    if outcome not in (0, 1):
        raise ValueError(f"measurement outcome must be 0 or 1, got {outcome!r}")
    if isinstance(basis, str):
        if basis not in _BASIS_PROJECTORS:
            raise ValueError(f"basis must be 'Z', 'X', 'Y' or an angle in radians, got {basis!r}")
        return _BASIS_PROJECTORS[basis][outcome]
    ket = xz_basis_kets(basis)[outcome]
    return np.outer(ket, ket.conj())


_PAIR_PROJECTORS: dict[tuple[MeasureBasis, int], tuple[ComplexArray, ComplexArray]] = {}
_PAIR_PROJECTOR_CACHE_SIZE = 64


def _pair_projectors(basis: MeasureBasis, qubit: int) -> tuple[ComplexArray, ComplexArray]:
    """The two outcome projectors of ``basis`` on ``qubit`` of a two-qubit register (qubit 0 is
    the most significant), cached (named bases, and the first few angles: E91 uses six)."""
    key = (basis, qubit)
    hit = _PAIR_PROJECTORS.get(key)
    if hit is not None:
        return hit
    identity = np.eye(2, dtype=np.complex128)
    pair = [
        np.asarray(
            np.kron(_basis_projector(basis, o), identity)
            if qubit == 0
            else np.kron(identity, _basis_projector(basis, o)),
            dtype=np.complex128,
        )
        for o in (0, 1)
    ]
    projectors = (pair[0], pair[1])
    if len(_PAIR_PROJECTORS) < _PAIR_PROJECTOR_CACHE_SIZE:
        _PAIR_PROJECTORS[key] = projectors
    return projectors


def _n_qubits_of_dim(dim: int, what: str) -> int:
    n = dim.bit_length() - 1
    if dim < 2 or 2**n != dim:
        raise ValueError(f"{what} dimension must be a power of 2 (>= 2), got {dim}")
    return n


def _check_operator(op: npt.ArrayLike, k: int, what: str) -> ComplexArray:
    matrix = np.asarray(op, dtype=np.complex128)
    dim = 2**k
    if matrix.shape != (dim, dim):
        raise ValueError(f"{what} for {k} target qubit(s) must be {dim}x{dim}, got {matrix.shape}")
    return matrix


class DensityMatrix:
    """Immutable density matrix of an n-qubit register.

    Args:
        matrix: A square complex matrix of dimension 2ⁿ (n >= 1). It is copied. Only the shape
            is validated; use :meth:`is_valid` to check Hermiticity, positivity and trace.

    Raises:
        ValueError: If ``matrix`` is not square with a power-of-two dimension, or not finite.
    """

    __slots__ = ("_matrix", "_n_qubits")

    _matrix: ComplexArray
    _n_qubits: int

    def __init__(self, matrix: npt.ArrayLike) -> None:
        array = np.array(matrix, dtype=np.complex128, copy=True)
        if array.ndim != 2 or array.shape[0] != array.shape[1]:
            raise ValueError(f"density matrix must be square, got shape {array.shape}")
        n = _n_qubits_of_dim(array.shape[0], "density matrix")
        if not np.all(np.isfinite(array)):
            raise ValueError("density matrix contains NaN or infinite entries")
        array.flags.writeable = False
        self._matrix = array
        self._n_qubits = n

    @classmethod
    def _trusted(cls, array: ComplexArray, n_qubits: int) -> DensityMatrix:
        # Internal results are already well-formed: skip the copy and the checks.
        obj = cls.__new__(cls)
        array.flags.writeable = False
        obj._matrix = array
        obj._n_qubits = n_qubits
        return obj

    # ----------------------------------------------------------------- constructors
    @classmethod
    def from_ket(cls, ket: npt.ArrayLike) -> DensityMatrix:
        """The pure state |ψ⟩⟨ψ|.

        Raises:
            ValueError: If ``ket`` is not a vector of length 2ⁿ with unit norm (within 1e-9).
        """
        vec = np.asarray(ket, dtype=np.complex128).reshape(-1)
        n = _n_qubits_of_dim(vec.shape[0], "ket")
        norm = float(np.linalg.norm(vec))
        if abs(norm - 1.0) > 1e-9:
            raise ValueError(f"ket must be normalised, got norm {norm!r}")
        return cls._trusted(np.outer(vec, vec.conj()), n)

    @classmethod
    def zero(cls, n_qubits: int) -> DensityMatrix:
        """|0…0⟩⟨0…0| on ``n_qubits`` qubits."""
        if n_qubits < 1:
            raise ValueError(f"n_qubits must be >= 1, got {n_qubits!r}")
        dim = 2**n_qubits
        matrix = np.zeros((dim, dim), dtype=np.complex128)
        matrix[0, 0] = 1.0
        return cls._trusted(matrix, n_qubits)

    @classmethod
    def maximally_mixed(cls, n_qubits: int) -> DensityMatrix:
        """I/2ⁿ on ``n_qubits`` qubits."""
        if n_qubits < 1:
            raise ValueError(f"n_qubits must be >= 1, got {n_qubits!r}")
        dim = 2**n_qubits
        return cls._trusted(np.eye(dim, dtype=np.complex128) / dim, n_qubits)

    @classmethod
    def bell(cls, b: int = BellIndex.PHI_PLUS) -> DensityMatrix:
        """The Bell state ``b`` (a :class:`~qnetstack.quantum.bell.BellIndex`)."""
        return cls._trusted(BELL_DMS[BellIndex(b)].copy(), 2)

    @classmethod
    def werner(cls, fidelity: float, b: int = BellIndex.PHI_PLUS) -> DensityMatrix:
        """Werner state F|β_b⟩⟨β_b| + (1 − F)/3 Σ_{k≠b} |β_k⟩⟨β_k| (Werner, PRA 40, 4277 (1989)).

        Raises:
            ValueError: If ``fidelity`` is outside [0, 1].
        """
        f = check_probability("fidelity", fidelity)
        b = BellIndex(b)
        other = (1.0 - f) / 3.0
        matrix = sum(
            ((f if k == b else other) * BELL_DMS[k] for k in BellIndex),
            start=np.zeros((4, 4), dtype=np.complex128),
        )
        return cls._trusted(matrix, 2)

    # ------------------------------------------------------------------- properties
    @property
    def n_qubits(self) -> int:
        """Number of qubits in the register."""
        return self._n_qubits

    @property
    def matrix(self) -> ComplexArray:
        """The read-only 2ⁿ x 2ⁿ complex128 matrix (copy it to modify)."""
        return self._matrix

    @property
    def trace(self) -> float:
        """Real part of the trace (1 for a normalised state)."""
        return float(np.trace(self._matrix).real)

    def __repr__(self) -> str:
        return f"DensityMatrix(n_qubits={self._n_qubits}, trace={self.trace:.12g})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DensityMatrix):
            return NotImplemented
        return bool(np.array_equal(self._matrix, other._matrix))

    def __hash__(self) -> int:
        return hash((self._n_qubits, self._matrix.tobytes()))

    def allclose(self, other: DensityMatrix, atol: float = 1e-9) -> bool:
        """Whether both registers have the same size and entries within ``atol``."""
        return self._n_qubits == other._n_qubits and bool(
            np.allclose(self._matrix, other._matrix, rtol=0.0, atol=atol)
        )

    # ------------------------------------------------------------- gates and noise
    def apply_unitary(self, u: npt.ArrayLike, targets: Sequence[int]) -> DensityMatrix:
        """Return U ρ U† with the k-qubit unitary ``u`` acting on ``targets`` (in that order).

        Raises:
            ValueError: On bad targets, a wrong shape, or a non-unitary ``u`` (atol 1e-10).
        """
        qubits = check_qubits(targets, self._n_qubits)
        op = _check_operator(u, len(qubits), "unitary")
        if not np.allclose(op @ op.conj().T, np.eye(op.shape[0]), rtol=0.0, atol=_UNITARY_ATOL):
            raise ValueError("u is not unitary (U U† != I within 1e-10)")
        return self._trusted(
            _tensor.conjugate_by(self._matrix, op, qubits, self._n_qubits), self._n_qubits
        )

    def apply_kraus(self, ops: Sequence[npt.ArrayLike], targets: Sequence[int]) -> DensityMatrix:
        """Return Σ_K K ρ K† for a trace-preserving channel acting on ``targets``.

        Raises:
            ValueError: On bad targets, wrong shapes, or if Σ K†K != I (atol 1e-10).
        """
        qubits = check_qubits(targets, self._n_qubits)
        kraus = [_check_operator(op, len(qubits), "Kraus operator") for op in ops]
        if not kraus:
            raise ValueError("at least one Kraus operator is required")
        completeness = sum((k.conj().T @ k for k in kraus), start=np.zeros_like(kraus[0]))
        if not np.allclose(
            completeness, np.eye(completeness.shape[0]), rtol=0.0, atol=_UNITARY_ATOL
        ):
            raise ValueError("Kraus operators are not trace preserving (Σ K†K != I within 1e-10)")
        return self._trusted(
            _tensor.kraus_map(self._matrix, kraus, qubits, self._n_qubits), self._n_qubits
        )

    def depolarise(self, qubit: int, p: float) -> DensityMatrix:
        """Single-qubit depolarising channel with parameter ``p`` (NetSquid convention)."""
        return self._single_qubit_noise(qubit, depolarise=check_probability("p", p))

    def dephase(self, qubit: int, p: float) -> DensityMatrix:
        """Dephasing (1 − p)ρ + p ZρZ on ``qubit``."""
        return self._single_qubit_noise(qubit, dephase=check_probability("p", p))

    def amplitude_damp(self, qubit: int, gamma: float) -> DensityMatrix:
        """Amplitude damping (decay |1⟩ → |0⟩ with probability ``gamma``) on ``qubit``."""
        return self._single_qubit_noise(qubit, gamma=check_probability("gamma", gamma))

    def pauli_channel(self, qubit: int, p_x: float, p_y: float, p_z: float) -> DensityMatrix:
        """Single-qubit Pauli channel (1 − Σp)ρ + p_x XρX + p_y YρY + p_z ZρZ on ``qubit``.

        Raises:
            ValueError: If a probability is outside [0, 1] or they sum to more than 1.
        """
        for name, value in (("p_x", p_x), ("p_y", p_y), ("p_z", p_z)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        if p_x + p_y + p_z > 1.0 + 1e-12:
            raise ValueError(f"p_x + p_y + p_z must be <= 1, got {p_x + p_y + p_z}")
        (q,) = check_qubits([qubit], self._n_qubits)
        matrix = _tensor.pauli_channel(self._matrix, q, self._n_qubits, p_x, p_y, p_z)
        return self._trusted(matrix, self._n_qubits)

    def apply_memory_noise(
        self, qubit: int, dt_ps: int, t1_ps: float, t2_ps: float
    ) -> DensityMatrix:
        """Idle ``qubit`` for ``dt_ps`` under T1/T2 noise (see :func:`~.channels.t1t2_noise`)."""
        gamma, p_dephase = t1t2_noise(dt_ps, t1_ps, t2_ps)
        if gamma <= 0.0 and p_dephase <= 0.0:
            return self
        return self._single_qubit_noise(qubit, gamma=gamma, dephase=p_dephase)

    def _single_qubit_noise(
        self, qubit: int, *, gamma: float = 0.0, dephase: float = 0.0, depolarise: float = 0.0
    ) -> DensityMatrix:
        (q,) = check_qubits([qubit], self._n_qubits)
        matrix = _tensor.single_qubit_noise(
            self._matrix, q, self._n_qubits, gamma=gamma, dephase=dephase, depolarise=depolarise
        )
        return self._trusted(matrix, self._n_qubits)

    # ------------------------------------------------------------------ measurement
    def outcome_probabilities(self, qubit: int, basis: MeasureBasis = "Z") -> tuple[float, float]:
        """Born-rule probabilities (p0, p1) of measuring ``qubit`` in ``basis`` (a named basis
        or an X–Z-plane angle, see :data:`MeasureBasis`)."""
        reduced = self.partial_trace([qubit]).matrix
        raw = [float(np.real(np.trace(_basis_projector(basis, o) @ reduced))) for o in (0, 1)]
        p0 = min(1.0, max(0.0, raw[0] / (raw[0] + raw[1])))
        return p0, 1.0 - p0

    def project(
        self, qubit: int, outcome: int, basis: MeasureBasis = "Z"
    ) -> tuple[float, DensityMatrix]:
        """Project ``qubit`` onto ``outcome`` of ``basis`` (named, or an X–Z-plane angle).

        Returns:
            ``(probability, state)`` where ``state`` is the renormalised post-measurement state of
            the whole register (the measured qubit is left in the basis eigenstate).

        Raises:
            ValueError: If the outcome has (numerically) zero probability.
        """
        (q,) = check_qubits([qubit], self._n_qubits)
        projector = _basis_projector(basis, outcome)
        projected = _tensor.conjugate_by(self._matrix, projector, [q], self._n_qubits)
        weight = float(np.trace(projected).real)
        probability = weight / self.trace
        if probability <= _ZERO_PROBABILITY:
            raise ValueError(
                f"outcome {outcome} of a {basis} measurement on qubit {q} has probability "
                f"{probability:.3g}; cannot project onto it"
            )
        return min(1.0, probability), self._trusted(projected / weight, self._n_qubits)

    def measure(
        self, qubit: int, rng: np.random.Generator, basis: MeasureBasis = "Z"
    ) -> tuple[int, DensityMatrix]:
        """Measure ``qubit`` in ``basis`` (named, or an X–Z-plane angle), with one ``rng.random()``
        draw.

        Returns:
            ``(outcome, state)``: outcome 0 is the +1 eigenstate; ``state`` is the collapsed,
            renormalised register including the measured qubit.
        """
        if self._n_qubits == 2 and qubit in (0, 1):
            return self._measure_pair(qubit, rng, basis)
        p0, _ = self.outcome_probabilities(qubit, basis)
        outcome = 0 if rng.random() < p0 else 1
        _, state = self.project(qubit, outcome, basis)
        return outcome, state

    def _measure_pair(
        self, qubit: int, rng: np.random.Generator, basis: MeasureBasis
    ) -> tuple[int, DensityMatrix]:
        """:meth:`measure` on a two-qubit register with 4×4 projectors (the measure-directly
        hot path of QKD: one Born probability and one P ρ P, instead of generic tensor code;
        the same draw, probabilities and post-state up to rounding)."""
        m = self._matrix
        p_zero, p_one = _pair_projectors(basis, qubit)
        total = float(m.trace().real)
        raw0 = float((p_zero * m.T).sum().real)  # Tr(P₀ρ)
        p0 = min(1.0, max(0.0, raw0 / total))
        outcome = 0 if rng.random() < p0 else 1
        projector = p_zero if outcome == 0 else p_one
        projected = projector @ m @ projector
        weight = float(projected.trace().real)
        if weight / total <= _ZERO_PROBABILITY:
            raise ValueError(
                f"outcome {outcome} of a {basis} measurement on qubit {qubit} has probability "
                f"{weight / total:.3g}; cannot project onto it"
            )
        return outcome, self._trusted(projected / weight, 2)

    # ---------------------------------------------------------- register structure
    def partial_trace(self, keep: Sequence[int]) -> DensityMatrix:
        """Reduced state of the qubits ``keep``, ordered as listed."""
        qubits = check_qubits(keep, self._n_qubits)
        reduced = _tensor.partial_trace(self._matrix, qubits, self._n_qubits)
        return self._trusted(reduced, len(qubits))

    def tensor(self, other: DensityMatrix) -> DensityMatrix:
        """Joint register ρ ⊗ σ: this register's qubits first, then ``other``'s."""
        joint = np.asarray(np.kron(self._matrix, other._matrix), dtype=np.complex128)
        return self._trusted(joint, self._n_qubits + other._n_qubits)

    def permute(self, order: Sequence[int]) -> DensityMatrix:
        """Reorder qubits: new qubit i is old qubit ``order[i]`` (a permutation of all qubits)."""
        qubits = check_qubits(order, self._n_qubits)
        if len(qubits) != self._n_qubits:
            raise ValueError(f"order must list all {self._n_qubits} qubits, got {qubits}")
        return self._trusted(
            _tensor.permute_qubits(self._matrix, qubits, self._n_qubits), self._n_qubits
        )

    # -------------------------------------------------------------- figures of merit
    def expectation(self, operator: npt.ArrayLike, targets: Sequence[int]) -> float:
        """⟨O⟩ = Tr(O ρ) for a Hermitian ``operator`` acting on ``targets`` (in that order).

        Raises:
            ValueError: If ``operator`` has the wrong shape or is not Hermitian (atol 1e-10).
        """
        qubits = check_qubits(targets, self._n_qubits)
        op = _check_operator(operator, len(qubits), "operator")
        if not np.allclose(op, op.conj().T, rtol=0.0, atol=_UNITARY_ATOL):
            raise ValueError("operator must be Hermitian for a real expectation value")
        reduced = self.partial_trace(qubits).matrix
        return float(np.real(np.trace(op @ reduced)))

    def fidelity_pure(self, ket: npt.ArrayLike) -> float:
        """⟨ψ|ρ|ψ⟩ for a normalised ``ket`` on the whole register."""
        vec = np.asarray(ket, dtype=np.complex128).reshape(-1)
        if vec.shape[0] != self._matrix.shape[0]:
            raise ValueError(f"ket length {vec.shape[0]} != dimension {self._matrix.shape[0]}")
        return float(np.real(vec.conj() @ self._matrix @ vec))

    def fidelity_bell(self, b: int = BellIndex.PHI_PLUS, qubits: Sequence[int] = (0, 1)) -> float:
        """⟨β_b|ρ|β_b⟩ of the pair ``qubits`` (the rest of the register is traced out first)."""
        pair = check_qubits(qubits, self._n_qubits)
        if len(pair) != 2:
            raise ValueError(f"fidelity_bell needs exactly two qubits, got {pair}")
        reduced = (
            self.matrix
            if pair == (0, 1) and self._n_qubits == 2
            else self.partial_trace(pair).matrix
        )
        ket = BELL_KETS[BellIndex(b)]
        return float(np.real(ket.conj() @ reduced @ ket))

    def fidelity(self, other: DensityMatrix) -> float:
        """Uhlmann fidelity F(ρ, σ) = (Tr √(√ρ σ √ρ))².

        Squared convention, so F = ⟨ψ|ρ|ψ⟩ when σ = |ψ⟩⟨ψ| is pure. Computed with
        two Hermitian eigendecompositions (Jozsa, J. Mod. Opt. 41, 2315 (1994)).
        """
        if other._n_qubits != self._n_qubits:
            raise ValueError("fidelity needs registers of the same size")
        sqrt_rho = _psd_sqrt(self._matrix)
        inner = sqrt_rho @ other._matrix @ sqrt_rho
        eigenvalues = np.linalg.eigvalsh(0.5 * (inner + inner.conj().T))
        root_sum = float(np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None))))
        return min(1.0, root_sum**2)

    def min_eigenvalue(self) -> float:
        """Smallest eigenvalue of the Hermitian part (negative means not a valid state)."""
        hermitian = 0.5 * (self._matrix + self._matrix.conj().T)
        return float(np.linalg.eigvalsh(hermitian)[0])

    def is_valid(self, atol: float = 1e-12, trace_atol: float = 1e-9) -> bool:
        """Whether ρ is Hermitian (atol), positive semidefinite (λ_min >= −atol) and has trace 1."""
        if not np.allclose(self._matrix, self._matrix.conj().T, rtol=0.0, atol=atol):
            return False
        if abs(complex(np.trace(self._matrix)) - 1.0) > trace_atol:
            return False
        return self.min_eigenvalue() >= -atol


def _psd_sqrt(matrix: ComplexArray) -> ComplexArray:
    """Square root of a positive semidefinite matrix; tiny negative eigenvalues are clipped."""
    eigenvalues, vectors = np.linalg.eigh(0.5 * (matrix + matrix.conj().T))
    roots = np.sqrt(np.clip(eigenvalues, 0.0, None))
    return np.asarray((vectors * roots) @ vectors.conj().T, dtype=np.complex128)
