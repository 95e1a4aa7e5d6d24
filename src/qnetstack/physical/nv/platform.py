"""The ``nv`` platform plugin: NV-centre nodes and heralded single-click or Barrett–Kok links.

A scenario selects it with::

    platform:
      plugin: nv
      preset: lab_2018          # any name from `qnetstack presets`
      bright_state_alpha: 0.3   # …and overrides of any field, nested as in the schema
      optics: {visibility: 0.95}

The preset's values are filled in first, then the scenario's keys override them, and the result
is validated as an :class:`~qnetstack.physical.nv.params.NVConfig` (so a bad override is reported
with its full field path).

Per link the platform evaluates the heralding physics once (:mod:`.heralding`: the arm
efficiencies from the link geometry, dark counts, visibility, phase noise, double excitation)
and hands the result to the station, which samples heralds from it in ``attempts`` or
``sampled`` mode. The delivered state is the physical one, including which Bell state the
herald announced.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import model_validator

from qnetstack.physical.linkmodel import CachedLinkModel, MoveModel
from qnetstack.physical.nv.device import NVDevice
from qnetstack.physical.nv.gates import move_channel, move_duration_ps
from qnetstack.physical.nv.heralding import HeraldModelResult, barrett_kok, single_click
from qnetstack.physical.nv.params import NVConfig
from qnetstack.physical.nv.presets import list_presets, load_preset
from qnetstack.physical.platform import LinkGeometry, LinkInfo, PhysicalPlatform
from qnetstack.physical.qstore import Formalism, MemoryModel, PairState, PairStore
from qnetstack.physical.station import AttemptStation, SampledStation
from qnetstack.quantum import BellDiagonal, DensityMatrix
from qnetstack.service import Layer, LayerName, PluginSpec

__all__ = ["DEFAULT_PRESET", "PLUGIN", "NVHerald", "NVPlatform", "NVPlatformConfig", "herald_model"]

DEFAULT_PRESET = "nearterm2020_coopmans2021"
"""The preset used when a scenario names none."""

_PS_PER_S = 1e12


class NVPlatformConfig(NVConfig):
    """Scenario configuration of the ``nv`` platform: a preset plus overrides of any field."""

    @model_validator(mode="before")
    @classmethod
    def _fill_from_preset(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        name = data.get("preset") or DEFAULT_PRESET
        if name not in list_presets():
            raise ValueError(f"unknown preset {name!r}; presets: {', '.join(list_presets())}")
        overrides = {key: value for key, value in data.items() if key != "preset"}
        # Validates the merged values as NVConfig: a bad override raises a ValidationError whose
        # locations are NVConfig field paths, which the scenario loader prefixes.
        return load_preset(name, overrides).model_dump()


def herald_model(
    config: NVConfig,
    geometry: LinkGeometry,
    alpha_a: float | None = None,
    alpha_b: float | None = None,
) -> HeraldModelResult:
    """The heralding physics of one link: success probability and heralded states.

    Args:
        config: Platform configuration.
        geometry: The link (arm lengths set the efficiencies).
        alpha_a: Bright-state population of node_a (single-click); ``None`` uses the
            configured value. Ignored for Barrett–Kok.
        alpha_b: Same for node_b; defaults to ``alpha_a``.
    """
    eta_a = config.arm_efficiency(geometry.arm_a_km)
    eta_b = config.arm_efficiency(geometry.arm_b_km)
    optics = config.optics
    if config.protocol == "double_click":
        return barrett_kok(eta_a, eta_b, config.dark_count_prob, optics.visibility)
    a = config.attempt_alpha if alpha_a is None else alpha_a
    b = a if alpha_b is None else alpha_b
    return single_click(
        a,
        b,
        eta_a,
        eta_b,
        config.dark_count_prob,
        optics.visibility,
        optics.phase_std_rad,
        optics.p_double_excitation,
    )


class NVHerald:
    """Samples heralds of one NV link run from its :class:`HeraldModelResult`.

    The states of the possible herald outcomes are built once, in the store's formalism: in the
    Bell-diagonal formalism they are projected onto the Bell basis (a twirl), which keeps their
    fidelity to every Bell state. Models for other bright-state populations are built on demand
    (:meth:`with_alphas`) and cached: a link layer uses a handful of α values.
    """

    def __init__(
        self,
        config: NVConfig,
        geometry: LinkGeometry,
        store: PairStore,
        alphas: tuple[float | None, float | None] = (None, None),
        cache: dict[tuple[float | None, float | None], NVHerald] | None = None,
    ) -> None:
        self._config = config
        self._geometry = geometry
        self._store = store
        self._cache = {} if cache is None else cache
        self._cache[alphas] = self
        self.result = herald_model(config, geometry, *alphas)
        self._outcomes: list[tuple[float, int, PairState]] = []
        cumulative = 0.0
        for bell_index, probability, matrix in self.result.outcomes:
            dm = DensityMatrix(matrix)
            state: PairState = dm
            if store.formalism is Formalism.BELL_DIAGONAL:
                state = BellDiagonal.from_density_matrix(dm)
            cumulative += probability
            self._outcomes.append((cumulative, int(bell_index), state))

    @property
    def success_probability(self) -> float:
        return self.result.p_succ

    @property
    def fresh_fidelity(self) -> float:
        return self.result.fidelity

    def sample_herald(self, rng: np.random.Generator, store: PairStore) -> tuple[int, PairState]:
        u = rng.random() * self._outcomes[-1][0]
        for cumulative, bell_index, state in self._outcomes:
            if u < cumulative:
                return bell_index, state
        _, bell_index, state = self._outcomes[-1]
        return bell_index, state

    def with_alphas(self, alpha_a: float | None, alpha_b: float | None) -> NVHerald:
        key = (alpha_a, alpha_b)
        model = self._cache.get(key)
        if model is None:
            model = NVHerald(self._config, self._geometry, self._store, key, self._cache)
        return model


class NVPlatform(PhysicalPlatform[NVConfig]):
    """Builds NV nodes and their heralding stations."""

    @property
    def speed_of_light_km_per_s(self) -> float:
        return self.config.optics.speed_of_light_km_per_s

    @classmethod
    def halves_per_node(cls, config: NVConfig) -> int | None:
        return 1 + config.carbon.count  # the electron and the carbons

    @property
    def electron_memory(self) -> MemoryModel:
        """Idle noise of the electron, in picoseconds."""
        e = self.config.electron
        return MemoryModel(e.t1_s * _PS_PER_S, e.t2_s * _PS_PER_S)

    def __init__(self, config: NVConfig, store: PairStore) -> None:
        super().__init__(config, store)
        # Links of the same shape (arm lengths) have the same physics: a chain or grid of
        # equal links computes its herald models and fidelity predictions once, not per link.
        self._models: dict[_Shape, tuple[HeraldModelResult, CachedLinkModel]] = {}
        self._heralds: dict[_Shape, NVHerald] = {}

    def link_info(self, geometry: LinkGeometry) -> LinkInfo:
        shape = _shape(geometry)
        cached = self._models.get(shape)
        if cached is None:
            cached = self._models[shape] = self._link_model(geometry)
        result, model = cached
        return LinkInfo(
            geometry=geometry,
            success_probability=result.p_succ,
            attempt_cycle_ps=self.config.attempt_duration_ps(geometry.arm_a_km, geometry.arm_b_km),
            fresh_fidelity=result.fidelity,
            model=model,
        )

    def _link_model(self, geometry: LinkGeometry) -> tuple[HeraldModelResult, CachedLinkModel]:
        result = herald_model(self.config, geometry)

        def physics(alpha: float | None) -> tuple[float, list[tuple[int, float, DensityMatrix]]]:
            r = herald_model(self.config, geometry, alpha, alpha)
            outcomes = [(int(b), p, DensityMatrix(m)) for b, p, m in r.outcomes]
            return r.p_succ, outcomes

        channel = move_channel(self.config)
        carbon = self.config.carbon
        move = None
        if carbon.count > 0:
            move = MoveModel(
                duration_ps=move_duration_ps(self.config),
                pauli=(channel.p_x, channel.p_y, channel.p_z),
                memory=MemoryModel(carbon.t1_s * _PS_PER_S, carbon.t2_s * _PS_PER_S),
            )
        model = CachedLinkModel(
            physics,
            geometry,
            (self.electron_memory, self.electron_memory),
            tunable_alpha=self.config.protocol == "single_click",
            move=move,
        )
        return result, model

    def create_node(
        self, name: str, stations: dict[str, LinkInfo], rng: np.random.Generator
    ) -> Layer:
        return NVDevice(name, stations, self.store, self.config, rng)

    def create_station(self, info: LinkInfo, rng: np.random.Generator) -> Layer:
        shape = _shape(info.geometry)
        herald = self._heralds.get(shape)
        if herald is None:  # stateless apart from its cache of α models: shared by shape
            herald = self._heralds[shape] = NVHerald(self.config, info.geometry, self.store)
        emission_ps = round(self.config.emission_delay_us * 1e6)
        memories = (self.electron_memory, self.electron_memory)
        station = SampledStation if self.config.mode == "sampled" else AttemptStation
        return station(info, herald, emission_ps, memories, self.store, rng)


_Shape = tuple[float, float, int, int]


def _shape(geometry: LinkGeometry) -> _Shape:
    """What the link physics depends on: the arm lengths and delays (not the node names)."""
    return (geometry.arm_a_km, geometry.arm_b_km, geometry.arm_a_delay_ps, geometry.arm_b_delay_ps)


PLUGIN = PluginSpec(
    name="nv",
    layer=LayerName.PHYSICAL,
    description="NV centres: electron + carbon memories, single-click or Barrett–Kok heralding, "
    "presets from the literature.",
    config_model=NVPlatformConfig,
    factory=NVPlatform,
)
