"""mkdocs hook: generate the scenario-schema and plugin reference from the code.

Pages contain marker comments that this hook replaces before Markdown is rendered:

* ``<!-- gen:scenario-schema -->``: one table per model of
  :class:`qnetstack.scenario.schema.Scenario`, built from ``Scenario.model_json_schema()``;
* ``<!-- gen:plugin-configs -->``: one table per installed plugin's ``config_model``;
* ``<!-- gen:plugin-list -->``: the plugin list (name, layer, description), like
  ``qnetstack plugins``.

Plugins come from :meth:`qnetstack.runtime.PluginRegistry.from_entry_points`, i.e. from what is
installed in the environment that builds the docs. A marker left unreplaced is a build error.
"""

from __future__ import annotations

import importlib
import json
import math
import re
from typing import Any

from pydantic import BaseModel

_SCHEMA = "<!-- gen:scenario-schema -->"
_CONFIGS = "<!-- gen:plugin-configs -->"
_PLUGINS = "<!-- gen:plugin-list -->"

_CONSTRAINTS = (
    ("minimum", "≥ {}"),
    ("exclusiveMinimum", "> {}"),
    ("maximum", "≤ {}"),
    ("exclusiveMaximum", "< {}"),
    ("minLength", "length ≥ {}"),
    ("maxLength", "length ≤ {}"),
    ("minItems", "≥ {} items"),
    ("maxItems", "≤ {} items"),
    ("pattern", "matches `{}`"),
)


def _cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _number(value: Any) -> str:
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)) if abs(value) >= 1e4 else repr(value)
        return repr(value)
    if isinstance(value, int) and value >= 2**31:
        exponent = value.bit_length() - 1
        return f"2^{exponent}" if value == 2**exponent else str(value)
    return str(value)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = _ref_name(prop["$ref"])
        return f"[{name}](#{name.lower()})"
    if "allOf" in prop and len(prop["allOf"]) == 1:
        return _type(prop["allOf"][0])
    if "anyOf" in prop:
        return " or ".join(_type(p) for p in prop["anyOf"])
    if "enum" in prop:
        return " or ".join(f"`{json.dumps(v)}`" for v in prop["enum"])
    kind = prop.get("type")
    if kind == "array":
        if "prefixItems" in prop:
            return "[" + ", ".join(_type(p) for p in prop["prefixItems"]) + "]"
        if "items" in prop:
            return f"list of {_type(prop['items'])}"
        return "list"
    if kind == "null":
        return "null"
    return {"number": "float", "integer": "int", "string": "str", "boolean": "bool",
            "object": "mapping"}.get(str(kind), str(kind))  # fmt: skip


def _default(
    name: str, prop: dict[str, Any], required: set[str], model: type[BaseModel] | None
) -> str:
    if name in required:
        return "*required*"
    if "default" in prop:
        value = prop["default"]
    elif model is not None and name in model.model_fields:
        # default_factory values are not in the JSON schema; ask the model.
        value = model.model_fields[name].get_default(call_default_factory=True)
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json")
    else:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"`{_number(value)}`"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _constraints(prop: dict[str, Any]) -> str:
    parts = [fmt.format(_number(prop[key])) for key, fmt in _CONSTRAINTS if key in prop]
    return ", ".join(parts)


def _model_table(
    schema: dict[str, Any], model: type[BaseModel] | None, heading: str, level: int = 3
) -> str:
    lines = [f"{'#' * level} {heading}", ""]
    description = schema.get("description", "")
    if description:
        lines += [description.replace("``", "`"), ""]
    if "enum" in schema:
        values = ", ".join(f"`{v}`" for v in schema["enum"])
        return "\n".join([*lines, f"One of: {values}.", ""])
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    if not props:
        return "\n".join([*lines, "No fields.", ""])
    lines += ["| field | type | default | constraints | description |", "|---|---|---|---|---|"]
    for name, prop in props.items():
        row = (
            f"`{name}`",
            _type(prop),
            _default(name, prop, required, model),
            _cell(_constraints(prop)),
            _cell(str(prop.get("description", "")).replace("``", "`")),
        )
        lines.append("| " + " | ".join(row) + " |")
    if schema.get("additionalProperties") is False:
        lines += ["", "Unknown fields are rejected."]
    elif schema.get("additionalProperties") is True:
        lines += ["", "Other keys are passed to the plugin's own configuration model (below)."]
    return "\n".join([*lines, ""])


def scenario_schema_markdown() -> str:
    """One table per model of the scenario schema, root first."""
    from qnetstack.scenario import schema as module
    from qnetstack.scenario.schema import Scenario

    schema = Scenario.model_json_schema()
    parts = [_model_table(schema, Scenario, "Scenario")]
    for name, definition in schema.get("$defs", {}).items():
        model = getattr(module, name, None)
        model = model if isinstance(model, type) and issubclass(model, BaseModel) else None
        parts.append(_model_table(definition, model, name))
    return "\n".join(parts)


def _registry() -> Any:
    from qnetstack.runtime import PluginRegistry

    return PluginRegistry.from_entry_points()


def plugin_configs_markdown() -> str:
    """One table per installed plugin's configuration model."""
    sections = {"physical": "platform", "link": "link_layer"}
    parts = []
    for spec in _registry().all():
        section = sections.get(spec.layer.value, spec.layer.value)
        heading = f"`{spec.name}` ({spec.layer.value} layer, section `{section}:`)"
        model = spec.config_model
        schema = model.model_json_schema()
        parts.append(_model_table(schema, model, heading))
        # Nested models (e.g. the NV platform's optics, electron, …) get their own tables, so
        # the type links of the table above resolve.
        for name, definition in schema.get("$defs", {}).items():
            nested = getattr(importlib.import_module(model.__module__), name, None)
            nested = nested if isinstance(nested, type) and issubclass(nested, BaseModel) else None
            parts.append(_model_table(definition, nested, name, level=4))
    return "\n".join(parts)


def plugin_list_markdown() -> str:
    """The table ``qnetstack plugins`` prints, as Markdown."""
    registry = _registry()
    lines = ["| name | layer | description | configuration model |", "|---|---|---|---|"]
    for spec in registry.all():
        model = f"`{spec.config_model.__module__}.{spec.config_model.__qualname__}`"
        lines.append(
            f"| `{spec.name}` | {spec.layer.value} | {_cell(spec.description)} | {model} |"
        )
    for problem in registry.load_errors:
        lines += ["", f'!!! warning "A plugin failed to load"\n    {problem}']
    return "\n".join(lines) + "\n"


_ONE_CONFIG = re.compile(r"<!-- gen:plugin-config (\S+) (\S+) -->")


def _one_plugin_config(match: re.Match[str]) -> str:
    """The configuration table of one plugin: ``<!-- gen:plugin-config LAYER NAME -->``."""
    from qnetstack.service import LayerName

    spec = _registry().get(LayerName(match.group(1)), match.group(2))
    model = spec.config_model
    schema = model.model_json_schema()
    parts = [_model_table(schema, model, f"`{spec.name}` configuration", 4)]
    for name, definition in schema.get("$defs", {}).items():  # nested sections: link targets
        nested = getattr(importlib.import_module(model.__module__), name, None)
        nested = nested if isinstance(nested, type) and issubclass(nested, BaseModel) else None
        parts.append(_model_table(definition, nested, name, level=5))
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace this hook's markers with generated Markdown."""
    markdown = _ONE_CONFIG.sub(_one_plugin_config, markdown)
    for marker, render in (
        (_SCHEMA, scenario_schema_markdown),
        (_CONFIGS, plugin_configs_markdown),
        (_PLUGINS, plugin_list_markdown),
    ):
        if marker in markdown:
            markdown = markdown.replace(marker, render())
    return markdown
