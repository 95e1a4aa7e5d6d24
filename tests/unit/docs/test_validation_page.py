"""The validation page lists every target and is what the generator makes of the records."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_validation", ROOT / "docs/gen_validation.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_page_lists_every_target_with_a_section_and_a_summary_row() -> None:
    gen = generator()
    ids = [t["id"] for t in gen.load_targets()["targets"]]
    assert {"A1", "A3", "A5", "A6", "A9", "A11", "A12", "A14", "A16", "E1", "E6"} <= set(ids)
    page = gen.PAGE.read_text(encoding="utf-8")
    for target_id in ids:
        assert f"\n## {target_id}\n" in page, target_id
        assert f"| [{target_id}](#{target_id.lower()}) |" in page, target_id


def test_checked_in_page_is_the_generators_output() -> None:
    gen = generator()
    measured = json.loads(gen.MEASURED.read_text(encoding="utf-8"))
    assert gen.PAGE.read_text(encoding="utf-8") == gen.render(gen.load_targets(), measured), (
        "docs/validation.md is stale: run python docs/gen_validation.py"
    )


def test_every_recorded_target_is_a_known_target() -> None:
    gen = generator()
    ids = {t["id"] for t in gen.load_targets()["targets"]}
    measured = json.loads(gen.MEASURED.read_text(encoding="utf-8"))
    assert {row["target"] for row in measured} <= ids


def test_validation_tests_record_every_measured_target() -> None:
    """Each target the page reports as measured is still recorded by a validation test."""
    gen = generator()
    sources = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "tests/validation").glob("*.py")
    )
    recorded = set(re.findall(r'record_validation\(\s*"(\w+)"', sources))
    measured = {row["target"] for row in json.loads(gen.MEASURED.read_text(encoding="utf-8"))}
    assert measured <= recorded


def test_aggregate_keeps_the_worst_repetition_and_flags_failures() -> None:
    gen = generator()

    def line(measured: float, tolerance: float = 0.1) -> str:
        return json.dumps({"target": "A1", "quantity": "F", "case": "c", "expected": 1.0,
                           "measured": measured, "tolerance": tolerance, "units": "",
                           "test": "t.py::test_x"})  # fmt: skip

    [row] = gen.aggregate([line(1.05), line(0.92), line(1.0), ""])
    assert row["runs"] == 3
    assert row["measured"] == 0.92
    assert row["passed"] is True
    [failed] = gen.aggregate([line(1.05), line(1.2)])
    assert failed["passed"] is False
    assert failed["measured"] == 1.2


def test_untested_target_is_reported_as_not_yet_validated() -> None:
    gen = generator()
    targets = {"targets": [{"id": "A99", "name": "n", "scenario": "s", "expected": "e",
                            "tolerance": "t", "source": "x"}]}  # fmt: skip
    page = gen.render(targets, [])
    assert "| [A99](#a99) | n | e | t | 0 | not yet validated |" in page
    assert "Not yet validated: no test records this target." in page


def test_record_validation_appends_json_lines_only_when_asked(
    record_validation, monkeypatch, tmp_path: Path
) -> None:
    out = tmp_path / "v.jsonl"
    monkeypatch.delenv("QNETSTACK_VALIDATION_OUT", raising=False)
    record_validation("A1", 1.0, 0.99, 0.1)
    assert not out.exists()
    monkeypatch.setenv("QNETSTACK_VALIDATION_OUT", str(out))
    record_validation("A1", 1.0, 0.99, 0.1, units="Hz", quantity="F", case="c")
    [row] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["target"] == "A1"
    assert row["measured"] == 0.99
    assert row["units"] == "Hz"
    assert row["test"].endswith("test_record_validation_appends_json_lines_only_when_asked")
