"""``freshest-first``: as soon as a half towards each side is held, swap the newest of each.

Why: a half that waited has decohered; joining the two most recently heralded halves gives
the freshest end-to-end pair now, and leaves the old halves to a cutoff (``cutoff_s``). It
only differs from ``asap`` when a repeater holds more than one half on a side, so use it with
``window`` of 2 or more.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from qnetstack.network.swap import HeldHalf, SwapChoice, SwapConfig, SwapPolicy, SwapView


class FreshestConfig(SwapConfig):
    """Options of ``freshest-first`` (``swap_options:``)."""

    min_goodness: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Halves whose link goodness is below this are never swapped (they wait "
        "for the cutoff).",
    )


def _newest(halves: Sequence[HeldHalf]) -> HeldHalf:
    # The latest herald; among equal times, the one that arrived last.
    return max(reversed(halves), key=lambda h: h.create_time_ps)


class FreshestFirst(SwapPolicy[FreshestConfig]):
    """Join the most recently heralded half of each side."""

    name = "freshest-first"
    description = "As soon as both sides hold a half, the most recently heralded of each."
    config_model = FreshestConfig

    def choose(self, view: SwapView) -> SwapChoice:
        floor = self.config.min_goodness
        left = [h for h in view.left if h.goodness >= floor]
        right = [h for h in view.right if h.goodness >= floor]
        if not left or not right:
            return None
        return _newest(left).entanglement_id, _newest(right).entanglement_id
