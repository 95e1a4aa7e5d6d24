"""qnetstack side of the peer benchmarks: the matched platform and the scenarios.

*Full NV physics* is the ``telecom_double_click_avis2022`` preset (Barrett–Kok double-click
heralding, electron and carbon T1/T2, initialisation / gate / readout noise, two-photon
visibility 0.9, nuclear dephasing per attempt, electron–carbon gates) with its optics replaced
by the matched numbers of :mod:`_common` (emission, detector efficiency, fibre loss, speed of
light, no dark counts), so the per-attempt success probability equals SeQUeNCe's. *Minimal*
physics is the ``depolarising`` platform handed that same success probability and SeQUeNCe's
raw fidelity: the closest qnetstack gets to SeQUeNCe's abstraction level.
"""

from __future__ import annotations

import time
from typing import Any

from _common import (
    CHAIN_TARGET_FIDELITY,
    DARK_COUNT_RATE_HZ,
    DETECTOR_EFFICIENCY,
    EMISSION_EFFICIENCY,
    FIBRE_LOSS_DB_PER_KM,
    RAW_FIDELITY,
    SPEED_OF_LIGHT_KM_PER_S,
    TARGET_FIDELITY,
    barrett_kok_success_probability,
)

from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import Simulation, parse_scenario

REGISTRY = PluginRegistry.from_entry_points()

#: The optics both simulators are given (qnetstack field names).
MATCHED_OPTICS: dict[str, float] = {
    "p_zero_phonon": 1.0,
    "collection_efficiency": EMISSION_EFFICIENCY,
    "conversion_efficiency": 1.0,
    "detector_efficiency": DETECTOR_EFFICIENCY,
    "fibre_loss_db_per_km": FIBRE_LOSS_DB_PER_KM,
    "speed_of_light_km_per_s": SPEED_OF_LIGHT_KM_PER_S,
    "dark_count_rate_hz": DARK_COUNT_RATE_HZ,
}
NV_PRESET = "telecom_double_click_avis2022"


def nv_platform(mode: str = "sampled") -> dict[str, Any]:
    """Full NV physics, Barrett–Kok, matched optics."""
    return {"plugin": "nv", "preset": NV_PRESET, "mode": mode, "optics": MATCHED_OPTICS}


def depolarising_platform(link_km: float, slots: int = 2) -> dict[str, Any]:
    """SeQUeNCe's level of abstraction: a success probability and a fresh-pair fidelity."""
    return {
        "plugin": "depolarising",
        "success_probability": barrett_kok_success_probability(link_km),
        "fidelity": RAW_FIDELITY,
        "memory_slots": slots,
        "speed_of_light_km_per_s": SPEED_OF_LIGHT_KM_PER_S,
    }


def link_scenario(
    length_km: float, pairs: int, physics: str, link_layer: str, **request: Any
) -> dict[str, Any]:
    """Two nodes, one heralded link, one request of ``pairs`` pairs."""
    platform = nv_platform() if physics == "nv" else depolarising_platform(length_km)
    layer: dict[str, Any] = {"plugin": link_layer}
    if link_layer == "egp" and physics == "nv":
        layer["move_to_memory"] = False  # keep the pair on the electron, as SeQUeNCe keeps it
    return {
        "name": f"peer-link-{length_km:g}km",
        "seed": 1,
        "formalism": "dm",
        "stop_time_s": 1e6,
        "platform": platform,
        "link_layer": layer,
        "nodes": [{"name": "alice"}, {"name": "bob"}],
        "links": [{"nodes": ["alice", "bob"], "length_km": length_km}],
        "requests": [
            {"src": "alice", "dst": "bob", "pairs": pairs, "min_fidelity": TARGET_FIDELITY,
             **request}
        ],
    }  # fmt: skip


def chain_scenario(nodes: int, spacing_km: float, pairs: int, physics: str) -> dict[str, Any]:
    """A repeater chain with the QNP network layer (swap-ASAP), one end-to-end request."""
    platform = nv_platform() if physics == "nv" else depolarising_platform(spacing_km)
    return {
        "name": f"peer-chain-{nodes}",
        "seed": 1,
        "formalism": "bell_diagonal",
        "stop_time_s": 1e6,
        "platform": platform,
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp"},
        "topology": {"kind": "chain", "nodes": nodes, "spacing_km": spacing_km},
        "requests": [
            {"src": "n0", "dst": f"n{nodes - 1}", "pairs": pairs,
             "min_fidelity": CHAIN_TARGET_FIDELITY}
        ],
    }  # fmt: skip


def run_scenario(data: dict[str, Any]) -> tuple[dict[str, Any], float, float]:
    """Build and run a scenario; return (results, build wall seconds, run wall seconds)."""
    t0 = time.perf_counter()
    sim = Simulation(parse_scenario(data, REGISTRY), REGISTRY)
    t1 = time.perf_counter()
    results = sim.run()
    return results, t1 - t0, time.perf_counter() - t1
