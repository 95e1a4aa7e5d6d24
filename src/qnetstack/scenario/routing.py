"""The scenario's routing strategy as the network layer's ``route(src, dst)`` function.

The topology graph is annotated with each link's model metrics (rate = p / attempt cycle,
fidelity of a kept pair) and the chosen strategy (a :class:`~qnetstack.network.routing.
RoutingStrategy` from the registry) picks the path. This is a link-state assumption: every
node knows the model metrics of every link, as a routing protocol would distribute them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import networkx as nx

from qnetstack.network import routing
from qnetstack.network.context import NoRouteError

__all__ = ["make_router"]


@cache
def _strategies() -> routing.RoutingRegistry:
    """Installed strategies; scanning entry points costs milliseconds, so once per process."""
    return routing.RoutingRegistry.from_entry_points()


def make_router(
    graph: nx.Graph[str], strategy: str, options: dict[str, Any]
) -> Callable[[str, str], list[str]]:
    """``route(src, dst) -> [src, …, dst]`` for a routing strategy over ``graph``.

    ``graph`` edges carry ``link`` (a :class:`~qnetstack.physical.platform.LinkInfo`).

    Raises (when called):
        NoRouteError: No path satisfies the strategy, with the strategy's reason.
    """
    metrics = {(a, b): routing.link_metrics(data["link"]) for a, b, data in graph.edges(data=True)}
    annotated = routing.annotate_links(graph, metrics)
    chosen = _strategies().create(strategy, options)

    def route(src: str, dst: str) -> list[str]:
        try:
            routes = chosen.routes(annotated, src, dst)
        except routing.NoRouteError as exc:
            raise NoRouteError(src, dst, f"{strategy}: {exc.reason}") from None
        return list(routes[0].path)

    return route
