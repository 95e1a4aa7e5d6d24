"""Run NV links through the real stack for the validation tests (scenario → runtime → results).

Everything here goes through :class:`qnetstack.scenario.Simulation`: the scenario is validated,
the NV platform plugin builds nodes and stations, the kernel runs, and the numbers come from the
results document and the trace, never from the formulas the tests compare them with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from qnetstack.runtime import PluginRegistry, TraceEvent
from qnetstack.scenario import Simulation, parse_scenario

REGISTRY = PluginRegistry.from_entry_points()


def nv_scenario(
    preset: str,
    *,
    length_km: float,
    pairs: int,
    mode: str = "sampled",
    station_position: float = 0.5,
    formalism: str = "dm",
    seed: int = 1,
    stop_time_s: float = 1e6,
    **overrides: Any,
) -> dict[str, Any]:
    """A two-node NV scenario as a mapping."""
    platform: dict[str, Any] = {"plugin": "nv", "preset": preset, "mode": mode, **overrides}
    return {
        "name": f"validation-{preset}",
        "seed": seed,
        "formalism": formalism,
        "stop_time_s": stop_time_s,
        "platform": platform,
        "nodes": [{"name": "alice"}, {"name": "bob"}],
        "links": [
            {
                "nodes": ["alice", "bob"],
                "length_km": length_km,
                "station_position": station_position,
            }
        ],
        "requests": [{"src": "alice", "dst": "bob", "pairs": pairs}],
    }


@dataclass
class LinkRun:
    """What one run measured."""

    results: dict[str, Any]
    attempts_per_pair: list[int] = field(default_factory=list)
    bell_indices: list[int] = field(default_factory=list)
    herald_times_s: list[float] = field(default_factory=list)
    model_success_probability: float = 0.0
    model_fidelity: float = 0.0
    cycle_s: float = 0.0
    link_model: Any = None

    @property
    def request(self) -> dict[str, Any]:
        return self.results["requests"][0]

    @property
    def link(self) -> dict[str, Any]:
        return self.results["links"][0]

    @property
    def measured_p(self) -> float:
        return self.link["successes"] / self.link["attempts"]

    @property
    def p_standard_error(self) -> float:
        """Standard error of the success probability estimated from geometric waiting times."""
        p = self.measured_p
        return p * math.sqrt((1 - p) / self.link["successes"])


def run_link(data: dict[str, Any]) -> LinkRun:
    """Run ``data`` and collect the heralds from the trace."""
    loaded = parse_scenario(data, REGISTRY, "<validation>")
    sim = Simulation(loaded, REGISTRY)
    heralds: list[TraceEvent] = []
    sim.runtime.trace.subscribe(lambda e: heralds.append(e) if e.kind == "herald" else None)
    results = sim.run()
    info = sim.link_infos[0]
    return LinkRun(
        results=results,
        attempts_per_pair=[int(e.data["attempts"]) for e in heralds],
        bell_indices=[int(e.data["bell_index"]) for e in heralds],
        herald_times_s=[e.time_ps * 1e-12 for e in heralds],
        model_success_probability=info.success_probability,
        model_fidelity=info.fresh_fidelity,
        cycle_s=info.attempt_cycle_ps * 1e-12,
        link_model=info.link_model,
    )
