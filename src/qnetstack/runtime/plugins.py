"""The plugin registry: protocols and platforms found through the ``qnetstack.plugins`` group.

Every layer implementation, built-in or third-party, is a :class:`~qnetstack.service.PluginSpec`
exported under the entry-point group ``qnetstack.plugins``. The registry is an explicit object
(not a global mutated at import time), so tests can build one from a list of specs.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import entry_points

from qnetstack.service import LayerName, PluginSpec

__all__ = ["ENTRY_POINT_GROUP", "PluginError", "PluginRegistry"]

ENTRY_POINT_GROUP = "qnetstack.plugins"


class PluginError(Exception):
    """A plugin could not be found or loaded."""


class PluginRegistry:
    """Plugins by layer and name."""

    def __init__(self, specs: Iterable[PluginSpec] = ()) -> None:
        self._specs: dict[tuple[LayerName, str], PluginSpec] = {}
        self.load_errors: list[str] = []
        """Entry points that failed to load, as messages (shown by ``qnetstack plugins``)."""
        for spec in specs:
            self.register(spec)

    @classmethod
    def from_entry_points(cls) -> PluginRegistry:
        """Load every plugin installed in this environment.

        A plugin that fails to import or does not export a ``PluginSpec`` is skipped and
        reported in :attr:`load_errors`, so one broken package does not break the others.
        """
        registry = cls()
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            try:
                spec = ep.load()
            except Exception as exc:  # a third-party import can fail in any way
                registry.load_errors.append(f"{ep.name} ({ep.value}): {type(exc).__name__}: {exc}")
                continue
            if not isinstance(spec, PluginSpec):
                registry.load_errors.append(
                    f"{ep.name} ({ep.value}): exports {type(spec).__name__}, not a PluginSpec"
                )
                continue
            registry.register(spec)
        return registry

    def register(self, spec: PluginSpec) -> None:
        """Add a plugin; a second plugin with the same layer and name is an error."""
        key = (spec.layer, spec.name)
        if key in self._specs:
            raise PluginError(f"two {spec.layer.value} plugins are named {spec.name!r}")
        self._specs[key] = spec

    def get(self, layer: LayerName, name: str) -> PluginSpec:
        """The plugin ``name`` of ``layer``.

        Raises:
            PluginError: Naming the plugins that are available for the layer.
        """
        try:
            return self._specs[(layer, name)]
        except KeyError:
            known = ", ".join(repr(n) for n in self.names(layer)) or "none installed"
            raise PluginError(
                f"unknown {layer.value} plugin {name!r}; available: {known}"
            ) from None

    def names(self, layer: LayerName) -> list[str]:
        """Names of the plugins of ``layer``, sorted."""
        return sorted(name for (lay, name) in self._specs if lay is layer)

    def all(self) -> list[PluginSpec]:
        """Every plugin, ordered by layer (bottom up) then name."""
        order = list(LayerName)
        return sorted(self._specs.values(), key=lambda s: (order.index(s.layer), s.name))
