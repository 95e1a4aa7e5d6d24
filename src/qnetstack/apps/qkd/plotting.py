"""Key rate against distance on a log scale, with the PLOB bound for comparison.

Drawn on a bare :class:`matplotlib.figure.Figure` with the Agg canvas (no pyplot, no display
backend, no global state) and saved without a software stamp, so the same curves give the same
PNG bytes. matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd.decoy import channel_transmittance, plob_bound
from qnetstack.apps.qkd.errors import QkdParameterError

__all__ = ["plot_key_rate_vs_distance"]


def plot_key_rate_vs_distance(
    out: Path,
    distances_km: npt.ArrayLike,
    curves: Mapping[str, npt.ArrayLike],
    plob_loss_db_per_km: float | None = None,
    title: str = "Secret key rate vs distance",
    crossover_km: float | None = None,
) -> Path:
    """Write a PNG of key rate per pulse (log scale) against distance.

    Args:
        out: Output path; must end in ``.png``.
        distances_km: The common distance grid (km).
        curves: Label → key rate per pulse (or per channel use) on the grid; rates ≤ 0 are
            not drawn (no key).
        plob_loss_db_per_km: If given, the PLOB bound −log₂(1 − 10^{−αL/10}) for this fibre
            loss is drawn as a dashed line.
        title: Figure title.
        crossover_km: If given, a vertical dotted line marks this distance.

    Returns:
        ``out``.

    Raises:
        QkdParameterError: If ``out`` is not a .png path or a curve has the wrong length.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(out)
    if path.suffix != ".png":
        raise QkdParameterError(f"out must be a .png path, got {str(out)!r}")
    grid = np.asarray(distances_km, dtype=np.float64)
    fig = Figure(figsize=(7.0, 4.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for label, values in curves.items():
        rate = np.asarray(values, dtype=np.float64)
        if rate.shape != grid.shape:
            raise QkdParameterError(
                f"curve {label!r} must have one rate per distance ({grid.size}), "
                f"got shape {rate.shape}"
            )
        ax.plot(grid, np.where(rate > 0, rate, np.nan), label=label)
    if plob_loss_db_per_km is not None:
        bound = plob_bound(channel_transmittance(grid, plob_loss_db_per_km))
        bound = np.where(np.isfinite(bound), bound, np.nan)  # infinite at 0 km
        ax.plot(grid, bound, "k--", label=f"PLOB bound ({plob_loss_db_per_km:g} dB/km)")
    if crossover_km is not None:
        ax.axvline(
            crossover_km, color="grey", linestyle=":", label=f"crossover {crossover_km:.0f} km"
        )
    ax.set_yscale("log")
    ax.set_xlabel("distance (km)")
    ax.set_ylabel("secret key bits per pulse (PLOB: per channel use)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=120, metadata={"Software": None})
    return path
