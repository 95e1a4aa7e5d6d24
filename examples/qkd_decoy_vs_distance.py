"""Decoy-state BB84 key rate against distance, the PLOB bound, and a simulated NV repeater.

Run: ``python examples/qkd_decoy_vs_distance.py [--out PATH]``. Prints a table and writes the
plot used on the docs page (default ``docs/apps/qkd-key-rate-vs-distance.png``).

Direct link: the GYS parameters tabulated by Ma, Qi, Zhao & Lo, PRA 72, 012326 (2005)
(α = 0.21 dB/km, η_Bob = 0.045, Y₀ = 1.7e-6, e_d = 3.3 %, f = 1.22); infinite decoys and
vacuum + weak decoy (ν = 0.1), μ optimised at each distance; key bits per pulse.

Repeater-assisted BBM92: simulated through the whole stack — a three-node chain (one NV
repeater in the middle, preset ``near_future_10x_coopmans2021``, sampled mode, EGP, QNP
swap-ASAP, end-to-end min_fidelity 0.9), 20 end-to-end pairs per distance. Its key rate is the
asymptotic BBM92 rate r·½·(1 − 2h(Q)) with r the simulated end-to-end pair rate and
Q = 2(1 − F)/3 from the simulated mean fidelity F (a Werner-state assumption: the delivered
pairs are close to Werner after the twirling of the Bell-diagonal formalism). To compare with
the direct link and the PLOB bound *per channel use*, it is multiplied by the duration of one
elementary-link attempt (both links attempt in parallel; each attempt uses each fibre once),
the convention of the repeater-versus-PLOB literature. The NV preset's fibre (0.2 dB/km) is not
the GYS fibre; the plot is a comparison of systems, not of one fibre.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import (
    GYS_2004,
    binary_entropy,
    channel_transmittance,
    crossover_distance,
    max_distance_km,
    optimal_key_rate,
    plob_bound,
    plot_key_rate_vs_distance,
)

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "apps" / "qkd-key-rate-vs-distance.png"
WEAK_DECOY = 0.1
REPEATER_PRESET = "near_future_10x_coopmans2021"
REPEATER_DISTANCES_KM = np.concatenate([[2.0, 5.0, 10.0, 15.0, 20.0], np.arange(25.0, 401.0, 25.0)])


def simulated_repeater(distances_km: npt.NDArray[np.float64]) -> list[tuple[float, float, float]]:
    """(pair rate in Hz, mean fidelity, key bits per channel use) per total distance."""
    from qnetstack.physical.nv import load_preset
    from qnetstack.runtime.plugins import PluginRegistry
    from qnetstack.scenario import Simulation, parse_scenario

    registry = PluginRegistry.from_entry_points()
    config = load_preset(REPEATER_PRESET)
    out = []
    for total_km in distances_km:
        data = {
            "name": f"repeater-{total_km:g}km", "seed": 1, "formalism": "bell_diagonal",
            "stop_time_s": 36000.0,
            "platform": {"plugin": "nv", "preset": REPEATER_PRESET, "mode": "sampled"},
            "link_layer": {"plugin": "egp"}, "network": {"plugin": "qnp"},
            "topology": {"kind": "chain", "nodes": 3, "spacing_km": float(total_km) / 2},
            "requests": [{"src": "n0", "dst": "n2", "pairs": 20, "min_fidelity": 0.9}],
        }  # fmt: skip
        results = Simulation(parse_scenario(data, registry), registry).run()
        [request] = results["requests"]
        if not request["delivered"]:
            out.append((0.0, float("nan"), 0.0))
            continue
        rate_hz = request["delivered"] / results["sim_time_s"]
        fidelity = request["fidelity"]["mean"]
        qber = 2.0 * (1.0 - fidelity) / 3.0
        bits_per_s = rate_hz * 0.5 * max(0.0, 1.0 - 2.0 * binary_entropy(qber))
        arm_km = float(total_km) / 4  # station in the middle of each link
        attempt_s = config.attempt_duration_ps(arm_km, arm_km) * 1e-12
        out.append((rate_hz, fidelity, bits_per_s * attempt_s))
    return out


def direct_rate(distance_km: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return optimal_key_rate(distance_km, GYS_2004)[0]


def plob(distance_km: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return plob_bound(channel_transmittance(distance_km, GYS_2004.fibre_loss_db_per_km))


def _mu(mu: float) -> str:
    return "     -" if np.isnan(mu) else f"{mu:6.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    distances = np.linspace(0.0, 400.0, 401)
    infinite, mu_infinite = optimal_key_rate(distances, GYS_2004)
    weak, mu_weak = optimal_key_rate(distances, GYS_2004, nu=WEAK_DECOY)
    bound = plob(distances)
    points = simulated_repeater(REPEATER_DISTANCES_KM)
    simulated = np.array([key for _, _, key in points])
    # On the fine grid: log-linear interpolation between the simulated distances.
    positive = simulated > 0
    repeater = np.zeros_like(distances)
    if positive.sum() >= 2:
        inside = (distances >= REPEATER_DISTANCES_KM[positive][0]) & (
            distances <= REPEATER_DISTANCES_KM[positive][-1]
        )
        repeater[inside] = np.exp(np.interp(
            distances[inside], REPEATER_DISTANCES_KM[positive], np.log(simulated[positive])
        ))  # fmt: skip

    print("distance_km  R_inf_decoy  mu_opt  R_vac+weak(nu=0.1)  mu_opt  PLOB")
    for i in range(0, 401, 20):
        print(
            f"{distances[i]:11.0f}  {infinite[i]:11.3e}  {_mu(mu_infinite[i])}  "
            f"{weak[i]:18.3e}  {_mu(mu_weak[i])}  {bound[i]:10.3e}"
        )
    print(f"\nsimulated NV repeater ({REPEATER_PRESET}, one repeater, BBM92, asymptotic):")
    print("distance_km  pair_rate_Hz  fidelity  key_bits_per_channel_use")
    for total_km, (rate_hz, fidelity, key) in zip(REPEATER_DISTANCES_KM, points, strict=True):
        print(f"{total_km:11.0f}  {rate_hz:12.4g}  {fidelity:8.4f}  {key:24.3e}")
    print(f"max distance, infinite decoys: {max_distance_km(GYS_2004):.1f} km")
    print(
        f"max distance, vacuum + weak decoy (nu = 0.1): "
        f"{max_distance_km(GYS_2004, nu=WEAK_DECOY):.1f} km"
    )
    over_direct = crossover_distance(repeater, direct_rate(distances), distances)
    # The repeater is compared with the PLOB bound of its own fibre (the NV preset's loss).
    from qnetstack.physical.nv import load_preset

    nv_loss = load_preset(REPEATER_PRESET).optics.fibre_loss_db_per_km
    nv_bound = plob_bound(channel_transmittance(distances, nv_loss))
    over_plob = crossover_distance(
        repeater, np.where(np.isfinite(nv_bound), nv_bound, 1e9), distances
    )
    print(
        "simulated repeater overtakes decoy BB84 "
        + ("never (on 0-400 km)" if over_direct is None else f"at {over_direct:.1f} km")
    )
    print(
        f"simulated repeater overtakes the PLOB bound of its fibre ({nv_loss:g} dB/km) "
        + ("never (on 0-400 km)" if over_plob is None else f"at {over_plob:.1f} km")
    )

    out = plot_key_rate_vs_distance(
        args.out,
        distances,
        {
            "decoy BB84, infinite decoys": infinite,
            f"decoy BB84, vacuum + weak decoy (ν = {WEAK_DECOY})": weak,
            "NV repeater, BBM92 (simulated, per channel use)": repeater,
        },
        plob_loss_db_per_km=GYS_2004.fibre_loss_db_per_km,
        title="Decoy-state BB84 over fibre (GYS parameters) vs the PLOB bound",
        crossover_km=over_direct,
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
