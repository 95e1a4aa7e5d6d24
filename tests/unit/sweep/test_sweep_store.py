"""The results file: atomic appends, resume by key, torn-line repair, one writer at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qnetstack.sweep.store import ResultsStore, StoreError, read_lines


def _record(key: str, **extra: object) -> dict[str, object]:
    return {"key": key, "status": "ok", **extra}


def test_appended_records_are_whole_lines_and_found_again(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with ResultsStore.open(path) as store:
        assert store.keys == set()
        store.append(_record("a", value=1.5))
        store.append(_record("b", note="ü"))
        assert store.keys == {"a", "b"}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["a", "b"]
    assert path.read_bytes().endswith(b"\n")
    with ResultsStore.open(path) as again:
        assert again.keys == {"a", "b"}
        assert again.records[0]["value"] == 1.5
        assert again.repaired is None


def test_a_torn_last_line_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"key": "a", "status": "ok"}\n{"key": "b", "sta')
    with ResultsStore.open(path) as store:
        assert store.keys == {"a"}
        assert store.repaired == "dropped"
        store.append(_record("b"))
    records, skipped = read_lines(path)
    assert [r["key"] for r in records] == ["a", "b"]
    assert skipped == 0


def test_a_complete_last_line_without_newline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"key": "a", "status": "ok"}\n{"key": "b", "status": "ok"}')
    with ResultsStore.open(path) as store:
        assert store.keys == {"a", "b"}
        assert store.repaired == "completed"
        store.append(_record("c"))
    assert [r["key"] for r in read_lines(path)[0]] == ["a", "b", "c"]


def test_a_torn_only_line_leaves_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"key": "a", "st')
    with ResultsStore.open(path) as store:
        assert store.keys == set()
        assert store.repaired == "dropped"
    assert path.read_bytes() == b""


def test_damaged_lines_are_counted_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'garbage\n{"key": "a"}\n[1, 2]\n\n')
    with ResultsStore.open(path) as store:
        assert store.keys == {"a"}
        assert store.damaged == 2
    assert path.read_bytes().startswith(b"garbage\n")
    records, skipped = read_lines(path)
    assert len(records) == 1
    assert skipped == 2


def test_a_second_writer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with ResultsStore.open(path), pytest.raises(StoreError, match="another sweep is writing"):
        ResultsStore.open(path)
    ResultsStore.open(path).close()  # free again once the first is closed


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        ResultsStore.open(tmp_path / "nope" / "r.jsonl")
    with pytest.raises(StoreError, match="cannot read"):
        read_lines(tmp_path / "missing.jsonl")
