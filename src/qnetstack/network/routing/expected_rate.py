"""``expected-rate``: the path with the highest expected end-to-end pair rate.

Two objectives, chosen in the config:

``inverse-rate`` (default)
    Dijkstra on the edge cost ``1 / rate_hz``, the link's mean time per pair. A path's cost
    ``Σ 1/r_i`` is the expected time to build its links *one after another*; swap-ASAP builds
    them in parallel, and the expected time until all exist, ``E[max_i T_i]``, lies between
    ``max_i 1/r_i`` and ``Σ_i 1/r_i``. Minimising the sum therefore minimises an upper bound of
    the waiting time. It penalises both slow links and extra hops (each adds a positive
    term), it is additive, so Dijkstra and Yen's k-shortest paths apply exactly, and it is the
    usual "expected delay" link metric of quantum-network routing (e.g. Van Meter et al.,
    "Path selection for quantum repeater networks", Networking Science 3, 2013, who sum a
    per-link cost derived from the link's time per pair).
    A cost of ``−log rate`` would instead maximise the product of the rates, which has no
    physical meaning for rates in Hz.

``estimate``
    Exactly maximises the shared estimate ``min_i r_i / H_n`` of
    :func:`~qnetstack.network.routing.metrics.path_rate_hz`. The optimal path's bottleneck
    is one of the link rates ``b``; for each ``b`` (in decreasing order) the best path with
    bottleneck ≥ ``b`` is the fewest-hop path over links of rate ≥ ``b``, so one BFS per
    distinct rate finds the optimum. The scan starts at the widest bottleneck (higher thresholds
leave no path) and stops once ``b`` (the best any lower threshold
    could give, at one hop) no longer beats the best found, usually after a few thresholds.

Whichever the objective, every :class:`~qnetstack.network.routing.metrics.Route` reports the
shared estimate ``min_i r_i / H_n`` in ``rate_hz``. Under ``inverse-rate`` the best route's
``rate_hz`` may therefore be lower than that of another route, because the two measure different
things.

With ``k > 1`` further routes come from Yen's algorithm on ``1/rate_hz``. They are ranked by
the configured objective.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

import networkx as nx
from pydantic import Field

from qnetstack.network.routing.base import (
    RoutingConfig,
    RoutingStrategy,
    inverse_rate,
    with_alternatives,
)
from qnetstack.network.routing.metrics import RATE_ATTR, Route, evaluate_path
from qnetstack.network.routing.widest_path import max_bottleneck_rate_hz

__all__ = ["ExpectedRate", "ExpectedRateConfig", "max_rate_estimate_path"]


class ExpectedRateConfig(RoutingConfig):
    """Configuration of ``expected-rate``."""

    objective: Literal["inverse-rate", "estimate"] = Field(
        "inverse-rate",
        description="'inverse-rate': Dijkstra on 1/rate_hz (minimises the sequential "
        "link-generation time, an upper bound of the waiting time); 'estimate': exactly "
        "maximises min link rate / H_n.",
    )


def max_rate_estimate_path(graph: nx.Graph[Any], src: str, dst: str) -> list[str] | None:
    """The path maximising ``min_i r_i / H_n`` (ties: fewer hops), or ``None`` if none."""
    widest = max_bottleneck_rate_hz(graph, src, dst)  # higher thresholds have no path
    rates = {float(d[RATE_ATTR]) for _, _, d in graph.edges(data=True)}
    best: Route | None = None
    for threshold in sorted((r for r in rates if r <= widest), reverse=True):
        if best is not None and threshold <= best.rate_hz:
            break  # even a one-hop path at this bottleneck cannot beat ``best``
        fast = _at_least(graph, threshold)
        try:
            route = evaluate_path(graph, nx.shortest_path(fast, src, dst))
        except nx.NetworkXNoPath:
            continue
        if best is None or (route.rate_hz, -route.hops) > (best.rate_hz, -best.hops):
            best = route
    return list(best.path) if best is not None else None


def _at_least(graph: nx.Graph[Any], rate_hz: float) -> nx.Graph[Any]:
    """The view of ``graph`` with only the links of rate ≥ ``rate_hz``."""

    def keep(a: str, b: str) -> bool:
        return bool(graph.edges[a, b][RATE_ATTR] >= rate_hz)

    return nx.subgraph_view(graph, filter_edge=keep)


class ExpectedRate(RoutingStrategy[ExpectedRateConfig]):
    """Highest expected end-to-end rate (see the module docstring for the two objectives)."""

    name = "expected-rate"
    description = "Highest expected end-to-end rate (Dijkstra on 1/rate, or the exact estimate)."
    config_model = ExpectedRateConfig

    def find(self, graph: nx.Graph[Any], src: str, dst: str, k: int) -> list[Route]:
        if self.config.objective == "estimate":
            path = max_rate_estimate_path(graph, src, dst)
            assert path is not None  # routes() checked that src and dst are connected
        else:
            path = nx.dijkstra_path(graph, src, dst, weight=inverse_rate)
        best = evaluate_path(graph, path)
        return with_alternatives(graph, best, k, weight=inverse_rate, key=self._key(graph))

    def _key(self, graph: nx.Graph[Any]) -> Callable[[Route], tuple[float, ...]]:
        """Ranks alternatives by the configured objective, so the order matches ``best``."""
        if self.config.objective == "estimate":
            return lambda r: (-r.rate_hz, r.hops)

        def sequential_time_s(route: Route) -> tuple[float, ...]:
            return (math.fsum(1.0 / graph.edges[a, b][RATE_ATTR] for a, b in route.links),)

        return sequential_time_s
