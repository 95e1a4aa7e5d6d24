"""Network-layer speed: repeater chains and a loaded Waxman network, in one run.

Run: ``python benchmarks/network.py [--sizes 10 100 1000] [--pairs N] [--waxman]``.
Prints one JSON line per figure.

* Repeater chains (issue 5): N nodes 20 km apart, near-term NV preset, Bell-diagonal
  formalism, sampled links, the EGP link layer, QNP with swap-ASAP; wall time per end-to-end
  pair between the two ends of the chain.
* Short chains: 3 and 5 nodes with 10 km links, wall time per end-to-end pair.
* Waxman (``--waxman``): 100 nodes, 50 concurrent requests between random node pairs for
  10 s simulated; wall time and peak memory (tracemalloc).

Every figure is a full scenario run through the real stack (scenario → runtime → kernel), so it
includes the link layer and the physics, not only the network protocol.
"""

from __future__ import annotations

import argparse
import json
import platform as host
import time
import tracemalloc
from typing import Any

import numpy as np

from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import Simulation, parse_scenario

REGISTRY = PluginRegistry.from_entry_points()


def chain_scenario(nodes: int, spacing_km: float, pairs: int) -> dict[str, Any]:
    return {
        "name": f"chain-{nodes}",
        "seed": 1,
        "formalism": "bell_diagonal",
        "stop_time_s": 1e6,
        "platform": {"plugin": "nv", "preset": "nearterm2020_coopmans2021", "mode": "sampled"},
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp"},
        "topology": {"kind": "chain", "nodes": nodes, "spacing_km": spacing_km},
        "requests": [{"src": "n0", "dst": f"n{nodes - 1}", "pairs": pairs, "min_fidelity": 0.25}],
    }


def run(data: dict[str, Any]) -> tuple[dict[str, Any], float]:
    sim = Simulation(parse_scenario(data, REGISTRY), REGISTRY)
    t0 = time.perf_counter()
    results = sim.run()
    return results, time.perf_counter() - t0


def chains(sizes: list[int], pairs: int) -> None:
    for nodes, spacing in [(n, 20.0) for n in sizes] + [(3, 10.0), (5, 10.0)]:
        results, wall = run(chain_scenario(nodes, spacing, pairs))
        request = results["requests"][0]
        delivered = request["delivered"]
        print(json.dumps({
            "benchmark": f"network.chain_{nodes}_nodes_{spacing:g}km",
            "pairs": delivered,
            "wall_s": round(wall, 3),
            "wall_per_pair_s": round(wall / delivered, 6) if delivered else None,
            "events": results["events"],
            "fidelity": request["fidelity"]["mean"],
            "errors": request["errors"],
        }))  # fmt: skip


def waxman() -> None:
    rng = np.random.default_rng(5)
    names = [f"n{i}" for i in range(100)]
    requests = []
    for _ in range(50):
        src, dst = rng.choice(names, size=2, replace=False)
        requests.append({"src": str(src), "dst": str(dst), "pairs": 1000, "min_fidelity": 0.25})
    data = {
        "name": "waxman-100",
        "seed": 2,
        "formalism": "bell_diagonal",
        "stop_time_s": 10.0,
        "platform": {"plugin": "nv", "preset": "nearterm2020_coopmans2021", "mode": "sampled"},
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp"},
        "topology": {"kind": "waxman", "nodes": 100, "size_km": 200.0, "seed": 3},
        "requests": requests,
    }
    tracemalloc.start()
    results, wall = run(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    delivered = sum(r["delivered"] for r in results["requests"])
    print(json.dumps({
        "benchmark": "network.waxman_100_nodes_50_requests_10s",
        "wall_s": round(wall, 2),
        "peak_memory_mb": round(peak / 2**20, 1),
        "pairs_delivered": delivered,
        "events": results["events"],
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--waxman", action="store_true")
    args = parser.parse_args()
    chains(args.sizes, args.pairs)
    if args.waxman:
        waxman()
    print(json.dumps({"benchmark": "network.machine", "python": host.python_version()}))


if __name__ == "__main__":
    main()
