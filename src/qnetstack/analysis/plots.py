"""The classic heralded-entanglement trade-off figures of an NV preset: rate vs fidelity, distance.

Why these two plots: they are the first thing one asks of a link. Single-click heralding trades
rate for fidelity through the bright-state population α (p_succ ≈ 2αη, F ≈ (1 − α)(1 + √V)/2,
physics.md F1), and every heralded link loses rate exponentially with distance while the
attempt cycle grows with the herald round trip. Both figures are computed from the *same* model
the simulator uses (:func:`qnetstack.physical.nv.platform.herald_model` and
:meth:`~qnetstack.physical.nv.params.NVConfig.attempt_duration_ps`): rate = p_succ / cycle.

:func:`simulate_points` runs short simulations through the real stack (scenario → runtime →
link layer → NV devices and station) and reads the measured rate and fidelity from the results
document, so the overlay is a check of the simulator against the formula, not a replot of it.

Figures are drawn on a bare :class:`matplotlib.figure.Figure` (Agg canvas; pyplot and any
display backend are never touched) and saved deterministically: SVG with a fixed
``svg.hashsalt`` and no date, PNG without the software/version stamp, so the same inputs give
byte-identical files (the docs' images are committed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from qnetstack.physical.nv.params import NVConfig
from qnetstack.physical.nv.platform import herald_model
from qnetstack.physical.nv.presets import load_preset, preset_reference_arms_km
from qnetstack.physical.platform import LinkGeometry

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ModelPoint",
    "SimulatedPoint",
    "link_config",
    "model_point",
    "plot_rate_distance",
    "plot_rate_fidelity",
    "rate_ci95",
    "rate_distance_curve",
    "rate_fidelity_curve",
    "save_figure",
    "simulate_points",
]

SUPPORTED_SUFFIXES = (".png", ".svg")
"""File types the plot functions write, chosen by the output file's suffix."""

_PS_PER_S = 1e12
_SVG_HASHSALT = "qnetstack"
_Z95 = 1.959963984540054
_MARKED_ALPHAS = (0.01, 0.05, 0.1, 0.2, 0.3, 0.5)
# Log-spaced, so the small-α end (where dark counts take over and the fidelity turns down) is
# resolved; the labelled values are included exactly.
_DEFAULT_ALPHAS = tuple(
    sorted({round(float(a), 6) for a in np.geomspace(0.005, 0.5, 60)} | set(_MARKED_ALPHAS))
)
_SIMULATED_ALPHAS = (0.05, 0.1, 0.2, 0.3)


@dataclass(frozen=True, slots=True)
class ModelPoint:
    """One point of a model curve.

    Attributes:
        alpha: Bright-state population (0.5 for Barrett–Kok, which has no free α).
        length_km: Node separation (sum of both arms).
        p_succ: Per-attempt heralding probability.
        cycle_s: Attempt duration, emission delay plus the herald round trip on the longer arm.
        rate_hz: ``p_succ / cycle_s``: mean heralded pairs per second.
        fidelity: Fidelity of a freshly heralded pair to the announced Bell state.
    """

    alpha: float
    length_km: float
    p_succ: float
    cycle_s: float
    rate_hz: float
    fidelity: float


@dataclass(frozen=True, slots=True)
class SimulatedPoint:
    """A rate and fidelity measured by a simulation run, read from its results document.

    Attributes:
        alpha: Bright-state population configured for the run.
        delivered: Pairs delivered.
        rate_hz: Measured delivery rate (results ``rate_hz``).
        rate_ci95: 95 % interval of the rate (see :func:`rate_ci95`).
        fidelity: Mean delivered fidelity (results ``fidelity.mean``).
        fidelity_ci95: Its 95 % interval (results ``fidelity.ci95``).
    """

    alpha: float
    delivered: int
    rate_hz: float
    rate_ci95: tuple[float, float]
    fidelity: float
    fidelity_ci95: tuple[float, float]


# --------------------------------------------------------------------------------- the model


def link_config(preset: str, alpha: float | None = None) -> NVConfig:
    """The preset's configuration, with the bright-state population set to ``alpha``.

    Args:
        preset: A name from :func:`qnetstack.physical.nv.list_presets`.
        alpha: Bright-state population in (0, 0.5]; ignored (None) for double-click presets.

    Raises:
        ValueError: If the preset is unknown.
        pydantic.ValidationError: If ``alpha`` is outside (0, 0.5].
    """
    base = load_preset(preset)
    if alpha is None or base.protocol == "double_click":
        return base
    return load_preset(preset, {"bright_state_alpha": alpha})


def _geometry(config: NVConfig, arm_a_km: float, arm_b_km: float) -> LinkGeometry:
    speed = config.optics.speed_of_light_km_per_s
    delay_a = round(arm_a_km / speed * _PS_PER_S)
    delay_b = round(arm_b_km / speed * _PS_PER_S)
    return LinkGeometry("a", "b", "station", arm_a_km, arm_b_km, delay_a, delay_b)


def model_point(config: NVConfig, arm_a_km: float, arm_b_km: float) -> ModelPoint:
    """Rate and fresh fidelity of one link from the simulator's own herald model.

    Args:
        config: The platform configuration (α included).
        arm_a_km: Fibre from node A to the station.
        arm_b_km: Fibre from node B to the station.
    """
    result = herald_model(config, _geometry(config, arm_a_km, arm_b_km))
    cycle_s = config.attempt_duration_ps(arm_a_km, arm_b_km) / _PS_PER_S
    return ModelPoint(
        alpha=config.attempt_alpha,
        length_km=arm_a_km + arm_b_km,
        p_succ=result.p_succ,
        cycle_s=cycle_s,
        rate_hz=result.p_succ / cycle_s,
        fidelity=result.fidelity,
    )


def _arms(preset: str, distance_km: float | None) -> tuple[float, float]:
    """The preset's reference arms, or a midpoint station at ``distance_km``."""
    if distance_km is None:
        return preset_reference_arms_km(preset)
    if not (distance_km > 0.0 and math.isfinite(distance_km)):
        raise ValueError(f"distance must be a finite length > 0 km, got {distance_km!r}")
    return distance_km / 2.0, distance_km / 2.0


def rate_fidelity_curve(
    preset: str, distance_km: float | None = None, alphas: Sequence[float] | None = None
) -> list[ModelPoint]:
    """Model rate and fidelity over a sweep of α (one point for a double-click preset).

    Args:
        preset: Preset name.
        distance_km: Node separation with a midpoint station; None for the preset's reference
            geometry (e.g. 1 m + 1 m for lab_2018, 10 km + 15 km for ql2020_dahlberg2019).
        alphas: Values of α in (0, 0.5]; default 60 log-spaced values from 0.005 to 0.5.

    Raises:
        ValueError: Unknown preset or non-positive distance.
        pydantic.ValidationError: An α outside (0, 0.5].
    """
    arm_a, arm_b = _arms(preset, distance_km)
    if load_preset(preset).protocol == "double_click":
        return [model_point(load_preset(preset), arm_a, arm_b)]
    sweep = _DEFAULT_ALPHAS if alphas is None else alphas
    return [model_point(link_config(preset, alpha), arm_a, arm_b) for alpha in sweep]


def rate_distance_curve(
    preset: str, distances_km: Sequence[float], alpha: float | None = None
) -> list[ModelPoint]:
    """Model rate and fidelity against node separation, station at the midpoint.

    Args:
        preset: Preset name.
        distances_km: Node separations, each ≥ 0 km.
        alpha: Bright-state population; None keeps the preset's (ignored for double-click).
    """
    config = link_config(preset, alpha)
    return [model_point(config, d / 2.0, d / 2.0) for d in distances_km]


# ------------------------------------------------------------------------- the simulations


def rate_ci95(rate_hz: float, delivered: int) -> tuple[float, float]:
    """95 % interval of a delivery rate measured as ``delivered`` pairs in a time T.

    Heralds form (to a very good approximation) a Poisson process, so the time to the n-th
    delivery is Gamma(n, λ)-distributed and the exact interval is
    λ ∈ [χ²_{2n}(0.025), χ²_{2n}(0.975)] / (2T), with T = n / rate. χ² quantiles use the
    Wilson–Hilferty approximation (relative error < 1e-3 for n ≥ 2; no scipy at run time).

    Args:
        rate_hz: Measured rate, ``delivered / T``.
        delivered: Number of pairs, ≥ 1.
    """
    if delivered < 1:
        raise ValueError(f"need at least one delivered pair, got {delivered}")
    k = 2.0 * delivered

    def chi2(z: float) -> float:
        h = 2.0 / (9.0 * k)
        return k * max(1.0 - h + z * math.sqrt(h), 0.0) ** 3

    period_s = delivered / rate_hz
    return chi2(-_Z95) / (2.0 * period_s), chi2(_Z95) / (2.0 * period_s)


def _scenario(
    preset: str, alpha: float | None, arms: tuple[float, float], pairs: int, seed: int
) -> dict[str, Any]:
    config = link_config(preset, alpha)
    point = model_point(config, *arms)
    length = arms[0] + arms[1]
    # Room for ~10× the expected time (plus classical overhead); a run that still falls short
    # reports what it delivered.
    stop_s = 10.0 * pairs / point.rate_hz + 10.0
    platform: dict[str, Any] = {"plugin": "nv", "preset": preset, "mode": "sampled"}
    if config.protocol == "single_click":
        platform["bright_state_alpha"] = alpha if alpha is not None else config.bright_state_alpha
    return {
        "name": f"{preset}-alpha-{config.attempt_alpha:g}",
        "seed": seed,
        "formalism": "dm",
        "stop_time_s": stop_s,
        "platform": platform,
        "nodes": [{"name": "alice"}, {"name": "bob"}],
        "links": [
            {"nodes": ["alice", "bob"], "length_km": length, "station_position": arms[0] / length}
        ],
        "requests": [{"src": "alice", "dst": "bob", "pairs": pairs}],
    }


def simulate_points(
    preset: str,
    distance_km: float | None,
    pairs: int,
    *,
    alphas: Sequence[float] = _SIMULATED_ALPHAS,
    seed: int = 1,
) -> list[SimulatedPoint]:
    """Run one short simulation per α and read rate and fidelity from the results document.

    Each run is a two-node scenario (``sampled`` mode, density matrices) built as a dict and
    passed through :func:`qnetstack.scenario.parse_scenario` and
    :func:`qnetstack.scenario.run_scenario`, exactly as ``qnetstack run`` does. A run that
    delivers fewer than two pairs before its stop time is left out.

    Args:
        preset: Preset name.
        distance_km: Node separation (midpoint station); None for the preset's reference arms.
        pairs: Pairs requested per α, ≥ 1.
        alphas: The α values (a double-click preset runs once, at its fixed α).
        seed: Seed of the first run; run i uses ``seed + i`` (the same seed gives the same
            points).
    """
    # Imported here: the scenario package pulls in the whole stack, which the model-only
    # plots do not need.
    from qnetstack.runtime import PluginRegistry
    from qnetstack.scenario import parse_scenario, run_scenario

    if pairs < 1:
        raise ValueError(f"pairs must be >= 1, got {pairs}")
    arms = _arms(preset, distance_km)
    sweep: Sequence[float | None] = alphas
    if load_preset(preset).protocol == "double_click":
        sweep = [None]
    registry = PluginRegistry.from_entry_points()
    points = []
    for index, alpha in enumerate(sweep):
        # One seed per point: with a common seed the geometric draws would be the same uniforms
        # at every α and the points' errors perfectly correlated.
        data = _scenario(preset, alpha, arms, pairs, seed + index)
        results = run_scenario(parse_scenario(data, registry, data["name"]), registry)
        request = results["requests"][0]
        fid = request["fidelity"]
        if request["delivered"] < 2 or fid["mean"] is None:
            continue
        lo, hi = fid["ci95"]
        points.append(
            SimulatedPoint(
                alpha=load_preset(preset).attempt_alpha if alpha is None else alpha,
                delivered=request["delivered"],
                rate_hz=request["rate_hz"],
                rate_ci95=rate_ci95(request["rate_hz"], request["delivered"]),
                fidelity=fid["mean"],
                fidelity_ci95=(lo, hi),
            )
        )
    return points


# ------------------------------------------------------------------------------- drawing


def _check_suffix(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError(
            f"unsupported output type {out.suffix or '(none)'!r} for {out}; "
            f"use one of: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    return suffix


def save_figure(fig: Figure, out: Path) -> Path:
    """Write ``fig`` as PNG or SVG (by suffix), reproducibly.

    SVG ids are salted with a fixed string and the date is left out; PNG gets no software
    stamp. The same figure therefore gives the same bytes on every run.

    Raises:
        ValueError: If the suffix is not ``.png`` or ``.svg``.
        OSError: If the file cannot be written.
    """
    suffix = _check_suffix(out)
    FigureCanvasAgg(fig)
    if suffix == ".svg":
        with mpl.rc_context({"svg.hashsalt": _SVG_HASHSALT}):
            fig.savefig(out, format="svg", metadata={"Date": None})
    else:
        fig.savefig(out, format="png", dpi=150, metadata={"Software": None})
    return out


def _title(preset: str, config: NVConfig, arms: tuple[float, float]) -> str:
    protocol = "single-click" if config.protocol == "single_click" else "Barrett–Kok"
    return f"{preset} ({protocol}), {_km(arms[0])} + {_km(arms[1])} to the station"


def _km(km: float) -> str:
    return f"{km * 1000:g} m" if km < 1.0 else f"{km:g} km"


def plot_rate_fidelity(
    preset: str,
    out: Path,
    *,
    distance_km: float | None = None,
    alphas: Sequence[float] | None = None,
    simulated: Sequence[SimulatedPoint] = (),
) -> Path:
    """Draw heralded-pair rate against fidelity over the α sweep and write it to ``out``.

    Args:
        preset: Preset name.
        out: ``.png`` or ``.svg`` path.
        distance_km: Node separation (midpoint station); None for the preset's reference arms.
        alphas: α sweep for the model curve (default 0.005–0.5, log-spaced).
        simulated: Measured points to overlay, with 95 % error bars.

    Returns:
        ``out``.
    """
    _check_suffix(out)
    curve = rate_fidelity_curve(preset, distance_km, alphas)
    config = load_preset(preset)
    arms = _arms(preset, distance_km)
    # Fixed margins rather than a layout engine: constrained layout would double the drawing
    # time, and the labels are known in advance.
    fig = Figure(figsize=(6.4, 4.4))
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.12, top=0.92)
    ax: Axes = fig.add_subplot()
    fidelity = [p.fidelity for p in curve]
    rate = [p.rate_hz for p in curve]
    if config.protocol == "double_click":
        ax.plot(fidelity, rate, "o", color="C0", label="model (Barrett–Kok, α fixed at ½)")
        ax.annotate(
            "Barrett–Kok: no α to trade",
            (fidelity[0], rate[0]),
            textcoords="offset points",
            xytext=(8, 8),
        )
    else:
        ax.plot(fidelity, rate, "-", color="C0", label="model (fresh pair): p_succ / attempt cycle")
        _mark_alphas(ax, curve)
    if simulated:
        _overlay(ax, simulated)
    ax.set_yscale("log")
    ax.margins(x=0.08)  # room for the α labels
    ax.set_xlabel("fidelity to the announced Bell state")
    ax.set_ylabel("entanglement rate (Hz)")
    ax.set_title(_title(preset, config, arms), fontsize="medium")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower left", fontsize="small")
    return save_figure(fig, out)


def _mark_alphas(ax: Axes, curve: Sequence[ModelPoint]) -> None:
    for target in _MARKED_ALPHAS:
        point = min(curve, key=lambda p: abs(p.alpha - target))
        if not math.isclose(point.alpha, target):
            continue
        ax.plot([point.fidelity], [point.rate_hz], ".", color="C0")
        ax.annotate(
            f"α={target:g}",
            (point.fidelity, point.rate_hz),
            textcoords="offset points",
            xytext=(4, 4),
            fontsize="small",
        )


def _overlay(ax: Axes, points: Sequence[SimulatedPoint]) -> None:
    fid = np.array([p.fidelity for p in points])
    rate = np.array([p.rate_hz for p in points])
    fid_err = np.array(
        [[p.fidelity - p.fidelity_ci95[0] for p in points],
         [p.fidelity_ci95[1] - p.fidelity for p in points]]
    )  # fmt: skip
    rate_err = np.array(
        [[p.rate_hz - p.rate_ci95[0] for p in points], [p.rate_ci95[1] - p.rate_hz for p in points]]
    )
    n = min(p.delivered for p in points)
    ax.errorbar(
        fid,
        rate,
        xerr=np.maximum(fid_err, 0.0),
        yerr=rate_err,
        fmt="s",
        color="C3",
        capsize=3,
        label=f"simulated: delivered pairs (≥ {n} per point, 95 % CI)",
    )


def plot_rate_distance(
    preset: str,
    out: Path,
    *,
    alpha: float | None = None,
    max_km: float = 200.0,
    points: int = 201,
) -> Path:
    """Draw rate (log scale) and fidelity against node separation and write it to ``out``.

    The station is at the midpoint. The rate falls as 10^(−loss·L/20) from the arm transmission
    and further as the attempt cycle grows with the herald round trip L/c; the fidelity falls
    where dark counts start to compete with photon clicks.

    Args:
        preset: Preset name.
        out: ``.png`` or ``.svg`` path.
        alpha: Bright-state population; None keeps the preset's (ignored for double-click).
        max_km: Largest node separation, > 0 km.
        points: Number of distances, from 0 to ``max_km``.

    Returns:
        ``out``.
    """
    _check_suffix(out)
    if not (max_km > 0.0 and math.isfinite(max_km)):
        raise ValueError(f"max_km must be a finite length > 0 km, got {max_km!r}")
    distances = [float(d) for d in np.linspace(0.0, max_km, points)]
    curve = rate_distance_curve(preset, distances, alpha)
    config = link_config(preset, alpha)
    fig = Figure(figsize=(6.4, 5.2))
    fig.subplots_adjust(left=0.13, right=0.97, bottom=0.1, top=0.93, hspace=0.08)
    ax_rate, ax_fid = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    ax_rate.plot(distances, [p.rate_hz for p in curve], color="C0")
    ax_rate.set_yscale("log")
    ax_rate.set_ylabel("entanglement rate (Hz)")
    ax_rate.grid(True, which="both", alpha=0.3)
    ax_fid.plot(distances, [p.fidelity for p in curve], color="C1")
    ax_fid.set_ylabel("fidelity (fresh pair)")
    ax_fid.set_xlabel("node separation L (km), station at the midpoint")
    ax_fid.grid(True, alpha=0.3)
    protocol = "single-click" if config.protocol == "single_click" else "Barrett–Kok"
    setting = f"α = {config.attempt_alpha:g}" if config.protocol == "single_click" else "α = ½"
    o = config.optics
    ax_rate.set_title(
        f"{preset} ({protocol}, {setting}, {o.fibre_loss_db_per_km:g} dB/km)", fontsize="medium"
    )
    return save_figure(fig, out)
