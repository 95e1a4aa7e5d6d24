"""``qnetstack sweep``: run a scenario over a grid of parameter values and seeds.

Theory of operation
-------------------
The command reads the base scenario, parses every ``--set PATH=VALUES``
(:mod:`qnetstack.sweep.values`), expands and validates every point before anything runs
(:func:`qnetstack.sweep.build_plan`), opens the results file (repairing a torn last line and
skipping the points it already holds) and runs the rest on a local process pool or a Dask
cluster (:func:`qnetstack.sweep.execute`), with a progress bar on stderr.

Exit codes: 0 every point ok; 1 some point failed (each is recorded with its error) or the
workers failed; 2 bad input (an option, a ``--set`` path or value, the scenario, the results
file, Dask not installed or not reachable); 128 + signal number when interrupted by SIGINT or
SIGTERM — rerun the same command to resume.
"""

from __future__ import annotations

import json
import signal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from qnetstack.commands._common import err, fail, out
from qnetstack.runtime.plugins import PluginRegistry
from qnetstack.sweep import (
    DaskExecutor,
    ExecutorError,
    LocalExecutor,
    MissingExtraError,
    Plan,
    ResultsStore,
    SetSyntaxError,
    StoreError,
    SweepInputError,
    SweepSummary,
    build_plan,
    execute,
    parse_set,
    stop_on_signals,
)
from qnetstack.sweep.executors import Executor

__all__ = ["SweepMode", "sweep"]


def _fail(message: str) -> typer.Exit:
    """:func:`fail` for messages that may hold ``[...]`` (paths, install hints): no markup."""
    return fail(escape(message))


EXIT_FAILURE = 1
_MAX_PROBLEMS = 12


class SweepMode(StrEnum):
    """How several ``--set`` options combine."""

    GRID = "grid"
    ZIP = "zip"


def _read_base(path: Path) -> dict[str, Any]:
    """The scenario file as data; a file or YAML problem ends the command (exit 2)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"{path}: cannot read file: {exc}") from None
    except yaml.YAMLError as exc:
        raise _fail(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise _fail(f"{path}: a scenario must be a mapping of fields")
    return data


def _plan(
    file: Path, sets: list[str], mode: SweepMode, seeds: int, registry: PluginRegistry
) -> Plan:
    base = _read_base(file)
    try:
        specs = [parse_set(text) for text in sets]
    except SetSyntaxError as exc:
        raise _fail(str(exc)) from None
    try:
        return build_plan(
            base,
            specs,
            mode=mode.value,
            seeds=seeds,
            source=str(file),
            base_dir=file.parent,
            registry=registry,
        )
    except SweepInputError as exc:
        shown = exc.problems[:_MAX_PROBLEMS]
        more = len(exc.problems) - len(shown)
        lines = "\n".join(f"  {p}" for p in shown) + (f"\n  … and {more} more" if more else "")
        raise _fail(f"cannot run the sweep of {file}:\n{lines}") from None


def _executor(dask: str | None, workers: int | None) -> Executor:
    if dask is None:
        return LocalExecutor(workers)
    try:
        return DaskExecutor(dask, workers=workers)
    except (MissingExtraError, ExecutorError) as exc:
        raise _fail(f"--dask: {exc}") from None


def _print_dry_run(plan: Plan) -> None:
    table = Table(title=f"{len(plan.points)} points ({plan.assignments} × {plan.seeds} seeds)")
    for column in ("key", "set", "seed index", "seed", "valid"):
        table.add_column(column)
    for point in plan.points:
        valid = "yes" if point.invalid is None else "no: " + point.invalid.strip().split("\n")[-1]
        table.add_row(
            point.key, json.dumps(point.assignment), str(point.seed_index), str(point.seed), valid
        )
    out.print(table)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[red]{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
    )


def sweep(
    file: Annotated[Path, typer.Argument(help="Base scenario YAML file.")],
    out_file: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Results file (JSON lines), appended point by point; rerun to resume.",
        ),
    ],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            "-s",
            help="PATH=VALUES: a scenario field and its values: a list 1,5,10; a range "
            "START:STOP:N (linear, N points); log:START:STOP:N. Repeat for more fields.",
        ),
    ] = None,
    mode: Annotated[
        SweepMode, typer.Option(help="grid: every combination; zip: i-th values together.")
    ] = SweepMode.GRID,
    seeds: Annotated[int, typer.Option(min=1, help="Runs per parameter assignment.")] = 1,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes (default: all cores; also --dask local)."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Run on a Dask distributed scheduler at ADDRESS (tcp://host:8786), or "
            "'local' for a LocalCluster. Needs: pip install 'qnetstack\\[cluster]'.",
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Also store each point's whole results document.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and list the points; run nothing.")
    ] = False,
) -> None:
    """Run a scenario over parameter values and seeds, on all cores or a Dask cluster."""
    if dask is not None:
        try:
            DaskExecutor.check_installed()
        except MissingExtraError as exc:
            raise _fail(f"--dask: {exc}") from None
    registry = PluginRegistry.from_entry_points()
    plan = _plan(file, set_ or [], mode, seeds, registry)
    if dry_run:
        _print_dry_run(plan)
        return
    executor = _executor(dask, workers)  # before the file: a wrong --dask leaves no file
    try:
        store = ResultsStore.open(out_file)
    except StoreError as exc:
        executor.close(cancel=True)
        raise _fail(f"--out: {exc}") from None
    with store:
        _report_store(store)
        summary = _run(plan, store, executor, full)
    _finish(plan, summary, out_file)


def _report_store(store: ResultsStore) -> None:
    if store.repaired == "dropped":
        err.print(
            f"note: {store.path}: dropped a torn last line (an interrupted write); that "
            "point runs again",
            markup=False,
            highlight=False,
        )
    elif store.repaired == "completed":
        err.print(
            f"note: {store.path}: added the newline missing after the last line",
            markup=False,
            highlight=False,
        )
    if store.damaged:
        err.print(
            f"[yellow]warning:[/] {escape(str(store.path))}: {store.damaged} line(s) are not "
            "results and were skipped (kept in the file)",
            highlight=False,
        )


def _run(plan: Plan, store: ResultsStore, executor: Executor, full: bool) -> SweepSummary:
    todo = sum(1 for key in {p.key for p in plan.points} if key not in store.keys)
    total = len({p.key for p in plan.points})
    out.print(
        f"sweep {plan.source}: {plan.assignments} assignment(s) × {plan.seeds} seed(s) = "
        f"{total} points; {total - todo} already in {store.path}; running {todo} on "
        f"{executor.description}",
        markup=False,
        highlight=False,
    )
    with _progress() as progress, stop_on_signals() as stop:
        bar = progress.add_task("sweep", total=todo, failed=0)
        failed = 0

        def advance(record: dict[str, Any]) -> None:
            nonlocal failed
            failed += record["status"] != "ok"
            progress.update(bar, advance=1, failed=failed)

        try:
            summary = execute(plan, store, executor, full=full, on_record=advance, should_stop=stop)
        except ExecutorError as exc:
            progress.stop()
            err.print(
                f"[bold red]error:[/] {escape(str(exc))}\nThe points finished so far are in "
                f"{escape(str(store.path))}; rerun the same command to resume.",
                highlight=False,
            )
            raise typer.Exit(EXIT_FAILURE) from None
    if summary.interrupted:
        name = signal.Signals(stop.signum or signal.SIGINT).name
        err.print(
            f"interrupted by {name}: {summary.finished} of {summary.to_run} points "
            f"finished and saved in {store.path}; rerun the same command to resume",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(128 + (stop.signum or 2))
    return summary


def _finish(plan: Plan, summary: SweepSummary, out_file: Path) -> None:
    out.print(
        f"done: {summary.ok} ok, {summary.failed} failed, {summary.skipped} skipped (already "
        f"done) in {summary.wall_s:.3g} s; results in {out_file}",
        markup=False,
        highlight=False,
    )
    if summary.failed:
        err.print(
            f"[bold red]error:[/] {summary.failed} point(s) failed; their errors are in "
            f"{escape(str(out_file))} (status, error)",
            highlight=False,
        )
        raise typer.Exit(EXIT_FAILURE)
