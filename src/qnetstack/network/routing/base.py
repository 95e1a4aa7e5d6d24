"""The routing-strategy interface: one abstract class, one error for "no route".

Theory of operation
-------------------
A routing strategy answers one question: *which paths should an end-to-end request between
``src`` and ``dst`` use?* It is a pure function of an annotated topology (every edge carries
``rate_hz`` and ``fidelity``, see :mod:`~qnetstack.network.routing.metrics`) and its own
configuration; it never touches the simulator, so it is tested with hand-made graphs.

A strategy subclasses :class:`RoutingStrategy`, sets the class attributes ``name``,
``description`` and ``config_model`` (a frozen pydantic model, validated from the scenario's
``network`` section), and implements :meth:`RoutingStrategy.find`. The public
:meth:`RoutingStrategy.routes` wraps ``find`` with the checks every strategy needs, so that no
strategy can get them wrong:

* the graph is annotated (else :class:`~qnetstack.network.routing.metrics.RoutingError`);
* ``src`` and ``dst`` exist, differ and are connected (else :class:`NoRouteError`);
* ``find`` sees a read-only view, so a strategy cannot change the caller's graph;
* the answer is non-empty, at most ``k`` long, and every route is a simple path from ``src``
  to ``dst`` over existing links (else ``RoutingError``: a strategy bug, reported loudly).

Strategies register by name (:mod:`~qnetstack.network.routing.registry`), built-in and
third-party alike, through the entry-point group ``qnetstack.routing``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from enum import StrEnum
from itertools import islice
from typing import Any, ClassVar, Generic, TypeVar, cast

import networkx as nx
from pydantic import BaseModel, ConfigDict

from qnetstack.network import context as network_context
from qnetstack.network.routing.metrics import Route, RoutingError, check_annotated, evaluate_path

__all__ = [
    "EdgeWeight",
    "NoRouteError",
    "NoRouteKind",
    "RoutingConfig",
    "RoutingStrategy",
    "alternatives",
    "inverse_rate",
    "with_alternatives",
]

EdgeWeight = Callable[[Any, Any, Any], float | None]
"""A networkx weight function: ``(u, v, edge data dict) -> cost``; ``None`` hides the edge."""


class NoRouteKind(StrEnum):
    """Why there is no route (machine-readable, for failure statistics)."""

    UNKNOWN_NODE = "unknown-node"
    SAME_NODE = "same-node"
    DISCONNECTED = "disconnected"
    RATE_FLOOR = "rate-floor"
    FIDELITY = "fidelity"
    CONSTRAINT = "constraint"
    """Another constraint of the strategy's own (the default for third-party strategies)."""


class NoRouteError(network_context.NoRouteError):
    """No route from ``src`` to ``dst`` satisfies the strategy.

    A subclass of the network layer's own :class:`qnetstack.network.context.NoRouteError`, so
    the network layer turns every routing failure into a NO_ROUTE error, whatever raised it.

    Args:
        src: Source node.
        dst: Destination node.
        reason: Human-readable explanation (shown to the user as is).
        kind: The category of the failure.
    """

    def __init__(
        self, src: str, dst: str, reason: str, kind: NoRouteKind = NoRouteKind.CONSTRAINT
    ) -> None:
        super().__init__(src, dst, reason, kind)


class RoutingConfig(BaseModel):
    """Base of routing-strategy configurations: frozen, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


ConfigT = TypeVar("ConfigT", bound=RoutingConfig)


class RoutingStrategy(ABC, Generic[ConfigT]):
    """A routing strategy: picks paths for end-to-end requests on an annotated topology.

    Subclasses set :attr:`name`, :attr:`description` and :attr:`config_model` and implement
    :meth:`find`.

    Args:
        config: The validated configuration; ``None`` uses the model's defaults.
    """

    name: ClassVar[str]
    """Name a scenario selects the strategy by (lowercase, ``-`` separated)."""
    description: ClassVar[str]
    """One line: what the strategy optimises."""
    config_model: ClassVar[type[RoutingConfig]] = RoutingConfig
    """Pydantic model of the strategy's configuration."""

    def __init__(self, config: ConfigT | None = None) -> None:
        self.config: ConfigT = config if config is not None else cast(ConfigT, self.config_model())

    def routes(self, graph: nx.Graph[Any], src: str, dst: str, *, k: int = 1) -> list[Route]:
        """Up to ``k`` routes from ``src`` to ``dst``, best first.

        Args:
            graph: The topology, annotated with ``rate_hz`` and ``fidelity`` on every edge.
            src: Source node.
            dst: Destination node.
            k: Most routes wanted (≥ 1); multipath strategies use it, others may return fewer.

        Returns:
            At least one route.

        Raises:
            NoRouteError: The nodes are unknown, equal or disconnected, or no path meets the
                strategy's constraints.
            RoutingError: The graph is not annotated, ``k < 1``, or the strategy misbehaved.
        """
        if not isinstance(k, int) or k < 1:
            raise RoutingError(f"k must be an integer ≥ 1, got {k!r}")
        check_annotated(graph)
        for node in (src, dst):
            if node not in graph:
                raise NoRouteError(src, dst, f"unknown node {node!r}", NoRouteKind.UNKNOWN_NODE)
        if src == dst:
            raise NoRouteError(
                src, dst, "source and destination are the same node", NoRouteKind.SAME_NODE
            )
        if not nx.has_path(graph, src, dst):
            raise NoRouteError(
                src,
                dst,
                "they are in different components of the network",
                NoRouteKind.DISCONNECTED,
            )
        found = self.find(graph.copy(as_view=True), src, dst, k)
        if not found:
            raise RoutingError(f"strategy {self.name!r} returned no route and raised no error")
        for route in found[:k]:
            _check_route(graph, route, src, dst, self.name)
        return found[:k]

    @abstractmethod
    def find(self, graph: nx.Graph[Any], src: str, dst: str, k: int) -> list[Route]:
        """The strategy itself; called by :meth:`routes` after the common checks.

        ``src`` and ``dst`` are distinct, connected nodes of the annotated, read-only
        ``graph``. Return up to ``k`` routes (build them with
        :func:`~qnetstack.network.routing.metrics.evaluate_path`), best first, or raise
        :class:`NoRouteError` when the strategy's constraints exclude every path.
        """


def _check_route(graph: nx.Graph[Any], route: Route, src: str, dst: str, name: str) -> None:
    path = route.path
    if path[0] != src or path[-1] != dst or len(set(path)) != len(path):
        raise RoutingError(
            f"strategy {name!r} returned {list(path)!r}, not a simple {src}→{dst} path"
        )
    for a, b in route.links:
        if not graph.has_edge(a, b):
            raise RoutingError(f"strategy {name!r} returned a path over a missing link {a}-{b}")


def alternatives(
    graph: nx.Graph[Any],
    src: str,
    dst: str,
    *,
    weight: EdgeWeight | None,
    limit: int,
) -> Iterator[list[str]]:
    """Simple paths from ``src`` to ``dst`` in increasing total ``weight`` (Yen's algorithm).

    Yen, "Finding the K shortest loopless paths in a network", Management Science 17(11), 1971,
    as implemented by :func:`networkx.shortest_simple_paths`.

    Args:
        graph: The topology.
        src: Source node.
        dst: Destination node.
        weight: Edge cost (``None``: one per hop); edges it maps to ``None`` are hidden.
        limit: Most paths to generate (the enumeration is lazy).
    """
    try:
        yield from islice(nx.shortest_simple_paths(graph, src, dst, weight=weight), limit)
    except nx.NetworkXNoPath:
        return


def inverse_rate(u: str, v: str, data: dict[str, Any]) -> float:
    """Edge cost ``1 / rate_hz``: the link's mean time per pair, in s."""
    return 1.0 / float(data["rate_hz"])


def with_alternatives(
    graph: nx.Graph[Any],
    best: Route,
    k: int,
    *,
    weight: EdgeWeight | None,
    key: Callable[[Route], tuple[float, ...]],
    accept: Callable[[Route], bool] | None = None,
    max_candidates: int | None = None,
) -> list[Route]:
    """``best`` followed by up to ``k - 1`` other routes, ranked by ``key``.

    The other routes are the first paths in Yen order of ``weight`` (a proxy cost the strategy
    chooses) that ``accept`` admits, re-ranked by the strategy's ``key`` (smaller is better).
    When ``key`` orders paths like ``weight`` does, they are exactly the k best; otherwise they
    are good alternatives, not guaranteed optimal. ``best`` always comes first.

    Args:
        graph: The annotated topology.
        best: The strategy's optimal route.
        k: Routes wanted in total.
        weight: Yen's edge cost.
        key: Ranking of the alternatives.
        accept: Filter (e.g. a rate floor); ``None`` admits every path.
        max_candidates: Most paths to examine (default ``4 k + 16``), which bounds the work on
            large graphs.
    """
    if k <= 1:
        return [best]
    limit = max_candidates if max_candidates is not None else 4 * k + 16
    seen = {best.path}
    extra: list[Route] = []
    for path in alternatives(graph, best.src, best.dst, weight=weight, limit=limit):
        if tuple(path) in seen:
            continue
        route = evaluate_path(graph, path)
        if accept is None or accept(route):
            seen.add(route.path)
            extra.append(route)
            if len(extra) == k - 1:
                break
    extra.sort(key=key)
    return [best, *extra]
