"""cProfile of the qnetstack side of every peer scenario: the top costs by own and by total time.

Run: ``python benchmarks/peers/profile_qnetstack.py [--out PATH] [--top 15]``. Writes a
Markdown fragment (one section per scenario, two tables: sorted by ``tottime``, the time spent
in the function itself, and by ``cumtime``, including what it calls) that ``PROFILE.md``
quotes. Only the run is profiled, not the scenario build. Sizes are those of ``run.py``;
absolute times are inflated by the profiler (several-fold for the kernel, whose events are
a few hundred nanoseconds each), the ranking is what counts.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import CHAIN_SPACING_KM, QKD_LENGTH_KM
from _qnetstack_setup import REGISTRY, chain_scenario, link_scenario
from qnetstack_kernel import chained
from qnetstack_link import physical_only

from qnetstack.scenario import Simulation, parse_scenario

_ROOT = str(Path(__file__).resolve().parents[2])


def _scenario_runner(data: dict[str, Any]) -> Callable[[], object]:
    sim = Simulation(parse_scenario(data, REGISTRY), REGISTRY)
    return sim.run


def scenarios() -> dict[str, tuple[str, Callable[[], Callable[[], object]]]]:
    """name → (what is run, a builder returning the callable to profile)."""
    return {
        "kernel": ("500 000 chained no-op events", lambda: lambda: chained(500_000)),
        "link_2km": (
            "2 km, full NV physics, egp, 2000 kept pairs",
            lambda: _scenario_runner(link_scenario(2.0, 2000, "nv", "egp")),
        ),
        "link_20km": (
            "20 km, full NV physics, egp, 2000 kept pairs",
            lambda: _scenario_runner(link_scenario(20.0, 2000, "nv", "egp")),
        ),
        "link_20km_physical": (
            "20 km, full NV physics, physical layer only, 2000 pairs",
            lambda: lambda: physical_only(20.0, 2000),
        ),
        "chain_3": (
            "3 nodes, 10 km links, full NV physics, egp + qnp, 200 end-to-end pairs",
            lambda: _scenario_runner(chain_scenario(3, CHAIN_SPACING_KM, 200, "nv")),
        ),
        "chain_5": (
            "5 nodes, 10 km links, full NV physics, egp + qnp, 200 end-to-end pairs",
            lambda: _scenario_runner(chain_scenario(5, CHAIN_SPACING_KM, 200, "nv")),
        ),
        "qkd": (
            f"BBM92, {QKD_LENGTH_KM:g} km, full NV physics, egp MEASURE random basis, 4096 pairs",
            lambda: _scenario_runner(
                link_scenario(
                    QKD_LENGTH_KM, 4096, "nv", "egp", type="measure", measure_basis="random"
                )
            ),
        ),
    }


def _where(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":
        return name  # a built-in
    filename = filename.replace(_ROOT + "/", "")
    if "site-packages/" in filename:
        filename = filename.split("site-packages/", 1)[1]
    return f"{filename}:{line} `{name}`"


def top_table(stats: pstats.Stats, key: str, top: int) -> list[str]:
    index = {"tottime": 2, "cumtime": 3}[key]
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = sorted(entries.items(), key=lambda item: item[1][index], reverse=True)[:top]
    # the share is of the profiled run: the largest cumulative time (the outermost call)
    total: float = max((entry[3] for entry in entries.values()), default=0.0)
    lines = [
        "| # | calls | tottime s | cumtime s | share of run | function |",
        "|---|---|---|---|---|---|",
    ]
    for rank, (func, (primitive, calls, tottime, cumtime, _)) in enumerate(rows, 1):
        count = f"{calls}" if calls == primitive else f"{calls}/{primitive}"
        share = (tottime if key == "tottime" else cumtime) / total if total else 0.0
        lines.append(
            f"| {rank} | {count} | {tottime:.3f} | {cumtime:.3f} | {share:.0%} | {_where(func)} |"
        )
    return lines


def _package(key: tuple[str, int, str]) -> str:
    """Who owns a function: a qnetstack subpackage, a third-party package, or built-ins."""
    filename = key[0]
    if filename == "~":
        return "built-ins (numpy C calls, heapq, isinstance, …)"
    if "/src/qnetstack/" in filename:
        return "qnetstack." + filename.split("/src/qnetstack/", 1)[1].split("/", 1)[0].split(".")[0]
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if "/benchmarks/" in filename:
        return "benchmark driver"
    return "standard library"


def package_table(stats: pstats.Stats) -> list[str]:
    """Own time summed per package: where the run goes, coarse-grained."""
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    run_s = max(entry[3] for entry in entries.values())
    own: dict[str, float] = {}
    for key, entry in entries.items():
        own[_package(key)] = own.get(_package(key), 0.0) + entry[2]
    lines = ["| package | own time s | share of run |", "|---|---|---|"]
    for name, seconds in sorted(own.items(), key=lambda item: item[1], reverse=True):
        if seconds / run_s >= 0.01:
            lines.append(f"| {name} | {seconds:.3f} | {seconds / run_s:.0%} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="-", help="Markdown output file (- = stdout)")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--only", nargs="+", help="profile only these scenarios")
    args = parser.parse_args()
    chunks: list[str] = []
    for name, (what, build) in scenarios().items():
        if args.only and name not in args.only:
            continue
        target = build()
        profiler = cProfile.Profile()
        profiler.enable()
        target()
        profiler.disable()
        stats = pstats.Stats(profiler)
        chunks.append(f"### {name}: {what}\n")
        entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
        run_s = max(entry[3] for entry in entries.values())
        chunks.append(f"Profiled run: {run_s:.2f} s (with the profiler's overhead).\n")
        chunks.append("Own time by package (≥ 1 %):\n")
        chunks.append("\n".join(package_table(stats)) + "\n")
        for key in ("tottime", "cumtime"):
            chunks.append(f"Top {args.top} by {key}:\n")
            chunks.append("\n".join(top_table(stats, key, args.top)) + "\n")
    text = "\n".join(chunks)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
