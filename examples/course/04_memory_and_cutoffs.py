"""Lesson 4 — memory decoherence and cutoffs.

A repeater that holds a pair half while it waits for the other side lets the pair dephase.
A *cutoff* discards halves held longer than a limit: pairs get fresher (higher fidelity) but
more are thrown away (lower rate). This script runs the same three-node chain with several
cutoffs through the whole stack and prints the trade-off. Run it with:

    python examples/course/04_memory_and_cutoffs.py [--plot FILE.png]
"""

from __future__ import annotations

import argparse
from typing import Any

from qnetstack.runtime.plugins import PluginRegistry
from qnetstack.scenario import Simulation, parse_scenario


def scenario(cutoff_s: float) -> dict[str, Any]:
    return {
        "name": f"cutoff-{cutoff_s}",
        "seed": 4,
        "formalism": "bell_diagonal",
        "stop_time_s": 20.0,
        "platform": {
            "plugin": "depolarising",
            "success_probability": 0.002,  # slow links: halves wait long for their partner
            "fidelity": 0.95,
            "memory_slots": 3,
            "memory_t2_s": 0.02,  # 20 ms dephasing time
        },
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp", "cutoff_s": cutoff_s},
        "topology": {"kind": "chain", "nodes": 3, "spacing_km": 5.0},
        "requests": [{"src": "n0", "dst": "n2", "pairs": 100, "min_fidelity": 0.5}],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", help="write the rate-vs-fidelity plot here (PNG/SVG)")
    args = parser.parse_args()
    registry = PluginRegistry.from_entry_points()
    print("3-node chain, links F = 0.95, memory T2 = 20 ms; 100 end-to-end pairs wanted")
    print(f"{'cutoff':>10} {'delivered':>10} {'rate (Hz)':>10} {'fidelity':>9} {'discarded':>10}")
    points = []
    for cutoff_s in (0.0, 0.05, 0.02, 0.01, 0.005):
        sim = Simulation(parse_scenario(scenario(cutoff_s), registry), registry)
        discarded: list[object] = []
        sim.runtime.trace.subscribe(
            lambda e, seen=discarded: seen.append(e) if e.kind == "qnp-cutoff" else None
        )
        results = sim.run()
        [request] = results["requests"]
        rate = request["delivered"] / results["sim_time_s"]
        fidelity = request["fidelity"]["mean"]
        label = "none" if cutoff_s == 0 else f"{cutoff_s * 1e3:g} ms"
        points.append((label, rate, fidelity))
        print(
            f"{label:>10} {request['delivered']:>10} {rate:>10.2f} {fidelity:>9.4f} "
            f"{len(discarded):>10}"
        )

    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5, 3.4))
        for label, rate, fidelity in points:
            ax.plot(fidelity, rate, "o")
            ax.annotate(label, (fidelity, rate), textcoords="offset points", xytext=(4, 4))
        ax.set_xlabel("mean end-to-end fidelity")
        ax.set_ylabel("end-to-end rate (Hz)")
        ax.set_title("Cutoffs trade rate for fidelity")
        fig.tight_layout()
        fig.savefig(args.plot, metadata={"Software": None} if args.plot.endswith(".png") else None)
        print(f"\nplot written to {args.plot}")


if __name__ == "__main__":
    main()
