"""``qnetstack compare-routing``: routing strategies × topologies × load × seeds, one table.

Theory of operation
-------------------
A SPEC file is a base scenario plus a ``compare:`` section (:class:`CompareSpec`). For every
topology, strategy, load level and seed the command builds a scenario from the base, sets its
``topology:``, its ``routing:`` and ``load`` generated requests (random distinct src/dst
pairs among the topology's nodes, all issued at t = 0), validates it with
:func:`qnetstack.scenario.parse_scenario` and runs it with
:class:`qnetstack.scenario.Simulation`, exactly as ``qnetstack run`` would.

The requests and the simulation seed depend only on (topology, load, seed), never on the
strategy, so every strategy faces the same requests and the same random streams (common random
numbers): differences between strategies are not sampling noise of the request mix.

The metrics (:mod:`qnetstack.analysis.compare`) are printed as a table, and ``--out`` writes
every run and every aggregate as JSON; ``--plot`` draws throughput and fidelity with their
95 % intervals. Every bad SPEC field ends with one message naming it, and exit code 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from rich.table import Table

from qnetstack import __version__
from qnetstack.analysis import compare as metrics
from qnetstack.analysis.plots import SUPPORTED_SUFFIXES
from qnetstack.commands._common import err, fail, out
from qnetstack.runtime.plugins import PluginRegistry
from qnetstack.scenario.load import LoadedScenario, ScenarioError, parse_scenario
from qnetstack.scenario.schema import Topology
from qnetstack.scenario.simulation import Simulation

__all__ = [
    "CompareSpec",
    "RequestGenerator",
    "RunRecord",
    "Spec",
    "SpecError",
    "StrategyEntry",
    "Variant",
    "build_variants",
    "compare_routing",
    "generate_requests",
    "load_spec",
    "results_document",
    "run_comparison",
    "run_one",
    "seeds_of",
    "topology_label",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class StrategyEntry(BaseModel):
    """One routing strategy to compare, with its options (``qnetstack plugins`` lists them).

    A bare name (``- widest-path``) is short for ``{strategy: widest-path}``.
    """

    model_config = _FROZEN

    strategy: str = Field(min_length=1, description="Routing strategy name, e.g. 'shortest-hops'.")
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="The strategy's options, as in the scenario's routing section (e.g. k: 3).",
    )
    label: str | None = Field(
        None,
        min_length=1,
        description="Name in the table, JSON and plot (default: the strategy name); needed to "
        "tell apart two entries of the same strategy.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: Any) -> Any:
        return {"strategy": data} if isinstance(data, str) else data

    @property
    def name(self) -> str:
        """The label, or the strategy name."""
        return self.label or self.strategy


class RequestGenerator(BaseModel):
    """How the requests of one load level are drawn."""

    model_config = _FROZEN

    pairs: int = Field(5, ge=1, le=100_000, description="Pairs each request asks for (≥ 1).")
    min_fidelity: float = Field(
        0.25,
        ge=0.25,
        le=1.0,
        description="End-to-end fidelity target of every request, in [0.25, 1].",
    )
    max_time_s: float = Field(
        0.0, ge=0.0, description="Deadline of every request in s after its start; 0: none."
    )
    endpoints: tuple[str, ...] = Field(
        default=(),
        description="Nodes the src/dst pairs are drawn from (default: every node of the "
        "topology); at least two.",
    )


class CompareSpec(BaseModel):
    """The ``compare:`` section of a SPEC file: what ``qnetstack compare-routing`` varies."""

    model_config = _FROZEN

    strategies: tuple[StrategyEntry, ...] = Field(
        min_length=1,
        description="Routing strategies to compare: names, or {strategy, options, label}.",
    )
    topologies: tuple[Topology, ...] = Field(
        default=(),
        description="Topology sections as in the scenario schema (chain, ring, grid, star, "
        "waxman, file); they replace the base scenario's topology or nodes and links. "
        "Default: the base scenario's.",
    )
    load: tuple[Annotated[int, Field(ge=1, le=100_000)], ...] = Field(
        default=(1,),
        min_length=1,
        description="Load levels: numbers of concurrent requests per run (each ≥ 1).",
    )
    seeds: int = Field(
        3,
        ge=1,
        le=10_000,
        description="Runs per cell; run i uses seed base seed + i (the scenario's seed).",
    )
    requests: RequestGenerator = Field(
        default_factory=RequestGenerator,
        description="How each load level's requests are generated: 'load' random distinct "
        "src/dst pairs from a generator seeded by (topology, load, seed), all at t = 0.",
    )
    stop_time_s: float | None = Field(
        None,
        gt=0.0,
        description="Simulated-time limit of every run, s; requests unfinished by then count "
        "as failures. Default: the base scenario's stop_time_s.",
    )

    @field_validator("load")
    @classmethod
    def _distinct_loads(cls, load: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(load)) != len(load):
            raise ValueError("load levels must be distinct")
        return load

    @field_validator("strategies")
    @classmethod
    def _distinct_labels(cls, strategies: tuple[StrategyEntry, ...]) -> tuple[StrategyEntry, ...]:
        names = [entry.name for entry in strategies]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"{', '.join(repr(d) for d in duplicates)} appear more than once; give each "
                "entry a distinct label"
            )
        return strategies


@dataclass(frozen=True, slots=True)
class Spec:
    """A loaded SPEC.

    Attributes:
        compare: The validated ``compare:`` section.
        base: The base scenario's raw data (everything but ``compare:``).
        source: The SPEC file's name, for messages.
        base_dir: Directory that relative topology files are resolved against.
    """

    compare: CompareSpec
    base: dict[str, Any]
    source: str
    base_dir: Path


class SpecError(Exception):
    """The SPEC is invalid; the message names the field(s)."""


def load_spec(path: Path) -> Spec:
    """Read a SPEC file and validate its ``compare:`` section.

    Raises:
        SpecError: The file cannot be read, is not YAML, or the section is invalid.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read file: {exc}") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise SpecError(f"{path}: a SPEC must be a mapping (a scenario plus compare:)")
    base = dict(data)
    section = base.pop("compare", None)
    if section is None:
        raise SpecError(f"{path}: compare: section is missing (strategies, topologies, load…)")
    try:
        spec = CompareSpec.model_validate(section)
    except ValidationError as exc:
        raise SpecError(f"invalid SPEC {path}:\n{_format_errors(exc)}") from None
    for key in ("requests", "routing"):
        if key in base:
            raise SpecError(
                f"invalid SPEC {path}:\n  {key}: compare-routing generates the {key} of every "
                "run (compare.requests, compare.strategies); remove this section"
            )
    return Spec(spec, base, str(path), path.parent)


def _format_errors(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors(include_url=False):
        where = "compare"
        for part in error["loc"]:
            where += f"[{part}]" if isinstance(part, int) else f".{part}"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        lines.append(f"  {where}: {message}")
    return "\n".join(lines)


# --- building the runs ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Variant:
    """One topology × strategy combination, validated without requests.

    Attributes:
        topology: Topology label.
        topology_index: Index in ``compare.topologies`` (``None``: the base scenario's).
        strategy: The strategy entry.
        data: Scenario data with topology and routing set; requests are added per run.
        nodes: The topology's node names.
    """

    topology: str
    topology_index: int | None
    strategy: StrategyEntry
    data: dict[str, Any]
    nodes: tuple[str, ...]


def topology_label(section: Any, index: int) -> str:
    """A short name for a topology section, e.g. ``grid-3x3`` or ``waxman-12-s0``."""
    kind = section.get("kind") if isinstance(section, dict) else None
    match kind:
        case "chain" | "ring":
            return f"{kind}-{section.get('nodes')}"
        case "grid":
            return f"grid-{section.get('rows')}x{section.get('cols')}"
        case "star":
            return f"star-{section.get('leaves')}"
        case "waxman":
            return f"waxman-{section.get('nodes')}-s{section.get('seed', 0)}"
        case "file":
            return Path(str(section.get("path"))).stem
    return f"topology-{index}"


def _topologies(spec: Spec) -> list[tuple[str, int | None, dict[str, Any]]]:
    """``(label, index in compare.topologies or None, base data with that topology)``."""
    if not spec.compare.topologies:
        label = (
            topology_label(spec.base["topology"], 0)
            if isinstance(spec.base.get("topology"), dict)
            else str(spec.base.get("name", "base"))
        )
        return [(label, None, dict(spec.base))]
    result: list[tuple[str, int | None, dict[str, Any]]] = []
    labels: list[str] = []
    for index, topology in enumerate(spec.compare.topologies):
        section = topology.model_dump(mode="json")
        label = topology_label(section, index)
        if label in labels:
            label = f"{label}#{index}"
        labels.append(label)
        data = {k: v for k, v in spec.base.items() if k not in ("nodes", "links", "topology")}
        data["topology"] = section
        result.append((label, index, data))
    return result


def _remap(issue_path: str, topology_index: int | None, strategy_index: int) -> str:
    """A scenario issue's path, expressed as the SPEC field that caused it."""
    if issue_path == "routing":  # "routing needs a network layer"
        return "network"
    if issue_path.startswith("routing.strategy"):
        return f"compare.strategies[{strategy_index}].strategy"
    if issue_path.startswith("routing."):
        return f"compare.strategies[{strategy_index}].options.{issue_path.removeprefix('routing.')}"
    if issue_path.startswith("topology") and topology_index is not None:
        return f"compare.topologies[{topology_index}]" + issue_path.removeprefix("topology")
    return issue_path


def build_variants(spec: Spec, registry: PluginRegistry) -> list[Variant]:
    """Validate every topology × strategy combination before anything runs.

    Raises:
        SpecError: Listing every problem, each under the SPEC field that caused it.
    """
    variants = []
    problems: list[str] = []
    stop_time_s = spec.compare.stop_time_s
    for label, t_index, base in _topologies(spec):
        for s_index, entry in enumerate(spec.compare.strategies):
            if "strategy" in entry.options:
                problems.append(f"compare.strategies[{s_index}].options.strategy: not an option")
                continue
            data = dict(base, routing={"strategy": entry.strategy, **entry.options})
            if stop_time_s is not None:
                data["stop_time_s"] = stop_time_s
            try:
                loaded = _parse(data, spec, registry)
            except ScenarioError as exc:
                for issue in exc.issues:
                    line = f"{_remap(issue.path, t_index, s_index)}: {issue.message}"
                    if line not in problems:
                        problems.append(line)
                continue
            nodes = tuple(node.name for node in loaded.scenario.nodes)
            variants.append(Variant(label, t_index, entry, data, nodes))
    if not problems:
        problems += _check_endpoints(spec, variants)
    if problems:
        lines = "\n".join(f"  {p}" for p in problems)
        raise SpecError(f"invalid SPEC {spec.source}:\n{lines}")
    return variants


def _check_endpoints(spec: Spec, variants: Sequence[Variant]) -> list[str]:
    endpoints = spec.compare.requests.endpoints
    problems = []
    if endpoints and len(set(endpoints)) < 2:
        problems.append("compare.requests.endpoints: give at least two distinct nodes")
    for variant in variants:
        unknown = [name for name in endpoints if name not in variant.nodes]
        if unknown:
            problems.append(
                f"compare.requests.endpoints: {', '.join(map(repr, unknown))} not in topology "
                f"{variant.topology!r} (nodes: {', '.join(variant.nodes)})"
            )
            break
    return problems


def _parse(data: dict[str, Any], spec: Spec, registry: PluginRegistry) -> LoadedScenario:
    return parse_scenario(data, registry, spec.source, base_dir=spec.base_dir)


def generate_requests(
    nodes: Sequence[str], load: int, generator: RequestGenerator, seed_key: Sequence[int]
) -> list[dict[str, Any]]:
    """``load`` requests between random distinct node pairs, drawn from a seeded generator.

    Args:
        nodes: The topology's nodes (or ``generator.endpoints`` when given).
        load: Number of requests.
        generator: Pairs, fidelity target and deadline of each request.
        seed_key: Entropy of the draw, e.g. ``(seed, topology index, load)``.
    """
    pool = list(generator.endpoints or nodes)
    rng = np.random.default_rng(list(seed_key))
    requests = []
    for _ in range(load):
        src, dst = rng.choice(len(pool), size=2, replace=False)
        requests.append(
            {
                "src": pool[int(src)],
                "dst": pool[int(dst)],
                "pairs": generator.pairs,
                "min_fidelity": generator.min_fidelity,
                "max_time_s": generator.max_time_s,
            }
        )
    return requests


# --- running --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One finished run: where it sits in the grid, what it measured.

    Attributes:
        strategy: Strategy label.
        topology: Topology label.
        load: Concurrent requests.
        seed: Run seed.
        results: The run's results document (``Simulation.run()``).
        outcomes: Each request's outcome.
        metrics: The run's comparison metrics.
    """

    strategy: str
    topology: str
    load: int
    seed: int
    results: dict[str, Any]
    outcomes: list[metrics.RequestOutcome]
    metrics: metrics.RunMetrics

    def to_json(self) -> dict[str, Any]:
        """The run as a JSON object (wall time included, under ``wall_s``)."""
        return {
            "strategy": self.strategy,
            "topology": self.topology,
            "load": self.load,
            "seed": self.seed,
            "sim_time_s": self.results["sim_time_s"],
            "events": self.results["events"],
            "wall_s": self.results["wall_s"],
            "failure": self.results["failure"],
            "metrics": self.metrics.to_json(),
            "requests": [o.to_json() for o in self.outcomes],
        }


def run_one(
    variant: Variant, load: int, seed: int, spec: Spec, registry: PluginRegistry
) -> RunRecord:
    """Run one (strategy, topology, load, seed) combination through the real stack.

    The requests are drawn from ``(seed, topology index, load)`` and the simulation uses
    ``seed``: both independent of the strategy, so strategies are compared on equal terms.
    """
    key = (seed, variant.topology_index or 0, load)
    requests = generate_requests(variant.nodes, load, spec.compare.requests, key)
    loaded = _parse(dict(variant.data, requests=requests), spec, registry)
    simulation = Simulation(loaded, registry, seed=seed)
    results = simulation.run()
    outcomes = metrics.request_outcomes(results)
    fidelities = [
        (float(r["fidelity"]["mean"]), int(r["fidelity"]["n"]))
        for r in results["requests"]
        if r["fidelity"]["n"]
    ]
    latencies = [x for stats in simulation.requests for x in stats.latencies_s]
    run = metrics.run_metrics(outcomes, fidelities, latencies)
    return RunRecord(variant.strategy.name, variant.topology, load, seed, results, outcomes, run)


def seeds_of(spec: Spec) -> list[int]:
    """The run seeds: the base scenario's seed (default 0) and the next ``seeds - 1``."""
    base_seed = spec.base.get("seed", 0)
    first = base_seed if isinstance(base_seed, int) else 0
    return [first + i for i in range(spec.compare.seeds)]


def run_comparison(
    spec: Spec,
    registry: PluginRegistry,
    progress: Callable[[int, int, RunRecord], None] | None = None,
) -> tuple[list[RunRecord], list[metrics.CellSummary]]:
    """Run every combination in a fixed order and summarise each cell over its seeds.

    Order: topology, load, strategy, seed (the table's order).

    Args:
        spec: The loaded SPEC.
        registry: Where plugins come from.
        progress: Called after each run with ``(run number from 1, total, record)``.

    Raises:
        SpecError: A SPEC field is invalid (checked for every combination before any run).
    """
    variants = build_variants(spec, registry)
    seeds = seeds_of(spec)
    total = len(variants) * len(spec.compare.load) * len(seeds)
    records: list[RunRecord] = []
    cells: list[metrics.CellSummary] = []
    topologies = list(dict.fromkeys(v.topology for v in variants))
    for topology in topologies:
        for load in spec.compare.load:
            for variant in (v for v in variants if v.topology == topology):
                cell_runs = []
                for seed in seeds:
                    record = run_one(variant, load, seed, spec, registry)
                    records.append(record)
                    cell_runs.append(record.metrics)
                    if progress is not None:
                        progress(len(records), total, record)
                name = variant.strategy.name
                cells.append(metrics.summarize(name, topology, load, cell_runs))
    return records, cells


def results_document(
    spec: Spec, records: Sequence[RunRecord], cells: Sequence[metrics.CellSummary]
) -> dict[str, Any]:
    """The ``--out`` JSON: the SPEC's compare section, every run and every aggregate.

    Apart from the ``wall_s`` of each run, the same SPEC gives the same document.
    """
    return {
        "qnetstack_version": __version__,
        "spec": spec.source,
        "scenario": spec.base.get("name"),
        "compare": spec.compare.model_dump(mode="json"),
        "seeds": seeds_of(spec),
        "confidence": {
            "level": 0.95,
            "method": "Student t over seeds (table for n-1 <= 30, 1.96 beyond)",
        },
        "metrics": list(metrics.METRICS),
        "aggregates": [cell.to_json() for cell in cells],
        "runs": [record.to_json() for record in records],
    }


# --- the command ----------------------------------------------------------------------------


def _num(x: float, digits: int = 3) -> str:
    """A compact number: ``digits`` significant digits, no exponent from 0.001 to 10⁶."""
    if x == 0.0:
        return "0"
    if 10.0**digits <= abs(x) < 1e6:
        return f"{x:.0f}"
    return f"{x:.{digits}g}" if abs(x) >= 1e-3 else f"{x:.1e}"


def _fmt(value: metrics.Estimate, scale: float) -> str:
    """``mean±half-width`` (the 95 % interval), ``–`` when undefined."""
    if value.mean is None:
        return "–"
    text = _num(value.mean * scale)
    if value.low is not None and value.high is not None:
        text += f"±{_num((value.high - value.low) / 2 * scale, 2)}"
    return text


# (metric, header, scale): latencies are shown in ms, the JSON keeps seconds.
_COLUMNS = (
    ("throughput_hz", "throughput\n(Hz)", 1.0),
    ("fidelity", "fidelity", 1.0),
    ("latency_p50_s", "latency\np50 (ms)", 1e3),
    ("latency_p95_s", "latency\np95 (ms)", 1e3),
    ("jain_fairness", "Jain\nindex", 1.0),
    ("failure_rate", "failure\nrate", 1.0),
)


def _table(cells: Sequence[metrics.CellSummary], seeds: int) -> Table:
    table = Table(title=f"routing comparison: mean±95 % CI half-width over {seeds} seed(s)")
    for header in ("topology", "load", "strategy"):
        table.add_column(header, justify="right" if header == "load" else "left", no_wrap=True)
    for _, header, _ in _COLUMNS:
        table.add_column(header, justify="right", no_wrap=True)
    previous: tuple[str, int] | None = None
    for cell in cells:
        group = (cell.topology, cell.load)
        if previous is not None and group != previous:
            table.add_section()
        previous = group
        values = [_fmt(cell.metrics[key], scale) for key, _, scale in _COLUMNS]
        table.add_row(cell.topology, str(cell.load), cell.strategy, *values)
    return table


def _check_output(option: str, path: Path, suffixes: Sequence[str]) -> None:
    if path.suffix.lower() not in suffixes:
        raise fail(
            f"{option}: unsupported file type {path.suffix or '(none)'!r} for {path}; "
            f"use one of: {', '.join(suffixes)}"
        )
    if not path.parent.is_dir():
        raise fail(f"{option}: directory {path.parent} does not exist")


def _progress(index: int, total: int, record: RunRecord) -> None:
    delivered = sum(o.delivered for o in record.outcomes)
    requested = sum(o.requested for o in record.outcomes)
    failure = record.results["failure"]
    note = f" [red]simulation failed: {failure['type']}[/]" if failure else ""
    err.print(
        f"[dim][{index}/{total}][/] {record.topology} · load {record.load} · "
        f"{record.strategy} · seed {record.seed}: {delivered}/{requested} pairs in "
        f"{record.results['sim_time_s']:.4g} s simulated, {record.results['wall_s']:.2f} s wall"
        + note,
        highlight=False,
    )


def compare_routing(
    spec: Annotated[
        Path, typer.Argument(metavar="SPEC", help="Base scenario plus a compare: section (YAML).")
    ],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write every run and the aggregates as JSON here."),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(help="Draw throughput and fidelity per strategy (.png or .svg)."),
    ] = None,
    seeds: Annotated[
        int | None,
        typer.Option(min=1, help="Seeds per cell; overrides compare.seeds."),
    ] = None,
) -> None:
    """Compare routing strategies over topologies, load levels and seeds."""
    if out_file is not None:
        _check_output("--out", out_file, (".json",))
    if plot is not None:
        _check_output("--plot", plot, SUPPORTED_SUFFIXES)
    registry = PluginRegistry.from_entry_points()
    try:
        loaded = load_spec(spec)
        if seeds is not None:
            loaded = Spec(
                loaded.compare.model_copy(update={"seeds": seeds}),
                loaded.base,
                loaded.source,
                loaded.base_dir,
            )
        records, cells = run_comparison(loaded, registry, progress=_progress)
    except SpecError as exc:
        raise fail(str(exc)) from None
    document = results_document(loaded, records, cells)
    if out_file is not None:
        try:
            out_file.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise fail(f"--out: cannot write {out_file}: {exc}") from None
    out.print(_table(cells, loaded.compare.seeds))
    if out_file is not None:
        out.print(f"results written to {out_file}", highlight=False)
    if plot is not None:
        try:
            metrics.plot_comparison(cells, plot)
        except (OSError, ValueError) as exc:
            raise fail(f"--plot: cannot write {plot}: {exc}") from None
        out.print(f"wrote {plot}", highlight=False)
    failed = [r for r in records if r.results["failure"] is not None]
    if failed:
        err.print(
            f"[yellow]warning:[/] {len(failed)} run(s) stopped on an exception in the stack "
            "(see 'failure' in the JSON); their requests count as failures.",
            highlight=False,
        )
