"""The repeater figure: secret-key rate against distance, each NV point a run through the stack.

Theory of operation
-------------------
For each NV preset, number of repeaters n and total distance L, :func:`run_point` builds a
chain of n + 2 nodes with links of L/(n + 1) (NV platform, EGP, QNP, the ``bbm92`` app) and
runs one BBM92 session of ``pairs`` measured end-to-end pairs through it — the network layer
delivers the pairs, each end measures in random Z/X bases, the apps sift, estimate, correct and
amplify block by block over the classical channels. From the run it takes

* the pair rate R = N/T (N pairs delivered, T from the request to the last pair, simulated
  time) with a 95 % interval from N's Poisson error, N ± 1.96 √N;
* the sifted fraction s (sifted bits / pairs, ½ for random bases);
* the error rates Q_Z and Q_X of the disclosed sample, each with a 95 % Wilson interval;

and reports the asymptotic secret-key rate K = R · s · max(0, 1 − h(Q_Z) − h(Q_X)) — BBM92 with
key from both bases (each basis's phase error is the other basis's bit error) and error
correction at the Shannon limit (physics.md F11). Its interval takes the ends of the others'
intervals (K falls as either QBER rises). The finite-key rate of the keys the app actually
delivered at both ends (Σℓ/T) is reported beside it; with a few thousand pairs per point it is
usually 0 — finite-size penalties need blocks of 10⁵ pairs and more.

The end-to-end fidelity target matters: a high ``min_fidelity`` gives cleaner but slower pairs
(the EGP lowers the bright-state population α) and may be refused (``UNSUPPORTED``); a low one,
fast pairs with too many errors. :func:`best_point` runs every target of a list and keeps the
highest K (the NetSquid hardware study optimises the same way, over more parameters).

The direct-link reference is decoy-state BB84 (vacuum + weak decoy, GLLP) over the same fibre at
``pulse_rate_hz``, and the PLOB bound −log₂(1 − η) per channel use at the same rate — the most
any repeaterless link can give (Pirandola et al., Nat. Commun. 8, 15043 (2017)).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qnetstack.apps.qkd import asymptotic_key_fraction
from qnetstack.apps.qkd.decoy import (
    GYS_2004,
    FibreQkdSystem,
    channel_transmittance,
    optimal_key_rate,
    plob_bound,
)
from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import Simulation, parse_scenario

__all__ = [
    "KeyRatePoint",
    "best_point",
    "direct_rates_bps",
    "key_rate_scenario",
    "plot_key_rate_distance",
    "run_point",
    "wilson_interval",
]

_Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class KeyRatePoint:
    """One simulated point of the figure (rates in bits or pairs per simulated second)."""

    preset: str
    repeaters: int
    distance_km: float
    min_fidelity: float
    pairs: int
    delivered: int
    pair_rate_hz: float
    sifted_fraction: float
    qber_z: float | None
    qber_x: float | None
    key_fraction: float
    secret_key_rate_bps: float
    ci95_bps: tuple[float, float]
    finite_key_rate_bps: float
    fidelity: float | None
    error: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ci95_bps"] = list(self.ci95_bps)
        return data


def wilson_interval(errors: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of a binomial rate (errors out of n); (0, 1) when n = 0."""
    if n <= 0:
        return 0.0, 1.0
    p = errors / n
    z2 = _Z95 * _Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _key_fraction(q_z: float, q_x: float) -> float:
    """1 − h(Q_Z) − h(Q_X) (bit error in one basis, phase error the other's), floored at 0;
    rates above ½ count as ½."""
    return max(0.0, asymptotic_key_fraction(min(q_z, 0.5), min(q_x, 0.5)))


def key_rate_scenario(
    preset: str, repeaters: int, distance_km: float, min_fidelity: float, pairs: int,
    seed: int = 1,
) -> dict[str, Any]:  # fmt: skip
    """The scenario of one point: a chain of ``repeaters + 2`` NV nodes over ``distance_km``."""
    nodes = repeaters + 2
    return {
        "name": f"key-rate-{preset}-{repeaters}rep-{distance_km:g}km",
        "seed": seed,
        "stop_time_s": 1.0e6,
        "formalism": "bell_diagonal",
        "platform": {"plugin": "nv", "preset": preset},
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp"},
        "app": {"plugin": "bbm92", "block_pairs": max(16, pairs)},
        "topology": {"kind": "chain", "nodes": nodes, "spacing_km": distance_km / (nodes - 1)},
        "requests": [
            {
                "src": "n0",
                "dst": f"n{nodes - 1}",
                "type": "measure",
                "pairs": pairs,
                "min_fidelity": min_fidelity,
                "qkd": {"epsilon_sec": 1e-3, "epsilon_cor": 1e-6, "sample_fraction": 0.5},
            }
        ],
    }


def run_point(
    preset: str, repeaters: int, distance_km: float, min_fidelity: float, pairs: int,
    seed: int = 1, registry: PluginRegistry | None = None,
) -> KeyRatePoint:  # fmt: skip
    """Run one point through the stack (module docstring) and measure its key rate."""
    registry = registry if registry is not None else PluginRegistry.from_entry_points()
    data = key_rate_scenario(preset, repeaters, distance_km, min_fidelity, pairs, seed)
    result = Simulation(parse_scenario(data, registry), registry).run()
    request = result["requests"][0]
    qkd = request.get("qkd") or {}
    delivered = int(request["delivered"])
    rate = float(request["rate_hz"])
    error = "; ".join(request.get("error_messages", [])[:1])
    fidelity = (request.get("fidelity") or {}).get("mean")
    per_basis = qkd.get("qber_per_basis") or {}
    counts = {b: (int(v["errors"]), int(v["sample_bits"])) for b, v in per_basis.items()}
    finite = float(qkd.get("key_rate_bps") or 0.0)
    no_data = delivered == 0 or rate <= 0 or any(counts.get(b, (0, 0))[1] == 0 for b in "ZX")
    if no_data:
        return KeyRatePoint(
            preset, repeaters, distance_km, min_fidelity, pairs, delivered, rate, 0.0, None,
            None, 0.0, 0.0, (0.0, 0.0), finite, fidelity, error or "no sample in both bases",
        )  # fmt: skip
    (ez, nz), (ex, nx) = counts["Z"], counts["X"]
    q_z, q_x = ez / nz, ex / nx
    sifted = int(qkd.get("sifted_bits") or 0) / delivered
    fraction = _key_fraction(q_z, q_x)
    spread = _Z95 * math.sqrt(delivered) / delivered
    rate_lo, rate_hi = rate * max(0.0, 1 - spread), rate * (1 + spread)
    z_lo, z_hi = wilson_interval(ez, nz)
    x_lo, x_hi = wilson_interval(ex, nx)
    ci = (
        rate_lo * sifted * _key_fraction(z_hi, x_hi),
        rate_hi * sifted * _key_fraction(z_lo, x_lo),
    )
    return KeyRatePoint(
        preset, repeaters, distance_km, min_fidelity, pairs, delivered, rate, sifted, q_z, q_x,
        fraction, rate * sifted * fraction, ci, finite, fidelity, error,
    )  # fmt: skip


def best_point(
    preset: str, repeaters: int, distance_km: float, min_fidelities: Sequence[float],
    pairs: int, seed: int = 1, registry: PluginRegistry | None = None,
) -> KeyRatePoint:  # fmt: skip
    """The point with the highest secret-key rate over the fidelity targets (the first target's
    point when none gives a key)."""
    registry = registry if registry is not None else PluginRegistry.from_entry_points()
    points = [
        run_point(preset, repeaters, distance_km, f, pairs, seed, registry) for f in min_fidelities
    ]
    return max(points, key=lambda p: p.secret_key_rate_bps)  # max keeps the first of ties


def direct_rates_bps(
    distances_km: Sequence[float], pulse_rate_hz: float, system: FibreQkdSystem = GYS_2004
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """(decoy-state BB84, PLOB bound) in bits per second at ``pulse_rate_hz`` over the fibre of
    ``system`` (its loss for PLOB too)."""
    grid = np.asarray(distances_km, dtype=np.float64)
    decoy, _ = optimal_key_rate(grid, system)
    bound = plob_bound(channel_transmittance(grid, system.fibre_loss_db_per_km))
    return decoy * pulse_rate_hz, bound * pulse_rate_hz


def plot_key_rate_distance(
    points: Sequence[KeyRatePoint],
    out: Path,
    *,
    pulse_rate_hz: float,
    max_km: float,
    system: FibreQkdSystem = GYS_2004,
) -> Path:
    """Draw the figure: NV points with their 95 % intervals (one line per preset and number of
    repeaters; points without key are marked on the axis floor), decoy BB84 and PLOB."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    grid = np.linspace(max_km / 400, max_km, 400)
    decoy, bound = direct_rates_bps(list(grid), pulse_rate_hz, system)
    fig = Figure(figsize=(7.6, 5.0))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(grid, np.where(decoy > 0, decoy, np.nan), color="k",
            label=f"decoy BB84, direct ({pulse_rate_hz:.0e} pulses/s)")  # fmt: skip
    ax.plot(grid, bound, "k--", label=f"PLOB bound ({pulse_rate_hz:.0e} uses/s)")
    with_key = [p.secret_key_rate_bps for p in points if p.secret_key_rate_bps > 0]
    floor = min([*with_key, float(np.nanmin(np.where(decoy > 0, decoy, np.nan)))]) / 30
    curves = sorted({(p.preset, p.repeaters) for p in points})
    markers = "osD^v<>p"
    for k, (preset, repeaters) in enumerate(curves):
        mine = sorted((p for p in points if (p.preset, p.repeaters) == (preset, repeaters)),
                      key=lambda p: p.distance_km)  # fmt: skip
        xs = [p.distance_km for p in mine]
        ys = [p.secret_key_rate_bps if p.secret_key_rate_bps > 0 else np.nan for p in mine]
        lo = [max(p.secret_key_rate_bps - p.ci95_bps[0], 0) for p in mine]
        hi = [p.ci95_bps[1] - p.secret_key_rate_bps for p in mine]
        colour = f"C{k % 10}"
        label = f"NV {preset}, {repeaters} repeater{'s' if repeaters != 1 else ''}"
        ax.errorbar(xs, ys, yerr=[lo, hi], color=colour, marker=markers[k % len(markers)],
                    capsize=3, label=label)  # fmt: skip
        none = [p.distance_km for p in mine if p.secret_key_rate_bps <= 0]
        if none:
            ax.plot(none, [floor] * len(none), linestyle="none", marker="x", color=colour)
    ax.set_yscale("log")
    ax.set_xlim(0, max_km)
    ax.set_xlabel("end-to-end distance (km)")
    ax.set_ylabel("secret-key rate (bits per second)")
    ax.set_title("Secret-key rate vs distance (× on the floor: no key)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="x-small", loc="upper right")
    fig.tight_layout()
    out = Path(out)
    fig.savefig(out, metadata={"Software": None} if out.suffix == ".png" else {"Creator": None})
    return out
