"""SeQUeNCe 0.8.5: wall time per end-to-end pair over a repeater chain.

Run in the SeQUeNCe environment: ``.venv-sequence/bin/python sequence_chain.py --nodes 3``.

``--nodes`` ``QuantumRouter`` nodes in a line, links of 10 km with a ``BSMNode`` at each
midpoint, Barrett–Kok generation, and SeQUeNCe's rule-based swapping: one ``RequestApp``
reservation from the first to the last router makes every node's resource manager load the
generation, purification and swapping rules (its router-network example set-up; purification
never fires, because the target fidelity is below every pair's). Each router has two memories
(RSVP reserves one at the ends and two at each repeater). The first router's app counts
end-to-end pairs and releases them, and the run stops at ``--pairs``. Timed around
``Timeline.run`` only.
"""

from __future__ import annotations

import argparse
import time

from _common import CHAIN_SPACING_KM, CHAIN_TARGET_FIDELITY, emit
from _sequence_net import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    topo, app = build(args.nodes, CHAIN_SPACING_KM, args.pairs, args.seed, CHAIN_TARGET_FIDELITY)
    build_s = time.perf_counter() - t0
    timeline = topo.get_timeline()
    t0 = time.perf_counter()
    timeline.run()
    wall_s = time.perf_counter() - t0
    pairs = app.memory_counter
    assert pairs >= args.pairs, pairs
    emit(
        "sequence", f"chain_{args.nodes}", "wall_per_pair_s", wall_s / pairs, "s/pair",
        pairs=pairs, wall_s=wall_s, build_s=build_s, events=timeline.run_counter,
        sim_time_s=timeline.now() * 1e-12, link_km=CHAIN_SPACING_KM,
        level="full stack (RequestApp, RSVP, rule-based swapping)",
    )  # fmt: skip


if __name__ == "__main__":
    main()
