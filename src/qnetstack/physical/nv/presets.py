"""Named NV parameter presets: every set of the project reference ``nv_parameter_sets.json``.

Why presets carry a source per value: simulation results are only as credible as their inputs,
and the published sets are incomplete, use different units and noise parametrisations, and
sometimes contradict each other. ``presets.json`` therefore stores, for every
:class:`~qnetstack.physical.nv.params.NVConfig` field path, the value, its unit, where it comes
from (the reference set entry, a conversion such as F ⇒ p = 4(1−F)/3, ``inherited from …`` or
``default: …``) and a provenance tag (S, S2, M, D as in the reference sheet, plus ``default``).
``qnetstack presets show NAME`` prints exactly this via :func:`preset_table`.

Link geometry is not platform configuration; each preset records the geometry its reference
numbers were computed for as ``reference_arms_km`` (node-to-station fibre of node_a, node_b).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from qnetstack.physical.nv.params import NVConfig

__all__ = [
    "PresetRow",
    "list_presets",
    "load_preset",
    "preset_description",
    "preset_reference_arms_km",
    "preset_table",
]


@dataclass(frozen=True, slots=True)
class PresetRow:
    """One value of a preset with its provenance.

    Attributes:
        path: Dotted NVConfig field path, e.g. ``optics.visibility``.
        value: The value (JSON types; ``"inf"`` for an infinite time constant).
        unit: Unit of the value (``-`` for dimensionless).
        source: Where the value comes from, including any conversion.
        tag: Provenance tag: S, S2, M, D (reference sheet) or ``default``.
    """

    path: str
    value: Any
    unit: str
    source: str
    tag: str


@cache
def _presets() -> dict[str, Any]:
    text = resources.files("qnetstack.physical.nv").joinpath("presets.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)["presets"]
    return data


def _preset(name: str) -> dict[str, Any]:
    presets = _presets()
    try:
        entry: dict[str, Any] = presets[name]
    except KeyError:
        raise ValueError(
            f"unknown NV preset {name!r}; available presets: {', '.join(sorted(presets))}"
        ) from None
    return entry


def list_presets() -> list[str]:
    """Names of all NV presets, sorted."""
    return sorted(_presets())


def preset_description(name: str) -> str:
    """One-paragraph description of preset ``name`` (raises ValueError if unknown)."""
    return str(_preset(name)["description"])


def preset_reference_arms_km(name: str) -> tuple[float, float]:
    """Node-to-station fibre lengths (node_a, node_b) the preset's reference numbers assume."""
    arm_a, arm_b = _preset(name)["reference_arms_km"]
    return float(arm_a), float(arm_b)


def preset_table(name: str) -> list[PresetRow]:
    """Every value of preset ``name`` with unit, source and tag, in NVConfig field order."""
    return [
        PresetRow(path, row["value"], row["unit"], row["source"], row["tag"])
        for path, row in _preset(name)["values"].items()
    ]


def _set_path(tree: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = tree
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[leaf] = value


def _deep_merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> None:
    """Merge ``overrides`` into ``base`` in place; keys may be dotted paths."""
    for key, value in overrides.items():
        if "." in key:
            head, rest = key.split(".", 1)
            _deep_merge(base, {head: {rest: value}})
            continue
        current = base.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            _deep_merge(current, value)
        elif isinstance(value, Mapping):
            base[key] = {}
            _deep_merge(base[key], value)
        else:
            base[key] = value


def load_preset(name: str, overrides: Mapping[str, Any] | None = None) -> NVConfig:
    """Build the validated :class:`NVConfig` of preset ``name``, with optional overrides.

    Args:
        name: A name from :func:`list_presets`.
        overrides: Values deep-merged over the preset before validation, as a nested mapping
            (``{"optics": {"visibility": 0.95}}``) or with dotted keys
            (``{"optics.visibility": 0.95}``).

    Raises:
        ValueError: If ``name`` is not a preset (the message lists the presets).
        pydantic.ValidationError: If the merged values are not a valid configuration (unknown
            field, value out of range, ...); the error names the field.
    """
    tree: dict[str, Any] = {}
    for path, row in _preset(name)["values"].items():
        _set_path(tree, path, row["value"])
    tree["preset"] = name
    if overrides:
        _deep_merge(tree, overrides)
    return NVConfig.model_validate(tree)
