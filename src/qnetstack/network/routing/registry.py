"""Routing strategies by name: the built-ins plus those installed under ``qnetstack.routing``.

A third-party package makes a strategy available by exporting its
:class:`~qnetstack.network.routing.base.RoutingStrategy` subclass under the entry-point group
``qnetstack.routing``, with the entry point named like the strategy::

    [project.entry-points."qnetstack.routing"]
    avoid-node = "my_routing.avoid:AvoidNode"

The built-in strategies are registered the same way in qnetstack's own ``pyproject.toml``, and
are also always included by :meth:`RoutingRegistry.from_entry_points`, so they work even from a
source tree whose metadata is stale. Like :class:`qnetstack.runtime.plugins.PluginRegistry`,
the registry is an explicit object, not a global changed at import time.
"""

from __future__ import annotations

from typing import Any

from qnetstack.network.routing.base import RoutingStrategy
from qnetstack.network.routing.expected_rate import ExpectedRate
from qnetstack.network.routing.fidelity_aware import FidelityAware
from qnetstack.network.routing.k_shortest import KShortest
from qnetstack.network.routing.metrics import RoutingError
from qnetstack.network.routing.qcast import QCast
from qnetstack.network.routing.shortest_hops import ShortestHops
from qnetstack.network.routing.widest_path import WidestPath
from qnetstack.registry import NamedRegistry

__all__ = ["BUILTIN_STRATEGIES", "ENTRY_POINT_GROUP", "RoutingRegistry"]

ENTRY_POINT_GROUP = "qnetstack.routing"

StrategyClass = type[RoutingStrategy[Any]]

BUILTIN_STRATEGIES: tuple[StrategyClass, ...] = (
    ShortestHops,
    ExpectedRate,
    FidelityAware,
    WidestPath,
    KShortest,
    QCast,
)
"""The strategies that ship with qnetstack."""


class RoutingRegistry(NamedRegistry[RoutingStrategy[Any]]):
    """Routing-strategy classes by name (:class:`~qnetstack.registry.NamedRegistry`).

    Args:
        strategies: Classes to register (names must be unique).
    """

    kind = "routing strategy"
    kinds = "routing strategies"
    group = ENTRY_POINT_GROUP
    base = RoutingStrategy
    required = ("name", "description", "config_model")
    builtins = BUILTIN_STRATEGIES
    error = RoutingError
