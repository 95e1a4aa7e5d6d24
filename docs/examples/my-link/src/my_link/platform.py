"""``my-fibre``: a toy platform whose success probability falls with fibre length.

p = efficiency × 10^(−attenuation × L / 10) for a link of total length L; a success gives a
Werner pair of fixed fidelity around Ψ+ or Ψ− (equal odds).
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from qnetstack.physical import (
    LinkGeometry,
    LinkInfo,
    MemoryDevice,
    MemoryModel,
    PairState,
    PairStore,
    PhysicalPlatform,
    SampledStation,
)
from qnetstack.quantum import BellIndex
from qnetstack.service import Layer, LayerName, PluginSpec


class MyFibreConfig(BaseModel):
    """Configuration of ``my-fibre`` (the ``platform:`` section of a scenario)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    efficiency: float = Field(0.1, gt=0.0, le=1.0, description="Success probability at 0 km.")
    attenuation_db_per_km: float = Field(0.2, ge=0.0, description="Fibre loss in dB/km.")
    fidelity: float = Field(0.9, ge=0.25, le=1.0, description="Fidelity of a fresh pair.")
    emission_delay_us: float = Field(2.0, ge=0.0, description="Emission delay per attempt, µs.")
    memory_slots: int = Field(2, ge=1, description="Memory qubits per node.")


class _Herald:
    """The station's physics: a HeraldModel (see qnetstack.physical.station)."""

    def __init__(self, success_probability: float, fidelity: float) -> None:
        self.success_probability = success_probability
        self.fresh_fidelity = fidelity

    def sample_herald(self, rng: np.random.Generator, store: PairStore) -> tuple[int, PairState]:
        bell = BellIndex.PSI_PLUS if rng.random() < 0.5 else BellIndex.PSI_MINUS
        return int(bell), store.werner(self.fresh_fidelity, bell)


class MyFibrePlatform(PhysicalPlatform[MyFibreConfig]):
    """Builds nodes and stations; the scenario builder passes (config, store)."""

    def link_info(self, geometry: LinkGeometry) -> LinkInfo:
        cfg = self.config
        p = cfg.efficiency * 10 ** (-cfg.attenuation_db_per_km * geometry.length_km / 10)
        emission_ps = round(cfg.emission_delay_us * 1e6)
        longest_arm_ps = max(geometry.arm_a_delay_ps, geometry.arm_b_delay_ps)
        return LinkInfo(geometry, p, emission_ps + 2 * longest_arm_ps, cfg.fidelity)

    def create_node(
        self, name: str, stations: dict[str, LinkInfo], rng: np.random.Generator
    ) -> Layer:
        return MemoryDevice(name, stations, self.store, self.config.memory_slots)

    def create_station(self, info: LinkInfo, rng: np.random.Generator) -> Layer:
        model = _Herald(info.success_probability, self.config.fidelity)
        emission_ps = round(self.config.emission_delay_us * 1e6)
        memories = (MemoryModel(), MemoryModel())  # noiseless memories
        return SampledStation(info, model, emission_ps, memories, self.store, rng)


PLUGIN = PluginSpec(
    name="my-fibre",
    layer=LayerName.PHYSICAL,
    description="Toy platform: success probability falls with fibre length, Werner pairs.",
    config_model=MyFibreConfig,
    factory=MyFibrePlatform,
)
