"""Scenario loading: parsing, plugin configs, cross-field checks, error paths and messages."""

from __future__ import annotations

import pytest

from helpers import QUICKSTART, quickstart_data
from qnetstack.linklayer import SimpleLinkConfig
from qnetstack.physical import DepolarisingConfig, Formalism
from qnetstack.scenario import ScenarioError, ScenarioIssue, load_scenario, parse_scenario
from qnetstack.scenario.load import check_semantics


def issues_of(data, registry):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, registry, "test.yaml")
    assert info.value.source == "test.yaml"
    return [str(issue) for issue in info.value.issues]


def test_quickstart_loads(registry):
    loaded = load_scenario(QUICKSTART, registry)
    assert loaded.source == str(QUICKSTART)
    scenario = loaded.scenario
    assert scenario.name == "quickstart"
    assert scenario.formalism is Formalism.DM
    assert [n.name for n in scenario.nodes] == ["alice", "bob"]
    platform = loaded.plugin_configs["platform"]
    assert isinstance(platform, DepolarisingConfig)
    assert (platform.success_probability, platform.memory_t2_s) == (0.02, 0.5)
    assert isinstance(loaded.plugin_configs["link_layer"], SimpleLinkConfig)


def test_defaults_choose_the_builtin_plugins(registry):
    data = {
        "name": "minimal",
        "nodes": [{"name": "a"}, {"name": "b"}],
        "links": [{"nodes": ["a", "b"], "length_km": 1}],
    }
    loaded = parse_scenario(data, registry)
    assert loaded.scenario.platform.plugin == "depolarising"
    assert loaded.scenario.link_layer.plugin == "simple-link"
    assert loaded.plugin_configs["platform"] == DepolarisingConfig()
    assert loaded.scenario.requests == ()
    assert loaded.scenario.seed == 0


def test_issue_and_error_text():
    assert str(ScenarioIssue("links[0].length_km", "bad")) == "links[0].length_km: bad"
    assert str(ScenarioIssue("", "file not found")) == "file not found"
    error = ScenarioError("x.yaml", [ScenarioIssue("a", "one"), ScenarioIssue("b", "two")])
    assert str(error) == "invalid scenario x.yaml:\n  a: one\n  b: two"


def test_nested_paths_name_list_items(registry):
    data = quickstart_data()
    data["requests"].append({"src": "bob", "dst": "alice", "pairs": 0, "colour": "red"})
    assert issues_of(data, registry) == [
        "requests[1].pairs: Input should be greater than or equal to 1 (got 0); "
        "allowed: [1, 1e+07]",
        "requests[1].colour: unknown field 'colour'; allowed fields: app_session, atomic, chsh, "
        "dst, ghz, max_time_s, measure_basis, min_fidelity, pairs, priority, purpose_id, qkd, "
        "src, start_s, teleport, type",
    ]


def test_nodes_path(registry):
    data = quickstart_data()
    data["nodes"][1] = {"name": "9lives"}
    [issue] = [i for i in issues_of(data, registry) if i.startswith("nodes")]
    assert issue.startswith("nodes[1].name: String should match pattern")


def test_a_link_needs_two_different_nodes(registry):
    data = quickstart_data()
    data["links"].append({"nodes": ["bob", "bob"], "length_km": 1.0})
    assert "links[1].nodes: a link needs two different nodes" in issues_of(data, registry)


def test_duplicate_links(registry):
    data = quickstart_data()
    data["links"].append({"nodes": ["bob", "alice"], "length_km": 1.0})
    assert "links[1].nodes: duplicate link between these nodes" in issues_of(data, registry)


def test_request_to_itself(registry):
    data = quickstart_data()
    data["requests"][0]["dst"] = "alice"
    assert "requests[0].dst: must differ from src" in issues_of(data, registry)


def test_request_after_the_stop_time(registry):
    data = quickstart_data()
    data["requests"][0]["start_s"] = 10.0
    [issue] = issues_of(data, registry)
    assert issue.startswith("requests[0].start_s: starts at 10.0 s, not before stop_time_s")


def test_t2_above_twice_t1_is_explained(registry):
    data = quickstart_data()
    data["platform"]["memory_t1_s"] = 0.1
    [issue] = issues_of(data, registry)
    assert issue.startswith("platform: memory_t2_s (0.5) must not exceed 2 × memory_t1_s (0.1)")
    assert "(got {" not in issue  # no dump of the whole section


def test_formalism_lists_the_allowed_values(registry):
    data = quickstart_data()
    data["formalism"] = "tensor"
    [issue] = issues_of(data, registry)
    assert issue.startswith("formalism: Input should be 'dm' or 'bell_diagonal'")


def test_plugin_config_is_not_checked_against_an_unknown_plugin(registry):
    data = quickstart_data()
    data["platform"]["plugin"] = "no-such-platform"
    [issue] = issues_of(data, registry)  # no noise about the fields nv might accept
    assert issue.startswith("platform.plugin: unknown physical plugin 'no-such-platform'")


def test_empty_nodes_list(registry):
    data = quickstart_data()
    data["nodes"] = []
    issues = issues_of(data, registry)
    assert issues == ["nodes: at least two nodes are needed (or a topology)"]


def test_long_inputs_are_shortened_in_messages(registry):
    data = quickstart_data()
    data["seed"] = "x" * 200
    [issue] = issues_of(data, registry)
    assert issue.endswith("...)")
    assert len(issue) < 200


def test_check_semantics_passes_a_good_scenario(registry):
    assert check_semantics(load_scenario(QUICKSTART, registry).scenario) == []


def test_load_errors_carry_the_path(tmp_path, registry):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "x.yaml", registry)
    assert info.value.source == str(tmp_path / "x.yaml")
    assert [str(i) for i in info.value.issues] == ["file not found"]


def test_undecodable_file(tmp_path, registry):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, registry)
    assert str(info.value.issues[0]).startswith("cannot read file")


def test_topology_generates_nodes_and_links(registry):
    data = quickstart_data()
    del data["nodes"], data["links"]
    data["topology"] = {"kind": "chain", "nodes": 3, "spacing_km": 5.0}
    data["requests"] = [{"src": "n0", "dst": "n1", "pairs": 2}]
    loaded = parse_scenario(data, registry)
    assert [n.name for n in loaded.scenario.nodes] == ["n0", "n1", "n2"]
    assert [(link.nodes, link.length_km) for link in loaded.scenario.links] == [
        (("n0", "n1"), 5.0),
        (("n1", "n2"), 5.0),
    ]


def test_topology_and_explicit_nodes_exclude_each_other(registry):
    data = quickstart_data()
    data["topology"] = {"kind": "ring", "nodes": 4, "spacing_km": 1.0}
    assert issues_of(data, registry) == [
        "topology: give either a topology or nodes and links, not both"
    ]


def test_topology_errors_name_the_generator(registry):
    data = quickstart_data()
    del data["nodes"], data["links"]
    data["topology"] = {"kind": "file", "path": "no-such-file.gml"}
    [issue] = issues_of(data, registry)
    assert issue.startswith("topology (file): ")


def test_repeaters_that_cannot_hold_two_halves_are_refused(registry):
    data = quickstart_data()
    del data["nodes"], data["links"]
    data["platform"]["memory_slots"] = 1
    data["link_layer"] = {"plugin": "egp"}
    data["network"] = {"plugin": "qnp"}
    data["topology"] = {"kind": "chain", "nodes": 3, "spacing_km": 1.0}
    data["requests"] = [{"src": "n0", "dst": "n2", "pairs": 1}]
    [issue] = issues_of(data, registry)
    assert issue.startswith("platform: each node holds 1 pair half; nodes (n1) need at least 2")
    data["platform"]["memory_slots"] = 2
    assert parse_scenario(data, registry).scenario.network is not None


def test_purification_needs_memory_for_its_rounds(registry):
    data = quickstart_data()
    del data["nodes"], data["links"]
    data["platform"]["memory_slots"] = 3
    data["link_layer"] = {"plugin": "egp"}
    data["network"] = {"plugin": "qnp", "purification": {"scope": "link", "rounds": 2}}
    data["topology"] = {"kind": "chain", "nodes": 3, "spacing_km": 1.0}
    data["requests"] = [{"src": "n0", "dst": "n2", "pairs": 1}]
    [issue] = issues_of(data, registry)
    assert issue.startswith("platform: each node holds 3 pair halves; nodes (n1) need at least 4")
    assert "2 rounds, link scope" in issue
    data["platform"]["memory_slots"] = 4
    assert parse_scenario(data, registry).scenario.network is not None
    data["network"]["purification"] = {"scope": "end_to_end", "rounds": 3}
    assert parse_scenario(data, registry).scenario.network is not None  # 3 + 1 slots: enough
    data["network"]["purification"] = {"scope": "end_to_end", "rounds": 4}
    [issue] = issues_of(data, registry)
    assert "nodes (n0, n2) need at least 5" in issue
    data["network"]["purification"] = {"scope": "hop", "rounds": 0}
    issues = issues_of(data, registry)
    assert any(i.startswith("network.purification.scope:") for i in issues), issues
    assert any(i.startswith("network.purification.rounds:") and "[1, 8]" in i for i in issues)
