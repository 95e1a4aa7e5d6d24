"""The scenario's qkd/chsh options: bad input is named by field."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from qnetstack.cli import app
from qnetstack.scenario import ScenarioError, parse_scenario


def scenario(**request):
    base = {"src": "a", "dst": "b", "type": "measure", "measure_basis": "random", "pairs": 10}
    return {
        "name": "qkd-input",
        "link_layer": {"plugin": "egp"},
        "nodes": [{"name": "a"}, {"name": "b"}],
        "links": [{"nodes": ["a", "b"], "length_km": 1.0}],
        "requests": [base | request],
    }


def issues_of(data, registry):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, registry, "test.yaml")
    return [str(issue) for issue in info.value.issues]


def test_a_good_qkd_request_loads(registry):
    loaded = parse_scenario(scenario(qkd={"epsilon_sec": 1e-9}, chsh=True), registry)
    spec = loaded.scenario.requests[0]
    assert spec.qkd is not None
    assert spec.qkd.epsilon_sec == 1e-9
    assert spec.chsh


def test_qkd_on_a_keep_request_is_refused(registry):
    issues = issues_of(scenario(type="keep", qkd={}), registry)
    assert issues == ["requests[0].qkd: qkd needs the pairs measured: set type: measure "
                      "(got 'keep')"]  # fmt: skip


def test_qkd_needs_random_bases(registry):
    (issue,) = issues_of(scenario(measure_basis="Z", qkd={}), registry)
    assert issue.startswith("requests[0].measure_basis: qkd needs both Z and X outcomes")
    assert "allowed measure_basis: random (got 'Z')" in issue


def test_chsh_on_a_keep_request_is_refused(registry):
    (issue,) = issues_of(scenario(type="keep", chsh=True), registry)
    assert issue.startswith("requests[0].chsh: chsh needs the pairs measured")


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("epsilon_sec", 0.0, "(0, 1)"),
        ("epsilon_sec", 1.5, "(0, 1)"),
        ("epsilon_cor", -1e-9, "(0, 1)"),
        ("sample_fraction", 1.0, "(0, 1)"),
        ("qber_tolerance", 0.6, "(0, 0.5]"),
        ("cascade_passes", 0, "[1, 64]"),
    ],
)
def test_out_of_range_parameters_name_the_field(registry, field, value, allowed):
    (issue,) = issues_of(scenario(qkd={field: value}), registry)
    assert issue.startswith(f"requests[0].qkd.{field}: ")
    assert issue.endswith(f"allowed: {allowed}")


def test_unknown_qkd_field_lists_the_allowed_ones(registry):
    (issue,) = issues_of(scenario(qkd={"epsilon": 1e-9}), registry)
    assert issue.startswith("requests[0].qkd.epsilon: unknown field 'epsilon'; allowed fields: ")
    assert "epsilon_sec" in issue
    assert "sample_fraction" in issue


def test_unknown_protocol_is_refused(registry):
    (issue,) = issues_of(scenario(qkd={"protocol": "b92"}), registry)
    assert issue.startswith("requests[0].qkd.protocol: ")
    assert "'bbm92'" in issue


def test_cli_reports_bad_qkd_input_with_exit_code_2(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(scenario(qkd={"epsilon_sec": 2.0})), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2, result.output
    assert "requests[0].qkd.epsilon_sec" in result.output
    assert "Traceback" not in result.output
