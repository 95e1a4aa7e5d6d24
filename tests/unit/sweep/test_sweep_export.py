"""Results as a table (CSV, Parquet) and the field lookup that plots use."""

from __future__ import annotations

import csv
import importlib
from pathlib import Path
from typing import Any

import pytest

import qnetstack.sweep.export as export
from qnetstack.sweep import METRICS, MissingExtraError
from qnetstack.sweep.export import available_fields, field_value, table, write_csv, write_parquet


def _record(key: str, fidelity: float, seed_index: int, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "key": key,
        "base": "b" * 16,
        "scenario": "s",
        "set": {"platform.fidelity": fidelity, "seed": 7},
        "seed_index": seed_index,
        "seed": 1000 + seed_index,
        "status": "ok",
        "error": None,
    }
    record.update(dict.fromkeys(METRICS))
    record.update(delivered_pairs=10 + seed_index, fidelity_mean=fidelity - 0.01, run_s=0.1)
    record["qnetstack_version"] = "0.1.0"
    record.update(extra)
    return record


RECORDS = [
    _record("a", 0.9, 0),
    _record("b", 0.9, 1, results={"requests": [{"rate_hz": 5.0}]}),
    _record("c", 1, 0, status="failed", error="boom"),
]


def test_columns_put_parameters_first_and_rename_clashes() -> None:
    columns, rows = table(RECORDS)
    assert columns[:5] == ["key", "base", "scenario", "platform.fidelity", "set.seed"]
    assert columns[5:9] == ["seed_index", "seed", "status", "error"]
    assert "results" not in columns
    assert len(rows) == 3
    assert rows[2][columns.index("error")] == "boom"
    assert rows[0][columns.index("set.seed")] == 7
    assert rows[0][columns.index("seed")] == 1000


def test_csv(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    assert write_csv(RECORDS, out) == 3
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[1]["platform.fidelity"] == "0.9"
    assert rows[1]["delivered_pairs"] == "11"
    assert rows[0]["qber"] == ""
    assert rows[2]["status"] == "failed"


def test_parquet_round_trip_with_column_types(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "r.parquet"
    assert write_parquet(RECORDS, out) == 3
    data = pq.read_table(out)
    assert data.num_rows == 3
    assert str(data.schema.field("platform.fidelity").type) == "double"  # 0.9, 0.9 and 1
    assert str(data.schema.field("seed").type) == "int64"
    assert str(data.schema.field("qber").type) == "double"  # no values at all
    assert str(data.schema.field("error").type) == "string"
    assert data.column("platform.fidelity").to_pylist() == [0.9, 0.9, 1.0]
    assert data.column("error").to_pylist() == [None, None, "boom"]


def test_parquet_without_pyarrow_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.import_module

    def no_pyarrow(name: str, package: str | None = None) -> Any:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(export.importlib, "import_module", no_pyarrow)
    with pytest.raises(MissingExtraError, match=r"pip install 'qnetstack\[parquet\]'"):
        write_parquet(RECORDS, tmp_path / "r.parquet")


def test_field_lookup_order() -> None:
    record = RECORDS[1]
    assert field_value(record, "platform.fidelity") == 0.9  # a --set path
    assert field_value(record, "set.seed") == 7  # the parameter, not the run seed
    assert field_value(record, "seed") == 7  # a --set path wins over the top-level field
    assert field_value(RECORDS[0], "delivered_pairs") == 10  # a metric
    assert field_value(record, "requests[0].rate_hz") == 5.0  # into the results document
    assert field_value(record, "results.requests[0].rate_hz") == 5.0
    with pytest.raises(KeyError):
        field_value(record, "requests[3].rate_hz")
    with pytest.raises(KeyError):
        field_value(record, "throughput")
    assert available_fields(RECORDS)[:3] == ["platform.fidelity", "seed", "seed_index"]
