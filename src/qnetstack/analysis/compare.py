"""Metrics of a routing comparison: per-run figures from a results document, then aggregates.

Theory of operation
-------------------
``qnetstack compare-routing`` runs one simulation per (strategy, topology, load, seed). This
module turns each run's results document (:meth:`qnetstack.scenario.Simulation.run`) into a
:class:`RunMetrics`, and the runs of one (strategy, topology, load) cell into a
:class:`CellSummary`: every metric as a mean over seeds with a 95 % Student-t confidence
interval. Everything here is a pure function of numbers, so it is tested with hand-computed
values and no simulator.

The metrics of one run:

* **throughput** (Hz): the sum over requests of each request's throughput ``x_i``, its
  delivered end-to-end pairs over the simulated time it was open: from its start to its last
  delivery when it completed (the results' ``rate_hz``), to the end of the run otherwise.
* **fidelity**: mean fidelity of every delivered pair (pooled over requests).
* **latency p50 / p95** (s): percentiles of the per-pair waiting times (time since the
  request's previous delivery, or its start), pooled over requests.
* **Jain's fairness index** over the requests' throughputs, ``(Σx)² / (n·Σx²)``: 1 when all
  get the same, ``1/n`` when one request gets everything; undefined when no request got a pair.
* **failure rate**: requests that did not complete (an error, or still incomplete at the stop
  time) over all requests.

The Student-t quantile comes from a table for 1–30 degrees of freedom and is 1.96 (the normal
quantile) beyond, where the two differ by less than 4 %; no scipy is needed at run time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from qnetstack.analysis.plots import save_figure

__all__ = [
    "METRICS",
    "CellSummary",
    "Estimate",
    "RequestOutcome",
    "RunMetrics",
    "estimate",
    "failure_rate",
    "jain_index",
    "plot_comparison",
    "request_outcomes",
    "run_metrics",
    "summarize",
    "t_quantile_975",
]

METRICS: tuple[str, ...] = (
    "throughput_hz",
    "fidelity",
    "latency_p50_s",
    "latency_p95_s",
    "jain_fairness",
    "failure_rate",
)
"""The metric names, in table order (fields of :class:`RunMetrics`)."""

# Two-sided 95 % quantiles t_{0.975, df} of Student's t distribution, df = 1 … 30.
_T975 = (
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
)  # fmt: skip
_Z975 = 1.96
_PS_PER_S = 1e12


def t_quantile_975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom (4 digits).

    Tabulated for ``df`` ≤ 30; 1.96, the normal quantile, beyond (at most 4 % too small at
    ``df`` = 31, less further on).

    Raises:
        ValueError: If ``df`` < 1.
    """
    if df < 1:
        raise ValueError(f"degrees of freedom must be >= 1, got {df}")
    return _T975[df - 1] if df <= len(_T975) else _Z975


@dataclass(frozen=True, slots=True)
class Estimate:
    """A mean over runs with its 95 % confidence interval.

    Attributes:
        mean: Mean of the defined values; ``None`` when there are none.
        low: Lower end of the interval (``None`` with fewer than two values).
        high: Upper end of the interval (``None`` with fewer than two values).
        n: Number of runs the metric was defined in.
    """

    mean: float | None
    low: float | None
    high: float | None
    n: int

    def to_json(self) -> dict[str, Any]:
        """``{"mean": …, "ci95": [low, high], "n": …}``."""
        return {"mean": self.mean, "ci95": [self.low, self.high], "n": self.n}


def estimate(values: Sequence[float | None]) -> Estimate:
    """Mean and Student-t 95 % interval ``mean ± t·s/√n`` of the values that are defined.

    ``None`` values (a metric undefined in that run, e.g. fidelity with no pair delivered) are
    left out and do not count in ``n``.
    """
    defined = [v for v in values if v is not None]
    n = len(defined)
    if n == 0:
        return Estimate(None, None, None, 0)
    data = np.asarray(defined, dtype=float)
    mean = float(data.mean())
    if n < 2:
        return Estimate(mean, None, None, 1)
    half = t_quantile_975(n - 1) * float(data.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def jain_index(throughputs: Sequence[float]) -> float | None:
    """Jain's fairness index ``(Σx)² / (n·Σx²)``, in [1/n, 1].

    Returns:
        The index; ``None`` for no values or when every value is 0 (undefined).

    Raises:
        ValueError: If a throughput is negative.
    """
    if any(x < 0 for x in throughputs):
        raise ValueError("throughputs must be >= 0")
    square_sum = math.fsum(x * x for x in throughputs)
    if not throughputs or square_sum == 0.0:
        return None
    return math.fsum(throughputs) ** 2 / (len(throughputs) * square_sum)


def failure_rate(completed: Sequence[bool]) -> float | None:
    """Fraction of requests that did not complete; ``None`` for no requests."""
    if not completed:
        return None
    return sum(1 for done in completed if not done) / len(completed)


@dataclass(frozen=True, slots=True)
class RequestOutcome:
    """What one request of a run got.

    Attributes:
        src: Source node.
        dst: Destination node.
        requested: Pairs requested.
        delivered: Pairs delivered.
        completed: Whether every pair was delivered.
        throughput_hz: Delivered pairs per simulated second while the request was open.
        errors: Error codes and counts (``INCOMPLETE``: pairs missing at the stop time).
    """

    src: str
    dst: str
    requested: int
    delivered: int
    completed: bool
    throughput_hz: float
    errors: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        """The request as a JSON object."""
        return {
            "src": self.src,
            "dst": self.dst,
            "requested": self.requested,
            "delivered": self.delivered,
            "completed": self.completed,
            "throughput_hz": self.throughput_hz,
            "errors": dict(self.errors),
        }


def request_outcomes(
    results: Mapping[str, Any], start_s: Sequence[float] | None = None
) -> list[RequestOutcome]:
    """Each request's outcome, read from a results document.

    Args:
        results: A results document (``Simulation.run()``).
        start_s: Start time of each request (default: all 0); an incomplete request's
            throughput is counted over ``[start, end of the run]``.
    """
    end_s = float(results["sim_time_s"])
    outcomes = []
    for i, request in enumerate(results["requests"]):
        delivered = int(request["delivered"])
        completed = bool(request["completed"])
        if completed:
            throughput = float(request["rate_hz"])
        else:
            open_s = end_s - (start_s[i] if start_s is not None else 0.0)
            throughput = delivered / open_s if delivered and open_s > 0 else 0.0
        outcomes.append(
            RequestOutcome(
                src=str(request["src"]),
                dst=str(request["dst"]),
                requested=int(request["requested"]),
                delivered=delivered,
                completed=completed,
                throughput_hz=throughput,
                errors={str(k): int(v) for k, v in request["errors"].items()},
            )
        )
    return outcomes


@dataclass(frozen=True, slots=True)
class RunMetrics:
    """The comparison metrics of one run (see the module docstring for the definitions).

    Attributes:
        throughput_hz: Sum of the requests' throughputs.
        fidelity: Mean fidelity of the delivered pairs (``None``: none delivered).
        latency_p50_s: Median per-pair waiting time (``None``: none delivered).
        latency_p95_s: 95th percentile of the per-pair waiting time.
        jain_fairness: Jain's index over the requests' throughputs (``None``: undefined).
        failure_rate: Fraction of requests that did not complete.
    """

    throughput_hz: float
    fidelity: float | None
    latency_p50_s: float | None
    latency_p95_s: float | None
    jain_fairness: float | None
    failure_rate: float | None

    def value(self, metric: str) -> float | None:
        """The value of ``metric`` (one of :data:`METRICS`).

        Raises:
            KeyError: Unknown metric name.
        """
        return self.to_json()[metric]

    def to_json(self) -> dict[str, float | None]:
        """The metrics as a JSON object, keyed by :data:`METRICS`."""
        return {
            "throughput_hz": self.throughput_hz,
            "fidelity": self.fidelity,
            "latency_p50_s": self.latency_p50_s,
            "latency_p95_s": self.latency_p95_s,
            "jain_fairness": self.jain_fairness,
            "failure_rate": self.failure_rate,
        }


def run_metrics(
    outcomes: Sequence[RequestOutcome],
    fidelities: Sequence[tuple[float, int]],
    latencies_s: Sequence[float],
) -> RunMetrics:
    """The metrics of one run.

    Args:
        outcomes: Every request's outcome (:func:`request_outcomes`).
        fidelities: ``(mean fidelity, pairs)`` per request with delivered pairs, as in the
            results' ``fidelity`` entries; pooled into one mean weighted by pairs.
        latencies_s: The per-pair waiting times of every request, pooled.
    """
    pairs = sum(n for _, n in fidelities)
    fidelity = math.fsum(mean * n for mean, n in fidelities) / pairs if pairs else None
    p50: float | None = None
    p95: float | None = None
    if latencies_s:
        data = np.asarray(latencies_s, dtype=float)
        p50, p95 = float(np.percentile(data, 50)), float(np.percentile(data, 95))
    throughputs = [o.throughput_hz for o in outcomes]
    return RunMetrics(
        throughput_hz=math.fsum(throughputs),
        fidelity=fidelity,
        latency_p50_s=p50,
        latency_p95_s=p95,
        jain_fairness=jain_index(throughputs),
        failure_rate=failure_rate([o.completed for o in outcomes]),
    )


@dataclass(frozen=True, slots=True)
class CellSummary:
    """The runs of one (strategy, topology, load) cell, summarised over seeds.

    Attributes:
        strategy: Strategy label.
        topology: Topology label.
        load: Concurrent requests per run.
        runs: Number of runs (seeds).
        metrics: An :class:`Estimate` per name in :data:`METRICS`.
    """

    strategy: str
    topology: str
    load: int
    runs: int
    metrics: dict[str, Estimate]

    def to_json(self) -> dict[str, Any]:
        """The cell as a JSON object."""
        return {
            "strategy": self.strategy,
            "topology": self.topology,
            "load": self.load,
            "runs": self.runs,
            "metrics": {name: self.metrics[name].to_json() for name in METRICS},
        }


def summarize(strategy: str, topology: str, load: int, runs: Sequence[RunMetrics]) -> CellSummary:
    """Mean and 95 % interval over the runs (seeds) of one cell, per metric."""
    metrics = {name: estimate([run.value(name) for run in runs]) for name in METRICS}
    return CellSummary(strategy, topology, load, len(runs), metrics)


# ------------------------------------------------------------------------------- drawing

_PLOTTED = (("throughput_hz", "throughput (Hz)", True), ("fidelity", "mean fidelity", False))


def plot_comparison(cells: Sequence[CellSummary], out: Path) -> Path:
    """Draw throughput and fidelity per strategy, one group per (topology, load), and save.

    Throughput is drawn as bars, fidelity as points (its differences are small next to its
    value); error bars are the 95 % intervals (none with a single seed). The file type follows
    the suffix (``.png`` or ``.svg``), and the same cells give the same bytes
    (:func:`qnetstack.analysis.plots.save_figure`).

    Args:
        cells: The summaries to draw, in the order groups and strategies should appear.
        out: The output file.

    Returns:
        ``out``.

    Raises:
        ValueError: If the suffix is not ``.png`` or ``.svg``.
        OSError: If the file cannot be written.
    """
    groups = list(dict.fromkeys((c.topology, c.load) for c in cells))
    strategies = list(dict.fromkeys(c.strategy for c in cells))
    width = 0.8 / max(len(strategies), 1)
    fig = Figure(figsize=(max(6.4, 1.5 + 0.35 * len(groups) * len(strategies)), 6.0))
    fig.subplots_adjust(left=0.11, right=0.98, bottom=0.14, top=0.93, hspace=0.1)
    axes: list[Axes] = list(fig.subplots(2, 1, sharex=True))
    by_key = {(c.strategy, c.topology, c.load): c for c in cells}
    for ax, (metric, label, bars) in zip(axes, _PLOTTED, strict=True):
        for i, strategy in enumerate(strategies):
            cells_of = [by_key.get((strategy, t, n)) for t, n in groups]
            points = [
                (g - 0.4 + width * (i + 0.5), cell.metrics[metric])
                for g, cell in enumerate(cells_of)
                if cell is not None and cell.metrics[metric].mean is not None
            ]
            _draw_series(ax, points, width, f"C{i % 10}", strategy, bars)
        ax.set_ylabel(label)
        ax.grid(True, axis="y", alpha=0.3)
    axes[1].set_xticks(range(len(groups)))
    axes[1].set_xticklabels([f"{t}\nload {n}" for t, n in groups], fontsize="small")
    axes[0].legend(fontsize="small", ncols=min(len(strategies), 3), loc="upper left")
    runs = max((c.runs for c in cells), default=0)
    axes[0].set_title(f"routing comparison: mean over {runs} seed(s), 95 % CI", fontsize="medium")
    return save_figure(fig, out)


def _draw_series(
    ax: Axes,
    points: Sequence[tuple[float, Estimate]],
    width: float,
    color: str,
    label: str,
    bars: bool,
) -> None:
    """One strategy's values at ``x`` positions, as bars or points, with CI error bars."""
    xs = [x for x, _ in points]
    means = [float(e.mean) for _, e in points if e.mean is not None]
    errors = np.zeros((2, len(points)))
    for j, (_, e) in enumerate(points):
        if e.mean is not None and e.low is not None and e.high is not None:
            errors[:, j] = (e.mean - e.low, e.high - e.mean)
    if bars:
        ax.bar(xs, means, width * 0.9, color=color, label=label)
        ax.errorbar(xs, means, yerr=errors, fmt="none", ecolor="black", capsize=3, lw=1)
    else:
        ax.errorbar(xs, means, yerr=errors, fmt="o", color=color, capsize=3, lw=1, label=label)
