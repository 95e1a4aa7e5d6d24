"""Lesson 2 — heralded entanglement: single-click versus Barrett–Kok.

Two NV nodes each entangle their electron with a photon; the photons meet at a beam splitter
in a station between the nodes; a detector click *heralds* that the electrons are entangled.
Single-click trades rate for fidelity through the bright-state population α; Barrett–Kok needs
two clicks (rate ∝ η², fidelity independent of α). The numbers come from the platform's own
heralding models (physics.md F1, F2). Run it with:

    python examples/course/02_heralding.py [--plot FILE.png]
"""

from __future__ import annotations

import argparse

from qnetstack.physical.nv import load_preset
from qnetstack.physical.nv.platform import herald_model
from qnetstack.physical.platform import LinkGeometry

PRESET = "nearterm2020_coopmans2021"


def geometry(length_km: float) -> LinkGeometry:
    """A link with the station in the middle (light at 2e5 km/s in fibre)."""
    arm_ps = round(length_km / 2 / 2e5 * 1e12)
    return LinkGeometry("a", "b", "station", length_km / 2, length_km / 2, arm_ps, arm_ps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", help="write the rate-vs-fidelity plot here (PNG/SVG)")
    args = parser.parse_args()

    single = load_preset(PRESET, {"protocol": "single_click"})
    double = load_preset(PRESET, {"protocol": "double_click", "bright_state_alpha": None})
    print(f"preset {PRESET}; rate = p_succ / attempt duration")
    print(f"{'length':>8} {'protocol':>14} {'alpha':>6} {'p_succ':>10} {'F':>7} {'rate (Hz)':>10}")
    curves: dict[str, list[tuple[float, float]]] = {}
    for length_km in (2.0, 25.0, 50.0):
        geo = geometry(length_km)
        cycle_s = single.attempt_duration_ps(geo.arm_a_km, geo.arm_b_km) * 1e-12
        for alpha in (0.05, 0.1, 0.2, 0.3):
            r = herald_model(single, geo, alpha, alpha)
            curves.setdefault(f"single-click {length_km:g} km", []).append(
                (r.fidelity, r.p_succ / cycle_s)
            )
            print(
                f"{length_km:>6g}km {'single-click':>14} {alpha:>6.2f} {r.p_succ:>10.3e} "
                f"{r.fidelity:>7.4f} {r.p_succ / cycle_s:>10.3g}"
            )
        r = herald_model(double, geo)
        cycle_s = double.attempt_duration_ps(geo.arm_a_km, geo.arm_b_km) * 1e-12
        curves.setdefault(f"Barrett-Kok {length_km:g} km", []).append(
            (r.fidelity, r.p_succ / cycle_s)
        )
        print(
            f"{length_km:>6g}km {'Barrett-Kok':>14} {'-':>6} {r.p_succ:>10.3e} "
            f"{r.fidelity:>7.4f} {r.p_succ / cycle_s:>10.3g}"
        )

    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        for label, points in curves.items():
            fids, rates = zip(*points, strict=True)
            ax.plot(fids, rates, "o-" if "single" in label else "s", label=label)
        ax.set_yscale("log")
        ax.set_xlabel("heralded fidelity")
        ax.set_ylabel("rate (Hz)")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(args.plot, metadata={"Software": None} if args.plot.endswith(".png") else None)
        print(f"\nplot written to {args.plot}")


if __name__ == "__main__":
    main()
