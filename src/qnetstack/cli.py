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
from qnetstack.analysis.explain import Explainer
from qnetstack.commands import plot_app, presets_app, results_app
from qnetstack.commands.compare import compare_routing
from qnetstack.commands.sweep import sweep
from qnetstack.commands.trace import trace
from qnetstack.network.routing import RoutingRegistry
from qnetstack.network.swap import SwapPolicyRegistry
from qnetstack.physical.purification import PurificationRegistry
from qnetstack.registry import NamedRegistry
from qnetstack.runtime.plugins import PluginRegistry
from qnetstack.scenario.load import LoadedScenario, ScenarioError, load_scenario
from qnetstack.scenario.simulation import Simulation

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
app.command("trace")(trace)
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
    explain: Annotated[
        bool, typer.Option("--explain", help="Print each event of the run in plain words.")
    ] = False,
    max_events: Annotated[
        int, typer.Option("--max-events", help="With --explain: explain this many events.")
    ] = 200,
) -> None:
    """Run a scenario and print a summary table."""
    if max_events < 1:
        raise _fail(f"--max-events must be at least 1, got {max_events}")
    registry = PluginRegistry.from_entry_points()
    loaded = _load(file, registry)
    simulation = Simulation(loaded, registry, seed=seed)
    explainer = Explainer(max_events) if explain else None
    if explainer is not None:
        simulation.runtime.trace.subscribe(explainer)
    results = simulation.run()
    if explainer is not None:
        _out.print("\n".join(explainer.lines), highlight=False, markup=False, soft_wrap=True)
        if explainer.truncated:
            _out.print(f"… (more events: raise --max-events above {max_events} to see them)")
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
    _print_named(
        RoutingRegistry.from_entry_points(),
        "routing strategies (scenario: routing: {strategy: NAME})",
    )
    _print_named(
        SwapPolicyRegistry.from_entry_points(),
        "swap policies (scenario: network: {plugin: qnp, swap_policy: NAME})",
    )
    _print_named(
        PurificationRegistry.from_entry_points(),
        "purification protocols (scenario: network: {purification: {protocol: NAME}})",
    )


def _print_named(registry: NamedRegistry[Any], title: str) -> None:
    """One table of a seam's classes (name, description) and its load errors as warnings."""
    table = Table(title=title)
    table.add_column("name", style="bold")
    table.add_column("description")
    for cls in registry.all():
        table.add_row(cls.name, cls.description)
    _out.print(table)
    for problem in registry.load_errors:
        _err.print(f"[yellow]warning:[/] {registry.kind} failed to load: {problem}")


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
    _print_measured_apps(results)


def _print_measured_apps(results: dict[str, Any]) -> None:
    """The QKD, CHSH, teleportation and GHZ tables of requests that asked for them."""
    qkd = [req for req in results["requests"] if req.get("qkd")]
    if qkd:
        table = Table(title="QKD")
        e91 = any(req["qkd"].get("chsh") for req in qkd)  # the CHSH column only when measured
        for column in ("request", "sifted bits", "QBER", "final key (bits)",
                       "key rate (bit/s)", *(("CHSH S",) if e91 else ()), "status"):  # fmt: skip
            table.add_column(column, justify="left" if column == "status" else "right")
        for req in qkd:
            entry = req["qkd"]
            status = "ok, keys match" if entry["keys_match"] else f"no key: {entry['failure']}"
            if "blocks" in entry:  # run by the application layer, block by block
                blocks = f"{entry['blocks_delivered']}/{len(entry['blocks'])} blocks"
                status = f"{blocks}, keys match" if entry["keys_match"] else f"{blocks}, {status}"
            chsh = entry.get("chsh")
            s = f"{_fmt(chsh['s'])} ± {_fmt(chsh['s_std_error'])}" if chsh else "–"
            table.add_row(
                str(req["id"]), str(entry["sifted_bits"]), _fmt(entry["qber"]),
                str(entry["final_key_length"]), _fmt(entry["key_rate_bps"], 2),
                *((s,) if e91 else ()), status,
            )  # fmt: skip
        _out.print(table)
    teleports = [req for req in results["requests"] if req.get("teleport")]
    if teleports:
        table = Table(title="teleportation (fidelity of delivered qubits to the state sent)")
        for column in ("request", "state", "delivered", "failed", "in order", "fidelity",
                       "95% CI"):  # fmt: skip
            table.add_column(column, justify="right")
        for req in teleports:
            entry = req["teleport"]
            fid = entry["fidelity"]
            lo, hi = fid["ci95"]
            table.add_row(
                str(req["id"]), str(entry["state"]), f"{entry['delivered']}/{entry['qubits']}",
                str(entry["failed"]), "yes" if entry["in_order"] else "NO", _fmt(fid["mean"]),
                f"[{_fmt(lo)}, {_fmt(hi)}]" if lo is not None else "–",
            )  # fmt: skip
        _out.print(table)
    ghz = [req for req in results["requests"] if req.get("ghz")]
    if ghz:
        table = Table(title="GHZ states (fidelity to (|000> + |111>)/sqrt(2))")
        for column in ("request", "nodes", "states", "fidelity", "95% CI", "Werner prediction"):
            table.add_column(column, justify="right")
        for req in ghz:
            entry = req["ghz"]
            lo, hi = entry["fidelity"]["ci95"]
            table.add_row(
                str(req["id"]), ", ".join(entry["nodes"]), str(entry["states"]),
                _fmt(entry["fidelity"]["mean"]),
                f"[{_fmt(lo)}, {_fmt(hi)}]" if lo is not None else "–",
                _fmt(entry["werner_prediction"]),
            )  # fmt: skip
        _out.print(table)
    chsh = [req for req in results["requests"] if req.get("chsh")]
    inferred = [req for req in chsh if "ZZ" in req["chsh"]["correlators"]]
    measured = [req for req in chsh if "A0B0" in req["chsh"]["correlators"]]
    if measured:
        table = Table(title="CHSH (measured with E91 settings: A0=X, A1=Z, B0=pi/4, B1=3pi/4)")
        for column in ("request", "S", "± std. error", "E(A0,B0)", "E(A0,B1)", "E(A1,B0)",
                       "E(A1,B1)", "violation"):  # fmt: skip
            table.add_column(column, justify="right")
        for req in measured:
            entry = req["chsh"]
            terms = [_fmt(term["value"]) for term in entry["correlators"].values()]
            table.add_row(
                str(req["id"]), _fmt(entry["s"]), _fmt(entry["s_std_error"]), *terms,
                "yes" if entry["violation"] else "no",
            )  # fmt: skip
        _out.print(table)
    if inferred:
        chsh = inferred
        table = Table(title="CHSH (inferred from Z/X correlators)")
        for column in ("request", "S", "± std. error", "E_ZZ", "E_XX", "violation"):
            table.add_column(column, justify="right")
        for req in chsh:
            entry = req["chsh"]
            table.add_row(
                str(req["id"]), _fmt(entry["s"]), _fmt(entry["s_std_error"]),
                _fmt(entry["correlators"]["ZZ"]["value"]),
                _fmt(entry["correlators"]["XX"]["value"]), "yes" if entry["violation"] else "no",
            )  # fmt: skip
        _out.print(table)


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
