"""freshest-first with lists in and a choice out, then by name from YAML through the stack."""

from pathlib import Path

import pytest
from freshest_swap import FreshestConfig, FreshestFirst

from qnetstack.network.messages import pair_json
from qnetstack.network.swap import SwapPolicyRegistry
from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import ScenarioError, load_scenario
from qnetstack.scenario.simulation import Simulation
from qnetstack.testing import half, ids, swap_view

SCENARIO = Path(__file__).resolve().parents[1] / "scenario.yaml"


def test_joins_the_newest_half_of_each_side():
    view = swap_view(
        left=[half(0, age_ps=900), half(1, age_ps=100), half(2, age_ps=500)],
        right=[half(3, age_ps=50), half(4, age_ps=10)],
    )
    assert FreshestFirst().choose(view) == (ids(view.left)[1], ids(view.right)[1])


def test_waits_until_both_sides_hold_a_good_enough_half():
    policy = FreshestFirst(FreshestConfig(min_goodness=0.8))
    assert policy.choose(swap_view(left=[half(0)])) is None
    view = swap_view(left=[half(0, goodness=0.7)], right=[half(1, goodness=0.95)])
    assert policy.choose(view) is None
    view = swap_view(left=[half(0, goodness=0.7), half(2, age_ps=5)], right=[half(1)])
    assert policy.choose(view) == (ids(view.left)[1], ids(view.right)[0])


def test_equal_herald_times_pick_the_later_arrival():
    view = swap_view(left=[half(0, age_ps=7), half(1, age_ps=7)], right=[half(2)])
    assert FreshestFirst().choose(view) == (ids(view.left)[1], ids(view.right)[0])


def test_the_installed_entry_point_registers_it_by_name(installed):
    registry = SwapPolicyRegistry.from_entry_points()
    assert registry.load_errors == []
    policy = registry.create("freshest-first", {"min_goodness": 0.5})
    assert isinstance(policy, FreshestFirst)
    assert policy.config.min_goodness == 0.5


def test_runs_from_yaml_and_the_repeater_swaps_what_it_chose(installed, monkeypatch):
    """Through the whole stack: the repeater asks the policy with every half it holds, and
    the swaps it makes are exactly the policy's choices, in order."""
    calls = []
    choose = FreshestFirst.choose

    def recording(self, view):
        choice = choose(self, view)
        calls.append((view, choice))
        return choice

    monkeypatch.setattr(FreshestFirst, "choose", recording)
    registry = PluginRegistry.from_entry_points()
    simulation = Simulation(load_scenario(SCENARIO, registry), registry, trace=True)
    request = simulation.run()["requests"][0]
    assert request["delivered"] == 100
    assert any(len(view.left) > 1 for view, _ in calls)  # the choice mattered
    swaps = [
        (tuple(e.data["left"]), tuple(e.data["right"]))
        for e in simulation.runtime.trace.events
        if e.kind == "qnp-swap"
    ]
    chosen = [
        (tuple(pair_json(left)), tuple(pair_json(right)))
        for _, choice in calls
        if choice is not None
        for left, right in [choice]
    ]
    assert swaps == chosen


def test_bad_options_are_named_at_load(installed, tmp_path):
    text = SCENARIO.read_text().replace("min_goodness: 0.5", "min_goodness: 2")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=r"network\.swap_options\.min_goodness"):
        load_scenario(path, PluginRegistry.from_entry_points())
