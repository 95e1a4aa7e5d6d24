"""qnetstack: BBM92 sifted key bits per wall second (peer of ``sequence_qkd.py``).

Run: ``python benchmarks/peers/qnetstack_qkd.py [--pairs N] [--physics nv|depolarising]``.

Two NV nodes 10 km apart (full NV physics, Barrett–Kok, matched optics), the EGP link layer,
one MEASURE request for N pairs with ``measure_basis: random``: each end measures its half
in Z or X as soon as the pair is heralded (measure-directly, the QKD mode of the link service),
and the scenario runner compares the announced outcomes. Sifted bits = pairs whose two bases
agreed, summed over the results' per-basis ``qber`` entries (``pairs``). Timed around the run
only.
"""

from __future__ import annotations

import argparse

from _common import QKD_LENGTH_KM, emit
from _qnetstack_setup import link_scenario, run_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=4000, help="measured pairs requested")
    parser.add_argument("--physics", choices=["nv", "depolarising"], default="nv")
    parser.add_argument("--link-layer", choices=["egp", "simple-link"], default="egp")
    args = parser.parse_args()
    data = link_scenario(QKD_LENGTH_KM, args.pairs, args.physics, args.link_layer,
                         type="measure", measure_basis="random")  # fmt: skip
    results, build_s, wall_s = run_scenario(data)
    request = results["requests"][0]
    assert request["delivered"] == args.pairs, request
    qber = request["qber"]
    sifted = sum(entry["pairs"] for entry in qber.values())
    errors = sum(entry["errors"] for entry in qber.values())
    emit(
        "qnetstack", "qkd", "sifted_bits_per_s", sifted / wall_s, "bits/s",
        sifted_bits=sifted, pairs=request["delivered"], wall_s=wall_s, build_s=build_s,
        events=results["events"], sim_time_s=results["sim_time_s"],
        qber=errors / sifted if sifted else None, length_km=QKD_LENGTH_KM,
        physics=args.physics, stack=args.link_layer,
        protocol="BBM92 (link-layer MEASURE, random Z/X basis, heralded NV pairs)",
    )  # fmt: skip


if __name__ == "__main__":
    main()
