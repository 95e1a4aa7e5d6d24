"""The scenario's qkd/chsh options: bad input is named by field; the records' frame correction."""

from __future__ import annotations

import math

import pytest
import yaml
from typer.testing import CliRunner

from qnetstack.cli import app
from qnetstack.scenario import ScenarioError, parse_scenario
from qnetstack.scenario.measured import MeasuredRecords, chsh_json


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


def test_bob_flips_his_bit_only_for_anti_correlated_equal_bases():
    records = MeasuredRecords()
    records.add(("Z", 0), ("Z", 1), -1)  # anti-correlated in Z: corrected to 0
    records.add(("X", 1), ("X", 1), 1)  # correlated: kept
    records.add(("Z", 1), ("X", 0), -1)  # bases differ: no correction defined, kept
    assert records.bob_bits == [0, 1, 0]
    assert records.correlator("Z", "Z") == (1.0, 1)
    assert records.correlator("Z", "X") == (-1.0, 1)


def test_chsh_from_records_is_sqrt2_times_the_correlator_sum():
    records = MeasuredRecords()
    # ZZ: 3 equal, 1 different → E = 0.5; XX: 4 equal → E = 1.
    for bob in (0, 0, 0, 1):
        records.add(("Z", 0), ("Z", bob), 1)
    for _ in range(4):
        records.add(("X", 1), ("X", 1), 1)
    result = chsh_json(records)
    assert result["s"] == pytest.approx(math.sqrt(2) * 1.5, abs=1e-12)
    # Var(E_ZZ) = (1 − 0.25)/4, Var(E_XX) = 0; σ_S = √2·√(0.1875).
    assert result["s_std_error"] == pytest.approx(math.sqrt(2 * 0.1875), abs=1e-12)
    assert result["s_horodecki_xz"] == pytest.approx(2 * math.hypot(0.5, 1.0), abs=1e-12)
    assert result["violation"] is True
    assert result["correlators"]["ZX"] == {"value": None, "pairs": 0}
