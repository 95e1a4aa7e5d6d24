"""Bell-state labels and the Pauli-frame arithmetic built on them.

Why a label convention matters: swapping, purification and the link layer all have to agree on
which of the four Bell states a pair is in, and on how a Pauli correction changes that label.
We use the *Pauli-frame* labelling

    b = (z << 1) | x   ⇔   |β_b⟩ = (I ⊗ X^x Z^z) |Φ⁺⟩,

so ``PHI_PLUS = 0``, ``PSI_PLUS = 1`` (x), ``PHI_MINUS = 2`` (z) and ``PSI_MINUS = 3`` (x and z).
With this choice every Pauli acts on a label by XOR, whichever qubit of the pair it hits
(up to an irrelevant global phase): X flips bit x, Z flips bit z, Y flips both. The XOR
arithmetic is what makes entanglement swapping a convolution over labels
(:mod:`qnetstack.quantum.swap`).

The label also equals the outcome of the standard Bell-state-measurement circuit: CNOT(q1→q2),
H(q1), then Z measurements give bits (m1, m2) = (z, x), i.e. ``b = (m1 << 1) | m2``.

Basis-state order everywhere in :mod:`qnetstack.quantum`: qubit 0 is the most significant bit of
the basis index (standard ``np.kron`` order, |q0 q1⟩).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "BELL_CORRELATION",
    "BELL_DMS",
    "BELL_KETS",
    "BellIndex",
    "PauliLabel",
    "bell_dm",
    "bell_ket",
    "pauli_correction",
    "pauli_index",
    "pauli_label",
]

PauliLabel = Literal["I", "X", "Y", "Z"]
"""Name of a single-qubit Pauli operator."""


class BellIndex(IntEnum):
    """The four Bell states, numbered ``(z << 1) | x`` (see the module docstring)."""

    PHI_PLUS = 0
    """(|00⟩ + |11⟩)/√2."""
    PSI_PLUS = 1
    """(|01⟩ + |10⟩)/√2 = (I ⊗ X)|Φ⁺⟩."""
    PHI_MINUS = 2
    """(|00⟩ − |11⟩)/√2 = (I ⊗ Z)|Φ⁺⟩."""
    PSI_MINUS = 3
    """(|01⟩ − |10⟩)/√2 = (I ⊗ XZ)|Φ⁺⟩."""


BELL_CORRELATION: dict[str, tuple[int, int, int, int]] = {
    "Z": (1, -1, 1, -1),
    "X": (1, 1, -1, -1),
    "Y": (-1, 1, 1, -1),
}
"""⟨σ_b ⊗ σ_b⟩ of each Bell state (:class:`BellIndex` order Φ⁺, Ψ⁺, Φ⁻, Ψ⁻) for b = Z, X, Y:
+1 means both ends see equal outcomes, −1 opposite ones. Measured pairs are frame-corrected
with it (flip one end's bit where it is −1); σ_b ⊗ σ_b is diagonal in the Bell basis, so a
state's correlation is Σ_i λ_i c_b(i) over its Bell populations λ_i, c_b the row of b."""


# Pauli label ↔ XOR mask on a Bell label. The mask of a Pauli is the Bell label it produces from
# Φ⁺, so the same integers serve both purposes.
_PAULI_TO_INDEX: dict[str, int] = {"I": 0, "X": 1, "Z": 2, "Y": 3}
_INDEX_TO_PAULI: tuple[PauliLabel, ...] = ("I", "X", "Z", "Y")


def _make_kets() -> tuple[npt.NDArray[np.complex128], ...]:
    amp = 1.0 / np.sqrt(2.0)
    rows = ((amp, 0, 0, amp), (0, amp, amp, 0), (amp, 0, 0, -amp), (0, amp, -amp, 0))
    kets = []
    for row in rows:
        ket = np.array(row, dtype=np.complex128)
        ket.flags.writeable = False
        kets.append(ket)
    return tuple(kets)


BELL_KETS: tuple[npt.NDArray[np.complex128], ...] = _make_kets()
"""Read-only kets of the Bell states, indexed by :class:`BellIndex`."""


def _make_dms() -> tuple[npt.NDArray[np.complex128], ...]:
    dms = []
    for ket in BELL_KETS:
        dm = np.outer(ket, ket.conj())
        dm.flags.writeable = False
        dms.append(dm)
    return tuple(dms)


BELL_DMS: tuple[npt.NDArray[np.complex128], ...] = _make_dms()
"""Read-only projectors |β_b⟩⟨β_b|, indexed by :class:`BellIndex`."""


def _as_bell_index(b: int) -> BellIndex:
    try:
        return BellIndex(b)
    except ValueError:
        raise ValueError(f"Bell index must be 0..3 (BellIndex), got {b!r}") from None


def bell_ket(b: int) -> npt.NDArray[np.complex128]:
    """The ket of Bell state ``b`` as a fresh length-4 complex array.

    Args:
        b: A :class:`BellIndex` (or its integer value).

    Returns:
        A writable copy, so callers may modify it freely.
    """
    return BELL_KETS[_as_bell_index(b)].copy()


def bell_dm(b: int) -> npt.NDArray[np.complex128]:
    """The density matrix |β_b⟩⟨β_b| as a fresh 4x4 complex array."""
    return BELL_DMS[_as_bell_index(b)].copy()


def pauli_index(label: PauliLabel | int) -> int:
    """XOR mask that Pauli ``label`` applies to a Bell label (I→0, X→1, Z→2, Y→3).

    Integers 0..3 are accepted and returned unchanged, so callers can pass either a label or a
    mask.

    Raises:
        ValueError: If ``label`` is not a Pauli name or an integer 0..3.
    """
    if isinstance(label, int):
        if 0 <= label <= 3:
            return int(label)
        raise ValueError(f"Pauli index must be 0..3, got {label!r}")
    try:
        return _PAULI_TO_INDEX[label]
    except KeyError:
        raise ValueError(f"Pauli label must be one of 'I', 'X', 'Y', 'Z', got {label!r}") from None


def pauli_label(index: PauliLabel | int) -> PauliLabel:
    """Inverse of :func:`pauli_index`: the Pauli whose XOR mask is ``index``.

    A label is returned unchanged (after validation).
    """
    return _INDEX_TO_PAULI[pauli_index(index)]


def pauli_correction(b: int) -> PauliLabel:
    """The Pauli that maps Bell state ``b`` back to Φ⁺ when applied to the pair's second qubit.

    Because Paulis act on labels by XOR, the correction for ``b`` is the Pauli with mask ``b``
    itself: I for Φ⁺, X for Ψ⁺, Z for Φ⁻ and Y for Ψ⁻ (equal to Φ⁺ up to a global phase).
    """
    return _INDEX_TO_PAULI[_as_bell_index(b)]
