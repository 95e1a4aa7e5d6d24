"""qnetstack: wall time per delivered pair on a two-node heralded link (``sequence_link``'s peer).

Run: ``python benchmarks/peers/qnetstack_link.py --length-km 2 [--stack egp|simple-link|physical]
[--physics nv|depolarising] [--pairs N]``.

* ``--stack egp`` / ``simple-link`` (full stack): the scenario runner's own path, as a user
  runs it: one CREATE for N kept pairs at the link layer; the runner reads each delivered
  pair's simulated state, computes its fidelity and releases both halves (SeQUeNCe's
  ``RequestApp`` does the same bookkeeping with its fidelity number).
* ``--stack physical``: the physical layer alone — two NV node entities and their heralding
  station through the real runtime and kernel; a minimal driver frees each pair when both
  ends have it and asks for the next (no link layer, no fidelity computation).

``--physics nv`` (default) is full NV physics with the matched optics; ``depolarising`` is
SeQUeNCe's abstraction level (success probability and fresh fidelity as numbers).
``--mode attempts`` simulates every attempt as an event, the way SeQUeNCe does (default
``sampled``: the number of failed attempts is drawn, same physics). Timed around the run
only; the build time is reported beside it.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from _common import emit
from _qnetstack_setup import link_scenario, nv_platform, run_scenario

from qnetstack.physical.nv.platform import NVPlatform, NVPlatformConfig
from qnetstack.physical.platform import LinkGeometry
from qnetstack.physical.primitives import FreeRequest, GenerateRequest, PairReadyIndication
from qnetstack.physical.qstore import PairStore
from qnetstack.physical.station import Station
from qnetstack.runtime import Runtime, fibre_delay_ps
from qnetstack.service import LayerName, Primitive


def physical_only(length_km: float, pairs: int, mode: str = "sampled") -> dict[str, Any]:
    """Two NV nodes and a midpoint station; a driver wants ``pairs`` pairs, one at a time."""
    t0 = time.perf_counter()
    options = {key: value for key, value in nv_platform(mode).items() if key != "plugin"}
    nv = NVPlatform(NVPlatformConfig.model_validate(options), PairStore("dm"))
    runtime = Runtime(seed=1)
    arm_km = length_km / 2
    delay = fibre_delay_ps(arm_km, nv.speed_of_light_km_per_s)
    info = nv.link_info(LinkGeometry("a", "b", "station", arm_km, arm_km, delay, delay))
    for name in ("a", "b", "station"):
        runtime.add_node(name)
    runtime.connect("a", "station", delay)
    runtime.connect("b", "station", delay)
    station = nv.create_station(info, runtime.rng("station"))
    assert isinstance(station, Station)
    runtime.node("station").add(station)
    for name, remote in (("a", "b"), ("b", "a")):
        runtime.node(name).add(nv.create_node(name, {remote: info}, runtime.rng(name)))
    state = {"tag": 0, "ready": 0, "delivered": 0}

    def on_top(node: str, primitive: Primitive, now_ps: int) -> None:
        assert isinstance(primitive, PairReadyIndication), primitive
        runtime.request(node, FreeRequest(primitive.slot), LayerName.PHYSICAL)
        state["ready"] += 1
        if state["ready"] == 2:  # both ends have it: ask for the next pair
            state["ready"] = 0
            state["delivered"] += 1
            if state["delivered"] < pairs:
                state["tag"] += 1
                for end, other in (("a", "b"), ("b", "a")):
                    runtime.request(end, GenerateRequest(other, state["tag"]), LayerName.PHYSICAL)

    for end, other in (("a", "b"), ("b", "a")):
        runtime.node(end).top_handler = on_top
        runtime.request_at(0, end, GenerateRequest(other, 0), LayerName.PHYSICAL)
    t1 = time.perf_counter()
    runtime.run()
    wall_s = time.perf_counter() - t1
    return {
        "pairs": state["delivered"],
        "wall_s": wall_s,
        "build_s": t1 - t0,
        "attempts": station.attempts,
        "events": runtime.sim.events_processed,
        "p_attempt_model": station.model.success_probability,
        "fidelity": None,
    }


def full_stack(
    length_km: float, pairs: int, physics: str, layer: str, mode: str = "sampled"
) -> dict[str, Any]:
    data = link_scenario(length_km, pairs, physics, layer)
    data["platform"]["mode"] = mode
    results, build_s, wall_s = run_scenario(data)
    request = results["requests"][0]
    link = results["links"][0]
    return {
        "pairs": request["delivered"],
        "wall_s": wall_s,
        "build_s": build_s,
        "attempts": link["attempts"],
        "events": results["events"],
        "p_attempt_model": link["success_probability_model"],
        "fidelity": request["fidelity"]["mean"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--length-km", type=float, default=2.0)
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--stack", choices=["egp", "simple-link", "physical"], default="egp")
    parser.add_argument("--physics", choices=["nv", "depolarising"], default="nv")
    parser.add_argument(
        "--mode",
        choices=["sampled", "attempts"],
        default="sampled",
        help="sampled: the number of failed attempts is drawn; attempts: every attempt is an "
        "event, as in SeQUeNCe",
    )
    args = parser.parse_args()
    if args.stack == "physical":
        if args.physics != "nv":
            parser.error("--stack physical measures the NV physical layer: use --physics nv")
        run = physical_only(args.length_km, args.pairs, args.mode)
    else:
        run = full_stack(args.length_km, args.pairs, args.physics, args.stack, args.mode)
    assert run["pairs"] == args.pairs, run
    emit("qnetstack", f"link_{args.length_km:g}km", "wall_per_pair_s", run["wall_s"] / run["pairs"],
         "s/pair", stack=args.stack, physics=args.physics, mode=args.mode, **run)  # fmt: skip


if __name__ == "__main__":
    main()
