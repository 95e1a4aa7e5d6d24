"""``asap``: swap as soon as a half towards each side is held, oldest halves first.

The policy of the QNP (Kozlowski et al., CoNEXT 2020) and the usual baseline: no link pair
waits longer than it must, so memory decoherence is as small as the link rates allow. Oldest
first, so that with a window above one no half is left to age while younger ones are used.
"""

from __future__ import annotations

from qnetstack.network.swap.base import SwapChoice, SwapConfig, SwapPolicy, SwapView

__all__ = ["SwapAsap"]


class SwapAsap(SwapPolicy[SwapConfig]):
    """Swap the oldest left half with the oldest right half whenever both exist."""

    name = "asap"
    description = "As soon as a half towards each side is held (oldest first)."

    def choose(self, view: SwapView) -> SwapChoice:
        if view.left and view.right:
            return view.left[0].entanglement_id, view.right[0].entanglement_id
        return None
