"""Writing a value at a path of a scenario, and checking that the path names a real field.

A path such as ``platform.fidelity`` or ``links[0].length_km`` addresses the scenario as
written in YAML. :func:`set_value` writes into a copy of that data, creating missing sections
(``routing.k`` when the scenario has no ``routing:`` yet; a plugin section that was left at its
default gets that default plugin's name, so ``platform.fidelity`` works on a scenario without
a ``platform:``). List items must exist: a sweep changes a scenario, it does not grow it.

:func:`check_field` then walks the scenario schema along the same path: the pydantic models of
the scenario, and for a plugin section (``platform``, ``link_layer``, ``network``) or
``routing`` the config model of the plugin or strategy that the point selects. A name that is
not a field is reported as ``platform.fidelityy: no such field; fields are: …``. Values are
not checked here: the scenario loader does that, with the field's allowed range.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from qnetstack.network.routing import RoutingError, RoutingRegistry
from qnetstack.runtime.plugins import PluginError, PluginRegistry
from qnetstack.scenario.schema import PluginChoice, RoutingSpec, Scenario
from qnetstack.service import LayerName
from qnetstack.sweep.values import PathToken, format_path

__all__ = ["PathError", "check_field", "set_value"]

# The scenario's plugin sections and the layer their plugin belongs to.
_PLUGIN_LAYERS = {
    "platform": LayerName.PHYSICAL,
    "link_layer": LayerName.LINK,
    "network": LayerName.NETWORK,
}


class PathError(ValueError):
    """The path does not name a field of the scenario; the message says what does."""


def set_value(data: dict[str, Any], tokens: tuple[PathToken, ...], value: Any) -> None:
    """Write ``value`` at ``tokens`` in the scenario mapping ``data`` (in place).

    Raises:
        PathError: A list index is out of range, or the path goes through a plain value.
    """
    node: Any = data
    for depth, token in enumerate(tokens):
        here = format_path(tokens[: depth + 1])
        last = depth == len(tokens) - 1
        if isinstance(token, int):
            if not isinstance(node, list):
                raise PathError(f"{here}: {format_path(tokens[:depth])} is not a list")
            if token >= len(node):
                size = len(node)
                raise PathError(
                    f"{here}: no such item; {format_path(tokens[:depth])} has {size} "
                    f"item{'' if size == 1 else 's'} (a sweep changes items, it does not add them)"
                )
            if last:
                node[token] = value
            else:
                node = node[token]
            continue
        if not isinstance(node, dict):
            parent = format_path(tokens[:depth])
            raise PathError(f"{here}: {parent} is a value ({node!r}), not a section with fields")
        if last:
            node[token] = value
            return
        if node.get(token) is None:
            node[token] = _new_section(tokens[: depth + 1])
        node = node[token]


def _new_section(tokens: tuple[PathToken, ...]) -> dict[str, Any]:
    """An empty section; a top-level plugin section starts with its default plugin."""
    if len(tokens) == 1 and isinstance(tokens[0], str):
        field = Scenario.model_fields.get(tokens[0])
        if field is not None and field.default_factory is not None:
            default = field.default_factory()  # type: ignore[call-arg]
            if isinstance(default, PluginChoice):
                return {"plugin": default.plugin}
    return {}


def check_field(
    data: dict[str, Any],
    tokens: tuple[PathToken, ...],
    registry: PluginRegistry,
    routing: RoutingRegistry,
) -> None:
    """Check that ``tokens`` names a field of the scenario ``data`` (after the point's values).

    Parts the schema leaves open (a plugin that is not installed, a free-form mapping) are not
    checked here; the scenario loader reports them.

    Raises:
        PathError: ``PATH: no such field; fields are: …`` for the first unknown name.
    """
    annotation: Any = Scenario
    node: Any = data
    for depth, token in enumerate(tokens):
        if isinstance(token, int):
            annotation = _item_annotation(annotation)
            node = node[token] if isinstance(node, list) and token < len(node) else None
            continue
        fields = _fields(annotation, node, tokens[:depth], registry, routing)
        if fields is None:
            return
        if token not in fields:
            names = ", ".join(sorted(fields))
            raise PathError(
                f"{format_path(tokens[: depth + 1])}: no such field; fields are: {names}"
            )
        annotation = fields[token]
        node = node.get(token) if isinstance(node, dict) else None


def _fields(
    annotation: Any,
    node: Any,
    where: tuple[PathToken, ...],
    registry: PluginRegistry,
    routing: RoutingRegistry,
) -> dict[str, Any] | None:
    """The fields (name → annotation) at this step, or ``None`` when the schema is open."""
    model = _model(annotation, node)
    if model is None:
        kinds = _kinds(annotation)
        if kinds:
            here = format_path(where)
            raise PathError(
                f"{here}: the scenario's {here} has no kind; set {here}.kind in the scenario "
                f"(or with --set {here}.kind=…), one of: {', '.join(kinds)}"
            )
        return None
    fields = {name: info.annotation for name, info in model.model_fields.items()}
    if model is PluginChoice:
        options = _plugin_model(where, node, registry)
        return None if options is None else {**_model_fields(options), **fields}
    if model is RoutingSpec:
        options = _strategy_model(node, routing)
        return None if options is None else {**_model_fields(options), **fields}
    return fields


def _model_fields(model: type[BaseModel]) -> dict[str, Any]:
    return {name: info.annotation for name, info in model.model_fields.items()}


def _plugin_model(
    where: tuple[PathToken, ...], node: Any, registry: PluginRegistry
) -> type[BaseModel] | None:
    layer = _PLUGIN_LAYERS.get(str(where[-1])) if len(where) == 1 else None
    name = node.get("plugin") if isinstance(node, dict) else None
    if layer is None or not isinstance(name, str):
        return None
    try:
        return registry.get(layer, name).config_model
    except PluginError:
        return None  # the loader reports the unknown plugin, naming the installed ones


def _strategy_model(node: Any, routing: RoutingRegistry) -> type[BaseModel] | None:
    name = node.get("strategy", "shortest-hops") if isinstance(node, dict) else "shortest-hops"
    if not isinstance(name, str):
        return None
    try:
        return routing.get(name).config_model
    except RoutingError:
        return None


def _model(annotation: Any, node: Any) -> type[BaseModel] | None:
    """The model at this step: unwraps ``X | None``, and picks a union member by ``kind``."""
    candidates = [c for c in _flatten(annotation) if _is_model(c)]
    if len(candidates) == 1:
        return typing.cast(type[BaseModel], candidates[0])
    kind = node.get("kind") if isinstance(node, dict) else None
    for candidate in candidates:
        field = candidate.model_fields.get("kind")
        if field is not None and kind in typing.get_args(field.annotation):
            return typing.cast(type[BaseModel], candidate)
    return None


def _kinds(annotation: Any) -> list[str]:
    """The ``kind`` tags of a discriminated union (empty for anything else)."""
    kinds = []
    for candidate in _flatten(annotation):
        field = candidate.model_fields.get("kind") if _is_model(candidate) else None
        if field is not None:
            kinds += [str(k) for k in typing.get_args(field.annotation)]
    return kinds if len(kinds) > 1 else []


def _flatten(annotation: Any) -> list[Any]:
    """Members of a union (``Annotated`` and ``None`` unwrapped)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _flatten(arg)]
    return [annotation]


def _item_annotation(annotation: Any) -> Any:
    """The item type of ``tuple[X, ...]``, ``tuple[X, Y]`` or ``list[X]`` (``Any`` otherwise)."""
    for member in _flatten(annotation):
        if typing.get_origin(member) in (tuple, list):
            args = [a for a in typing.get_args(member) if a is not Ellipsis]
            return args[0] if args else Any
    return Any


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)
