"""The hardware-platform seam: how a physical-layer plugin builds nodes and heralded links.

A platform plugin (``PluginSpec.factory``) is a :class:`PhysicalPlatform` subclass. The scenario
builder calls it with the plugin's validated config and asks it for

* one hardware entity per node (:meth:`PhysicalPlatform.create_node`),
* one heralding-station entity per link (:meth:`PhysicalPlatform.create_station`),
* a :class:`LinkInfo` per link: what the link layer may assume about the link (fresh-pair
  fidelity, success probability, attempt cycle), the input of its fidelity estimation.

Everything else (attempt timing, photon physics, state creation) is the platform's business.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np
from pydantic import BaseModel

from qnetstack.physical.qstore import PairStore
from qnetstack.service import Layer

__all__ = [
    "DEFAULT_SPEED_OF_LIGHT_KM_PER_S",
    "LinkGeometry",
    "LinkInfo",
    "LinkModel",
    "PhysicalPlatform",
]

DEFAULT_SPEED_OF_LIGHT_KM_PER_S = 208_189.0
"""c / 1.44 in km/s."""

ConfigT = TypeVar("ConfigT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class LinkGeometry:
    """Where a link's ends and station are, and how long signals take.

    Attributes:
        node_a: First end node.
        node_b: Second end node.
        station: Name of the heralding station's node.
        arm_a_km: Fibre from ``node_a`` to the station.
        arm_b_km: Fibre from ``node_b`` to the station.
        arm_a_delay_ps: Light travel time on arm a.
        arm_b_delay_ps: Light travel time on arm b.
    """

    node_a: str
    node_b: str
    station: str
    arm_a_km: float
    arm_b_km: float
    arm_a_delay_ps: int
    arm_b_delay_ps: int

    @property
    def length_km(self) -> float:
        """Total fibre length between the two nodes."""
        return self.arm_a_km + self.arm_b_km

    def other(self, node: str) -> str:
        """The other end of the link."""
        if node == self.node_a:
            return self.node_b
        if node == self.node_b:
            return self.node_a
        raise ValueError(f"{node!r} is not an end of link {self.node_a}-{self.node_b}")


class LinkModel(Protocol):
    """What the platform predicts for a link as a function of its one tunable knob.

    The link layer's fidelity estimation (Dahlberg et al. 2019, "FEU") uses it to turn a
    requested minimum fidelity into a bright-state population α, and to report a goodness.
    """

    @property
    def tunable_alpha(self) -> bool:
        """Whether the bright-state population α can be chosen per request."""
        ...

    def success_probability(self, alpha: float | None) -> float:
        """Per-attempt heralding probability at ``alpha`` (``None``: the configured value)."""
        ...

    @property
    def supports_move(self) -> bool:
        """Whether a kept half must be moved out of the communication qubit to free it."""
        ...

    def fidelity(self, alpha: float | None, *, keep: bool, moved: bool = False) -> float:
        """Expected fidelity of a delivered pair to its announced Bell state.

        ``keep=True``: both halves stored from emission until the later node has the herald
        (memory decoherence during the herald's flight included). ``keep=False``: measured right
        after emission (measure-directly), so no memory decoherence. ``moved=True`` (with
        ``keep``): each node moves its half into a memory qubit as soon as its herald arrives,
        and the pair counts as delivered when the later move ends.
        """
        ...


@dataclass(frozen=True, slots=True)
class _FixedLinkModel:
    p: float
    f: float

    @property
    def tunable_alpha(self) -> bool:
        return False

    @property
    def supports_move(self) -> bool:
        return False

    def success_probability(self, alpha: float | None) -> float:
        return self.p

    def fidelity(self, alpha: float | None, *, keep: bool, moved: bool = False) -> float:
        return self.f


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """What the link layer may assume about a heralded link (model values, not measurements).

    Attributes:
        geometry: Ends, station and delays.
        success_probability: Per-attempt heralding probability.
        attempt_cycle_ps: Time between attempts (emission delay plus herald round trip).
        fresh_fidelity: Fidelity of a freshly heralded pair to the announced Bell state.
    """

    geometry: LinkGeometry
    success_probability: float
    attempt_cycle_ps: int
    fresh_fidelity: float
    model: LinkModel | None = None

    @property
    def link_model(self) -> LinkModel:
        """The platform's model of this link (a fixed one when the platform gives none)."""
        if self.model is not None:
            return self.model
        return _FixedLinkModel(self.success_probability, self.fresh_fidelity)

    @property
    def expected_pair_time_ps(self) -> float:
        """Mean time per heralded pair, ``cycle / p``."""
        return self.attempt_cycle_ps / self.success_probability


class PhysicalPlatform(ABC, Generic[ConfigT]):
    """Builds the physical-layer entities of one hardware platform.

    Args:
        config: The plugin's validated configuration.
        store: The shared pair store of the simulation.
    """

    def __init__(self, config: ConfigT, store: PairStore) -> None:
        self.config = config
        self.store = store

    @property
    def speed_of_light_km_per_s(self) -> float:
        """Signal speed in the platform's fibre; sets classical and herald delays.

        Default c/1.44 (refractive index 1.44, Coopmans et al., Commun. Phys. 4, 164 (2021));
        platforms with a configured value override this.
        """
        return DEFAULT_SPEED_OF_LIGHT_KM_PER_S

    @classmethod
    def halves_per_node(cls, config: ConfigT) -> int | None:
        """How many pair halves one node can hold at once (``None``: the platform does not say).

        The scenario loader uses it to refuse networks whose repeaters could never hold a half
        towards each side (a swap needs two).
        """
        return None

    @abstractmethod
    def link_info(self, geometry: LinkGeometry) -> LinkInfo:
        """Model parameters of a link with this geometry."""

    @abstractmethod
    def create_node(
        self, name: str, stations: dict[str, LinkInfo], rng: np.random.Generator
    ) -> Layer:
        """The hardware entity of node ``name``; ``stations`` maps each remote to its link."""

    @abstractmethod
    def create_station(self, info: LinkInfo, rng: np.random.Generator) -> Layer:
        """The heralding-station entity of one link."""
