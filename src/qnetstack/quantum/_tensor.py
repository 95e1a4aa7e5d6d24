"""Tensor-network helpers for density matrices (private).

Why tensors: applying a k-qubit operator to an n-qubit density matrix by building the full
2ⁿ x 2ⁿ Kronecker operator costs O(8ⁿ). Viewing ρ as a tensor with one index of size 2 per qubit
(n row indices, then n column indices) lets us contract the operator with only the k indices it
touches, O(4ⁿ·2ᵏ), and never allocate a 2ⁿ x 2ⁿ operator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "conjugate_by",
    "kraus_map",
    "partial_trace",
    "pauli_channel",
    "permute_qubits",
    "single_qubit_noise",
]

ComplexArray = npt.NDArray[np.complex128]


def _contract(tensor: ComplexArray, op: ComplexArray, axes: Sequence[int]) -> ComplexArray:
    """Multiply ``op`` (2ᵏ x 2ᵏ) into the tensor indices ``axes``, keeping the index order."""
    k = len(axes)
    op_tensor = op.reshape((2,) * (2 * k))
    out = np.tensordot(op_tensor, tensor, axes=(tuple(range(k, 2 * k)), tuple(axes)))
    # tensordot puts op's output indices first; move each back to the slot it came from.
    return np.moveaxis(out, tuple(range(k)), tuple(axes))


def _conjugate_tensor(
    tensor: ComplexArray, op: ComplexArray, targets: Sequence[int], n_qubits: int
) -> ComplexArray:
    left = _contract(tensor, op, targets)
    # (A ρ A†)[r, c] = Σ A[r, r'] ρ[r', c'] conj(A[c, c']): the column side contracts conj(A).
    return _contract(left, op.conj(), [n_qubits + q for q in targets])


def conjugate_by(
    matrix: ComplexArray, op: ComplexArray, targets: Sequence[int], n_qubits: int
) -> ComplexArray:
    """Return A ρ A† where ``op`` = A acts on ``targets`` (in that order) of an n-qubit ρ."""
    dim = 2**n_qubits
    tensor = matrix.reshape((2,) * (2 * n_qubits))
    out = _conjugate_tensor(tensor, op, targets, n_qubits)
    return np.ascontiguousarray(out.reshape(dim, dim))


def kraus_map(
    matrix: ComplexArray, ops: Sequence[ComplexArray], targets: Sequence[int], n_qubits: int
) -> ComplexArray:
    """Return Σ_K K ρ K† for Kraus operators acting on ``targets``."""
    dim = 2**n_qubits
    tensor = matrix.reshape((2,) * (2 * n_qubits))
    total = np.zeros((2,) * (2 * n_qubits), dtype=np.complex128)
    for op in ops:
        total += _conjugate_tensor(tensor, op, targets, n_qubits)
    return total.reshape(dim, dim)


def partial_trace(matrix: ComplexArray, keep: Sequence[int], n_qubits: int) -> ComplexArray:
    """Trace out every qubit not in ``keep``; the result's qubits are ordered as ``keep``."""
    keep = list(keep)
    traced = [q for q in range(n_qubits) if q not in keep]
    dim_keep = 2 ** len(keep)
    dim_traced = 2 ** len(traced)
    tensor = matrix.reshape((2,) * (2 * n_qubits))
    order = keep + traced + [n_qubits + q for q in keep] + [n_qubits + q for q in traced]
    blocks = tensor.transpose(order).reshape(dim_keep, dim_traced, dim_keep, dim_traced)
    return np.ascontiguousarray(np.einsum("ajbj->ab", blocks))


def permute_qubits(matrix: ComplexArray, order: Sequence[int], n_qubits: int) -> ComplexArray:
    """Reorder qubits so that new qubit i is old qubit ``order[i]``."""
    dim = 2**n_qubits
    tensor = matrix.reshape((2,) * (2 * n_qubits))
    axes = list(order) + [n_qubits + q for q in order]
    return np.ascontiguousarray(tensor.transpose(axes).reshape(dim, dim))


def single_qubit_noise(
    matrix: ComplexArray,
    qubit: int,
    n_qubits: int,
    *,
    gamma: float = 0.0,
    dephase: float = 0.0,
    depolarise: float = 0.0,
) -> ComplexArray:
    """Amplitude damping, then dephasing, then depolarising on one qubit, element-wise.

    These three channels are the per-event noise of every simulation (memory decoherence at
    each read of a stored pair), so they skip the Kraus contraction: on the 2×2 block of the
    qubit's row and column index they act as

    * amplitude damping γ: ρ00 += γ ρ11, ρ11 *= 1 − γ, coherences *= √(1 − γ);
    * dephasing p: coherences *= 1 − 2p;
    * depolarising p (ρ → (1 − 3p/4)ρ + p/4 Σ PρP): coherences *= 1 − p,
      populations → (1 − p) ρ + p (ρ00 + ρ11)/2.

    Equal to the Kraus forms to rounding (tested against :func:`kraus_map`).
    """
    dim = 2**n_qubits
    tensor = matrix.reshape((2,) * (2 * n_qubits)).copy()
    block: Any
    if n_qubits == 2:  # the common case (a pair): plain slicing, no axis bookkeeping
        block = _PairBlock(tensor, qubit)
    else:
        block = np.moveaxis(tensor, (qubit, n_qubits + qubit), (0, 1))  # a view into ``tensor``
    if gamma:
        block[0, 0] += gamma * block[1, 1]
        block[1, 1] *= 1.0 - gamma
    coherence = np.sqrt(1.0 - gamma) * (1.0 - 2.0 * dephase) * (1.0 - depolarise)
    if coherence != 1.0:
        block[0, 1] *= coherence
        block[1, 0] *= coherence
    if depolarise:
        mixed = 0.5 * depolarise * (block[0, 0] + block[1, 1])
        block[0, 0] *= 1.0 - depolarise
        block[1, 1] *= 1.0 - depolarise
        block[0, 0] += mixed
        block[1, 1] += mixed
    return tensor.reshape(dim, dim)


class _PairBlock:
    """``block[a, b]`` of a two-qubit register's (2, 2, 2, 2) tensor as views: the entries
    whose row index has ``qubit`` = a and column index has ``qubit`` = b."""

    __slots__ = ("_qubit", "_tensor")

    def __init__(self, tensor: ComplexArray, qubit: int) -> None:
        self._tensor = tensor
        self._qubit = qubit

    def __getitem__(self, ab: tuple[int, int]) -> ComplexArray:
        a, b = ab
        t = self._tensor
        view: ComplexArray = t[a, :, b, :] if self._qubit == 0 else t[:, a, :, b]
        return view

    def __setitem__(self, ab: tuple[int, int], value: Any) -> None:
        a, b = ab
        if self._qubit == 0:
            self._tensor[a, :, b, :] = value
        else:
            self._tensor[:, a, :, b] = value


def pauli_channel(
    matrix: ComplexArray, qubit: int, n_qubits: int, p_x: float, p_y: float, p_z: float
) -> ComplexArray:
    """ρ → p_I ρ + p_x XρX + p_y YρY + p_z ZρZ on one qubit, element-wise.

    On the qubit's 2×2 block [[a, b], [c, d]]: a, d mix with weight p_x + p_y; the coherences
    b, c scale by p_I − p_z and swap in with weight p_x − p_y.
    """
    dim = 2**n_qubits
    p_i = 1.0 - p_x - p_y - p_z
    tensor = matrix.reshape((2,) * (2 * n_qubits)).copy()
    block = np.moveaxis(tensor, (qubit, n_qubits + qubit), (0, 1))
    a, d = block[0, 0].copy(), block[1, 1].copy()
    b, c = block[0, 1].copy(), block[1, 0].copy()
    flip, keep = p_x + p_y, p_i + p_z
    block[0, 0] = keep * a + flip * d
    block[1, 1] = keep * d + flip * a
    block[0, 1] = (p_i - p_z) * b + (p_x - p_y) * c
    block[1, 0] = (p_i - p_z) * c + (p_x - p_y) * b
    return tensor.reshape(dim, dim)
