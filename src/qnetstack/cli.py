"""The ``qnetstack`` command.

Every user error (a bad scenario, a missing file, an unknown plugin) ends with one clear message
on stderr and exit code 2, never a traceback. Results are written before anything else can
fail, so nothing a run computed is lost.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from qnetstack import __version__
from qnetstack.commands import plot_app, presets_app, results_app
from qnetstack.commands.compare import compare_routing
from qnetstack.commands.sweep import sweep
from qnetstack.network.routing import RoutingRegistry
from qnetstack.runtime.plugins import PluginRegistry
from qnetstack.scenario.load import LoadedScenario, ScenarioError, load_scenario
from qnetstack.scenario.simulation import run_scenario

__all__ = ["app", "main"]

app = typer.Typer(
    name="qnetstack",
    help="A quantum-network protocol stack and discrete-event simulator.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Tables wider than 80 columns stay readable when the output is piped or captured in CI.
app.add_typer(presets_app, name="presets")
app.add_typer(plot_app, name="plot")
app.command("compare-routing")(compare_routing)
app.command("sweep")(sweep)
app.add_typer(results_app, name="results")

_out = Console(width=None if sys.stdout.isatty() else 120)
_err = Console(stderr=True, width=None if sys.stderr.isatty() else 120)

EXIT_USAGE = 2
"""Bad input: a scenario, file or option the user can fix."""
EXIT_FAILURE = 1
"""The simulation itself failed (a bug); partial results are still printed and written."""


def _fail(message: str) -> typer.Exit:
    _err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_USAGE)


def _load(path: Path, registry: PluginRegistry) -> LoadedScenario:
    try:
        return load_scenario(path, registry)
    except ScenarioError as exc:
        lines = "\n".join(f"  {issue}" for issue in exc.issues)
        raise _fail(f"invalid scenario {exc.source}:\n{lines}") from None


def _version(value: bool) -> None:
    if value:
        _out.print(f"qnetstack {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """A quantum-network protocol stack and discrete-event simulator."""


@app.command()
def run(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the results JSON here.")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Override the scenario's seed.")] = None,
) -> None:
    """Run a scenario and print a summary table."""
    registry = PluginRegistry.from_entry_points()
    loaded = _load(file, registry)
    results = run_scenario(loaded, registry, seed=seed)
    failure = results.get("failure")
    if out is not None:
        try:
            out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            _print_summary(results)
            raise _fail(f"--out: cannot write {out}: {exc}") from None
    _print_summary(results)
    if out is not None:
        _out.print(f"results written to {out}")
    if failure is not None:
        _err.print(
            f"[bold red]error:[/] the simulation stopped at t = {failure['sim_time_s']:.6g} s: "
            f"{failure['type']}: {failure['message']}\n"
            "This is a bug in a protocol or platform plugin (or in qnetstack); the results "
            "above are what was measured until then.",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_FAILURE)


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Scenario YAML file.")]) -> None:
    """Check a scenario without running it."""
    registry = PluginRegistry.from_entry_points()
    loaded = _load(file, registry)
    scenario = loaded.scenario
    counts = ", ".join(
        _plural(len(items), noun)
        for items, noun in ((scenario.nodes, "node"), (scenario.links, "link"),
                            (scenario.requests, "request"))
    )  # fmt: skip
    _out.print(
        f"{file}: valid scenario {scenario.name!r} — {counts}, "
        f"platform {scenario.platform.plugin!r}, link layer {scenario.link_layer.plugin!r}"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


@app.command()
def plugins() -> None:
    """List installed plugins: name, layer and description."""
    registry = PluginRegistry.from_entry_points()
    table = Table(title="qnetstack plugins")
    table.add_column("name", style="bold")
    table.add_column("layer")
    table.add_column("description")
    for spec in registry.all():
        table.add_row(spec.name, spec.layer.value, spec.description)
    _out.print(table)
    for problem in registry.load_errors:
        _err.print(f"[yellow]warning:[/] plugin failed to load: {problem}", highlight=False)
    strategies = RoutingRegistry.from_entry_points()
    routing = Table(title="routing strategies (scenario: routing: {strategy: NAME})")
    routing.add_column("name", style="bold")
    routing.add_column("description")
    for cls in strategies.all():
        routing.add_row(cls.name, cls.description)
    _out.print(routing)
    for problem in strategies.load_errors:
        _err.print(f"[yellow]warning:[/] routing strategy failed to load: {problem}")


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def _qber(req: dict[str, Any]) -> str:
    """'Z 0.012, X 0.034' for measured requests."""
    rates = [
        f"{basis} {_fmt(entry['rate'], 3)}"
        for basis, entry in req.get("qber", {}).items()
        if entry["rate"] is not None
    ]
    return ", ".join(rates) or "–"


def _print_by_type(results: dict[str, Any]) -> None:
    """Throughput, latency and fidelity (or error rate) per request type."""
    table = Table(title="per request type")
    for column in ("type", "requests", "pairs", "throughput (Hz)", "mean latency (s)",
                   "fidelity", "QBER"):  # fmt: skip
        table.add_column(column, justify="left" if column == "type" else "right")
    sim_time_s = results["sim_time_s"] or 1.0
    for kind in sorted({req.get("type", "keep") for req in results["requests"]}):
        reqs = [req for req in results["requests"] if req.get("type", "keep") == kind]
        pairs = sum(req["delivered"] for req in reqs)
        latencies = [
            (req["latency_s"]["mean"], req["delivered"])
            for req in reqs
            if req["latency_s"]["mean"] is not None
        ]
        weight = sum(n for _, n in latencies)
        latency = sum(m * n for m, n in latencies) / weight if weight else None
        fids = [(req["fidelity"]["mean"], req["fidelity"]["n"]) for req in reqs
                if req["fidelity"]["mean"] is not None]  # fmt: skip
        n_fid = sum(n for _, n in fids)
        fidelity = sum(m * n for m, n in fids) / n_fid if n_fid else None
        sifted = [entry for req in reqs for entry in req.get("qber", {}).values()]
        n_sift = sum(entry["pairs"] for entry in sifted)
        qber = sum(entry["errors"] for entry in sifted) / n_sift if n_sift else None
        table.add_row(
            kind, str(len(reqs)), str(pairs), _fmt(pairs / sim_time_s, 2), _fmt(latency, 5),
            _fmt(fidelity), _fmt(qber),
        )  # fmt: skip
    _out.print(table)


def _print_summary(results: dict[str, Any]) -> None:
    _out.print(
        f"[bold]{results['scenario']}[/]  seed {results['seed']}  formalism "
        f"{results['formalism']}  simulated {results['sim_time_s']:.6g} s in "
        f"{results['wall_s']:.3g} s wall ({results['events']} events)"
    )
    table = Table(title="requests")
    for column in ("id", "type", "src → dst", "delivered", "rate (Hz)", "fidelity / QBER",
                   "95% CI", "latency p50 (s)", "errors"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("type", "src → dst") else "right")
    for req in results["requests"]:
        fid = req["fidelity"]
        lo, hi = fid["ci95"]
        ci = f"[{_fmt(lo)}, {_fmt(hi)}]" if lo is not None else "–"
        errors = ", ".join(f"{k}: {v}" for k, v in req["errors"].items()) or "–"
        table.add_row(
            str(req["id"]),
            req.get("type", "keep"),
            f"{req['src']} → {req['dst']}",
            f"{req['delivered']}/{req['requested']}",
            _fmt(req["rate_hz"], 2),
            _fmt(fid["mean"]) if fid["mean"] is not None else _qber(req),
            ci,
            _fmt(req["latency_s"]["p50"], 5),
            errors,
        )
    _out.print(table)
    if len({req.get("type", "keep") for req in results["requests"]}) > 1:
        _print_by_type(results)
    links = Table(title="links")
    for column in ("nodes", "length (km)", "attempts", "successes", "p (measured)"):
        links.add_column(column, justify="right" if column != "nodes" else "left")
    for link in results["links"]:
        attempts, successes = link["attempts"], link["successes"]
        measured = successes / attempts if attempts else None
        links.add_row(
            " – ".join(link["nodes"]),
            _fmt(link["length_km"], 3),
            str(attempts),
            str(successes),
            _fmt(measured, 5),
        )
    _out.print(links)


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
