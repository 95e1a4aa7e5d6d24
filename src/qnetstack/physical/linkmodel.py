"""Link models: what a platform predicts for a link, for the link layer's fidelity estimation.

The prediction for a *kept* pair includes the memory decoherence between the photons' emission
and the moment the later node has the herald: each half ages for its own arm's flight to the
station plus the longer arm's flight back (the herald reaches the two nodes at different times;
the pair is usable once both know). A *measured-directly* pair is measured right after emission
and suffers no memory noise. A kept half that the node moves out of its communication qubit
(NV: into a carbon) as soon as its herald arrives also pays the move (:func:`moved_fidelity`).
The ages are computed on the exact density matrix of the heralded
state, so the estimate is the fidelity the simulation will deliver on average.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qnetstack.physical.platform import LinkGeometry
from qnetstack.physical.qstore import MemoryModel
from qnetstack.quantum import DensityMatrix

__all__ = ["CachedLinkModel", "MoveModel", "aged_fidelity", "herald_ages_ps", "moved_fidelity"]

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
                state = _age(state, qubit, memory, age)
        total += probability * state.fidelity_bell(bell_index)
    return total


@dataclass(frozen=True, slots=True)
class MoveModel:
    """What moving a half out of the communication qubit costs (NV: electron → carbon).

    Attributes:
        duration_ps: How long the move takes; the half ages in the communication qubit meanwhile.
        pauli: The move's error as a Pauli channel (p_x, p_y, p_z).
        memory: Idle noise of the qubit the half lands in.
    """

    duration_ps: int
    pauli: tuple[float, float, float]
    memory: MemoryModel


def moved_fidelity(
    outcomes: HeraldOutcomes,
    memories: tuple[MemoryModel, MemoryModel],
    geometry: LinkGeometry,
    move: MoveModel,
) -> float:
    """Mean delivered fidelity when each node moves its half as soon as its herald arrives.

    Node x learns of the pair at t_h + arm_x and its move ends at t_h + arm_x + D, so its half
    ages 2·arm_x + D in the communication qubit, suffers the move's Pauli channel, then ages in
    memory until the later node's move ends (t_h + max arm + D) — the order the node hardware
    applies them in.
    """
    arms = (geometry.arm_a_delay_ps, geometry.arm_b_delay_ps)
    longest = max(arms)
    p_x, p_y, p_z = move.pauli
    total = 0.0
    for bell_index, probability, state in outcomes:
        for qubit, (memory, arm) in enumerate(zip(memories, arms, strict=True)):
            state = _age(state, qubit, memory, 2 * arm + move.duration_ps)
            state = state.pauli_channel(qubit, p_x, p_y, p_z)
            state = _age(state, qubit, move.memory, longest - arm)
        total += probability * state.fidelity_bell(bell_index)
    return total


def _age(state: DensityMatrix, qubit: int, memory: MemoryModel, dt_ps: int) -> DensityMatrix:
    if dt_ps <= 0 or memory.noiseless:
        return state
    return state.apply_memory_noise(qubit, dt_ps, memory.t1_ps, memory.t2_ps)


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
        move: MoveModel | None = None,
    ) -> None:
        self._physics = physics
        self._geometry = geometry
        self._ages = herald_ages_ps(geometry)
        self._memories = memories
        self._tunable = tunable_alpha
        self._move = move
        self._cache: dict[tuple[float | None, bool, bool], tuple[float, float]] = {}

    @property
    def tunable_alpha(self) -> bool:
        return self._tunable

    @property
    def supports_move(self) -> bool:
        return self._move is not None

    def _evaluate(self, alpha: float | None, keep: bool, moved: bool) -> tuple[float, float]:
        moved = moved and keep and self._move is not None
        key = (alpha, keep, moved)
        hit = self._cache.get(key)
        if hit is None:
            p, outcomes = self._physics(alpha)
            if moved and self._move is not None:
                fidelity = moved_fidelity(outcomes, self._memories, self._geometry, self._move)
            else:
                fidelity = aged_fidelity(outcomes, self._memories, self._ages if keep else None)
            hit = self._cache[key] = (p, fidelity)
        return hit

    def success_probability(self, alpha: float | None) -> float:
        return self._evaluate(alpha, False, False)[0]

    def fidelity(self, alpha: float | None, *, keep: bool, moved: bool = False) -> float:
        return self._evaluate(alpha, keep, moved)[1]
