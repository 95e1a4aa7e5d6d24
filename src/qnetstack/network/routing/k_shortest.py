"""``k-shortest``: up to k paths in order of increasing cost, for multipath routing.

Plain mode (``disjoint: none``) is Yen's k-shortest loopless paths (Yen, Management Science
17(11), 1971, via :func:`networkx.shortest_simple_paths`). The routes are the k cheapest
simple paths and may share links and nodes.

Disjoint modes serve multipath requests whose paths should not compete for the same links
(``edge``) or repeaters (``node``; the end nodes are shared, of course). They are built
greedily: take the cheapest path, remove its links (or its inner nodes), and repeat. That is the
same as walking the Yen order and keeping each path that is disjoint from those already kept.
Greedy can find fewer disjoint paths than exist, because the first path may block two others.
Suurballe's algorithm would find the most disjoint pairs, but greedy keeps the "cheapest first"
order that multipath schedulers rely on. If fewer than k disjoint paths exist, fewer are
returned.

The cost is chosen in the config: ``hops``, ``inverse-rate`` (``Σ 1/rate_hz``, see
``expected-rate``) or ``length`` (fibre km, ``length_km``; edges without it count 1).
"""

from __future__ import annotations

import itertools
from typing import Any, Literal

import networkx as nx
from pydantic import Field

from qnetstack.network.routing.base import (
    EdgeWeight,
    RoutingConfig,
    RoutingStrategy,
    alternatives,
    inverse_rate,
)
from qnetstack.network.routing.metrics import Route, evaluate_path

__all__ = ["KShortest", "KShortestConfig"]


class KShortestConfig(RoutingConfig):
    """Configuration of ``k-shortest``."""

    weight: Literal["hops", "inverse-rate", "length"] = Field(
        "hops",
        description="Path cost: 'hops' (number of links), 'inverse-rate' (sum of 1/rate_hz, "
        "mean time per pair summed over the links) or 'length' (fibre km).",
    )
    disjoint: Literal["none", "edge", "node"] = Field(
        "none",
        description="'none': the k cheapest simple paths (Yen); 'edge': no two share a link; "
        "'node': no two share a repeater. Disjoint sets are built greedily, cheapest first.",
    )


def _length(u: str, v: str, data: dict[str, Any]) -> float:
    return float(data.get("length_km", 1.0))


_WEIGHTS: dict[str, EdgeWeight | None] = {
    "hops": None,
    "inverse-rate": inverse_rate,
    "length": _length,
}


class KShortest(RoutingStrategy[KShortestConfig]):
    """The k cheapest paths (Yen), optionally edge- or node-disjoint."""

    name = "k-shortest"
    description = "Up to k cheapest paths (Yen's algorithm), optionally edge- or node-disjoint."
    config_model = KShortestConfig

    def find(self, graph: nx.Graph[Any], src: str, dst: str, k: int) -> list[Route]:
        weight = _WEIGHTS[self.config.weight]
        if self.config.disjoint == "none":
            paths = list(alternatives(graph, src, dst, weight=weight, limit=k))
        else:
            paths = _greedy_disjoint(graph, src, dst, k, weight, self.config.disjoint)
        return [evaluate_path(graph, p) for p in paths]


def _greedy_disjoint(
    graph: nx.Graph[Any],
    src: str,
    dst: str,
    k: int,
    weight: EdgeWeight | None,
    mode: str,
) -> list[list[str]]:
    used_edges: set[frozenset[str]] = set()
    used_nodes: set[str] = set()

    def free(u: str, v: str, data: dict[str, Any]) -> float | None:
        if frozenset((u, v)) in used_edges or u in used_nodes or v in used_nodes:
            return None
        return 1.0 if weight is None else weight(u, v, data)

    paths: list[list[str]] = []
    while len(paths) < k:
        try:
            path = nx.dijkstra_path(graph, src, dst, weight=free)
        except nx.NetworkXNoPath:
            break
        paths.append(path)
        if mode == "edge":
            used_edges.update(frozenset(link) for link in itertools.pairwise(path))
        else:
            used_nodes.update(path[1:-1])
            if len(path) == 2:  # a direct link shares no repeater; still use it only once
                used_edges.add(frozenset(path))
    return paths
