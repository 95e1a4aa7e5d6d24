"""Sifting for BB84 and BBM92: keep the rounds where both ends used the same basis.

Theory of operation
-------------------
BB84 (Bennett & Brassard 1984) is prepare-and-measure: Alice sends a bit in a random basis, Bob
measures in a random basis. BBM92 (Bennett, Brassard & Mermin, PRL 68, 557 (1992)) is its
entanglement-based twin: both halves of a pair are measured in random bases. After the quantum
phase both announce their bases (never their bits) and keep the rounds with equal bases and a
detection at Bob; the kept bits are the *sifted key*. Both protocols therefore sift with the same
function, :func:`sift`.

Conventions (shared with :mod:`qnetstack.quantum`):

* bases are uint8 codes :data:`BASIS_Z` = 0 and :data:`BASIS_X` = 1; outcome 0 is the +1
  eigenstate (|0⟩ for Z, |+⟩ for X);
* for BBM92 the pairs are Φ⁺ = (|00⟩ + |11⟩)/√2, whose Z and X outcomes are equal, so Bob's bit
  is used as is (a singlet source would need Bob to flip his bits first);
* a sifted bit remembers its basis, because parameter estimation bounds the phase errors of the
  Z-basis key bits with the X-basis error rate and vice versa.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.errors import QkdParameterError

__all__ = ["BASIS_X", "BASIS_Z", "SiftedKey", "random_bases", "sift"]

BASIS_Z = 0
"""Code of the Z (computational) basis."""
BASIS_X = 1
"""Code of the X (Hadamard) basis."""

Bits = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class SiftedKey:
    """Alice's and Bob's sifted bits and the basis each bit was measured in.

    The arrays are equal-length uint8 arrays; ``basis`` holds :data:`BASIS_Z` or
    :data:`BASIS_X` (or, for E91, the index of the key basis, see :mod:`.e91`).
    """

    alice: Bits
    """Alice's sifted bits (0/1)."""
    bob: Bits
    """Bob's sifted bits (0/1), errors included."""
    basis: Bits
    """Basis code of each sifted bit."""

    def __post_init__(self) -> None:
        alice = _checks.bits("alice", self.alice)
        bob = _checks.bits("bob", self.bob)
        basis = _checks.settings("basis", self.basis, 2)
        _checks.same_length(alice=alice, bob=bob, basis=basis)
        object.__setattr__(self, "alice", alice)
        object.__setattr__(self, "bob", bob)
        object.__setattr__(self, "basis", basis)

    def __len__(self) -> int:
        return len(self.alice)

    @property
    def error_rate(self) -> float:
        """Fraction of positions where Alice's and Bob's bits differ (nan if empty).

        Only a simulation knows this; a protocol learns it from a disclosed sample.
        """
        if len(self.alice) == 0:
            return float("nan")
        return float(np.count_nonzero(self.alice != self.bob)) / len(self.alice)


def random_bases(n: int, rng: np.random.Generator, p_z: float = 0.5) -> Bits:
    """``n`` independent basis choices: Z with probability ``p_z``, X otherwise.

    Raises:
        QkdParameterError: If ``p_z`` is outside [0, 1] or ``n`` is negative.
    """
    count = _checks.count("n", n)
    probability = _checks.closed_unit("p_z", p_z)
    return (rng.random(count) >= probability).astype(np.uint8)


def sift(
    alice_bases: npt.ArrayLike,
    alice_bits: npt.ArrayLike,
    bob_bases: npt.ArrayLike,
    bob_bits: npt.ArrayLike,
    detected: npt.ArrayLike | None = None,
) -> SiftedKey:
    """Sift BB84/BBM92 records: keep rounds with equal bases (and a detection at Bob).

    Args:
        alice_bases: Alice's basis per round (0 = Z, 1 = X).
        alice_bits: Alice's bit per round (sent for BB84, measured for BBM92).
        bob_bases: Bob's basis per round.
        bob_bits: Bob's outcome per round (ignored where ``detected`` is false).
        detected: Optional boolean mask of rounds in which Bob's detector clicked; all rounds
            count when omitted.

    Returns:
        The sifted key, in round order.

    Raises:
        QkdParameterError: If the arrays differ in length or hold values other than 0/1.
    """
    a_basis = _checks.settings("alice_bases", alice_bases, 2)
    a_bits = _checks.bits("alice_bits", alice_bits)
    b_basis = _checks.settings("bob_bases", bob_bases, 2)
    b_bits = _checks.bits("bob_bits", bob_bits)
    arrays: dict[str, npt.NDArray[np.generic]] = {
        "alice_bases": a_basis,
        "alice_bits": a_bits,
        "bob_bases": b_basis,
        "bob_bits": b_bits,
    }
    keep = a_basis == b_basis
    if detected is not None:
        mask = np.asarray(detected)
        if mask.dtype != np.bool_:
            raise QkdParameterError(f"detected must be a boolean array, got {mask.dtype}")
        arrays["detected"] = mask
        keep &= mask
    _checks.same_length(**arrays)
    return SiftedKey(a_bits[keep], b_bits[keep], a_basis[keep])
