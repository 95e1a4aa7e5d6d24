"""qnetstack: wall time per end-to-end pair over a repeater chain (peer of ``sequence_chain.py``).

Run: ``python benchmarks/peers/qnetstack_chain.py --nodes 3 [--pairs N]
[--physics nv|depolarising]``.

``--nodes`` nodes in a chain topology with 10 km links, the EGP link layer (electron → carbon
move per kept pair), the QNP network layer (virtual circuit, swap-ASAP), one end-to-end request
from the first to the last node; Bell-diagonal formalism (as ``benchmarks/network.py``). Full
NV physics (one carbon per node, so a repeater holds one half per side) or the depolarising
platform at the matched success probability and fresh fidelity. Timed around the run only.
"""

from __future__ import annotations

import argparse

from _common import CHAIN_SPACING_KM, emit
from _qnetstack_setup import chain_scenario, run_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--physics", choices=["nv", "depolarising"], default="nv")
    args = parser.parse_args()
    data = chain_scenario(args.nodes, CHAIN_SPACING_KM, args.pairs, args.physics)
    results, build_s, wall_s = run_scenario(data)
    request = results["requests"][0]
    pairs = request["delivered"]
    assert pairs == args.pairs, request
    emit(
        "qnetstack", f"chain_{args.nodes}", "wall_per_pair_s", wall_s / pairs, "s/pair",
        pairs=pairs, wall_s=wall_s, build_s=build_s, events=results["events"],
        sim_time_s=results["sim_time_s"], fidelity=request["fidelity"]["mean"],
        link_km=CHAIN_SPACING_KM, physics=args.physics, stack="egp+qnp",
    )  # fmt: skip


if __name__ == "__main__":
    main()
