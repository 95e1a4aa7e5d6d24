"""A generic heralded-link platform: Werner pairs with a fixed success probability.

The platform abstracts away the optics. Each attempt succeeds with ``success_probability``;
a success delivers a Werner state of fidelity ``fidelity`` around the announced Bell state, which
is Ψ+ or Ψ− with equal probability (the two detectors of a beam-splitter station herald opposite
signs). Memory halves then decohere with T1/T2. Attempt timing follows the NV convention of
Coopmans et al. 2021: one attempt per ``emission_delay + 2 × arm delay`` (longer arm).

It is the fastest platform and the one to use for teaching the stack, testing protocols and
routing studies where the hardware details do not matter.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from qnetstack.physical.device import MemoryDevice
from qnetstack.physical.linkmodel import CachedLinkModel
from qnetstack.physical.platform import (
    DEFAULT_SPEED_OF_LIGHT_KM_PER_S,
    LinkGeometry,
    LinkInfo,
    PhysicalPlatform,
)
from qnetstack.physical.qstore import MemoryModel, PairState, PairStore
from qnetstack.physical.station import AttemptStation, SampledStation
from qnetstack.quantum import BellIndex, DensityMatrix
from qnetstack.service import Layer, LayerName, PluginSpec

__all__ = ["PLUGIN", "DepolarisingConfig", "DepolarisingPlatform"]

_PS_PER_S = 1e12


class DepolarisingConfig(BaseModel):
    """Configuration of the ``depolarising`` platform (scenario key ``platform``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Literal["attempts", "sampled"] = Field(
        "sampled",
        description="'attempts': every attempt is an event; 'sampled': the number of attempts "
        "until success is drawn at once (same physics, much faster).",
    )
    success_probability: float = Field(
        0.01, gt=0.0, le=1.0, description="Probability that one attempt heralds a pair, in (0, 1]."
    )
    fidelity: float = Field(
        0.95,
        ge=0.25,
        le=1.0,
        description="Fidelity of a freshly heralded Werner pair to the announced Bell state, "
        "in [0.25, 1].",
    )
    emission_delay_us: float = Field(
        1.0, ge=0.0, description="Time from a node's ready signal to photon emission, in µs."
    )
    memory_slots: int = Field(2, ge=1, description="Qubits per node that can hold a pair half.")
    memory_t1_s: float = Field(
        math.inf, gt=0.0, description="Memory T1 (amplitude damping) in s; inf for none."
    )
    memory_t2_s: float | None = Field(
        None,
        gt=0.0,
        description="Memory T2 (coherence) in s; inf for none; unset means 2·T1 (pure "
        "amplitude damping, or no noise when T1 is inf). Must not exceed 2·T1.",
    )
    swap_gate_depolar_prob: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Entanglement swapping: depolarising probability on both measured qubits "
        "(the two-qubit gate of the Bell-state measurement), in [0, 1].",
    )
    swap_readout_error: float = Field(
        0.0,
        ge=0.0,
        le=0.5,
        description="Entanglement swapping: probability that each of the two outcome bits is "
        "misread, in [0, 0.5].",
    )
    speed_of_light_km_per_s: float = Field(
        DEFAULT_SPEED_OF_LIGHT_KM_PER_S,
        gt=0.0,
        description="Signal speed in fibre, km/s (default c/1.44, Coopmans et al. 2021).",
    )

    @model_validator(mode="after")
    def _t2_within_t1(self) -> DepolarisingConfig:
        if self.memory_t2_s is not None and self.memory_t2_s > 2 * self.memory_t1_s:
            raise ValueError(
                f"memory_t2_s ({self.memory_t2_s}) must not exceed 2 × memory_t1_s "
                f"({self.memory_t1_s}): no physical memory dephases slower than that"
            )
        return self

    @property
    def memory(self) -> MemoryModel:
        """The memory noise model in picoseconds."""
        t2_s = 2 * self.memory_t1_s if self.memory_t2_s is None else self.memory_t2_s
        return MemoryModel(self.memory_t1_s * _PS_PER_S, t2_s * _PS_PER_S)


class _WernerHerald:
    """Herald model: Werner pairs around Ψ+ or Ψ−."""

    def __init__(self, success_probability: float, fidelity: float) -> None:
        self._p = success_probability
        self._fidelity = fidelity

    @property
    def success_probability(self) -> float:
        return self._p

    @property
    def fresh_fidelity(self) -> float:
        return self._fidelity

    def sample_herald(self, rng: np.random.Generator, store: PairStore) -> tuple[int, PairState]:
        bell = BellIndex.PSI_PLUS if rng.random() < 0.5 else BellIndex.PSI_MINUS
        return int(bell), store.werner(self._fidelity, bell)

    def with_alphas(self, alpha_a: float | None, alpha_b: float | None) -> _WernerHerald:
        return self  # no bright-state population to tune


class DepolarisingPlatform(PhysicalPlatform[DepolarisingConfig]):
    """Builds nodes and stations of the generic depolarising platform."""

    @property
    def speed_of_light_km_per_s(self) -> float:
        return self.config.speed_of_light_km_per_s

    @classmethod
    def halves_per_node(cls, config: DepolarisingConfig) -> int | None:
        return config.memory_slots

    def link_info(self, geometry: LinkGeometry) -> LinkInfo:
        emission_ps = round(self.config.emission_delay_us * 1e6)
        longest_arm_ps = max(geometry.arm_a_delay_ps, geometry.arm_b_delay_ps)
        werner = DensityMatrix.werner(self.config.fidelity, BellIndex.PSI_PLUS)
        outcomes = [(int(BellIndex.PSI_PLUS), 1.0, werner)]
        model = CachedLinkModel(
            lambda _alpha: (self.config.success_probability, outcomes),
            geometry,
            (self.config.memory, self.config.memory),
            tunable_alpha=False,
        )
        return LinkInfo(
            geometry=geometry,
            success_probability=self.config.success_probability,
            attempt_cycle_ps=emission_ps + 2 * longest_arm_ps,
            fresh_fidelity=self.config.fidelity,
            model=model,
        )

    def create_node(
        self, name: str, stations: dict[str, LinkInfo], rng: np.random.Generator
    ) -> Layer:
        return MemoryDevice(
            name,
            stations,
            self.store,
            self.config.memory_slots,
            rng,
            swap_noise=(self.config.swap_gate_depolar_prob, self.config.swap_readout_error),
        )

    def create_station(self, info: LinkInfo, rng: np.random.Generator) -> Layer:
        model = _WernerHerald(self.config.success_probability, self.config.fidelity)
        emission_ps = round(self.config.emission_delay_us * 1e6)
        memories = (self.config.memory, self.config.memory)
        station = SampledStation if self.config.mode == "sampled" else AttemptStation
        return station(info, model, emission_ps, memories, self.store, rng)


PLUGIN = PluginSpec(
    name="depolarising",
    layer=LayerName.PHYSICAL,
    description="Generic heralded links: fixed success probability, Werner pairs, T1/T2 memories.",
    config_model=DepolarisingConfig,
    factory=DepolarisingPlatform,
)
