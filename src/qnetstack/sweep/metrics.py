"""The flat per-point metrics of a sweep: per-scenario totals read from a results document.

A sweep line carries these beside the point's parameters, so a plot or a spreadsheet needs no
knowledge of the nested results format (``docs/reference/results.md``). Each is a total over
all requests of the scenario; ``None`` where it is undefined (no fidelity sample, no measured
pair).
"""

from __future__ import annotations

from typing import Any

__all__ = ["METRICS", "metrics_of"]

METRICS = (
    "requests",
    "completed_requests",
    "requested_pairs",
    "delivered_pairs",
    "throughput_hz",
    "fidelity_mean",
    "latency_mean_s",
    "qber",
    "sim_time_s",
    "events",
    "wall_s",
)
"""The metric names, in the order of the columns of an export."""


def metrics_of(results: dict[str, Any]) -> dict[str, Any]:
    """The metrics of one results document.

    * ``requests``, ``completed_requests``: how many requests, and how many got all their pairs;
    * ``requested_pairs``, ``delivered_pairs``: pairs asked for and delivered, summed;
    * ``throughput_hz``: delivered pairs per simulated second of the run (``sim_time_s``);
    * ``fidelity_mean``: mean fidelity over every fidelity sample of every request;
    * ``latency_mean_s``: mean per-pair latency over every delivered pair;
    * ``qber``: measured pairs whose outcomes contradict the Bell state, over all sifted pairs of
      ``measure`` requests, every basis together;
    * ``sim_time_s``, ``events``, ``wall_s``: as in the results document (``wall_s`` is the only
      one that differs between identical runs).
    """
    requests = results["requests"]
    delivered = sum(int(r["delivered"]) for r in requests)
    sim_time_s = float(results["sim_time_s"])
    return {
        "requests": len(requests),
        "completed_requests": sum(1 for r in requests if r["delivered"] == r["requested"]),
        "requested_pairs": sum(int(r["requested"]) for r in requests),
        "delivered_pairs": delivered,
        "throughput_hz": delivered / sim_time_s if sim_time_s > 0 else 0.0,
        "fidelity_mean": _weighted([(r["fidelity"]["mean"], r["fidelity"]["n"]) for r in requests]),
        "latency_mean_s": _weighted([(r["latency_s"]["mean"], r["delivered"]) for r in requests]),
        "qber": _qber(requests),
        "sim_time_s": sim_time_s,
        "events": results["events"],
        "wall_s": results["wall_s"],
    }


def _weighted(pairs: list[tuple[float | None, int]]) -> float | None:
    """Mean of per-request means weighted by their sample counts; ``None`` without samples."""
    used = [(float(mean), int(n)) for mean, n in pairs if mean is not None and n]
    total = sum(n for _, n in used)
    return sum(mean * n for mean, n in used) / total if total else None


def _qber(requests: list[dict[str, Any]]) -> float | None:
    sifted = [entry for r in requests for entry in r.get("qber", {}).values()]
    pairs = sum(int(entry["pairs"]) for entry in sifted)
    return sum(int(entry["errors"]) for entry in sifted) / pairs if pairs else None
