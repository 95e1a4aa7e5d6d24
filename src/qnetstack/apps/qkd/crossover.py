"""Where a repeater-assisted key-rate curve overtakes a direct link.

The question a repeater study answers first: from which distance on is the repeater worth it?
:func:`crossover_distance` takes the two curves either as callables of distance (km → key rate
array) or as arrays sampled on a common distance grid, finds the first grid interval where
the repeater goes from behind to ahead, and refines the crossing inside it: by bisection when
the curves are callables, by interpolation of log₁₀(repeater/direct) when they are arrays
(key rates fall exponentially with distance, so the log ratio is close to linear). A rate ≤ 0
counts as "no key": the repeater is ahead where it has a key and the direct link has none. A
rate of +inf (the PLOB bound at zero loss) is allowed and simply wins.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd.errors import QkdParameterError

__all__ = ["RateCurve", "crossover_distance"]

FloatArray = npt.NDArray[np.float64]
RateCurve = Callable[[FloatArray], npt.ArrayLike] | npt.ArrayLike
"""A key-rate curve: a callable of a distance array (km), or rates sampled on the grid."""

_BISECTION_TOLERANCE_KM = 1e-9


def _advantage(repeater: FloatArray, direct: FloatArray) -> FloatArray:
    """log₁₀(repeater/direct), +inf where only the repeater has a key, −inf where it has none."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.log10(np.where(repeater > 0, repeater, 1.0)) - np.log10(
            np.where(direct > 0, direct, 1.0)
        )
    ratio = np.where((repeater > 0) & (direct <= 0), np.inf, ratio)
    return np.where(repeater <= 0, -np.inf, ratio)


def _evaluate(curve: RateCurve, distances: FloatArray, name: str) -> FloatArray:
    values = np.asarray(curve(distances) if callable(curve) else curve, dtype=np.float64)
    values = np.broadcast_to(values, distances.shape) if values.ndim == 0 else values
    if values.shape != distances.shape:
        raise QkdParameterError(
            f"{name} must give one rate per distance ({distances.size}), got shape {values.shape}"
        )
    if np.any(np.isnan(values)) or np.any(values == -np.inf):
        raise QkdParameterError(f"{name} must give key rates that are numbers (+inf allowed)")
    return values


def crossover_distance(
    repeater: RateCurve, direct: RateCurve, distances_km: npt.ArrayLike
) -> float | None:
    """The distance from which ``repeater`` gives a higher key rate than ``direct``.

    Args:
        repeater: Repeater-assisted key rate (callable of km, or rates on ``distances_km``).
        direct: Direct-link key rate (same forms).
        distances_km: Increasing grid of distances (km) to scan, at least two points.

    Returns:
        The first crossing from behind to ahead, refined inside its grid interval;
        ``distances_km[0]`` if the repeater is ahead from the start; None if it never
        overtakes on the grid. For sampled arrays where one curve has no key at an end of the
        crossing interval, the interval's right end is returned (the log ratio is undefined).

    Raises:
        QkdParameterError: If the grid is not strictly increasing with ≥ 2 points, or a curve
            gives the wrong number of rates or non-finite ones.
    """
    grid = np.asarray(distances_km, dtype=np.float64)
    if grid.ndim != 1 or grid.size < 2 or not np.all(np.diff(grid) > 0):
        raise QkdParameterError("distances_km must be a strictly increasing array of >= 2 points")
    ahead_by = _advantage(_evaluate(repeater, grid, "repeater"), _evaluate(direct, grid, "direct"))
    ahead = ahead_by > 0
    if ahead[0]:
        return float(grid[0])
    crossings = np.flatnonzero(ahead[1:] & ~ahead[:-1])
    if crossings.size == 0:
        return None
    i = int(crossings[0])
    low, high = float(grid[i]), float(grid[i + 1])
    if callable(repeater) and callable(direct):
        return _bisect(repeater, direct, low, high)
    before, after = float(ahead_by[i]), float(ahead_by[i + 1])
    if math.isinf(before) or math.isinf(after):
        return high
    return low + (high - low) * (-before) / (after - before)


def _bisect(
    repeater: Callable[[FloatArray], npt.ArrayLike],
    direct: Callable[[FloatArray], npt.ArrayLike],
    low: float,
    high: float,
) -> float:
    while high - low > _BISECTION_TOLERANCE_KM * max(1.0, high):
        mid = np.array([0.5 * (low + high)])
        ahead = _advantage(_evaluate(repeater, mid, "repeater"), _evaluate(direct, mid, "direct"))[
            0
        ]
        low, high = (low, float(mid[0])) if ahead > 0 else (float(mid[0]), high)
    return high
