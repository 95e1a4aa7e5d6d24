"""Parameter sweeps: many points of one scenario, on all cores or on a Dask cluster.

``qnetstack sweep FILE --set PATH=VALUES … --seeds N --out results.jsonl`` expands the options
into points (:mod:`~qnetstack.sweep.plan`), validates every one before anything runs, runs them
on an executor (:mod:`~qnetstack.sweep.executors`) and appends one JSON line per finished point
to the results file (:mod:`~qnetstack.sweep.store`), so an interrupted sweep resumes where it
stopped. :mod:`~qnetstack.sweep.export` turns the file into CSV or Parquet.
"""

from qnetstack.sweep.engine import SweepSummary, execute, record_of, stop_on_signals
from qnetstack.sweep.executors import (
    DaskExecutor,
    ExecutorError,
    LocalExecutor,
    MissingExtraError,
    default_workers,
)
from qnetstack.sweep.metrics import METRICS, metrics_of
from qnetstack.sweep.plan import Plan, Point, SweepInputError, build_plan, point_key, run_seed
from qnetstack.sweep.store import ResultsStore, StoreError, read_lines
from qnetstack.sweep.values import SetSpec, SetSyntaxError, parse_set
from qnetstack.sweep.worker import PointTask, run_point

__all__ = [
    "METRICS",
    "DaskExecutor",
    "ExecutorError",
    "LocalExecutor",
    "MissingExtraError",
    "Plan",
    "Point",
    "PointTask",
    "ResultsStore",
    "SetSpec",
    "SetSyntaxError",
    "StoreError",
    "SweepInputError",
    "SweepSummary",
    "build_plan",
    "default_workers",
    "execute",
    "metrics_of",
    "parse_set",
    "point_key",
    "read_lines",
    "record_of",
    "run_point",
    "run_seed",
    "stop_on_signals",
]
