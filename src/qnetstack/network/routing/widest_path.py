"""``widest-path``: the path whose slowest link is as fast as possible.

The classic widest-path (maximum-bottleneck) problem: the end-to-end rate of a path can never
exceed that of its slowest link, so maximising the bottleneck rate avoids links that would
starve the whole path. Solved in two exact steps:

1. the largest achievable bottleneck ``W`` by Dijkstra's algorithm with the (max, min)
   semiring instead of (min, +) (Pollack, "The maximum capacity through a network",
   Operations Research 8(5), 1960);
2. among paths whose links all have ``rate_hz ≥ W``, the one with the fewest hops.

Doing it in two steps matters: a single Dijkstra run on the lexicographic label
(bottleneck, hops) is not correct, because that label is not isotone (a wider but longer prefix
may lose once a narrow link caps both; Wang & Crowcroft, IEEE JSAC 14(7), 1996).
With ``k > 1`` further routes come from Yen's algorithm on ``1/rate_hz``, ranked by
(bottleneck, hops).
"""

from __future__ import annotations

import heapq
import math
from typing import Any

import networkx as nx

from qnetstack.network.routing.base import (
    RoutingConfig,
    RoutingStrategy,
    inverse_rate,
    with_alternatives,
)
from qnetstack.network.routing.metrics import RATE_ATTR, Route, evaluate_path

__all__ = ["WidestPath", "max_bottleneck_rate_hz"]


def max_bottleneck_rate_hz(graph: nx.Graph[Any], src: str, dst: str) -> float:
    """The largest bottleneck rate of any ``src``–``dst`` path (0 if none).

    Dijkstra with labels ``width(v) = max over paths of min link rate``: popping nodes in
    order of decreasing width finalises each one, since extending a path never widens it.
    """
    width: dict[str, float] = {src: math.inf}
    heap: list[tuple[float, str]] = [(-math.inf, src)]
    done: set[str] = set()
    while heap:
        neg, node = heapq.heappop(heap)
        if node in done:
            continue
        if node == dst:
            return -neg
        done.add(node)
        for nbr, data in graph[node].items():
            w = min(-neg, float(data[RATE_ATTR]))
            if nbr not in done and w > width.get(nbr, -math.inf):
                width[nbr] = w
                heapq.heappush(heap, (-w, nbr))
    return 0.0


class WidestPath(RoutingStrategy[RoutingConfig]):
    """Maximum bottleneck link rate; ties broken by fewest hops."""

    name = "widest-path"
    description = "Maximum bottleneck link rate (ties: fewest hops)."
    config_model = RoutingConfig

    def find(self, graph: nx.Graph[Any], src: str, dst: str, k: int) -> list[Route]:
        bottleneck = max_bottleneck_rate_hz(graph, src, dst)
        wide = nx.subgraph_view(
            graph, filter_edge=lambda a, b: graph.edges[a, b][RATE_ATTR] >= bottleneck
        )
        best = evaluate_path(graph, nx.shortest_path(wide, src, dst))
        return with_alternatives(
            graph, best, k, weight=inverse_rate, key=lambda r: (-r.bottleneck_rate_hz, r.hops)
        )
