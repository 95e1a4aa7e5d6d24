"""Sub-command groups of the ``qnetstack`` command, each a ``typer.Typer`` app.

``cli.py`` mounts them with ``app.add_typer(presets_app, name="presets")``,
``app.add_typer(plot_app, name="plot")`` and ``app.add_typer(results_app, name="results")``.
They live in their own modules so the root command stays small and each group is tested on
its own (mounted the same way on a throwaway app).
"""

from __future__ import annotations

from qnetstack.commands.plot import plot_app
from qnetstack.commands.presets import presets_app
from qnetstack.commands.results import results_app

__all__ = ["plot_app", "presets_app", "results_app"]
