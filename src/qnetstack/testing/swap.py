"""Hand-made views for swap-policy unit tests: lists in, a choice out.

A swap policy is a pure function of a :class:`~qnetstack.network.swap.SwapView`; these build
one from a few numbers, so a test reads like the situation it checks::

    view = swap_view(left=[half(0, age_ps=900), half(1, age_ps=100)], right=[half(2)])
    assert FreshestFirst().choose(view) == (ids(view.left)[1], ids(view.right)[0])
"""

from __future__ import annotations

from collections.abc import Iterable

from qnetstack.linklayer.primitives import EntanglementId
from qnetstack.network.swap import HeldHalf, SwapView

__all__ = ["half", "ids", "swap_view"]

NOW_PS = 1_000_000
"""The default time of :func:`swap_view` (ages are counted back from it)."""


def half(
    sequence: int,
    *,
    age_ps: int = 0,
    goodness: float = 0.9,
    reach: int | None = None,
    origin: str = "link",
) -> HeldHalf:
    """A held half of link pair ``EntanglementId(origin, 0, sequence)``, heralded ``age_ps``
    before :data:`NOW_PS`; ``reach`` defaults to the neighbour (filled in by :func:`swap_view`)."""
    return HeldHalf(
        EntanglementId(origin, 0, sequence),
        goodness,
        NOW_PS - age_ps,
        -1 if reach is None else reach,
    )


def swap_view(
    left: Iterable[HeldHalf] = (),
    right: Iterable[HeldHalf] = (),
    *,
    index: int = 1,
    hops: int = 2,
    now_ps: int = NOW_PS,
) -> SwapView:
    """The view of the repeater at path ``index`` of a ``hops``-hop circuit holding ``left``
    and ``right`` halves (halves without a reach reach the neighbour on their side)."""
    if not 0 < index < hops:
        raise ValueError(f"a repeater has 0 < index < hops, got index {index} of {hops} hops")

    def placed(halves: Iterable[HeldHalf], neighbour: int) -> tuple[HeldHalf, ...]:
        return tuple(
            h
            if h.reach >= 0
            else HeldHalf(h.entanglement_id, h.goodness, h.create_time_ps, neighbour)
            for h in halves
        )

    return SwapView(index, hops, now_ps, placed(left, index - 1), placed(right, index + 1))


def ids(halves: Iterable[HeldHalf]) -> list[EntanglementId]:
    """The entanglement ids of ``halves``, in order."""
    return [h.entanglement_id for h in halves]
