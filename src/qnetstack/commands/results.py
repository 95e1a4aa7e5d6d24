"""``qnetstack results``: work with a sweep's results file (JSON lines).

``qnetstack results export results.jsonl --format csv|parquet --out FILE`` writes one row per
point (:mod:`qnetstack.sweep.export` lists the columns). Parquet needs pyarrow (``pip install
'qnetstack[parquet]'``); without it the command says so and exits with code 2.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from qnetstack.commands._common import err, fail, out
from qnetstack.sweep import MissingExtraError, StoreError, read_lines
from qnetstack.sweep.export import write_csv, write_parquet

__all__ = ["ExportFormat", "results_app"]


def _fail(message: str) -> typer.Exit:
    """:func:`fail` for messages that may hold ``[...]`` (paths, install hints): no markup."""
    return fail(escape(message))


results_app = typer.Typer(
    help="Work with sweep results files (JSON lines): export to CSV or Parquet.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class ExportFormat(StrEnum):
    """Table formats of ``results export``."""

    CSV = "csv"
    PARQUET = "parquet"


@results_app.command("export")
def export(
    file: Annotated[Path, typer.Argument(help="Results file written by `qnetstack sweep`.")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="The table file to write.")],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Table format.")
    ] = ExportFormat.CSV,
) -> None:
    """Export sweep results as a table: one row per point, one column per parameter/metric."""
    if not file.is_file():
        raise _fail(f"{file}: file not found")
    try:
        records, skipped = read_lines(file)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    if skipped:
        err.print(
            f"note: {file}: skipped {skipped} line(s) that are not results (a torn last line?)",
            markup=False,
            highlight=False,
        )
    if not out_file.parent.is_dir():
        raise _fail(f"--out: directory {out_file.parent} does not exist")
    writer = write_csv if fmt is ExportFormat.CSV else write_parquet
    try:
        rows = writer(records, out_file)
    except MissingExtraError as exc:
        raise _fail(f"--format parquet: {exc}") from None
    except OSError as exc:
        raise _fail(f"--out: cannot write {out_file}: {exc.strerror or exc}") from None
    out.print(f"wrote {rows} rows to {out_file}", markup=False, highlight=False)
