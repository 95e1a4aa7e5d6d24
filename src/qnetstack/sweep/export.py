"""Sweep results as a table: field lookup, CSV and Parquet export.

A results line is nested only in ``set`` (the point's parameters) and, with ``--full``,
``results`` (the whole results document). The table has one row per line and the columns

``key, base, scenario, <each --set path>, seed_index, seed, status, error, <metrics…>, run_s,
qnetstack_version``

A ``--set`` path gets its own column named as the path (``platform.fidelity``); if that name is
also a fixed column (``--set seed=…``), the column is ``set.seed``. The ``results`` document is
left out of the table.

:func:`field_value` is how ``qnetstack plot`` finds ``--x``/``--y``/``--hue``: a ``--set``
path, then a top-level field (a metric), then a dotted path into the line, then into its
``results`` document (``requests[0].rate_hz``).
"""

from __future__ import annotations

import csv
import importlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qnetstack.sweep.executors import MissingExtraError
from qnetstack.sweep.metrics import METRICS

__all__ = [
    "FORMATS",
    "INSTALL_PARQUET",
    "available_fields",
    "field_value",
    "table",
    "write_csv",
    "write_parquet",
]

FORMATS = ("csv", "parquet")
INSTALL_PARQUET = "pip install 'qnetstack[parquet]' (or pip install pyarrow)"

_HEAD = ("key", "base", "scenario")
_MIDDLE = ("seed_index", "seed", "status", "error")
_TAIL = ("run_s", "qnetstack_version")
_TEXT = frozenset(("key", "base", "scenario", "status", "error", "qnetstack_version"))
_FIXED = frozenset(_HEAD + _MIDDLE + METRICS + _TAIL)
_TOKENS = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _set_columns(records: Sequence[dict[str, Any]]) -> dict[str, str]:
    """``--set`` path → column name, in first-seen order."""
    columns: dict[str, str] = {}
    for record in records:
        for path in record.get("set") or {}:
            if path not in columns:
                columns[path] = f"set.{path}" if path in _FIXED else path
    return columns


def table(records: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """``(columns, rows)`` of the records (see the module docstring)."""
    set_columns = _set_columns(records)
    columns = [*_HEAD, *set_columns.values(), *_MIDDLE, *METRICS, *_TAIL]
    rows = []
    for record in records:
        assignment = record.get("set") or {}
        row = [record.get(name) for name in _HEAD]
        row += [assignment.get(path) for path in set_columns]
        row += [record.get(name) for name in (*_MIDDLE, *METRICS, *_TAIL)]
        rows.append(row)
    return columns, rows


def write_csv(records: Sequence[dict[str, Any]], out: Path) -> int:
    """Write the table as CSV (empty cells for missing values); return the row count."""
    columns, rows = table(records)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
    return len(rows)


def write_parquet(records: Sequence[dict[str, Any]], out: Path) -> int:
    """Write the table as Parquet with pyarrow; return the row count.

    A column whose values are all numbers (and ``None``) becomes int64, or float64 as soon as
    one value is a float (or when it has no value at all); booleans stay booleans; anything
    else, and the identity and status columns, is stored as text.

    Raises:
        MissingExtraError: pyarrow is not installed.
    """
    try:  # imported by name: pyarrow is optional and ships no type information
        pa = importlib.import_module("pyarrow")
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise MissingExtraError(
            f"pyarrow is not installed; install it with: {INSTALL_PARQUET}"
        ) from None
    columns, rows = table(records)
    arrays = {
        name: _column(pa, [row[i] for row in rows], text=name in _TEXT)
        for i, name in enumerate(columns)
    }
    pq.write_table(pa.table(arrays), out)
    return len(rows)


def _column(pa: Any, values: list[Any], *, text: bool) -> Any:
    present = [v for v in values if v is not None]
    if text or (present and not all(isinstance(v, int | float) for v in present)):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())
    if not present:  # a metric undefined in every run (qber without measure requests)
        return pa.array(values, type=pa.float64())
    if all(isinstance(v, bool) for v in present):
        return pa.array(values, type=pa.bool_())
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.array(values, type=pa.int64())
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pa.array([None if v is None else float(v) for v in values], type=pa.float64())
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


_MISSING = object()


def field_value(record: dict[str, Any], name: str) -> Any:
    """The value of field ``name`` in a results line (see the module docstring).

    Raises:
        KeyError: The line has no such field.
    """
    assignment = record.get("set") or {}
    if name in assignment:
        return assignment[name]
    if name.startswith("set.") and name[4:] in assignment:
        return assignment[name[4:]]
    if name in record and not isinstance(record[name], dict | list):
        return record[name]
    for root in (record, record.get("results")):
        value = _walk(root, name)
        if value is not _MISSING:
            return value
    raise KeyError(name)


def _walk(node: Any, path: str) -> Any:
    for name, index in _TOKENS.findall(path):
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return _MISSING
            node = node[int(index)]
        elif isinstance(node, dict) and name in node:
            node = node[name]
        else:
            return _MISSING
    return node


def available_fields(records: Sequence[dict[str, Any]]) -> list[str]:
    """Fields a plot can use: the ``--set`` paths, ``seed_index`` and the metrics."""
    return [*_set_columns(records), "seed_index", *METRICS, "run_s"]
