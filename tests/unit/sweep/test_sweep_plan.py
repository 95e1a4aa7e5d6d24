"""Point expansion, keys and seeds, and up-front validation of every point."""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from qnetstack.runtime import PluginRegistry
from qnetstack.sweep.plan import (
    SweepInputError,
    assignments,
    build_plan,
    point_key,
    run_seed,
)
from qnetstack.sweep.values import parse_set

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sweep_quickstart.yaml"


@pytest.fixture
def base() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def _plan(base: dict[str, Any], registry: PluginRegistry, *sets: str, **kw: Any) -> Any:
    return build_plan(base, [parse_set(s) for s in sets], registry=registry, **kw)


def test_grid_is_the_product_first_option_outermost() -> None:
    rows = assignments([parse_set("a=1,2"), parse_set("b=x,y,z")], "grid")
    assert rows == [
        {"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 1, "b": "z"},
        {"a": 2, "b": "x"}, {"a": 2, "b": "y"}, {"a": 2, "b": "z"},
    ]  # fmt: skip


def test_zip_pairs_values_and_needs_equal_lengths() -> None:
    rows = assignments([parse_set("a=1,2"), parse_set("b=x,y")], "zip")
    assert rows == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    with pytest.raises(SweepInputError, match="a has 2, b has 3"):
        assignments([parse_set("a=1,2"), parse_set("b=x,y,z")], "zip")


def test_no_set_is_one_assignment_and_a_path_given_twice_is_refused() -> None:
    assert assignments([], "grid") == [{}]
    with pytest.raises(SweepInputError, match="given more than once"):
        assignments([parse_set("a=1"), parse_set("a=2")], "grid")


def test_run_seed_follows_the_documented_derivation() -> None:
    """SeedSequence(scenario seed, spawn_key=(4 words of SHA-256(assignment), seed index))."""
    assignment = {"platform.fidelity": 0.9, "links[0].length_km": 5}
    text = json.dumps(assignment, sort_keys=True, separators=(",", ":"))
    words = struct.unpack(">4I", hashlib.sha256(text.encode()).digest()[:16])
    child = np.random.SeedSequence(42, spawn_key=(*words, 3))
    expected = int(child.generate_state(1, dtype=np.uint64)[0]) >> 1
    assert run_seed(42, assignment, 3) == expected
    assert 0 <= expected < 2**63


def test_seeds_are_independent_of_position_order_mode_and_seed_count(
    base: dict[str, Any], registry: PluginRegistry
) -> None:
    small = _plan(base, registry, "platform.fidelity=0.9,0.95", "links[0].length_km=1,5", seeds=2)
    big = _plan(
        base,
        registry,
        "links[0].length_km=10,5,1",  # other order of options and of values, one more value
        "platform.fidelity=0.95,0.85,0.9",
        seeds=4,
    )
    zipped = _plan(
        base, registry, "platform.fidelity=0.9,0.95", "links[0].length_km=1,5", mode="zip", seeds=2
    )
    by_key = {p.key: p for p in big.points}
    for point in small.points + zipped.points:
        assert point.key in by_key
        assert by_key[point.key].seed == point.seed
        assert by_key[point.key].assignment == point.assignment
    seeds = [p.seed for p in big.points]
    assert len(set(seeds)) == len(seeds)  # every point its own stream


def test_key_depends_on_the_base_scenario(base: dict[str, Any], registry: PluginRegistry) -> None:
    first = _plan(base, registry, "platform.fidelity=0.9")
    changed = dict(base, stop_time_s=5.0)
    second = _plan(changed, registry, "platform.fidelity=0.9")
    assert first.points[0].key != second.points[0].key
    assert first.points[0].key == point_key(first.base, {"platform.fidelity": 0.9}, 0)
    # seeds depend on the point's scenario seed and parameters, not on the rest of the base
    assert first.points[0].seed == second.points[0].seed


def test_set_seed_changes_the_entropy(base: dict[str, Any], registry: PluginRegistry) -> None:
    plan = _plan(base, registry, "seed=1,2")
    assert plan.points[0].seed == run_seed(1, {"seed": 1}, 0)
    assert plan.points[1].seed == run_seed(2, {"seed": 2}, 0)


def test_values_are_written_into_the_scenario(
    base: dict[str, Any], registry: PluginRegistry
) -> None:
    plan = _plan(base, registry, "links[0].length_km=7", "platform.memory_t2_s=0.5")
    data = plan.points[0].data
    assert data["links"][0]["length_km"] == 7
    assert data["platform"]["memory_t2_s"] == 0.5
    assert base["links"][0]["length_km"] == 2.0  # the base is not touched


def test_missing_plugin_section_starts_from_its_default(
    base: dict[str, Any], registry: PluginRegistry
) -> None:
    del base["platform"]
    plan = _plan(base, registry, "platform.fidelity=0.9")
    assert plan.points[0].data["platform"] == {"plugin": "depolarising", "fidelity": 0.9}
    assert plan.points[0].invalid is None


def _problems(base: dict[str, Any], registry: PluginRegistry, *sets: str) -> str:
    with pytest.raises(SweepInputError) as info:
        _plan(base, registry, *sets)
    return "\n".join(info.value.problems)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("platform.fidelityy=0.9", "platform.fidelityy: no such field; fields are: "),
        ("fidelity=0.9", "fidelity: no such field; fields are: app, description, formalism"),
        ("links[0].lenght_km=3", "links[0].lenght_km: no such field; fields are: "),
        ("links[4].length_km=3", "links[4]: no such item; links has 1 item"),
        ("seed.x=1", "seed.x: seed is a value (42), not a section"),
        ("seed=abc", "seed: Input should be a valid integer"),
        ("platform.fidelity=0.9,1.5", "platform.fidelity: Input should be less than or equal to 1 "
                                      "(got 1.5); allowed: [0.25, 1]"),
        ("requests[0].src=carol", "requests[0].src: unknown node 'carol'"),
        ("topology.nodes=3", "topology has no kind; set topology.kind"),
    ],
)  # fmt: skip
def test_bad_set_names_the_field(
    base: dict[str, Any], registry: PluginRegistry, option: str, message: str
) -> None:
    assert message in _problems(base, registry, option)


def test_unknown_field_lists_the_plugin_fields(
    base: dict[str, Any], registry: PluginRegistry
) -> None:
    text = _problems(base, registry, "platform.fidelityy=0.9")
    assert "fidelity, " in text
    assert "memory_slots" in text
    assert "plugin" in text


def test_fields_of_the_selected_plugin_are_checked(
    base: dict[str, Any], registry: PluginRegistry
) -> None:
    base["platform"] = {"plugin": "nv", "preset": "lab_2018"}
    text = _problems(base, registry, "platform.fidelity=0.9")
    assert "platform.fidelity: no such field" in text  # nv has no 'fidelity'
    plan = _plan(base, registry, "platform.carbon.count=1,2")  # a nested NV field is fine
    assert len(plan.points) == 2


def test_every_problem_is_reported_at_once(base: dict[str, Any], registry: PluginRegistry) -> None:
    text = _problems(base, registry, "platform.fidelity=0.1,0.9,1.1", "seed=x")
    assert "(got 0.1)" in text
    assert "(got 1.1)" in text
    assert "seed:" in text


def test_a_point_made_invalid_elsewhere_is_kept_as_invalid(
    base: dict[str, Any], registry: PluginRegistry
) -> None:
    """A stop time before the request's start: that point is invalid, the others run."""
    base["requests"][0]["start_s"] = 1.5
    plan = _plan(base, registry, "stop_time_s=1,2", seeds=2)
    invalid = [p for p in plan.points if p.invalid is not None]
    assert len(invalid) == 2
    assert all(p.assignment["stop_time_s"] == 1 for p in invalid)
    assert "requests[0].start_s: starts at 1.5 s, not before stop_time_s" in invalid[0].invalid


def test_a_sweep_where_no_point_is_valid_is_refused(
    base: dict[str, Any], registry: PluginRegistry
) -> None:
    base["requests"][0]["start_s"] = 1.5
    text = _problems(base, registry, "stop_time_s=1,1.2")
    assert "no point of the sweep is a valid scenario" in text
    assert "requests[0].start_s" in text
