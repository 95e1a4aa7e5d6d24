"""``qnetstack presets``: the named NV parameter sets and where every number comes from.

Why a command and not only docs: a user picking a preset for a scenario should see, in the
terminal, which values are measured ([S]), recalled ([M]), derived ([D]) or defaults, before
trusting a simulated number. ``qnetstack presets`` lists the presets; ``qnetstack presets show
NAME`` prints every value with its unit, source and provenance tag, grouped like the scenario's
``platform:`` section (the dotted paths are the keys a scenario overrides).
"""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any

import typer
from rich.table import Table

from qnetstack.commands._common import fail, out
from qnetstack.physical.nv import (
    PresetRow,
    list_presets,
    load_preset,
    preset_description,
    preset_reference_arms_km,
    preset_table,
)

__all__ = ["presets_app"]

presets_app = typer.Typer(
    help="List the NV parameter presets, or show one with the source of every value.",
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_SECTION_TITLES = {
    "": "link and protocol",
    "optics": "optics: emission, collection, fibre, detection",
    "electron": "electron spin (communication qubit)",
    "carbon": "carbon-13 spins (memory qubits)",
    "ec_gate": "electron–carbon gate",
}


def _km(km: float) -> str:
    return f"{km * 1000:g} m" if km < 1.0 else f"{km:g} km"


@presets_app.callback()
def _list(ctx: typer.Context) -> None:
    """List the NV presets: name, protocol, reference geometry and description."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table(title="NV presets (use with platform: {plugin: nv, preset: NAME})")
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("protocol", no_wrap=True)
    table.add_column("reference arms")
    table.add_column("description", overflow="fold")
    for name in list_presets():
        arm_a, arm_b = preset_reference_arms_km(name)
        table.add_row(
            name,
            load_preset(name).protocol,
            f"{_km(arm_a)} + {_km(arm_b)}",
            preset_description(name),
        )
    out.print(table)
    out.print("Show every value with its source: qnetstack presets show NAME", highlight=False)


def _section(row: PresetRow) -> str:
    return row.path.split(".", 1)[0] if "." in row.path else ""


def _value(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    return str(value)


@presets_app.command()
def show(
    name: Annotated[str, typer.Argument(help="Preset name (see `qnetstack presets`).")],
) -> None:
    """Print every value of preset NAME with its unit, source and provenance tag."""
    if name not in list_presets():
        raise fail(f"unknown preset {name!r}; presets: {', '.join(list_presets())}") from None
    arm_a, arm_b = preset_reference_arms_km(name)
    out.print(f"[bold]{name}[/]: {preset_description(name)}", highlight=False)
    out.print(
        f"Reference geometry: {_km(arm_a)} (node_a) + {_km(arm_b)} (node_b) of fibre to the "
        "station. Tags: S = read in a primary source, S2 = secondary source only, "
        "M = from memory (unverified), D = derived here, default = qnetstack default.",
        highlight=False,
    )
    order = list(_SECTION_TITLES)
    # Stable sort: sections in schema order, fields in the preset's (NVConfig) order within.
    rows = sorted(
        preset_table(name),
        key=lambda r: order.index(_section(r)) if _section(r) in order else len(order),
    )
    for section, group in groupby(rows, key=_section):
        table = Table(title=_SECTION_TITLES.get(section, section), title_justify="left")
        table.add_column("field", style="bold", no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("unit", no_wrap=True)
        table.add_column("tag", no_wrap=True)
        table.add_column("source", overflow="fold")
        for row in group:
            table.add_row(row.path, _value(row.value), row.unit, row.tag, row.source)
        out.print(table)
