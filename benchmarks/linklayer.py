"""Link-layer overhead: wall time per delivered pair through the link layer vs the physical layer
alone, sampled mode, in one run.

Run: ``python benchmarks/linklayer.py [--pairs N] [--repeats R] [--link-layer NAME ...]``.

Both measurements use the same NV link (lab_2018 preset, 2 m, α = 0.3, sampled mode) and the
same runtime and kernel. *Physical alone* is the driver of ``benchmarks/link.py``: it asks the
hardware for one pair at a time and frees it. *Through the link layer* builds the scenario with
the link-layer plugin, issues one CREATE for N kept pairs, and a minimal application releases
every pair when its OK arrives at each end (no fidelity computation, which is the scenario
runner's metrics work, not the protocol's). The EGP is measured with ``move_to_memory: false``
(the pair stays on the electron, as in the physical-only loop) and, separately, with its
default electron → carbon move per kept pair, which adds physical work (the move's channel and
duration), not protocol overhead.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from link import measure as physical_alone

from qnetstack.linklayer.primitives import CreateRequest, OkIndication, ReleaseRequest
from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import Simulation, parse_scenario
from qnetstack.service import LayerName, Primitive

PLATFORM = {"plugin": "nv", "preset": "lab_2018", "bright_state_alpha": 0.3, "mode": "sampled"}
REGISTRY = PluginRegistry.from_entry_points()


def through_link_layer(link_layer: str, pairs: int, **options: Any) -> dict[str, float]:
    data: dict[str, Any] = {
        "name": "linklayer-benchmark",
        "stop_time_s": 1e9,
        "platform": PLATFORM,
        "link_layer": {"plugin": link_layer, **options},
        "nodes": [{"name": "alice"}, {"name": "bob"}],
        "links": [{"nodes": ["alice", "bob"], "length_km": 0.002}],
    }
    sim = Simulation(parse_scenario(data, REGISTRY), REGISTRY)
    runtime = sim.runtime
    delivered = {"alice": 0, "bob": 0}

    def on_top(node: str, primitive: Primitive, now_ps: int) -> None:
        if not isinstance(primitive, OkIndication):
            raise RuntimeError(f"unexpected {primitive!r}")
        delivered[node] += 1
        if primitive.slot is not None:
            runtime.request(node, ReleaseRequest(primitive.slot), LayerName.LINK)

    for name in ("alice", "bob"):
        runtime.node(name).top_handler = on_top
    runtime.request_at(0, "alice", CreateRequest(0, "bob", pairs, 0.5), LayerName.LINK)
    t0 = time.perf_counter()
    runtime.run()
    wall = time.perf_counter() - t0
    assert delivered == {"alice": pairs, "bob": pairs}, delivered
    return {"us_per_pair": wall / pairs * 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--link-layer", nargs="+", default=["simple-link", "egp"])
    args = parser.parse_args()
    available = REGISTRY.names(LayerName.LINK)
    layers = [name for name in args.link_layer if name in available]
    best: dict[str, float] = {}
    for _ in range(args.repeats):  # interleaved, so machine drift hits every variant alike
        options = {key: value for key, value in PLATFORM.items() if key != "plugin"}
        run = physical_alone(options, 0.002, args.pairs)
        best["physical"] = min(best.get("physical", 1e99), run["us_per_pair"])
        for name in layers:
            options = {"move_to_memory": False} if name == "egp" else {}
            run = through_link_layer(name, args.pairs, **options)
            best[name] = min(best.get(name, 1e99), run["us_per_pair"])
        if "egp" in layers:
            run = through_link_layer("egp", args.pairs)
            best["egp+moves"] = min(best.get("egp+moves", 1e99), run["us_per_pair"])
    for name in [*layers, *(["egp+moves"] if "egp" in layers else [])]:
        print(json.dumps({
            "benchmark": f"linklayer.{name}",
            "pairs": args.pairs,
            "us_per_pair_total": round(best[name], 1),
            "us_per_pair_physical_alone": round(best["physical"], 1),
            "overhead_ratio": round(best[name] / best["physical"], 2),
        }))  # fmt: skip
    missing = sorted(set(args.link_layer) - set(layers))
    if missing:
        print(json.dumps({"benchmark": "linklayer.skipped", "not_installed": missing}))


if __name__ == "__main__":
    main()
