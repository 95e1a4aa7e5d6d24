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

from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any

from qnetstack.network.routing.base import RoutingStrategy
from qnetstack.network.routing.expected_rate import ExpectedRate
from qnetstack.network.routing.fidelity_aware import FidelityAware
from qnetstack.network.routing.k_shortest import KShortest
from qnetstack.network.routing.metrics import RoutingError
from qnetstack.network.routing.qcast import QCast
from qnetstack.network.routing.shortest_hops import ShortestHops
from qnetstack.network.routing.widest_path import WidestPath

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


class RoutingRegistry:
    """Routing-strategy classes by name.

    Args:
        strategies: Classes to register (names must be unique).
    """

    def __init__(self, strategies: Iterable[StrategyClass] = ()) -> None:
        self._classes: dict[str, StrategyClass] = {}
        self.load_errors: list[str] = []
        """Entry points that failed to load, as messages (one broken package must not break
        the others)."""
        for cls in strategies:
            self.register(cls)

    @classmethod
    def from_entry_points(cls) -> RoutingRegistry:
        """The built-ins plus every strategy installed under ``qnetstack.routing``."""
        registry = cls(BUILTIN_STRATEGIES)
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            try:
                obj = ep.load()
            except Exception as exc:  # a third-party import can fail in any way
                registry.load_errors.append(f"{ep.name} ({ep.value}): {type(exc).__name__}: {exc}")
                continue
            if registry._classes.get(ep.name) is obj:
                continue  # a built-in, listed in qnetstack's own entry points
            try:
                registry.register(obj)
            except RoutingError as exc:
                registry.load_errors.append(f"{ep.name} ({ep.value}): {exc}")
                continue
            if obj.name != ep.name:
                registry.load_errors.append(
                    f"{ep.name} ({ep.value}): registered as {obj.name!r}, its own name; "
                    "rename the entry point to match"
                )
        return registry

    def register(self, cls: object) -> None:
        """Add a strategy class.

        Raises:
            RoutingError: It is not a ``RoutingStrategy`` subclass with a name, description and
                config model, or its name is taken.
        """
        if not (isinstance(cls, type) and issubclass(cls, RoutingStrategy)):
            raise RoutingError(f"{cls!r} is not a RoutingStrategy subclass")
        for attr in ("name", "description", "config_model"):
            if not hasattr(cls, attr):
                raise RoutingError(f"{cls.__name__} has no {attr!r}")
        if cls.name in self._classes:
            raise RoutingError(f"two routing strategies are named {cls.name!r}")
        self._classes[cls.name] = cls

    def get(self, name: str) -> StrategyClass:
        """The strategy class called ``name``.

        Raises:
            RoutingError: Naming the strategies that are available.
        """
        try:
            return self._classes[name]
        except KeyError:
            known = ", ".join(repr(n) for n in self.names())
            raise RoutingError(f"unknown routing strategy {name!r}; available: {known}") from None

    def create(self, name: str, options: Mapping[str, Any] | None = None) -> RoutingStrategy[Any]:
        """An instance of strategy ``name`` configured from ``options``.

        Raises:
            RoutingError: Unknown name.
            pydantic.ValidationError: The options do not fit the strategy's config model.
        """
        cls = self.get(name)
        return cls(cls.config_model.model_validate(dict(options or {})))

    def names(self) -> list[str]:
        """Names of the registered strategies, sorted."""
        return sorted(self._classes)

    def all(self) -> list[StrategyClass]:
        """The registered strategy classes, by name."""
        return [self._classes[n] for n in self.names()]
