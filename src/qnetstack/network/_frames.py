"""Fidelity budgets and the tail end's assembly of swap records into end-to-end pairs.

Plain code (per pair, no state machine). Werner parameters: w = (4F − 1)/3; a swap of Werner
pairs multiplies them (physics.md F6), and Bell-state labels combine by XOR
(:func:`qnetstack.quantum.swap_frame`).
"""

from __future__ import annotations

from dataclasses import dataclass

from qnetstack.linklayer.primitives import EntanglementId
from qnetstack.network.messages import LinkPairRef, QnpSwapRecord

__all__ = ["ChainAssembler", "Segment", "fidelity", "hop_fidelity", "werner"]


def werner(fidelity: float) -> float:
    """Werner parameter of fidelity ``fidelity`` (clipped at 0 below F = 1/4)."""
    return max(0.0, (4.0 * fidelity - 1.0) / 3.0)


def fidelity(werner_parameter: float) -> float:
    """Fidelity of a Werner pair with parameter ``werner_parameter``."""
    return (3.0 * werner_parameter + 1.0) / 4.0


def hop_fidelity(target: float, hops: int, swap_factor: float) -> float | None:
    """Link fidelity every hop needs so ``hops`` swapped Werner links reach ``target``.

    With equal hops, w_e2e = w_hop^hops · swap_factor^(hops − 1), so
    w_hop = (w_target / swap_factor^(hops − 1))^(1/hops) and F_hop = (3 w_hop + 1)/4.

    Returns:
        The per-hop fidelity, 0.0 for targets at or below 1/4 (anything goes), or ``None``
        when even perfect links cannot reach the target (w_hop > 1).
    """
    w_target = werner(target)
    if w_target <= 0.0:
        return 0.0
    w_hop = (w_target / swap_factor ** (hops - 1)) ** (1.0 / hops)
    if w_hop > 1.0 + 1e-12:
        return None
    return min(1.0, fidelity(w_hop))


@dataclass(slots=True)
class Segment:
    """A chain of link pairs joined by swaps, as the tail end knows it.

    Attributes:
        left: Leftmost link pair (hop ``lo``).
        right: Rightmost link pair (hop ``hi``).
        lo: Hop index of ``left``.
        hi: Hop index of ``right``.
        frame: XOR of the labels of every link pair and the outcomes of every swap in it.
        werner: Product of the link pairs' Werner parameters and one swap factor per swap.
        oldest_ps: Herald time of the oldest link pair.
        newest_ps: Time of the latest swap (or herald, for a single link pair).
    """

    left: LinkPairRef
    right: LinkPairRef
    lo: int
    hi: int
    frame: int
    werner: float
    oldest_ps: int
    newest_ps: int

    @classmethod
    def single(cls, pair: LinkPairRef, hop: int) -> Segment:
        """A link pair on its own."""
        return cls(
            pair, pair, hop, hop, pair.bell_index, werner(pair.goodness),
            pair.create_time_ps, pair.create_time_ps,
        )  # fmt: skip

    @property
    def goodness(self) -> float:
        """Estimated fidelity to :attr:`frame`."""
        return fidelity(self.werner)


class ChainAssembler:
    """Joins swap records into segments; reports a segment once it spans the whole path.

    Every link pair is in at most two records (one per repeater holding it), and a segment
    is keyed by its two outermost link pairs, so each record is merged in O(1).

    Args:
        hops: Links on the path (≥ 2: a one-hop path needs no records).
        swap_factor: Werner factor per swap.
    """

    def __init__(self, hops: int, swap_factor: float) -> None:
        self.hops = hops
        self.swap_factor = swap_factor
        self.by_left: dict[EntanglementId, Segment] = {}
        self.by_right: dict[EntanglementId, Segment] = {}

    def add(self, record: QnpSwapRecord) -> Segment | None:
        """Merge one record; the complete segment (hop 0 … hops − 1) if it makes one."""
        index = record.index
        left = self.by_right.pop(record.left.entanglement_id, None)
        if left is None:
            left = Segment.single(record.left, index - 1)
        else:
            del self.by_left[left.left.entanglement_id]
        right = self.by_left.pop(record.right.entanglement_id, None)
        if right is None:
            right = Segment.single(record.right, index)
        else:
            del self.by_right[right.right.entanglement_id]
        merged = Segment(
            left.left, right.right, left.lo, right.hi,
            left.frame ^ right.frame ^ record.outcome,
            left.werner * right.werner * self.swap_factor,
            min(left.oldest_ps, right.oldest_ps),
            max(left.newest_ps, right.newest_ps, record.time_ps),
        )  # fmt: skip
        if merged.lo == 0 and merged.hi == self.hops - 1:
            return merged
        self.by_left[merged.left.entanglement_id] = merged
        self.by_right[merged.right.entanglement_id] = merged
        return None

    def forget(self, pair: EntanglementId) -> None:
        """Drop the segment that ends with the dead link pair ``pair`` (memory hygiene)."""
        for own, other in ((self.by_left, self.by_right), (self.by_right, self.by_left)):
            segment = own.pop(pair, None)
            if segment is not None:
                far = segment.right if own is self.by_left else segment.left
                other.pop(far.entanglement_id, None)

    def __len__(self) -> int:
        return len(self.by_left)
