"""qnetstack: sifted key bits per wall second (peer of ``sequence_qkd.py``).

Run: ``python benchmarks/peers/qnetstack_qkd.py [--pairs N] [--physics nv|depolarising]``
or ``python benchmarks/peers/qnetstack_qkd.py --protocol bb84 [--sifted N]``.

``--protocol bb84`` is the protocol SeQUeNCe runs: prepare-and-measure BB84 with weak coherent
pulses (mean photon number 0.1, every pulse a signal pulse), 10 km of fibre at the matched loss,
the matched detector efficiency, no dark counts, no misalignment; every pulse is simulated
(Poisson photon number, binomial loss, random bases and bits) by
:func:`qnetstack.apps.qkd.simulate_wcp_records`, vectorised in chunks of 2·10⁶ pulses, until
``--sifted`` bits are sifted. It does not go through the discrete-event stack (a
prepare-and-measure link has no heralds, memories or link layer to simulate).

The default, BBM92, goes through the whole stack:

Two NV nodes 10 km apart (full NV physics, Barrett–Kok, matched optics), the EGP link layer,
one MEASURE request for N pairs with ``measure_basis: random``: each end measures its half
in Z or X as soon as the pair is heralded (measure-directly, the QKD mode of the link service),
and the scenario runner compares the announced outcomes. Sifted bits = pairs whose two bases
agreed, summed over the results' per-basis ``qber`` entries (``pairs``). Timed around the run
only.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import DETECTOR_EFFICIENCY, FIBRE_LOSS_DB_PER_KM, QKD_LENGTH_KM, emit
from _qnetstack_setup import link_scenario, run_scenario

from qnetstack.apps.qkd import DecoyIntensities, FibreQkdSystem, simulate_wcp_records

_CHUNK_PULSES = 2_000_000


def bb84(sifted_wanted: int) -> None:
    """Per-pulse BB84 Monte-Carlo until ``sifted_wanted`` bits are sifted."""
    system = FibreQkdSystem(
        fibre_loss_db_per_km=FIBRE_LOSS_DB_PER_KM,
        detector_efficiency=DETECTOR_EFFICIENCY,
        dark_count_probability=0.0,
        misalignment_error=0.0,
    )
    pulses = DecoyIntensities(signal=0.1, decoy=0.05, p_signal=1.0, p_decoy=0.0)
    rng = np.random.default_rng(1)
    sifted = errors = sent = 0
    start = time.perf_counter()
    while sifted < sifted_wanted:
        records = simulate_wcp_records(_CHUNK_PULSES, QKD_LENGTH_KM, system, pulses, rng)
        key = records.signal_sifted_key()
        sifted += int(key.alice.size)
        errors += int(np.count_nonzero(key.alice != key.bob))
        sent += _CHUNK_PULSES
    wall_s = time.perf_counter() - start
    emit(
        "qnetstack", "qkd", "sifted_bits_per_s", sifted / wall_s, "bits/s",
        sifted_bits=sifted, pulses=sent, wall_s=wall_s, qber=errors / sifted,
        length_km=QKD_LENGTH_KM,
        protocol="BB84 (weak coherent pulses, mu=0.1; per-pulse vectorised Monte-Carlo)",
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=4000, help="measured pairs requested")
    parser.add_argument("--physics", choices=["nv", "depolarising"], default="nv")
    parser.add_argument("--link-layer", choices=["egp", "simple-link"], default="egp")
    parser.add_argument("--protocol", choices=["bbm92", "bb84"], default="bbm92")
    parser.add_argument("--sifted", type=int, default=1_000_000, help="bb84: sifted bits")
    args = parser.parse_args()
    if args.protocol == "bb84":
        bb84(args.sifted)
        return
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
