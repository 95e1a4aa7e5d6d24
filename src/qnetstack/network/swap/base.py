"""The swap-policy interface: which two halves a repeater joins, and when.

Theory of operation
-------------------
A repeater of a virtual circuit holds link-pair halves towards both sides of the path. Each
time what it holds changes (a link pair arrives, or, for policies that track reach, a swap
elsewhere extends one of its pairs), the network layer asks its circuit's swap policy
:meth:`SwapPolicy.choose` with a read-only :class:`SwapView` and swaps the pair of halves it
names; it asks again until the policy answers ``None`` ("wait"). A policy is a pure function of
the view and its own configuration: it never touches the simulator, so it is unit-tested with
hand-made views (:func:`qnetstack.testing.swap_view`), lists in, answers out.

A policy subclasses :class:`SwapPolicy`, sets the class attributes ``name``, ``description``
and ``config_model`` (a frozen pydantic model validated from the network section's
``swap_options``), and implements ``choose``. Set ``tracks_reach = True`` when the policy reads
:attr:`HeldHalf.reach` beyond the neighbour: every swap then tells the new pair's two ends how
far their pair now reaches (one extra message per swap and end, as nested swapping needs).

The network layer checks every answer: the two ids must be held, one towards each side.
Anything else is a bug in the policy and ends the run with a :class:`SwapPolicyError` naming
it, never a wrong swap.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar, cast

from pydantic import BaseModel, ConfigDict

from qnetstack.linklayer.primitives import EntanglementId

__all__ = ["HeldHalf", "SwapChoice", "SwapConfig", "SwapPolicy", "SwapPolicyError", "SwapView"]


class SwapPolicyError(Exception):
    """An unknown swap policy, bad options, or a policy that named halves it cannot swap."""


class SwapConfig(BaseModel):
    """Options of a swap policy without options (the base of every policy's config model)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


ConfigT = TypeVar("ConfigT", bound=SwapConfig)


@dataclass(frozen=True, slots=True)
class HeldHalf:
    """What a swap policy sees of one half a repeater holds.

    Attributes:
        entanglement_id: The link pair's id (what :meth:`SwapPolicy.choose` answers with).
        goodness: The link layer's fidelity estimate of the link pair when it was heralded.
        create_time_ps: When the link pair was heralded.
        reach: Path index of the node holding the other end of the pair this half belongs to:
            the neighbour, or further once swaps elsewhere extended it (kept current only for
            policies with ``tracks_reach``).
    """

    entanglement_id: EntanglementId
    goodness: float
    create_time_ps: int
    reach: int


@dataclass(frozen=True, slots=True)
class SwapView:
    """One repeater's halves of one circuit, as its swap policy sees them.

    Attributes:
        index: This node's position on the circuit's path (0 is the head end).
        hops: Links on the path (the tail end has index ``hops``).
        now_ps: The current time.
        left: Halves whose pairs reach towards the head (smaller indices), oldest link pair
            first (in arrival order).
        right: Halves whose pairs reach towards the tail, oldest first.
    """

    index: int
    hops: int
    now_ps: int
    left: tuple[HeldHalf, ...]
    right: tuple[HeldHalf, ...]


SwapChoice = tuple[EntanglementId, EntanglementId] | None
"""``(left id, right id)``: swap these two halves now; ``None``: wait."""


class SwapPolicy(ABC, Generic[ConfigT]):
    """When a repeater swaps, and which halves.

    Subclasses set :attr:`name`, :attr:`description` and :attr:`config_model` and implement
    :meth:`choose`.

    Args:
        config: The validated options; ``None`` uses the model's defaults.
    """

    name: ClassVar[str]
    """Name a scenario selects the policy by (``swap_policy:``; lowercase, ``-`` separated)."""
    description: ClassVar[str]
    """One line: when the policy swaps."""
    config_model: ClassVar[type[SwapConfig]] = SwapConfig
    """Pydantic model of the policy's options (``swap_options:``)."""
    tracks_reach: ClassVar[bool] = False
    """Whether swaps must tell the new pair's ends how far it reaches (see the module doc)."""

    def __init__(self, config: ConfigT | None = None) -> None:
        self.config: ConfigT = config if config is not None else cast(ConfigT, self.config_model())

    @abstractmethod
    def choose(self, view: SwapView) -> SwapChoice:
        """The left and right halves to swap now, or ``None`` to wait for more."""
