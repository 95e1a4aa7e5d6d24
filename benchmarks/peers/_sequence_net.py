"""Builds SeQUeNCe 0.8.5 router networks for the link and chain benchmarks (SeQUeNCe side only).

A chain of ``QuantumRouter`` nodes joined by ``meet_in_the_middle`` quantum connections (a
``BSMNode`` with a ``SingleAtomBSM`` at every midpoint, SeQUeNCe's Barrett–Kok generation,
``EntanglementGenerationA``/``B``), classical connections between every pair of routers, static
routing, and a ``RequestApp`` on every router: the initiator's app makes one reservation to the
last router, the resource managers load SeQUeNCe's generation / purification / swapping rules
along the path, and the apps count and release every end-to-end pair. That is the
rule-based swapping set-up of SeQUeNCe's own router-network examples, built from a topology
dictionary in its JSON format.

The matched hardware numbers come from :mod:`_common`.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from typing import Any

from _common import (
    DARK_COUNT_RATE_HZ,
    DETECTOR_EFFICIENCY,
    EMISSION_EFFICIENCY,
    FIBRE_LOSS_DB_PER_KM,
    RAW_FIDELITY,
    SPEED_OF_LIGHT_KM_PER_S,
)
from sequence.app.request_app import RequestApp
from sequence.topology.router_net_topo import RouterNetTopo

_PS_PER_S = 10**12


def chain_config(nodes: int, link_km: float, seed: int) -> dict[str, Any]:
    """SeQUeNCe topology dictionary: ``nodes`` routers in a line, links of ``link_km``."""
    names = [f"r{i}" for i in range(nodes)]
    cc_delay_ps = round(link_km / SPEED_OF_LIGHT_KM_PER_S * _PS_PER_S)
    detector = {
        "efficiency": DETECTOR_EFFICIENCY,
        "dark_count": DARK_COUNT_RATE_HZ,
        "time_resolution": 150,
        "count_rate": 25e6,
    }
    cconnections = [
        {"node1": a, "node2": b, "delay": cc_delay_ps * abs(i - j)}
        for i, a in enumerate(names)
        for j, b in enumerate(names)
        if i < j
    ]
    return {
        "nodes": [
            {
                "name": name,
                "type": "QuantumRouter",
                "seed": seed + i,
                # ends hold one half, repeaters one per side (RSVP reserves 2 x memory_size)
                "memo_size": 2,
                "template": "router",
            }
            for i, name in enumerate(names)
        ],
        "qconnections": [
            {
                "node1": a,
                "node2": b,
                "seed": seed + 1000 + i,
                "attenuation": FIBRE_LOSS_DB_PER_KM / 1000.0,  # dB/m
                "distance": link_km * 1000.0,  # m
                "type": "meet_in_the_middle",
                "template": "bsm",
            }
            for i, (a, b) in enumerate(itertools.pairwise(names))
        ],
        "cconnections": cconnections,
        "templates": {
            "router": {
                "MemoryArray": {
                    "fidelity": RAW_FIDELITY,
                    "efficiency": EMISSION_EFFICIENCY,
                    "coherence_time": -1,  # ket formalism: no decay, only an expiry cutoff
                    "frequency": 8e7,
                }
            },
            "bsm": {"SingleAtomBSM": {"detectors": [dict(detector), dict(detector)]}},
        },
    }


class CountingApp(RequestApp):
    """SeQUeNCe's ``RequestApp``, stopping the timeline once the initiator has ``target`` pairs."""

    def __init__(self, node: Any, target: int) -> None:
        super().__init__(node)
        self.target = target

    def get_memory(self, info: Any) -> None:
        super().get_memory(info)
        if self.target and self.memory_counter >= self.target:
            self.node.timeline.stop()


def build(
    nodes: int, link_km: float, pairs: int, seed: int, target_fidelity: float
) -> tuple[Any, CountingApp]:
    """Build the network and start the request; return (topology, initiator's app)."""
    config = chain_config(nodes, link_km, seed)
    fd, path = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(config, fh)
        topo = RouterNetTopo(path)
    finally:
        os.unlink(path)
    timeline = topo.get_timeline()
    timeline.stop_time = 10**6 * _PS_PER_S
    routers = {r.name: r for r in topo.get_nodes_by_type(RouterNetTopo.QUANTUM_ROUTER)}
    first, last = routers["r0"], routers[f"r{nodes - 1}"]
    apps = {
        name: CountingApp(router, pairs if router is first else 0)
        for name, router in routers.items()
    }
    timeline.init()
    start_ps = _PS_PER_S // 10  # after the reservation round trip
    apps["r0"].start(last.name, start_ps, timeline.stop_time - 1, 1, target_fidelity)
    return topo, apps["r0"]
