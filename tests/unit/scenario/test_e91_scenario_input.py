"""The scenario's E91 options: protocol and basis must match."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from qnetstack.cli import app
from qnetstack.scenario import ScenarioError, parse_scenario


def scenario(**request):
    base = {"src": "a", "dst": "b", "type": "measure", "measure_basis": "e91", "pairs": 10}
    return {
        "name": "e91-input",
        "link_layer": {"plugin": "egp"},
        "nodes": [{"name": "a"}, {"name": "b"}],
        "links": [{"nodes": ["a", "b"], "length_km": 1.0}],
        "requests": [base | request],
    }


def issues_of(data, registry):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, registry, "test.yaml")
    return [str(issue) for issue in info.value.issues]


def test_a_good_e91_request_loads(registry):
    loaded = parse_scenario(scenario(qkd={"protocol": "e91"}, chsh=True), registry)
    spec = loaded.scenario.requests[0]
    assert spec.measure_basis == "e91"
    assert spec.qkd is not None
    assert spec.qkd.protocol == "e91"


def test_e91_protocol_needs_the_e91_basis(registry):
    (issue,) = issues_of(scenario(measure_basis="random", qkd={"protocol": "e91"}), registry)
    assert issue == (
        "requests[0].measure_basis: qkd protocol e91 needs each end's E91 directions: "
        "allowed measure_basis: e91 (got 'random')"
    )


def test_e91_basis_needs_the_e91_protocol(registry):
    (issue,) = issues_of(scenario(qkd={}), registry)  # protocol defaults to bbm92
    assert issue == (
        "requests[0].qkd.protocol: measure_basis e91 measures along E91's rotated directions: "
        "allowed protocol: e91 (got 'bbm92')"
    )


def test_chsh_accepts_e91_and_names_both_choices_otherwise(registry):
    parse_scenario(scenario(chsh=True), registry)
    (issue,) = issues_of(scenario(measure_basis="Z", chsh=True), registry)
    assert issue.startswith("requests[0].measure_basis: chsh needs outcomes in random bases")
    assert "random (Z/X, S inferred), e91 (S measured) (got 'Z')" in issue


def test_unknown_measure_basis_lists_e91(registry):
    (issue,) = issues_of(scenario(measure_basis="e92"), registry)
    assert issue.startswith("requests[0].measure_basis: ")
    assert "'e91'" in issue


def test_cli_reports_the_mismatch_with_exit_code_2(tmp_path):
    path = tmp_path / "bad.yaml"
    data = scenario(measure_basis="random", qkd={"protocol": "e91"})
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2, result.output
    assert "requests[0].measure_basis" in result.output
    assert "Traceback" not in result.output
