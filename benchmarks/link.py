"""Physical-layer speed: NV heralded links in ``attempts`` and ``sampled`` mode, in one run.

Run: ``python benchmarks/link.py [--pairs N] [--repeats R]``. Prints one JSON line per figure.

What is timed is the physical layer alone, driven through the real runtime and kernel: two NV
node entities and their heralding station exchange start signals and heralds over classical
channels; a minimal driver at the top of each node frees every pair as soon as both ends have
it and asks for the next one. No link layer, no fidelity computation (the link-layer
benchmark and the validation tests cover those).

Figures:

* attempts mode on lab_2018 (2 m) and nearterm (25 km): attempts per wall second, and wall
  time per delivered pair;
* sampled mode on the same two links: wall time per delivered pair;
* sampled mode with the per-attempt success probability set to 1e-3 … 1e-7 (through the
  collection efficiency, single-click, no dark counts): wall time per pair should not depend
  on p, because the number of attempts is drawn, not simulated.
"""

from __future__ import annotations

import argparse
import json
import platform as host
import time
from typing import Any

from qnetstack.physical.nv.platform import NVPlatform, NVPlatformConfig
from qnetstack.physical.platform import LinkGeometry
from qnetstack.physical.primitives import FreeRequest, GenerateRequest, PairReadyIndication
from qnetstack.physical.qstore import PairStore
from qnetstack.physical.station import Station
from qnetstack.runtime import Runtime, fibre_delay_ps
from qnetstack.service import LayerName, Primitive


def build(
    platform_options: dict[str, Any], length_km: float, pairs: int
) -> tuple[Runtime, Station]:
    """Two NV nodes, one station at the midpoint, and a driver that wants ``pairs`` pairs."""
    config = NVPlatformConfig.model_validate(platform_options)
    store = PairStore("dm")
    nv = NVPlatform(config, store)
    runtime = Runtime(seed=1)
    arm_km = length_km / 2
    delay = fibre_delay_ps(arm_km, nv.speed_of_light_km_per_s)
    geometry = LinkGeometry("a", "b", "station", arm_km, arm_km, delay, delay)
    info = nv.link_info(geometry)
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
        if not isinstance(primitive, PairReadyIndication):
            raise RuntimeError(f"unexpected {primitive!r}")
        runtime.request(node, FreeRequest(primitive.slot), LayerName.PHYSICAL)
        state["ready"] += 1
        if state["ready"] == 2:  # both ends have it: next pair
            state["ready"] = 0
            state["delivered"] += 1
            if state["delivered"] < pairs:
                state["tag"] += 1
                for end, other in (("a", "b"), ("b", "a")):
                    request = GenerateRequest(other, state["tag"])
                    runtime.request(end, request, LayerName.PHYSICAL)

    for end, other in (("a", "b"), ("b", "a")):
        runtime.node(end).top_handler = on_top
        runtime.request_at(0, end, GenerateRequest(other, 0), LayerName.PHYSICAL)
    return runtime, station


def measure(options: dict[str, Any], length_km: float, pairs: int) -> dict[str, float]:
    runtime, station = build(options, length_km, pairs)
    t0 = time.perf_counter()
    runtime.run()
    wall = time.perf_counter() - t0
    assert station.successes == pairs, (station.successes, pairs)
    return {
        "wall_s": wall,
        "pairs": pairs,
        "attempts": station.attempts,
        "us_per_pair": wall / pairs * 1e6,
        "attempts_per_s": station.attempts / wall,
        "p_succ": station.model.success_probability,
    }


def efficiency_for(p_target: float, alpha: float = 0.1) -> dict[str, Any]:
    """Optics overrides that give single-click success probability ≈ p (p ≈ 2αη)."""
    return {
        "p_zero_phonon": 1.0,
        "conversion_efficiency": 1.0,
        "detector_efficiency": 1.0,
        "fibre_loss_db_per_km": 0.0,
        "dark_count_rate_hz": 0.0,
        "collection_efficiency": p_target / (2 * alpha),
    }


LINKS = {
    "lab_2018_2m": ({"preset": "lab_2018", "bright_state_alpha": 0.3}, 0.002),
    "nearterm_25km": ({"preset": "nearterm2020_coopmans2021"}, 25.0),
}


def best(runs: list[dict[str, float]], key: str, lower: bool) -> dict[str, float]:
    return (min if lower else max)(runs, key=lambda r: r[key])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=2000, help="pairs per sampled-mode run")
    parser.add_argument("--attempt-pairs", type=int, default=100, help="pairs per attempts run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for name, (options, length_km) in LINKS.items():
        runs: dict[str, list[dict[str, float]]] = {"attempts": [], "sampled": []}
        for _ in range(args.repeats):  # interleave the modes so machine drift hits both
            for mode, pairs in (("attempts", args.attempt_pairs), ("sampled", args.pairs)):
                runs[mode].append(measure({**options, "mode": mode}, length_km, pairs))
        a = best(runs["attempts"], "attempts_per_s", lower=False)
        s = best(runs["sampled"], "us_per_pair", lower=True)
        print(json.dumps({
            "benchmark": f"link.{name}",
            "p_succ": a["p_succ"],
            "attempts_mode_attempts_per_s": round(a["attempts_per_s"]),
            "attempts_mode_us_per_pair": round(a["us_per_pair"], 1),
            "sampled_mode_us_per_pair": round(s["us_per_pair"], 2),
            "speedup_sampled_over_attempts": round(a["us_per_pair"] / s["us_per_pair"]),
        }))  # fmt: skip
    sweep = {}
    for exponent in range(3, 8):
        p = 10.0**-exponent
        options = {"preset": "lab_2018", "mode": "sampled", "optics": efficiency_for(p)}
        runs_p = [measure(options, 0.002, args.pairs) for _ in range(args.repeats)]
        sweep[f"{p:.0e}"] = round(best(runs_p, "us_per_pair", lower=True)["us_per_pair"], 2)
    print(json.dumps({"benchmark": "link.sampled_vs_p_succ", "us_per_pair": sweep}))
    print(json.dumps({
        "benchmark": "link.machine",
        "python": host.python_version(),
        "machine": host.machine(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
