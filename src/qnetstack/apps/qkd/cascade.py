"""Cascade error correction (Brassard & Salvail, EUROCRYPT '93, LNCS 765, 410), vectorised.

Theory of operation
-------------------
Alice holds the reference key, Bob a copy with errors at rate ≈ Q. Both know a public sequence
of random permutations (drawn from the shared public generator). Pass i (i = 1, 2, …) shuffles
the key with permutation σ_i and cuts it into blocks of k_i bits, with the standard choice
k₁ ≈ 0.73/Q and k_i = 2·k_{i−1} (capped at the key length). For every block Alice discloses its
parity; Bob compares with his own. A block with odd parity difference holds an odd number of
errors, and BINARY — Alice disclosing the parity of the first half of the current interval,
Bob descending into the half whose parity differs — finds one error in ⌈log₂ k_i⌉ steps; Bob
flips it.

The *cascade* effect: flipping bit j changes the parity difference of the block containing j
in every earlier pass. Those blocks were even and are now odd, so each hides another error that
BINARY can find, whose correction can in turn make blocks of other passes odd. The protocol
keeps searching odd blocks (smallest block size first, the cheapest to search) until every
block of every pass done so far has even parity difference, then starts the next pass.

Vectorisation: all odd blocks of one pass are searched in lock step — their intervals are
disjoint, so their BINARY runs are independent — using prefix sums of the permuted strings, so
one halving step for all blocks is a handful of array operations. Passes are searched one at a
time, because a block of another pass may contain the very error a search is about to find.

Leakage: ``leak_bits`` counts every parity Alice discloses (one per block per pass and one per
BINARY step), the quantity leak_EC of the key-length formula (Bob's answers are functions of
his string and of Alice's parities). The efficiency f = leak / (n·h(Q)) of this original
four-pass Cascade is about 1.1–1.25 for Q = 1–5 % (tests pin the range).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.entropy import binary_entropy

__all__ = [
    "CASCADE_BLOCK_CONSTANT",
    "CascadeResult",
    "cascade",
    "initial_block_size",
    "reconciliation_efficiency",
]

CASCADE_BLOCK_CONSTANT = 0.73
"""k₁ ≈ 0.73/Q, the first-pass block size recommended by Brassard & Salvail (1993)."""

Bits = npt.NDArray[np.uint8]
Index = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class CascadeResult:
    """Bob's corrected key and what it cost."""

    corrected: Bits
    """Bob's key after correction (equal to Alice's unless errors survived)."""
    leak_bits: int
    """Parity bits disclosed by Alice (block parities + BINARY steps): leak_EC."""
    block_sizes: tuple[int, ...]
    """Block size of each pass."""
    flips: int
    """Bits Bob flipped (each one a located error)."""
    binary_searches: int
    """BINARY runs performed (equal to ``flips``)."""


def initial_block_size(qber: float, key_length: int) -> int:
    """k₁ = round(0.73/Q), at least 1 and at most ``key_length``.

    Raises:
        QkdParameterError: If ``qber`` is outside (0, 1) or ``key_length`` < 1.
    """
    q = _checks.open_unit("qber", qber)
    n = _checks.count("key_length", key_length, minimum=1)
    return int(min(max(1, round(CASCADE_BLOCK_CONSTANT / q)), n))


class _Pass:
    """One pass: its permutation, block size, Alice's prefix sums and the parity differences."""

    def __init__(self, order: Index, size: int, alice: Bits, bob: Bits) -> None:
        n = len(order)
        self.order = order
        self.size = size
        position = np.empty(n, dtype=np.intp)
        position[order] = np.arange(n, dtype=np.intp)
        self.block_of: Index = position // size
        self.alice_prefix = _prefix(alice[order])
        starts = np.arange(0, n, size, dtype=np.intp)
        ends = np.minimum(starts + size, n)
        bob_prefix = _prefix(bob[order])
        alice_parity = self.alice_prefix[ends] - self.alice_prefix[starts]
        bob_parity = bob_prefix[ends] - bob_prefix[starts]
        self.diff: Bits = ((alice_parity ^ bob_parity) & 1).astype(np.uint8)
        self.n_blocks = len(starts)

    def search(self, bob: Bits) -> tuple[Index, int]:
        """BINARY on every odd block at once; returns the error positions and parities disclosed."""
        n = len(self.order)
        blocks = np.flatnonzero(self.diff)
        bob_prefix = _prefix(bob[self.order])
        lo = blocks * self.size
        hi = np.minimum(lo + self.size, n)
        disclosed = 0
        while True:
            active = np.flatnonzero(hi - lo > 1)
            if active.size == 0:
                break
            low, high = lo[active], hi[active]
            mid = (low + high) >> 1
            left_odd = (
                (self.alice_prefix[mid] - self.alice_prefix[low])
                ^ (bob_prefix[mid] - bob_prefix[low])
            ) & 1
            odd = left_odd.astype(np.bool_)
            hi[active] = np.where(odd, mid, high)
            lo[active] = np.where(odd, low, mid)
            disclosed += int(active.size)
        return self.order[lo], disclosed


def _prefix(bits: Bits) -> npt.NDArray[np.signedinteger[Any]]:
    """Prefix counts with a leading 0; int32 while it cannot overflow (4× faster than int64)."""
    dtype = np.int32 if len(bits) < 2**31 else np.int64
    prefix: npt.NDArray[np.signedinteger[Any]] = np.zeros(len(bits) + 1, dtype=dtype)
    np.cumsum(bits, dtype=dtype, out=prefix[1:])
    return prefix


def cascade(
    alice: npt.ArrayLike,
    bob: npt.ArrayLike,
    qber: float,
    rng: np.random.Generator,
    *,
    passes: int = 4,
    first_block_size: int | None = None,
) -> CascadeResult:
    """Correct Bob's key towards Alice's with Cascade; count the disclosed parities.

    Args:
        alice: Alice's key bits.
        bob: Bob's key bits (same length).
        qber: The error rate the block size is chosen for (an estimate, in (0, 1)).
        rng: The *public* generator both ends share; it draws one permutation per pass.
        passes: Number of passes (Brassard & Salvail used 4).
        first_block_size: Override k₁ (default :func:`initial_block_size`).

    Returns:
        Bob's corrected key and the leakage. Errors can survive (an even number hidden in
        every block containing them); the verification hash catches that.

    Raises:
        QkdParameterError: On unequal lengths, non-binary input, ``qber`` outside (0, 1),
            ``passes`` < 1 or ``first_block_size`` < 1.
    """
    a = _checks.bits("alice", alice)
    b = _checks.bits("bob", bob).copy()
    n = _checks.same_length(alice=a, bob=b)
    n_passes = _checks.count("passes", passes, minimum=1)
    if n == 0:
        return CascadeResult(b, 0, (), 0, 0)
    if first_block_size is None:
        k1 = initial_block_size(qber, n)
    else:
        _checks.open_unit("qber", qber)
        k1 = min(_checks.count("first_block_size", first_block_size, minimum=1), n)
    done: list[_Pass] = []
    leak = flips = 0
    for index in range(n_passes):
        size = min(k1 << index, n)
        new = _Pass(rng.permutation(n).astype(np.intp), size, a, b)
        leak += new.n_blocks
        done.append(new)
        while True:
            odd = next((p for p in done if p.diff.any()), None)
            if odd is None:
                break
            positions, disclosed = odd.search(b)
            leak += disclosed
            flips += len(positions)
            b[positions] ^= 1
            for p in done:
                np.bitwise_xor.at(p.diff, p.block_of[positions], 1)
    return CascadeResult(
        corrected=b,
        leak_bits=leak,
        block_sizes=tuple(min(k1 << i, n) for i in range(n_passes)),
        flips=flips,
        binary_searches=flips,
    )


def reconciliation_efficiency(leak_bits: int, key_length: int, qber: float) -> float:
    """f = leak / (n·h(Q)), the ratio to the Shannon limit (1 is optimal; nan if h(Q) = 0)."""
    limit = key_length * binary_entropy(qber)
    return leak_bits / limit if limit > 0 else math.nan
