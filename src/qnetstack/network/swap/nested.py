"""``nested``: swap in levels of a recursive bisection of the path (the doubling scheme).

The path 0 … hops is bisected recursively (:func:`nested_span`); node i swaps only a pair
reaching the left end of its span with one reaching the right end, so for 2^k hops the odd
nodes swap first, then every fourth, and so on (Briegel et al., PRL 81, 5932 (1998)). It reads
how far each pair reaches, so it tracks reach (every swap tells the new pair's ends).
"""

from __future__ import annotations

from qnetstack.network.swap.base import SwapChoice, SwapConfig, SwapPolicy, SwapView

__all__ = ["SwapNested", "nested_span"]


def nested_span(index: int, hops: int) -> tuple[int, int]:
    """The span ``(a, b)`` of path indices whose middle node ``index`` is in nested swapping.

    The path 0 … hops is bisected recursively (middle = ⌊(a + b)/2⌋); node ``index`` swaps the
    pairs (a, index) and (index, b) into (a, b). For 2^k hops the odd nodes swap first, then
    every second of the rest, and so on (the doubling scheme of Briegel et al. 1998).
    """
    low, high = 0, hops
    while True:
        middle = (low + high) // 2
        if index == middle:
            return low, high
        if index < middle:
            high = middle
        else:
            low = middle


class SwapNested(SwapPolicy[SwapConfig]):
    """Join the oldest halves that reach the two ends of this node's span."""

    name = "nested"
    description = "In levels of a recursive bisection of the path (doubling; oldest first)."
    tracks_reach = True

    def choose(self, view: SwapView) -> SwapChoice:
        low, high = nested_span(view.index, view.hops)
        left = next((h for h in view.left if h.reach == low), None)
        right = next((h for h in view.right if h.reach == high), None)
        if left is None or right is None:
            return None
        return left.entanglement_id, right.entanglement_id
