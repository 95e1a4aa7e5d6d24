"""Decoy-state BB84 key rate against distance, with the PLOB bound and a repeater crossover.

Run: ``python examples/qkd_decoy_vs_distance.py [--out PATH]``. Prints a table and writes the
plot used on the docs page (default ``docs/apps/qkd-key-rate-vs-distance.png``).

Link: the GYS parameters tabulated by Ma, Qi, Zhao & Lo, PRA 72, 012326 (2005) (α = 0.21 dB/km,
η_Bob = 0.045, Y₀ = 1.7e-6, e_d = 3.3 %, f = 1.22). Curves: infinite decoys and vacuum + weak
decoy (ν = 0.1), μ optimised at each distance; the PLOB bound for the same fibre; and an
*illustrative* repeater-assisted curve, R = 10⁻³·√η (a scheme with one midpoint station whose
rate scales with the square root of the transmittance; not a qnetstack simulation), to show
:func:`crossover_distance` finding where it overtakes the direct link and the PLOB bound.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import (
    GYS_2004,
    channel_transmittance,
    crossover_distance,
    max_distance_km,
    optimal_key_rate,
    plob_bound,
    plot_key_rate_vs_distance,
    system_transmittance,
)

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "apps" / "qkd-key-rate-vs-distance.png"
WEAK_DECOY = 0.1
REPEATER_PREFACTOR = 1e-3


def repeater_rate(distance_km: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Illustrative √η-scaling repeater-assisted key rate per pulse."""
    return REPEATER_PREFACTOR * np.sqrt(system_transmittance(distance_km, GYS_2004))


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
    repeater = repeater_rate(distances)
    bound = plob(distances)

    print("distance_km  R_inf_decoy  mu_opt  R_vac+weak(nu=0.1)  mu_opt  PLOB        R_repeater")
    for i in range(0, 401, 20):
        print(
            f"{distances[i]:11.0f}  {infinite[i]:11.3e}  {_mu(mu_infinite[i])}  "
            f"{weak[i]:18.3e}  {_mu(mu_weak[i])}  {bound[i]:10.3e}  {repeater[i]:10.3e}"
        )
    print(f"max distance, infinite decoys: {max_distance_km(GYS_2004):.1f} km")
    print(
        f"max distance, vacuum + weak decoy (nu = 0.1): "
        f"{max_distance_km(GYS_2004, nu=WEAK_DECOY):.1f} km"
    )
    over_direct = crossover_distance(repeater_rate, direct_rate, distances)
    over_plob = crossover_distance(repeater_rate, plob, distances)
    print(f"illustrative repeater overtakes decoy BB84 at {over_direct:.1f} km")
    print(f"illustrative repeater overtakes the PLOB bound at {over_plob:.1f} km")

    out = plot_key_rate_vs_distance(
        args.out,
        distances,
        {
            "decoy BB84, infinite decoys": infinite,
            f"decoy BB84, vacuum + weak decoy (ν = {WEAK_DECOY})": weak,
            "illustrative repeater, 10⁻³·√η": repeater,
        },
        plob_loss_db_per_km=GYS_2004.fibre_loss_db_per_km,
        title="Decoy-state BB84 over fibre (GYS parameters) vs the PLOB bound",
        crossover_km=over_direct,
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
