"""Line plots of a sweep: a metric against a parameter, mean and 95 % interval over seeds.

Each line of a sweep's results file is one (parameter assignment, seed). For a chosen x field,
y field and optional hue field, :func:`aggregate` groups the points by (hue, x) and summarises
y over the seeds of each group with :func:`qnetstack.analysis.compare.estimate` (mean and
Student-t 95 % interval, ``mean ± t·s/√n``); :func:`plot_series` draws one line per hue value
with the interval as a band, and writes PNG or SVG reproducibly
(:func:`qnetstack.analysis.plots.save_figure`).

x may be numeric (sorted, optionally on a log axis) or text (categories in first-seen order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from qnetstack.analysis.compare import Estimate, estimate
from qnetstack.analysis.plots import save_figure

__all__ = ["Series", "SeriesPoint", "aggregate", "plot_series"]


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One x value of a line: y summarised over its seeds."""

    x: Any
    y: Estimate


@dataclass(frozen=True, slots=True)
class Series:
    """One line: a hue value (``None`` without ``--hue``) and its points in x order."""

    hue: Any
    points: tuple[SeriesPoint, ...]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _order(values: Sequence[Any]) -> list[Any]:
    """Distinct values: numbers ascending, otherwise in first-seen order."""
    distinct = list(dict.fromkeys(values))
    if all(_is_number(v) for v in distinct):
        return sorted(distinct)
    return distinct


def aggregate(rows: Sequence[tuple[Any, float | None, Any]]) -> list[Series]:
    """Group ``(x, y, hue)`` rows by hue and x; mean and 95 % interval of y over each group.

    Rows whose y is ``None`` (undefined in that run) do not count in the group's ``n``.
    """
    groups: dict[tuple[Any, Any], list[float | None]] = {}
    for x, y, hue in rows:
        groups.setdefault((_hashable(hue), _hashable(x)), []).append(y)
    series = []
    for hue in _order([_hashable(h) for _, _, h in rows]):
        xs = _order([x for (h, x) in groups if h == hue])
        points = tuple(SeriesPoint(x, estimate(groups[(hue, x)])) for x in xs)
        series.append(Series(hue, points))
    return series


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, dict | list) else value


def plot_series(
    series: Sequence[Series],
    out: Path,
    *,
    x_label: str,
    y_label: str,
    hue_label: str | None = None,
    title: str = "",
    log_x: bool = False,
    log_y: bool = False,
) -> Path:
    """Draw the lines with their 95 % bands and write ``out`` (``.png`` or ``.svg``).

    Raises:
        ValueError: Unsupported suffix, or a log axis with values that are not positive.
        OSError: The file cannot be written.
    """
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    axes = fig.add_subplot()
    all_x = _order([p.x for s in series for p in s.points])
    numeric = all(_is_number(x) for x in all_x)
    position = {x: (x if numeric else i) for i, x in enumerate(all_x)}
    for line in series:
        xs = [position[p.x] for p in line.points if p.y.mean is not None]
        means = [p.y.mean for p in line.points if p.y.mean is not None]
        label = None if hue_label is None else f"{hue_label} = {line.hue}"
        drawn = axes.plot(xs, means, marker="o", markersize=4, label=label)
        band = [
            (position[p.x], p.y.low, p.y.high)
            for p in line.points
            if p.y.low is not None and p.y.high is not None
        ]
        if band:
            axes.fill_between(
                [b[0] for b in band],
                [b[1] for b in band],
                [b[2] for b in band],
                color=drawn[0].get_color(),
                alpha=0.2,
                linewidth=0,
            )
    if not numeric:
        axes.set_xticks(range(len(all_x)), [str(x) for x in all_x])
    _log_axes(axes, log_x, log_y, series, numeric)
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    runs = max((p.y.n for s in series for p in s.points), default=0)
    axes.set_title(title or f"mean over up to {runs} seed(s), 95 % CI", fontsize="medium")
    axes.grid(True, alpha=0.3)
    if hue_label is not None:
        axes.legend(fontsize="small")
    return save_figure(fig, out)


def _log_axes(axes: Any, log_x: bool, log_y: bool, series: Sequence[Series], numeric: bool) -> None:
    if log_x:
        xs = [p.x for s in series for p in s.points]
        if not numeric or any(x <= 0 for x in xs):
            raise ValueError("--log-x needs numeric x values > 0")
        axes.set_xscale("log")
    if log_y:
        ys = [p.y.mean for s in series for p in s.points if p.y.mean is not None]
        if any(y <= 0 for y in ys):
            raise ValueError("--log-y needs y values > 0")
        axes.set_yscale("log")
