"""Lesson 1 — Bell pairs and fidelity.

A Bell pair is the resource a quantum network distributes. This script builds the four Bell
states, a Werner pair (a Bell state mixed with white noise), and shows how a pair loses
fidelity while one half waits in a memory with T2 dephasing. Run it with:

    python examples/course/01_bell_pairs.py [--plot FILE.png]
"""

from __future__ import annotations

import argparse
import math

from qnetstack.quantum import BellIndex, DensityMatrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", help="write the fidelity-vs-time plot here (PNG/SVG)")
    args = parser.parse_args()

    print("The four Bell states: fidelity of each state (rows) to each label (columns)")
    names = [b.name for b in BellIndex]
    print(f"{'':>9}" + "".join(f"{n:>10}" for n in names))
    for b in BellIndex:
        state = DensityMatrix.bell(b)
        print(f"{b.name:>9}" + "".join(f"{state.fidelity_bell(c):>10.3f}" for c in BellIndex))

    print("\nA Werner pair of fidelity F: F on its Bell state, (1 - F)/3 on each other one")
    werner = DensityMatrix.werner(0.85, BellIndex.PSI_PLUS)
    print(
        "  F = 0.85 around PSI_PLUS: "
        + ", ".join(f"{b.name} {werner.fidelity_bell(b):.4f}" for b in BellIndex)
    )

    print("\nOne half waits in a memory with dephasing time T2 (T1 = infinity):")
    print("  F(t) = (1 + e^(-t/T2))/2 for a perfect PHI_PLUS pair (physics.md F4)")
    t2_s = 0.01
    print(f"  {'t (ms)':>8} {'F simulated':>12} {'F formula':>10}")
    times_ms = [0, 1, 2, 5, 10, 20, 50]
    fidelities = []
    for t_ms in times_ms:
        state = DensityMatrix.bell().apply_memory_noise(0, round(t_ms * 1e9), math.inf, t2_s * 1e12)
        formula = (1 + math.exp(-t_ms * 1e-3 / t2_s)) / 2
        fidelities.append(state.fidelity_bell())
        print(f"  {t_ms:>8} {fidelities[-1]:>12.6f} {formula:>10.6f}")

    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5, 3.2))
        ax.plot(times_ms, fidelities, "o-")
        ax.axhline(0.5, color="grey", lw=0.8, ls="--")
        ax.set_xlabel("time in memory (ms)")
        ax.set_ylabel("fidelity to PHI_PLUS")
        ax.set_title(f"Dephasing memory, T2 = {t2_s * 1e3:g} ms")
        fig.tight_layout()
        fig.savefig(args.plot, metadata={"Software": None} if args.plot.endswith(".png") else None)
        print(f"\nplot written to {args.plot}")


if __name__ == "__main__":
    main()
