"""Cascade as a conversation: Bob asks for parities, Alice answers from her key alone.

Theory of operation
-------------------
:func:`~.cascade.cascade` runs both ends' side of Cascade in one call, with both keys at hand.
A two-party application cannot: Alice holds one key, Bob the other, and every parity crosses a
classical channel. This module splits the same algorithm into the two roles:

* :func:`cascade_bob` is a generator. Each value it yields is a :class:`ParityQuery` — "the
  parities of these intervals of pass p's permuted key" — and what is sent back into it is
  Alice's answer, one parity bit per interval. Its return value is the
  :class:`~.cascade.CascadeResult`. One query per pass gives the block parities; one query per
  BINARY halving step (all odd blocks of a pass in lock step) finds the errors. Every query is
  one round trip of the protocol.
* :class:`CascadeAlice` answers a query from her key and the shared public generator.

Both ends draw pass i's permutation from their own copy of the *public* generator when pass i
starts (Bob when he asks its first query, Alice when it reaches her), so the permutations agree
without being sent. The search order, block sizes and disclosed parities are those of
:func:`~.cascade.cascade` exactly: with equal seeds both give the same corrected key and the
same leakage (a test checks it), so the efficiency figures of that module hold here.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.cascade import CascadeResult, initial_block_size

__all__ = ["CascadeAlice", "CascadeConversation", "ParityQuery", "cascade_bob"]

Bits = npt.NDArray[np.uint8]
Index = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True, eq=False)
class ParityQuery:
    """Bob asks for Alice's parities of ``[lo[i], hi[i])`` of pass ``pass_index``'s order."""

    pass_index: int
    lo: Index
    hi: Index

    def __len__(self) -> int:
        return len(self.lo)


CascadeConversation = Generator[ParityQuery, Bits, CascadeResult]
"""Bob's side: yields queries, is sent Alice's parities, returns the result."""


def _prefix(bits: Bits) -> npt.NDArray[np.int64]:
    prefix = np.zeros(len(bits) + 1, dtype=np.int64)
    np.cumsum(bits, dtype=np.int64, out=prefix[1:])
    return prefix


def cascade_bob(
    bob: npt.ArrayLike, qber: float, public: np.random.Generator, *, passes: int = 4
) -> CascadeConversation:
    """Bob's side of Cascade (see the module docstring).

    Args:
        bob: Bob's key bits.
        qber: The error rate the first block size is chosen for, in (0, 1).
        public: Bob's copy of the public generator (one permutation per pass).
        passes: Number of passes.

    Raises:
        QkdParameterError: On non-binary input, ``qber`` outside (0, 1) or ``passes`` < 1
            (when the generator is first advanced).
    """
    b = _checks.bits("bob", bob).copy()
    n = len(b)
    n_passes = _checks.count("passes", passes, minimum=1)
    if n == 0:
        return CascadeResult(b, 0, (), 0, 0)
    k1 = initial_block_size(qber, n)
    orders: list[Index] = []
    sizes: list[int] = []
    block_of: list[Index] = []
    diffs: list[Bits] = []
    leak = flips = 0
    for index in range(n_passes):
        size = min(k1 << index, n)
        order = public.permutation(n).astype(np.intp)
        position = np.empty(n, dtype=np.intp)
        position[order] = np.arange(n, dtype=np.intp)
        starts = np.arange(0, n, size, dtype=np.intp)
        ends = np.minimum(starts + size, n)
        alice_parity = yield ParityQuery(index, starts, ends)
        prefix = _prefix(b[order])
        bob_parity = (prefix[ends] - prefix[starts]) & 1
        orders.append(order)
        sizes.append(size)
        block_of.append(position // size)
        diffs.append(((np.asarray(alice_parity) ^ bob_parity) & 1).astype(np.uint8))
        leak += len(starts)
        while True:
            odd_pass = next((p for p, d in enumerate(diffs) if d.any()), None)
            if odd_pass is None:
                break
            order_p, size_p = orders[odd_pass], sizes[odd_pass]
            blocks = np.flatnonzero(diffs[odd_pass])
            lo = blocks * size_p
            hi = np.minimum(lo + size_p, n)
            bob_prefix = _prefix(b[order_p])
            while True:
                active = np.flatnonzero(hi - lo > 1)
                if active.size == 0:
                    break
                low, high = lo[active], hi[active]
                mid = (low + high) >> 1
                alice_left = yield ParityQuery(odd_pass, low, mid)
                bob_left = (bob_prefix[mid] - bob_prefix[low]) & 1
                odd = ((np.asarray(alice_left) ^ bob_left) & 1).astype(np.bool_)
                hi[active] = np.where(odd, mid, high)
                lo[active] = np.where(odd, low, mid)
                leak += int(active.size)
            positions = order_p[lo]
            flips += len(positions)
            b[positions] ^= 1
            for p in range(len(diffs)):
                np.bitwise_xor.at(diffs[p], block_of[p][positions], 1)
    return CascadeResult(
        corrected=b,
        leak_bits=leak,
        block_sizes=tuple(sizes),
        flips=flips,
        binary_searches=flips,
    )


class CascadeAlice:
    """Alice's side: parities of her key over the intervals Bob asks for.

    Args:
        alice: Alice's key bits.
        public: Alice's copy of the public generator (the same seed as Bob's).
    """

    def __init__(self, alice: npt.ArrayLike, public: np.random.Generator) -> None:
        self.key = _checks.bits("alice", alice)
        self.public = public
        self._prefixes: list[npt.NDArray[np.int64]] = []
        self.disclosed = 0
        """Parity bits disclosed so far (equals Bob's ``leak_bits`` at the end)."""

    def answer(self, query: ParityQuery) -> Bits:
        """The parities Bob asked for (one bit per interval).

        Raises:
            ValueError: If the query names a pass more than one ahead of the last, or an
                interval outside the key: Bob is not following the protocol.
        """
        n = len(self.key)
        if query.pass_index > len(self._prefixes):
            raise ValueError(f"parity query for pass {query.pass_index} before its predecessor")
        while len(self._prefixes) <= query.pass_index:
            order = self.public.permutation(n).astype(np.intp)
            self._prefixes.append(_prefix(self.key[order]))
        lo = np.asarray(query.lo, dtype=np.intp)
        hi = np.asarray(query.hi, dtype=np.intp)
        if len(lo) != len(hi) or (len(lo) and (lo.min() < 0 or hi.max() > n or (hi < lo).any())):
            raise ValueError("parity query with intervals outside the key")
        prefix = self._prefixes[query.pass_index]
        self.disclosed += len(lo)
        parities: Any = (prefix[hi] - prefix[lo]) & 1
        return np.asarray(parities, dtype=np.uint8)
