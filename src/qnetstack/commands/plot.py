"""``qnetstack plot``: the figures of an NV preset, and line plots of a sweep's results.

Both commands draw the simulator's own heralding model (:mod:`qnetstack.analysis.plots`) and
write PNG or SVG, chosen by the ``--out`` suffix, without opening a window. ``rate-fidelity
--simulate N`` also runs the real stack at a few α values and overlays the measured points, so
the figure doubles as a check that simulation and formula agree.

``plot sweep results.jsonl --x FIELD --y FIELD [--hue FIELD]`` draws a metric of a sweep
against one of its parameters, with the mean and 95 % interval over seeds
(:mod:`qnetstack.analysis.sweep_plot`). ``qnetstack plot results.jsonl …`` is the same: a first
argument ending in ``.jsonl`` (or naming an existing file) goes to ``sweep``.

Every bad option (unknown preset, α outside (0, 0.5], a non-positive distance, an unsupported
file type, an unwritable file) ends with one message and exit code 2, never a traceback.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.markup import escape
from typer.core import TyperGroup

from qnetstack.analysis import plots, sweep_plot
from qnetstack.commands._common import err, fail, out
from qnetstack.physical.nv import list_presets, load_preset
from qnetstack.sweep import StoreError, read_lines
from qnetstack.sweep.export import available_fields, field_value
from qnetstack.sweep.values import SetSyntaxError, parse_values

__all__ = ["plot_app"]


class _PlotGroup(TyperGroup):
    """``qnetstack plot FILE.jsonl …`` is short for ``qnetstack plot sweep FILE.jsonl …``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        first = args[0] if args else ""
        is_results = first.endswith(".jsonl") or (first != "" and Path(first).is_file())
        if first not in self.commands and not first.startswith("-") and is_results:
            args = ["sweep", *args]
        result: list[str] = super().parse_args(ctx, args)
        return result


plot_app = typer.Typer(
    cls=_PlotGroup,
    help="Draw the heralded-entanglement trade-off figures of an NV preset, or a sweep's "
    "results (qnetstack plot results.jsonl --x PARAM --y METRIC).",
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


# --- the repeater figure ---------------------------------------------------------------------

_KEY_RATE_PRESETS = ("nearterm2020_coopmans2021", "near_future_10x_coopmans2021")
_MAX_POINTS = 400


def _number_list(option: str, text: str, *, low: float, high: float, integer: bool = False
                 ) -> list[float]:  # fmt: skip
    """A comma-separated list of numbers in [low, high] (integers if asked), or one message."""
    kind = "integers" if integer else "numbers"
    values: list[float] = []
    for part in text.split(","):
        try:
            value = float(part) if not integer else float(int(part))
        except ValueError:
            raise fail(f"{option}: {part.strip()!r} is not a number; give {kind} separated by "
                       f"commas, e.g. {option} 1,2,3") from None  # fmt: skip
        if not (math.isfinite(value) and low <= value <= high):
            raise fail(f"{option}: {value:g} is outside [{low:g}, {high:g}]")
        values.append(value)
    if len(set(values)) != len(values):
        raise fail(f"{option}: a value is given twice ({text})")
    return values


@plot_app.command("key-rate-distance")
def key_rate_distance(
    presets: Annotated[
        list[str] | None,
        typer.Option(
            "--preset", "-p",
            help="NV preset (repeat for several). Default: nearterm2020_coopmans2021 and "
            "near_future_10x_coopmans2021.",
        ),
    ] = None,
    repeaters: Annotated[
        str, typer.Option(help="Numbers of repeaters, comma-separated (0–20; 0: a direct NV "
                          "link).")
    ] = "0,1,2,4",
    distances_km: Annotated[
        str, typer.Option("--distances-km", help="End-to-end distances in km, comma-separated "
                          "(0.001–2000).")
    ] = "25,50,100,150,200",
    min_fidelity: Annotated[
        str, typer.Option(help="End-to-end fidelity targets tried at each point, "
                          "comma-separated (0–1); the best key rate is kept.")
    ] = "0.8,0.9,0.95",
    pairs: Annotated[
        int, typer.Option(min=16, max=1_000_000, help="Measured pairs per run (16–10⁶).")
    ] = 2000,
    pulse_rate_hz: Annotated[
        float, typer.Option(help="Pulse rate of the direct decoy-BB84 link and channel uses "
                            "per second of the PLOB bound (1–1e12).")
    ] = 1e9,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="Seed of every run.")] = 1,
    out_file: Annotated[
        Path, typer.Option("--out", "-o", help="Output file, .png or .svg.")
    ] = Path("key-rate-distance.png"),
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Also write the points as JSON to this file.")
    ] = None,
) -> None:  # fmt: skip
    """Secret-key rate against distance: NV BBM92 over 0, 1, 2, 4 repeaters (each point a run
    through the stack, with its 95 % interval), decoy-state BB84 over a direct link and the PLOB
    bound."""
    from qnetstack.analysis import key_rate

    chosen = list(presets or _KEY_RATE_PRESETS)
    for name in chosen:
        if _check_preset(name):
            raise fail(f"--preset: {name} uses Barrett–Kok heralding; the figure needs "
                       "single-click presets (the EGP's α trades rate for fidelity)")  # fmt: skip
    reps = [int(r) for r in _number_list("--repeaters", repeaters, low=0, high=20, integer=True)]
    kms = _number_list("--distances-km", distances_km, low=0.001, high=2000.0)
    targets = _number_list("--min-fidelity", min_fidelity, low=0.0, high=1.0)
    if not (math.isfinite(pulse_rate_hz) and 1.0 <= pulse_rate_hz <= 1e12):
        raise fail(f"--pulse-rate-hz: {pulse_rate_hz:g} is outside [1, 1e12]")
    runs = len(chosen) * len(reps) * len(kms) * len(targets)
    if runs > _MAX_POINTS:
        raise fail(f"{runs} runs asked for (presets × repeaters × distances × targets); at most "
                   f"{_MAX_POINTS}")  # fmt: skip
    _check_out(out_file)
    if json_file is not None and not json_file.parent.is_dir():
        raise fail(f"--json: the folder {json_file.parent} does not exist")
    out.print(f"{runs} runs of {pairs} pairs through the stack …", highlight=False)
    from qnetstack.runtime import PluginRegistry

    registry = PluginRegistry.from_entry_points()
    points = []
    for name in chosen:
        for n in reps:
            for km in kms:
                run = partial(key_rate.best_point, name, n, km, targets, pairs, seed, registry)
                point = _draw(run)
                points.append(point)
                out.print(_key_rate_line(point), highlight=False)
    _draw(lambda: key_rate.plot_key_rate_distance(
        points, out_file, pulse_rate_hz=pulse_rate_hz, max_km=max(kms) * 1.05))  # fmt: skip
    if json_file is not None:
        import json

        payload = {"pulse_rate_hz": pulse_rate_hz, "pairs": pairs, "seed": seed,
                   "points": [p.to_json() for p in points]}  # fmt: skip
        _draw(lambda: json_file.write_text(json.dumps(payload, indent=1) + "\n"))
        out.print(f"wrote {json_file}", highlight=False)
    out.print(f"wrote {out_file}", highlight=False)


def _key_rate_line(p: Any) -> str:
    where = f"  {p.preset}, {p.repeaters} rep, {p.distance_km:g} km:"
    if p.delivered == 0:
        return f"{where} no pairs ({p.error})"
    qbers = f"Q_Z {p.qber_z:.3f} Q_X {p.qber_x:.3f}" if p.qber_z is not None else "no sample"
    lo, hi = p.ci95_bps
    return (
        f"{where} F ≥ {p.min_fidelity:g}, {p.pair_rate_hz:.4g} pairs/s, {qbers}, key "
        f"{p.secret_key_rate_bps:.4g} bit/s [{lo:.3g}, {hi:.3g}] (finite-key delivered "
        f"{p.finite_key_rate_bps:.3g} bit/s)"
    )


# --- sweep results --------------------------------------------------------------------------


def _fail(message: str) -> typer.Exit:
    """:func:`fail` for messages that may hold ``[...]`` (paths, install hints): no markup."""
    return fail(escape(message))


def _where(conditions: list[str]) -> list[tuple[str, Any]]:
    parsed = []
    for text in conditions:
        name, sep, value = text.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise _fail(f"--where {text}: write FIELD=VALUE, e.g. platform.fidelity=0.9")
        try:
            values = parse_values(value.strip())
        except SetSyntaxError as exc:
            raise _fail(f"--where {text}: {exc}") from None
        if len(values) != 1:
            raise _fail(f"--where {text}: give one value")
        parsed.append((name.strip(), values[0]))
    return parsed


def _same(a: Any, b: Any) -> bool:
    """Equal as numbers (1 and 1.0), else as text (a hash that happens to be all digits)."""
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool | str):
        return float(a) == float(b)
    return a is not None and str(a) == str(b)


def _value(record: dict[str, Any], name: str) -> Any:
    try:
        return field_value(record, name)
    except KeyError:
        return None


def _check_fields(records: list[dict[str, Any]], names: dict[str, str | None], file: Path) -> None:
    for option, name in names.items():
        if name is None:
            continue
        if not any(_has(record, name) for record in records):
            fields = ", ".join(available_fields(records))
            raise _fail(
                f"{option}: no field {name!r} in {file}; fields: {fields} (or a dotted path "
                "into the results document, with --full)"
            )


def _has(record: dict[str, Any], name: str) -> bool:
    try:
        field_value(record, name)
    except KeyError:
        return False
    return True


def _check_fixed(records: list[dict[str, Any]], used: set[str]) -> None:
    """Every --set path other than x and hue must be constant, or the lines would mix them;
    and one file may hold several sweeps (different base scenarios): plot one at a time."""
    bases = list(dict.fromkeys(str(r.get("base")) for r in records))
    if len(bases) > 1 and "base" not in used:
        raise _fail(
            f"the results come from {len(bases)} different base scenarios ({', '.join(bases)}); "
            "pick one with --where base=HASH"
        )
    paths = dict.fromkeys(path for r in records for path in (r.get("set") or {}))
    for path in paths:
        if path in used:
            continue
        values = list(dict.fromkeys(repr((r.get("set") or {}).get(path)) for r in records))
        if len(values) > 1:
            shown = ", ".join(values[:6]) + (", …" if len(values) > 6 else "")
            raise _fail(
                f"the results vary {path} too ({shown}); plot it as --hue {path}, or pick one "
                f"value with --where {path}=VALUE"
            )


def _default_out(x: str, y: str) -> Path:
    def safe(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)

    return Path(f"sweep-{safe(y)}-vs-{safe(x)}.png")


@plot_app.command("sweep")
def plot_sweep(
    file: Annotated[Path, typer.Argument(help="Results file written by `qnetstack sweep`.")],
    x: Annotated[str, typer.Option("--x", help="Field on the x axis: a --set path.")],
    y: Annotated[
        str,
        typer.Option(
            "--y",
            help="Numeric field on the y axis: a metric (throughput_hz, fidelity_mean, …) or "
            "a dotted path into the line or its results document.",
        ),
    ],
    hue: Annotated[
        str | None, typer.Option("--hue", help="Field whose values get one line each.")
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", help="FIELD=VALUE: keep only these points (repeatable)."),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output .png or .svg (default: sweep-Y-vs-X.png)."),
    ] = None,
    log_x: Annotated[bool, typer.Option("--log-x", help="Logarithmic x axis.")] = False,
    log_y: Annotated[bool, typer.Option("--log-y", help="Logarithmic y axis.")] = False,
) -> None:
    """Plot a sweep's metric against a parameter: mean and 95 % CI over seeds."""
    path = out_file if out_file is not None else _default_out(x, y)
    _check_out(path)
    if not file.is_file():
        raise _fail(f"{file}: file not found")
    try:
        records, _ = read_lines(file)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    ok = [r for r in records if r.get("status") == "ok"]
    if not ok:
        raise _fail(f"{file}: no finished point with status ok ({len(records)} lines)")
    _check_fields(ok, {"--x": x, "--y": y, "--hue": hue}, file)
    for name, value in _where(where or []):
        _check_fields(ok, {"--where": name}, file)
        ok = [r for r in ok if _same(_value(r, name), value)]
        if not ok:
            raise _fail(f"--where {name}={value}: no point has this value")
    pinned = {x, *([hue] if hue else []), *(name for name, _ in _where(where or []))}
    _check_fixed(ok, pinned)
    rows = []
    for record in ok:
        value = _value(record, y)
        if value is not None and not (
            isinstance(value, int | float) and not isinstance(value, bool)
        ):
            raise _fail(f"--y: {y} is not numeric (got {value!r}); choose a number field")
        rows.append((_value(record, x), value, _value(record, hue) if hue else None))
    series = sweep_plot.aggregate(rows)
    _draw(
        lambda: sweep_plot.plot_series(
            series, path, x_label=x, y_label=y, hue_label=hue, log_x=log_x, log_y=log_y
        )
    )
    left_out = len(records) - len([r for r in records if r.get("status") == "ok"])
    if left_out:
        err.print(f"note: {left_out} failed or invalid point(s) left out", highlight=False)
    points = sum(len(s.points) for s in series)
    out.print(
        f"wrote {path} ({len(series)} line(s), {points} points, {len(rows)} runs)",
        markup=False,
        highlight=False,
    )
