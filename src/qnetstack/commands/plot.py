"""``qnetstack plot``: the rate–fidelity and rate–distance figures of an NV preset.

Both commands draw the simulator's own heralding model (:mod:`qnetstack.analysis.plots`) and
write PNG or SVG, chosen by the ``--out`` suffix, without opening a window. ``rate-fidelity
--simulate N`` also runs the real stack at a few α values and overlays the measured points, so
the figure doubles as a check that simulation and formula agree.

Every bad option (unknown preset, α outside (0, 0.5], a non-positive distance, an unsupported
file type, an unwritable file) ends with one message and exit code 2, never a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError

from qnetstack.analysis import plots
from qnetstack.commands._common import fail, out
from qnetstack.physical.nv import list_presets, load_preset

__all__ = ["plot_app"]

plot_app = typer.Typer(
    help="Draw the classic heralded-entanglement trade-off figures for an NV preset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")

_PresetOption = Annotated[
    str, typer.Option("--preset", "-p", help="NV preset name (see `qnetstack presets`).")
]


def _check_preset(name: str) -> bool:
    """Validate the preset name; return whether it is a double-click (Barrett–Kok) preset."""
    if name not in list_presets():
        raise fail(f"--preset: unknown preset {name!r}; presets: {', '.join(list_presets())}")
    return load_preset(name).protocol == "double_click"


def _check_out(path: Path) -> None:
    if path.suffix.lower() not in plots.SUPPORTED_SUFFIXES:
        raise fail(
            f"--out: unsupported file type {path.suffix or '(none)'!r} for {path}; "
            f"use one of: {', '.join(plots.SUPPORTED_SUFFIXES)}"
        )
    if not path.parent.is_dir():
        raise fail(f"--out: directory {path.parent} does not exist")


def _check_km(option: str, value: float | None) -> None:
    if value is not None and not (value > 0.0 and math.isfinite(value)):
        raise fail(f"{option}: must be a finite distance > 0 km, got {value:g}")


def _check_alpha(value: float | None) -> None:
    if value is not None and not 0.0 < value <= 0.5:
        raise fail(f"--alpha: bright-state population must be in (0, 0.5], got {value:g}")


def _draw(call: Callable[[], T]) -> T:
    """Run a plot call, turning model and file errors into one message each."""
    try:
        return call()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise fail(f"invalid configuration: {problems}") from None
    except OSError as exc:
        raise fail(f"--out: cannot write the file: {exc}") from None
    except ValueError as exc:
        raise fail(str(exc)) from None


@plot_app.command("rate-fidelity")
def rate_fidelity(
    preset: _PresetOption,
    distance_km: Annotated[
        float | None,
        typer.Option(
            help="Node separation in km, station at the midpoint. Default: the preset's "
            "reference geometry (e.g. 2 m for lab_2018)."
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output file, .png or .svg. Default: "
            "rate-fidelity-PRESET.png in the current directory.",
        ),
    ] = None,
    simulate: Annotated[
        int,
        typer.Option(
            min=0,
            help="Also simulate N pairs at each of a few α values and overlay the measured "
            "points (95 % CI). 0: model only.",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the simulations.")] = 1,
) -> None:
    """Entanglement rate against fidelity, sweeping the bright-state population α."""
    double_click = _check_preset(preset)
    _check_km("--distance-km", distance_km)
    path = out_file if out_file is not None else Path(f"rate-fidelity-{preset}.png")
    _check_out(path)
    if double_click:
        out.print(
            f"note: {preset} uses Barrett–Kok (double-click) heralding: both electrons always "
            "start in the equal superposition, so there is no α to trade rate for fidelity; "
            "the figure shows its single operating point.",
            highlight=False,
        )
    simulated: list[plots.SimulatedPoint] = []
    if simulate:
        out.print(f"simulating {simulate} pairs per α point …", highlight=False)
        simulated = _draw(lambda: plots.simulate_points(preset, distance_km, simulate, seed=seed))
        for point in simulated:
            out.print(
                f"  α = {point.alpha:g}: {point.delivered} pairs, rate {point.rate_hz:.4g} Hz "
                f"[{point.rate_ci95[0]:.4g}, {point.rate_ci95[1]:.4g}], fidelity "
                f"{point.fidelity:.4f}",
                highlight=False,
            )
    _draw(
        lambda: plots.plot_rate_fidelity(preset, path, distance_km=distance_km, simulated=simulated)
    )
    out.print(f"wrote {path}", highlight=False)


@plot_app.command("rate-distance")
def rate_distance(
    preset: _PresetOption,
    alpha: Annotated[
        float | None,
        typer.Option(help="Bright-state population α in (0, 0.5]. Default: the preset's."),
    ] = None,
    max_km: Annotated[float, typer.Option(help="Largest node separation in km (> 0).")] = 200.0,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output file, .png or .svg. Default: "
            "rate-distance-PRESET.png in the current directory.",
        ),
    ] = None,
) -> None:
    """Entanglement rate (log scale) and fidelity against node separation."""
    double_click = _check_preset(preset)
    _check_alpha(alpha)
    _check_km("--max-km", max_km)
    path = out_file if out_file is not None else Path(f"rate-distance-{preset}.png")
    _check_out(path)
    if double_click and alpha is not None:
        out.print(
            f"note: --alpha does not apply to {preset} (Barrett–Kok heralding has no free α); "
            "ignored.",
            highlight=False,
        )
        alpha = None
    _draw(lambda: plots.plot_rate_distance(preset, path, alpha=alpha, max_km=max_km))
    out.print(f"wrote {path}", highlight=False)
