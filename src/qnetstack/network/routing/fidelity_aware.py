"""``fidelity-aware``: the highest estimated end-to-end fidelity, subject to a rate floor.

The objective is the swap-ASAP Werner estimate of physics.md F6,
``F = (3 Π w_i + 1) / 4`` with ``w_i = (4 F_i − 1) / 3``. Maximising ``F`` is maximising
``Π w_i``, i.e. minimising the additive cost ``Σ −log w_i``, a shortest-path problem. Links with
``F_i ≤ 1/4`` (``w_i ≤ 0``) carry no entanglement that swapping could use and are excluded.

The constraint is the path's estimated rate ``min_i r_i / H_n ≥ min_rate_hz`` (F10). It
depends on the hop count ``n`` as well as on the links, so it cannot simply prune edges. It is
solved exactly by splitting on ``n``: a path of at most ``n`` hops is feasible when every link
has ``r_i ≥ floor · H_n``. For each hop bound the allowed links are fixed, and the best path
within the bound is found by hop-bounded Bellman–Ford (one relaxation round per hop). Because
the allowed set only shrinks as ``n`` grows and changes only when ``floor · H_n`` passes a link
rate, consecutive hop bounds with the same allowed set share one run. That gives
``O(changes · V · E)`` work, and a single run when ``min_rate_hz = 0``. The best path over all
runs wins; ties go to the higher rate, then to fewer hops.

This is the "maximise quality subject to a throughput constraint" formulation of
fidelity-aware routing. Compare Li et al., "Fidelity-guaranteed entanglement routing in
quantum networks" (arXiv:2111.07764), whose purification decisions are out of scope here and
belong to the network layer's purification policy.

With ``k > 1``, further routes come from Yen's algorithm on ``−log w`` over links that are
fast enough for a one-hop path. They are filtered by the rate floor and ranked by fidelity.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
from pydantic import Field

from qnetstack.network.routing.base import (
    NoRouteError,
    NoRouteKind,
    RoutingConfig,
    RoutingStrategy,
    with_alternatives,
)
from qnetstack.network.routing.expected_rate import max_rate_estimate_path
from qnetstack.network.routing.metrics import (
    FIDELITY_ATTR,
    RATE_ATTR,
    Route,
    evaluate_path,
    harmonic_number,
    werner_parameter,
)

__all__ = ["FidelityAware", "FidelityAwareConfig", "max_fidelity_path"]

_Edge = tuple[str, str, float, float]  # (a, b, cost = −log w, rate_hz)


class FidelityAwareConfig(RoutingConfig):
    """Configuration of ``fidelity-aware``."""

    min_rate_hz: float = Field(
        0.0,
        ge=0.0,
        allow_inf_nan=False,
        description="Rate floor: only paths whose estimated end-to-end rate (min link rate / "
        "H_n) is at least this many Hz are considered; 0 disables the floor.",
    )


def _usable_edges(graph: nx.Graph[Any]) -> list[_Edge]:
    edges: list[_Edge] = []
    for a, b, data in graph.edges(data=True):
        w = werner_parameter(float(data[FIDELITY_ATTR]))
        if w > 0.0:
            edges.append((a, b, -math.log(w), float(data[RATE_ATTR])))
    return edges


def _hop_bounded_path(edges: list[_Edge], src: str, dst: str, max_hops: int) -> list[str] | None:
    """Least-cost ``src``–``dst`` path with at most ``max_hops`` links (Bellman–Ford).

    Only strict improvements are recorded, so with non-negative costs the path is simple: a
    repeated node would need a later, strictly cheaper label reached through a non-negative
    cycle, which is impossible.
    """
    dist: dict[str, float] = {src: 0.0}
    parents: list[dict[str, str]] = []  # per round: node -> predecessor, if improved
    for _ in range(max_hops):
        new = dict(dist)
        improved: dict[str, str] = {}
        for a, b, cost, _rate in edges:
            for u, v in ((a, b), (b, a)):
                if u in dist and dist[u] + cost < new.get(v, math.inf):
                    new[v] = dist[u] + cost
                    improved[v] = u
        if not improved:
            break
        parents.append(improved)
        dist = new
    if dst not in dist:
        return None
    path, node, r = [dst], dst, len(parents) - 1
    while node != src:
        while node not in parents[r]:
            r -= 1
        node = parents[r][node]
        path.append(node)
        r -= 1
    return path[::-1]


def _epoch_best_path(
    edges: list[_Edge], src: str, dst: str, max_hops: int
) -> tuple[list[str] | None, int]:
    """Least-cost path of at most ``max_hops`` links over ``edges``, and the fewest hops.

    Dijkstra first: if the unconstrained optimum is short enough it is the answer, which is
    the common case and costs O(E log V). Only when it is too long does the O(max_hops · E)
    Bellman–Ford run, and not at all when even the fewest-hop path is too long.

    Returns:
        ``(path or None, fewest hops of any src–dst path, or −1 if there is none)``.
    """
    sub: nx.Graph[str] = nx.Graph()
    sub.add_weighted_edges_from((a, b, cost) for a, b, cost, _rate in edges)
    if src not in sub or dst not in sub:
        return None, -1
    try:
        path: list[str] = nx.dijkstra_path(sub, src, dst)
    except nx.NetworkXNoPath:
        return None, -1
    fewest = int(nx.shortest_path_length(sub, src, dst))
    if len(path) - 1 <= max_hops:
        return path, fewest
    if fewest > max_hops:
        return None, fewest
    return _hop_bounded_path(edges, src, dst, max_hops), fewest


def max_fidelity_path(
    graph: nx.Graph[Any], src: str, dst: str, min_rate_hz: float = 0.0
) -> list[str] | None:
    """The feasible path of highest estimated fidelity, or ``None`` (see the module docs)."""
    usable = _usable_edges(graph)
    max_hops = graph.number_of_nodes() - 1
    best: Route | None = None
    n = 1
    while n <= max_hops:
        allowed = [e for e in usable if e[3] >= min_rate_hz * harmonic_number(n)]
        if not allowed:
            break
        slowest = min(e[3] for e in allowed)
        m = n  # the largest hop bound with the same allowed set
        while m < max_hops and min_rate_hz * harmonic_number(m + 1) <= slowest:
            m += 1
        path, fewest = _epoch_best_path(allowed, src, dst, m)
        if fewest < 0:
            break  # later hop bounds only allow subsets of these links
        if path is not None:
            route = evaluate_path(graph, path)
            if best is None or _key(route) < _key(best):
                best = route
        # Bounds below ``fewest`` allow subsets of these links, so no path that short: skip.
        n = max(m + 1, fewest)
    return list(best.path) if best is not None else None


def _key(route: Route) -> tuple[float, ...]:
    return (-route.fidelity, -route.rate_hz, route.hops)


class FidelityAware(RoutingStrategy[FidelityAwareConfig]):
    """Highest estimated end-to-end fidelity (F6) with a floor on the estimated rate (F10)."""

    name = "fidelity-aware"
    description = "Highest estimated end-to-end fidelity, subject to a rate floor."
    config_model = FidelityAwareConfig

    def find(self, graph: nx.Graph[Any], src: str, dst: str, k: int) -> list[Route]:
        floor = self.config.min_rate_hz
        path = max_fidelity_path(graph, src, dst, floor)
        if path is None:
            raise self._no_route(graph, src, dst)
        best = evaluate_path(graph, path)

        def weight(u: str, v: str, data: dict[str, Any]) -> float | None:
            w = werner_parameter(float(data[FIDELITY_ATTR]))
            return -math.log(w) if w > 0 and data[RATE_ATTR] >= floor else None

        def feasible(route: Route) -> bool:
            meets_floor = route.bottleneck_rate_hz >= floor * harmonic_number(route.hops)
            return meets_floor and route.fidelity > 0.25

        return with_alternatives(graph, best, k, weight=weight, key=_key, accept=feasible)

    def _no_route(self, graph: nx.Graph[Any], src: str, dst: str) -> NoRouteError:
        floor = self.config.min_rate_hz
        fastest = max_rate_estimate_path(graph, src, dst)
        best_rate = evaluate_path(graph, fastest).rate_hz if fastest else 0.0
        if best_rate < floor:
            return NoRouteError(
                src,
                dst,
                f"no path reaches the rate floor min_rate_hz={floor:g} (the fastest path's "
                f"estimated rate is {best_rate:.4g} Hz)",
                NoRouteKind.RATE_FLOOR,
            )
        return NoRouteError(
            src,
            dst,
            "every path fast enough for the rate floor crosses a link of fidelity ≤ 0.25, "
            "which carries no usable entanglement",
            NoRouteKind.FIDELITY,
        )
