"""SeQUeNCe 0.8.5: wall time per delivered pair on a two-node heralded link.

Run in the SeQUeNCe environment: ``.venv-sequence/bin/python sequence_link.py --length-km 2``.

Two ``QuantumRouter`` nodes with one memory each and a ``BSMNode`` at the midpoint; the
Barrett–Kok ``EntanglementGenerationA`` protocols are created by SeQUeNCe's own resource
manager rules after a ``RequestApp`` reservation (its full stack: application → network
manager / RSVP → resource manager rules → generation protocol → memories, photons, fibre,
BSM, detectors). The initiator's app counts pairs and releases each memory, which restarts
generation; the run stops at ``--pairs`` pairs. Timed around ``Timeline.run`` only.
"""

from __future__ import annotations

import argparse
import time

from _common import TARGET_FIDELITY, barrett_kok_success_probability, emit
from _sequence_net import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--length-km", type=float, default=2.0)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    topo, app = build(2, args.length_km, args.pairs, args.seed, TARGET_FIDELITY)
    build_s = time.perf_counter() - t0
    timeline = topo.get_timeline()
    t0 = time.perf_counter()
    timeline.run()
    wall_s = time.perf_counter() - t0
    pairs = app.memory_counter
    assert pairs >= args.pairs, pairs
    emit(
        "sequence", f"link_{args.length_km:g}km", "wall_per_pair_s", wall_s / pairs, "s/pair",
        pairs=pairs, wall_s=wall_s, build_s=build_s, events=timeline.run_counter,
        sim_time_s=timeline.now() * 1e-12,
        p_attempt_analytic=barrett_kok_success_probability(args.length_km),
        level="full stack (RequestApp, RSVP, rules, Barrett-Kok)",
    )  # fmt: skip


if __name__ == "__main__":
    main()
