"""Link models: what a platform predicts for a link, for the link layer's fidelity estimation.

The prediction for a *kept* pair includes the memory decoherence between the photons' emission
and the moment the later node has the herald: each half ages for its own arm's flight to the
station plus the longer arm's flight back (the herald reaches the two nodes at different times;
the pair is usable once both know). A *measured-directly* pair is measured right after emission
and suffers no memory noise. The ages are computed on the exact density matrix of the heralded
state, so the estimate is the fidelity the simulation will deliver on average.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qnetstack.physical.platform import LinkGeometry
from qnetstack.physical.qstore import MemoryModel
from qnetstack.quantum import DensityMatrix

__all__ = ["CachedLinkModel", "aged_fidelity", "herald_ages_ps"]

HeraldOutcomes = Sequence[tuple[int, float, DensityMatrix]]
"""(announced Bell index, probability given success, heralded state) per outcome."""


def herald_ages_ps(geometry: LinkGeometry) -> tuple[int, int]:
    """How long each half has aged when the later node receives the herald."""
    longest = max(geometry.arm_a_delay_ps, geometry.arm_b_delay_ps)
    return geometry.arm_a_delay_ps + longest, geometry.arm_b_delay_ps + longest


def aged_fidelity(
    outcomes: HeraldOutcomes,
    memories: tuple[MemoryModel, MemoryModel],
    ages_ps: tuple[int, int] | None,
) -> float:
    """Mean fidelity to the announced Bell state after each half aged (``None``: fresh)."""
    total = 0.0
    for bell_index, probability, state in outcomes:
        if ages_ps is not None:
            for qubit, (memory, age) in enumerate(zip(memories, ages_ps, strict=True)):
                if age > 0 and not memory.noiseless:
                    state = state.apply_memory_noise(qubit, age, memory.t1_ps, memory.t2_ps)
        total += probability * state.fidelity_bell(bell_index)
    return total


class CachedLinkModel:
    """A :class:`~qnetstack.physical.platform.LinkModel` from a function of α.

    Args:
        physics: ``alpha -> (success probability, herald outcomes)``; ``None`` means the
            platform's configured α.
        geometry: The link.
        memories: Memory noise of the node_a and node_b halves.
        tunable_alpha: Whether α may be chosen per request.
    """

    def __init__(
        self,
        physics: Callable[[float | None], tuple[float, HeraldOutcomes]],
        geometry: LinkGeometry,
        memories: tuple[MemoryModel, MemoryModel],
        *,
        tunable_alpha: bool,
    ) -> None:
        self._physics = physics
        self._ages = herald_ages_ps(geometry)
        self._memories = memories
        self._tunable = tunable_alpha
        self._cache: dict[tuple[float | None, bool], tuple[float, float]] = {}

    @property
    def tunable_alpha(self) -> bool:
        return self._tunable

    def _evaluate(self, alpha: float | None, keep: bool) -> tuple[float, float]:
        key = (alpha, keep)
        hit = self._cache.get(key)
        if hit is None:
            p, outcomes = self._physics(alpha)
            fidelity = aged_fidelity(outcomes, self._memories, self._ages if keep else None)
            hit = self._cache[key] = (p, fidelity)
        return hit

    def success_probability(self, alpha: float | None) -> float:
        return self._evaluate(alpha, False)[0]

    def fidelity(self, alpha: float | None, *, keep: bool) -> float:
        return self._evaluate(alpha, keep)[1]
