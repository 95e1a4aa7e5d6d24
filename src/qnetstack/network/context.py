"""What a network-layer entity may know about the network: the graph and a route function.

The scenario builder (or a test) builds one :class:`NetworkContext` per run and hands it to every
network-layer entity's factory. Routing strategies plug in through :attr:`NetworkContext.route`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from qnetstack.network.swap import SwapPolicyRegistry
from qnetstack.physical.purification import PurificationRegistry

__all__ = ["NetworkContext", "NoRouteError"]


class NoRouteError(Exception):
    """No path from ``src`` to ``dst`` satisfies the routing strategy.

    Attributes:
        src: Where the path should start.
        dst: Where it should end.
        reason: Human-readable explanation (shown in the network layer's NO_ROUTE error).
        kind: Optional category of the failure (e.g. a routing strategy's own enum).
    """

    def __init__(self, src: str, dst: str, reason: str, kind: Any = None) -> None:
        super().__init__(f"no route from {src!r} to {dst!r}: {reason}")
        self.src = src
        self.dst = dst
        self.reason = reason
        self.kind = kind

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable with all fields, so it crosses process-pool boundaries in sweeps.
        return (type(self), (self.src, self.dst, self.reason, self.kind))


@dataclass(frozen=True)
class NetworkContext:
    """The network as the network layer sees it.

    Attributes:
        graph: Nodes are node names; every edge has ``length_km: float`` and
            ``link: LinkInfo`` (:class:`~qnetstack.physical.platform.LinkInfo`).
        route: ``route(src, dst)`` returns the node path ``[src, ..., dst]`` or raises
            :class:`NoRouteError`.
        swap_policies: Where the network layer looks up its ``swap_policy`` by name (the
            scenario builder passes the installed ones; default: the built-ins).
        purification_protocols: Where it looks up ``purification.protocol`` (likewise).
    """

    graph: nx.Graph[str]
    route: Callable[[str, str], list[str]]
    swap_policies: SwapPolicyRegistry = field(default_factory=SwapPolicyRegistry.with_builtins)
    purification_protocols: PurificationRegistry = field(
        default_factory=PurificationRegistry.with_builtins
    )

    def neighbours(self, node: str) -> list[str]:
        """The nodes sharing a link with ``node``, sorted."""
        return sorted(self.graph.neighbors(node))
