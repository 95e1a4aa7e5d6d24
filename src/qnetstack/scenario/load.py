"""Loading a scenario: YAML → schema → plugin configs → cross-field checks, with clear errors.

Every problem becomes a :class:`ScenarioIssue` with a dotted field path (``links[0].length_km``)
and a message saying what is allowed. :class:`ScenarioError` carries all of them, so a user fixes
a file in one pass, and the CLI prints them without a traceback (exit code 2).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated_types
import yaml
from pydantic import BaseModel, ValidationError

from qnetstack.network.direct import DIRECT_PLUGIN
from qnetstack.network.topology import TopologyError
from qnetstack.runtime.plugins import PluginError, PluginRegistry
from qnetstack.scenario.schema import LinkSpec, NodeSpec, PluginChoice, RequestSpec, Scenario
from qnetstack.scenario.topology import build_topology
from qnetstack.service import LayerName

__all__ = ["LoadedScenario", "ScenarioError", "ScenarioIssue", "load_scenario", "parse_scenario"]

_PLUGIN_SECTIONS: dict[str, LayerName] = {
    "platform": LayerName.PHYSICAL,
    "link_layer": LayerName.LINK,
    "network": LayerName.NETWORK,
    "transport": LayerName.TRANSPORT,
    "app": LayerName.APP,
}


@dataclass(frozen=True, slots=True)
class ScenarioIssue:
    """One problem in a scenario: where and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ScenarioError(Exception):
    """The scenario is invalid; :attr:`issues` lists every problem found."""

    def __init__(self, source: str, issues: list[ScenarioIssue]) -> None:
        self.source = source
        self.issues = issues
        lines = "\n".join(f"  {issue}" for issue in issues)
        super().__init__(f"invalid scenario {source}:\n{lines}")


@dataclass(frozen=True, slots=True)
class LoadedScenario:
    """A validated scenario with its plugin configurations parsed."""

    scenario: Scenario
    plugin_configs: dict[str, BaseModel]
    """Validated config model per plugin section (``platform``, ``link_layer``)."""
    source: str


def load_scenario(path: str | Path, registry: PluginRegistry) -> LoadedScenario:
    """Read, parse and validate a scenario file.

    Raises:
        ScenarioError: If the file cannot be read or the scenario is invalid.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, [ScenarioIssue("", "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError(source, [ScenarioIssue("", "is a directory, not a file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [ScenarioIssue("", f"cannot read file: {exc}")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        issue = ScenarioIssue("", f"not valid YAML{where}: {problem}")
        raise ScenarioError(source, [issue]) from None
    return parse_scenario(data, registry, source, base_dir=Path(path).parent)


def parse_scenario(
    data: Any,
    registry: PluginRegistry,
    source: str = "<scenario>",
    *,
    base_dir: Path | None = None,
) -> LoadedScenario:
    """Validate already-parsed scenario data (a mapping).

    Args:
        data: The scenario mapping.
        registry: Where plugins are looked up.
        source: Name of the scenario in messages.
        base_dir: Directory relative paths (topology files) are resolved against.
    """
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        issue = ScenarioIssue("", f"a scenario must be a mapping of fields, got {kind}")
        raise ScenarioError(source, [issue])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        # Report the plugin sections' problems too, so one pass fixes the whole file.
        issues = _issues_from(exc, Scenario)
        reported = {issue.path.split(".")[0] for issue in issues}
        choices = _raw_choices(data, skip=reported)
        _plugin_configs(choices, registry, issues)
        raise ScenarioError(source, issues) from None
    issues = []
    expanded = _expand_topology(scenario, base_dir or Path.cwd(), issues)
    topology_failed = expanded is None
    scenario = scenario if expanded is None else expanded
    choices = {
        section: getattr(scenario, section)
        for section in _PLUGIN_SECTIONS
        if getattr(scenario, section) is not None
    }
    configs = _plugin_configs(choices, registry, issues)
    issues += _check_routing(scenario)
    issues += _check_swap_policy(configs)
    issues += _check_purification_protocol(configs)
    issues += _check_repeater_memory(scenario, registry, configs)
    if not topology_failed:  # without its nodes every name would be reported unknown
        issues += check_semantics(scenario)
    if issues:
        raise ScenarioError(source, issues)
    return LoadedScenario(scenario, configs, source)


def _check_routing(scenario: Scenario) -> list[ScenarioIssue]:
    """The routing strategy must exist and accept its options."""
    spec = scenario.routing
    if spec is None:
        return []
    from qnetstack.network.routing import RoutingError, RoutingRegistry

    strategies = RoutingRegistry.from_entry_points()
    try:
        cls = strategies.get(spec.strategy)
    except RoutingError as exc:
        return [ScenarioIssue("routing.strategy", str(exc))]
    try:
        cls.config_model.model_validate(spec.options())
    except ValidationError as exc:
        return _issues_from(exc, cls.config_model, prefix="routing")
    issues = []
    if scenario.network is None:
        issues.append(ScenarioIssue("routing", "routing needs a network layer (network: ...)"))
    return issues


def _check_swap_policy(configs: dict[str, BaseModel]) -> list[ScenarioIssue]:
    """A network layer with a ``swap_policy`` must name an installed policy that accepts its
    ``swap_options``."""
    config = configs.get("network")
    name = getattr(config, "swap_policy", None)
    if not isinstance(name, str):
        return []
    from qnetstack.network.swap import SwapPolicyError, SwapPolicyRegistry

    policies = SwapPolicyRegistry.from_entry_points()
    try:
        cls = policies.get(name)
    except SwapPolicyError as exc:
        return [ScenarioIssue("network.swap_policy", str(exc))]
    try:
        cls.config_model.model_validate(dict(getattr(config, "swap_options", {})))
    except ValidationError as exc:
        return _issues_from(exc, cls.config_model, prefix="network.swap_options")
    return []


def _check_purification_protocol(configs: dict[str, BaseModel]) -> list[ScenarioIssue]:
    """A network layer's ``purification.protocol`` must name an installed protocol."""
    purification = getattr(configs.get("network"), "purification", None)
    name = getattr(purification, "protocol", None)
    if not isinstance(name, str):
        return []
    from qnetstack.physical.purification import PurificationError, PurificationRegistry

    try:
        PurificationRegistry.from_entry_points().get(name)
    except PurificationError as exc:
        return [ScenarioIssue("network.purification.protocol", str(exc))]
    return []


def _check_repeater_memory(
    scenario: Scenario, registry: PluginRegistry, configs: dict[str, BaseModel]
) -> list[ScenarioIssue]:
    """With a network layer, a node with two or more links may be a repeater, and swapping
    needs a half towards each side: a platform that holds fewer than two would stall. A
    purification recurrence of N rounds needs N + 1 halves at once at each end it runs at
    (plus one towards the other side at a repeater, for link purification)."""
    config = configs.get("platform")
    if scenario.network is None or config is None:
        return []
    platform = registry.get(LayerName.PHYSICAL, scenario.platform.plugin).factory
    halves = platform.halves_per_node(config) if hasattr(platform, "halves_per_node") else None
    if halves is None:
        return []
    need_end, need_repeater, why = 1, 2, "to swap"
    purification = getattr(configs.get("network"), "purification", None)
    if purification is not None:
        rounds = purification.rounds if purification.policy == "rounds" else purification.max_rounds
        need_end = rounds + 1
        need_repeater = rounds + 2 if purification.scope == "link" else 2
        why = f"to swap and purify ({rounds} rounds, {purification.scope} scope)"
    degree: dict[str, int] = {}
    for link in scenario.links:
        for end in link.nodes:
            degree[end] = degree.get(end, 0) + 1
    short = sorted(
        name for name, d in degree.items() if halves < (need_repeater if d >= 2 else need_end)
    )
    if not short:
        return []
    need = max(need_repeater if degree[name] >= 2 else need_end for name in short)
    return [
        ScenarioIssue(
            "platform",
            f"each node holds {halves} pair {'half' if halves == 1 else 'halves'}; nodes "
            f"({', '.join(short[:3])}{', …' if len(short) > 3 else ''}) need at least {need} "
            f"{why} (allowed: memory_slots >= {need}, or carbon.count >= {need - 1} on NV)",
        )
    ]


def _raw_choices(data: dict[str, Any], skip: set[str]) -> dict[str, PluginChoice]:
    """Plugin sections of unvalidated data that are well-formed enough to check on their own."""
    choices = {}
    for section in _PLUGIN_SECTIONS:
        raw = data.get(section)
        if section in skip or not isinstance(raw, dict) or not isinstance(raw.get("plugin"), str):
            continue
        choices[section] = PluginChoice.model_validate(raw)
    return choices


def _plugin_configs(
    choices: dict[str, PluginChoice], registry: PluginRegistry, issues: list[ScenarioIssue]
) -> dict[str, BaseModel]:
    configs: dict[str, BaseModel] = {}
    for section, choice in choices.items():
        layer = _PLUGIN_SECTIONS[section]
        try:
            spec = registry.get(layer, choice.plugin)
        except PluginError as exc:
            issues.append(ScenarioIssue(f"{section}.plugin", str(exc)))
            continue
        try:
            configs[section] = spec.config_model.model_validate(choice.options())
        except ValidationError as exc:
            issues += _issues_from(exc, spec.config_model, prefix=section)
    return configs


def _expand_topology(
    scenario: Scenario, base_dir: Path, issues: list[ScenarioIssue]
) -> Scenario | None:
    """Replace a ``topology:`` generator by the nodes and links it generates.

    Returns ``None`` when the topology cannot be built (the issue says why).
    """
    spec = scenario.topology
    if spec is None:
        return scenario
    if scenario.nodes or scenario.links:
        issues.append(
            ScenarioIssue("topology", "give either a topology or nodes and links, not both")
        )
        return None
    try:
        graph = build_topology(spec, base_dir)
    except TopologyError as exc:
        issues.append(ScenarioIssue(f"topology ({spec.kind})", str(exc)))
        return None
    nodes = tuple(NodeSpec(name=str(name)) for name in graph.nodes)
    links = tuple(
        LinkSpec(nodes=(str(a), str(b)), length_km=float(data["length_km"]))
        for a, b, data in graph.edges(data=True)
    )
    return scenario.model_copy(update={"nodes": nodes, "links": links})


def check_semantics(scenario: Scenario) -> list[ScenarioIssue]:
    """Cross-field checks the schema cannot express: names must resolve, links be unique."""
    issues: list[ScenarioIssue] = []
    if len(scenario.nodes) < 2:
        issues.append(ScenarioIssue("nodes", "at least two nodes are needed (or a topology)"))
    if not scenario.links:
        issues.append(ScenarioIssue("links", "at least one link is needed (or a topology)"))
    if not scenario.nodes:
        return issues  # every name elsewhere would be reported unknown
    names = [node.name for node in scenario.nodes]
    known = set(names)
    allowed = ", ".join(names)
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            issues.append(ScenarioIssue(f"nodes[{i}].name", f"duplicate node name {name!r}"))
        seen.add(name)
    pairs: set[frozenset[str]] = set()
    for i, link in enumerate(scenario.links):
        for j, end in enumerate(link.nodes):
            if end not in known:
                issues.append(
                    ScenarioIssue(
                        f"links[{i}].nodes[{j}]", f"unknown node {end!r}; nodes: {allowed}"
                    )
                )
        if link.nodes[0] == link.nodes[1]:
            issues.append(ScenarioIssue(f"links[{i}].nodes", "a link needs two different nodes"))
        key = frozenset(link.nodes)
        if key in pairs:
            issues.append(ScenarioIssue(f"links[{i}].nodes", "duplicate link between these nodes"))
        pairs.add(key)
    for i, request in enumerate(scenario.requests):
        for field in ("src", "dst"):
            name = getattr(request, field)
            if name not in known:
                issues.append(
                    ScenarioIssue(
                        f"requests[{i}].{field}", f"unknown node {name!r}; nodes: {allowed}"
                    )
                )
        if request.src == request.dst:
            issues.append(ScenarioIssue(f"requests[{i}].dst", "must differ from src"))
        elif (
            (scenario.network is None or scenario.network.plugin == DIRECT_PLUGIN)
            and {request.src, request.dst} <= known
            and frozenset((request.src, request.dst)) not in pairs
        ):
            issues.append(
                ScenarioIssue(
                    f"requests[{i}].dst",
                    f"no link between {request.src!r} and {request.dst!r}; requests between "
                    "nodes that are not neighbours need a network layer with repeaters "
                    "(network: {plugin: qnp})",
                )
            )
        if scenario.network is not None and request.type == "measure" and request.atomic:
            issues.append(
                ScenarioIssue(f"requests[{i}].atomic", "measured pairs are never held together")
            )
        if request.app_session and scenario.app is None:
            issues.append(
                ScenarioIssue(
                    f"requests[{i}].app_session",
                    "an app session needs an application plugin: add app: {plugin: NAME}",
                )
            )
        if request.app_session and (request.qkd or request.teleport or request.ghz):
            issues.append(
                ScenarioIssue(
                    f"requests[{i}].app_session",
                    "a request is either an app session or a qkd, teleport or ghz request",
                )
            )
        issues += _check_measure_apps(i, request)
        issues += _check_teleport(i, request, scenario)
        issues += _check_ghz(i, request, scenario, known, allowed)
        if request.start_s >= scenario.stop_time_s:
            issues.append(
                ScenarioIssue(
                    f"requests[{i}].start_s",
                    f"starts at {request.start_s} s, not before stop_time_s = "
                    f"{scenario.stop_time_s} s",
                )
            )
    return issues


def _check_measure_apps(i: int, request: RequestSpec) -> list[ScenarioIssue]:
    """QKD and CHSH work on pairs both ends measure in independently random bases: Z/X for
    BBM92 and the inferred CHSH, Ekert's three directions per end for E91."""
    issues = []
    if request.qkd is not None and request.type == "measure":
        e91_basis = request.measure_basis == "e91"
        if request.qkd.protocol == "e91" and not e91_basis:
            return [
                ScenarioIssue(
                    f"requests[{i}].measure_basis",
                    "qkd protocol e91 needs each end's E91 directions: allowed measure_basis: "
                    f"e91 (got {request.measure_basis!r})",
                )
            ]
        if request.qkd.protocol != "e91" and e91_basis:
            return [
                ScenarioIssue(
                    f"requests[{i}].qkd.protocol",
                    "measure_basis e91 measures along E91's rotated directions: allowed "
                    f"protocol: e91 (got {request.qkd.protocol!r})",
                )
            ]
    for name, wanted in (("qkd", request.qkd is not None), ("chsh", request.chsh)):
        if not wanted:
            continue
        if request.type != "measure":
            issues.append(
                ScenarioIssue(
                    f"requests[{i}].{name}",
                    f"{name} needs the pairs measured: set type: measure (got {request.type!r})",
                )
            )
        elif name == "qkd" and request.measure_basis not in ("random", "e91"):
            issues.append(
                ScenarioIssue(
                    f"requests[{i}].measure_basis",
                    f"qkd needs both Z and X outcomes: allowed measure_basis: random "
                    f"(got {request.measure_basis!r})",
                )
            )
        elif name == "chsh" and request.measure_basis not in ("random", "e91"):
            issues.append(
                ScenarioIssue(
                    f"requests[{i}].measure_basis",
                    "chsh needs outcomes in random bases: allowed measure_basis: random (Z/X, "
                    f"S inferred), e91 (S measured) (got {request.measure_basis!r})",
                )
            )
    return issues


def _check_teleport(i: int, request: RequestSpec, scenario: Scenario) -> list[ScenarioIssue]:
    """Teleportation runs over the network layer's end-to-end pairs, kept in memory (between
    neighbours of a scenario without ``network:``, over the ``direct`` network layer)."""
    if request.teleport is None:
        return []
    issues = []
    if request.type != "keep":
        issues.append(
            ScenarioIssue(
                f"requests[{i}].type",
                f"a teleport request keeps its pairs: allowed type: keep (got {request.type!r})",
            )
        )
    if request.atomic:
        issues.append(
            ScenarioIssue(f"requests[{i}].atomic", "teleport requests send qubits one by one")
        )
    return issues


def _check_ghz(
    i: int, request: RequestSpec, scenario: Scenario, known: set[str], allowed: str
) -> list[ScenarioIssue]:
    """GHZ fusion needs end-to-end pairs kept at the centre, with a third, distinct node."""
    spec = request.ghz
    if spec is None:
        return []
    where = f"requests[{i}].ghz"
    issues = []
    if scenario.network is None:
        issues.append(
            ScenarioIssue(
                where, "GHZ distribution needs a network layer: add network: {plugin: qnp}"
            )
        )
    if request.teleport is not None:
        issues.append(ScenarioIssue(where, "a request either teleports or makes GHZ states"))
    if request.type != "keep":
        issues.append(
            ScenarioIssue(
                f"requests[{i}].type",
                f"GHZ fusion keeps its pairs: allowed type: keep (got {request.type!r})",
            )
        )
    if spec.other not in known:
        issues.append(
            ScenarioIssue(f"{where}.other", f"unknown node {spec.other!r}; nodes: {allowed}")
        )
    elif spec.other in (request.src, request.dst):
        issues.append(
            ScenarioIssue(f"{where}.other", "the third node must differ from src and dst")
        )
    return issues


# --- pydantic error translation ----------------------------------------------------------------


def _issues_from(
    exc: ValidationError, model: type[BaseModel], prefix: str = ""
) -> list[ScenarioIssue]:
    issues = []
    errors = exc.errors(include_url=False)
    deeper = {tuple(e["loc"][:i]) for e in errors for i in range(len(e["loc"]))}
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "too_short" and loc in deeper:
            continue  # a list emptied by its own invalid items: the item errors say why
        path = _format_path(((prefix,) if prefix else ()) + loc)
        if error["type"] == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            fields = sorted(parent.model_fields) if parent is not None else []
            message = f"unknown field {loc[-1]!r}"
            if fields:
                message += f"; allowed fields: {', '.join(fields)}"
        elif error["type"] == "missing":
            message = "required field is missing"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if "input" in error and not isinstance(error["input"], dict | list):
                got = repr(error["input"])
                message += f" (got {got if len(got) <= 60 else got[:57] + '...'})"
            if error["type"] in _BOUND_ERRORS:
                allowed = _allowed_range(model, loc)
                if allowed:
                    message += f"; allowed: {allowed}"
        issues.append(ScenarioIssue(path, message))
    return issues


_BOUND_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


def _allowed_range(model: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """The interval a numeric field accepts, e.g. ``[0.25, 1]``, from its constraints."""
    parent = _model_at(model, loc[:-1])
    field = parent.model_fields.get(str(loc[-1])) if parent is not None else None
    if field is None:
        return None
    low, high = "(-inf", "inf)"
    for constraint in field.metadata:
        match constraint:
            case annotated_types.Gt(gt=bound):
                low = f"({bound:g}"
            case annotated_types.Ge(ge=bound):
                low = f"[{bound:g}"
            case annotated_types.Lt(lt=bound):
                high = f"{bound:g})"
            case annotated_types.Le(le=bound):
                high = f"{bound:g}]"
    return f"{low}, {high}"


def _format_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model found by following ``loc`` from ``model`` (for 'allowed fields')."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = _unwrap(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap(annotation: Any) -> Any:
    """The model inside ``tuple[Model, ...]``, ``list[Model]`` or ``Model | None``."""
    origin = typing.get_origin(annotation)
    if origin in (tuple, list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    return annotation
