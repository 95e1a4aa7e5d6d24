"""``qnetstack trace``: run a scenario with trace recording on; write JSON and a mermaid diagram.

Theory of operation
-------------------
The scenario is built as :class:`qnetstack.scenario.Simulation` with ``trace=True`` (so
attempts-mode stations also trace every attempt). A subscriber counts *steps* of the selected
events (one event, or one run of attempts — see :mod:`qnetstack.analysis.sequence`) and stops
the simulation once it has seen more than ``--max-events`` of them: a trace of a long
scenario stays short and quick. The recorded events are then selected (``--nodes``,
``--kinds``), cut to the limit, and written as JSON (``--out``) and as a mermaid
``sequenceDiagram`` (``--mermaid``, a markdown file with one ```` ```mermaid ```` fence).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from qnetstack.analysis.sequence import (
    ATTEMPT_KIND,
    DEFAULT_MAX_STEPS,
    events_to_json,
    limit_steps,
    select_events,
    sequence_diagram,
)
from qnetstack.commands._common import err, fail, out
from qnetstack.runtime.plugins import PluginRegistry
from qnetstack.runtime.trace import TraceEvent
from qnetstack.scenario.load import ScenarioError, load_scenario
from qnetstack.scenario.simulation import Simulation

__all__ = ["trace"]


def _split(value: str | None, option: str) -> list[str] | None:
    if value is None:
        return None
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise fail(f"{option}: give a comma-separated list of names, got {value!r}")
    return items


class _StepCounter:
    """Stops the simulation once more than ``limit`` steps of the selected events were seen."""

    def __init__(self, sim: Simulation, limit: int, nodes: list[str] | None,
                 kinds: list[str] | None) -> None:  # fmt: skip
        self.sim, self.limit, self.nodes, self.kinds = sim, limit, nodes, kinds
        self.steps = 0
        self.stopped = False
        self._open: set[tuple[str, object]] = set()

    def __call__(self, event: TraceEvent) -> None:
        if self.stopped or not select_events([event], nodes=self.nodes, kinds=self.kinds):
            return
        if event.kind == ATTEMPT_KIND:
            key = (event.node, event.data.get("tag"))
            new = key not in self._open
            self._open.add(key)
            if event.data.get("success"):
                self._open.discard(key)
            if not new:
                return
        self.steps += 1
        if self.steps > self.limit:
            self.stopped = True
            self.sim.runtime.sim.stop()


def trace(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file (keep it short).")],
    out_path: Annotated[
        Path, typer.Option("--out", "-o", help="Write the trace events as JSON here.")
    ] = Path("trace.json"),
    mermaid: Annotated[
        Path | None,
        typer.Option("--mermaid", help="Write a mermaid sequence diagram (markdown) here."),
    ] = None,
    max_events: Annotated[
        int,
        typer.Option(
            "--max-events",
            help="Keep this many steps (an event, or a run of attempts counted once).",
        ),
    ] = DEFAULT_MAX_STEPS,
    nodes: Annotated[
        str | None,
        typer.Option(help="Comma-separated nodes to keep (a station counts for its two nodes)."),
    ] = None,
    kinds: Annotated[
        str | None,
        typer.Option(help="Comma-separated trace kinds to keep, e.g. herald,qnp-swap."),
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Override the scenario's seed.")] = None,
) -> None:
    """Run a scenario with tracing on; write the events as JSON and as a sequence diagram."""
    if max_events < 1:
        raise fail(f"--max-events must be at least 1, got {max_events}")
    node_list = _split(nodes, "--nodes")
    kind_list = _split(kinds, "--kinds")
    registry = PluginRegistry.from_entry_points()
    try:
        loaded = load_scenario(file, registry)
    except ScenarioError as exc:
        lines = "\n".join(f"  {issue}" for issue in exc.issues)
        raise fail(f"invalid scenario {exc.source}:\n{lines}") from None
    names = [node.name for node in loaded.scenario.nodes]
    unknown = sorted(set(node_list or ()) - set(names))
    if unknown:
        raise fail(f"--nodes: no node named {', '.join(unknown)}; nodes are {', '.join(names)}")
    sim = Simulation(loaded, registry, trace=True, seed=seed)
    counter = _StepCounter(sim, max_events, node_list, kind_list)
    sim.runtime.trace.subscribe(counter)
    results = sim.run()
    selected = select_events(sim.runtime.trace.events, nodes=node_list, kinds=kind_list)
    kept, truncated = limit_steps(selected, max_events)
    note = f"… truncated after {max_events} steps (--max-events)"
    diagram = sequence_diagram(kept, nodes=names, truncated=truncated, truncated_note=note)
    document = {
        "scenario": loaded.scenario.name,
        "seed": sim.seed,
        "max_events": max_events,
        "truncated": truncated,
        "events": events_to_json(kept),
    }
    try:
        out_path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        if mermaid is not None:
            title = f"# Trace of {loaded.scenario.name} (seed {sim.seed})\n\n"
            mermaid.write_text(f"{title}```mermaid\n{diagram}```\n", encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write the trace: {exc}") from None
    failure = results.get("failure")
    shown = f"{len(kept)} events" + (f", truncated at {max_events} steps" if truncated else "")
    out.print(f"{loaded.scenario.name}: {shown}; trace written to {out_path}", highlight=False)
    if mermaid is not None:
        out.print(f"sequence diagram written to {mermaid}", highlight=False)
    if failure is not None:
        err.print(
            f"[bold red]error:[/] the simulation stopped at t = {failure['sim_time_s']:.6g} s: "
            f"{failure['type']}: {failure['message']}",
            highlight=False,
        )
        raise typer.Exit(1)
