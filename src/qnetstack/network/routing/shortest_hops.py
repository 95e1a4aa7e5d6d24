"""``shortest-hops``: the path with the fewest links.

The baseline every routing study starts from: each swap costs fidelity and each extra link
multiplies waiting, so fewer hops is a sensible first guess that ignores what the links are
like. Among paths with equally few hops, the one with the smallest ``Σ 1/rate_hz`` wins (so
the choice is deterministic and not gratuitously slow). With ``k > 1`` the routes are the k
fewest-hop paths (Yen's algorithm) with the same tie-break.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from qnetstack.network.routing.base import (
    EdgeWeight,
    RoutingConfig,
    RoutingStrategy,
    with_alternatives,
)
from qnetstack.network.routing.metrics import RATE_ATTR, Route, evaluate_path

__all__ = ["ShortestHops"]


def _hop_weight(graph: nx.Graph[Any]) -> EdgeWeight:
    """One per hop plus a tie-break smaller than one hop in total.

    Dividing ``1/rate`` by the sum over all edges keeps the tie-break of any path below
    ``1/2``, so it never outweighs a hop.
    """
    total = sum(1.0 / float(d[RATE_ATTR]) for _, _, d in graph.edges(data=True))
    scale = 0.5 / total if total > 0 else 0.0

    def weight(u: str, v: str, data: dict[str, Any]) -> float:
        return 1.0 + scale / float(data[RATE_ATTR])

    return weight


class ShortestHops(RoutingStrategy[RoutingConfig]):
    """Fewest links; ties broken by the smallest sum of mean link times."""

    name = "shortest-hops"
    description = "Fewest links (ties: fastest links)."
    config_model = RoutingConfig

    def find(self, graph: nx.Graph[Any], src: str, dst: str, k: int) -> list[Route]:
        weight = _hop_weight(graph)
        best = evaluate_path(graph, nx.dijkstra_path(graph, src, dst, weight=weight))
        return with_alternatives(graph, best, k, weight=weight, key=lambda r: (r.hops, -r.rate_hz))
