"""The scenario's E91 options: protocol and basis must match; records are frame-corrected."""

from __future__ import annotations

import math

import pytest
import yaml
from typer.testing import CliRunner

from qnetstack.apps.qkd import E91_ALICE_ANGLES_RAD, E91_BOB_ANGLES_RAD
from qnetstack.cli import app
from qnetstack.scenario import ScenarioError, parse_scenario
from qnetstack.scenario.e91 import E91Records, e91_chsh_json


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


def test_records_map_angles_to_settings_and_correct_bobs_frame():
    records = E91Records()
    pi4, pi2, pi34 = E91_BOB_ANGLES_RAD
    records.add((E91_ALICE_ANGLES_RAD[1], 0), (pi4, 1), 0)  # Φ⁺: kept as is
    records.add((E91_ALICE_ANGLES_RAD[0], 1), (pi4, 1), 1)  # Ψ⁺: π/4 → 3π/4, no flip
    records.add((E91_ALICE_ANGLES_RAD[2], 0), (pi2, 1), 2)  # Φ⁻: X stays X, flipped
    records.add((E91_ALICE_ANGLES_RAD[2], 1), (pi34, 0), 3)  # Ψ⁻: same setting, flipped
    assert records.alice_settings == [1, 0, 2, 2]
    assert records.bob_settings == [0, 2, 1, 2]
    assert records.bob_bits == [1, 1, 0, 1]
    result = records.sift()
    assert result.sifted.alice.tolist() == [0, 0]  # (A π/4, B π/4) and (A X, B X)
    assert result.sifted.bob.tolist() == [1, 0]


def test_chsh_entry_lists_the_four_measured_correlators():
    records = E91Records()
    # One round per CHSH term, outcomes chosen so that E = +1, +1, +1, −1 → S = 4.
    a0, a1 = E91_ALICE_ANGLES_RAD[2], E91_ALICE_ANGLES_RAD[0]
    b0, b1 = E91_BOB_ANGLES_RAD[0], E91_BOB_ANGLES_RAD[2]
    for alice, bob, same in ((a0, b0, True), (a0, b1, True), (a1, b0, True), (a1, b1, False)):
        records.add((alice, 0), (bob, 0 if same else 1), 0)
    entry = e91_chsh_json(records.sift())
    assert entry["s"] == pytest.approx(4.0)
    assert entry["s_std_error"] == pytest.approx(0.0)
    assert [c["value"] for c in entry["correlators"].values()] == [1.0, 1.0, 1.0, -1.0]
    assert entry["correlators"]["A1B1"]["alice_angle_rad"] == 0.0
    assert entry["correlators"]["A1B1"]["bob_angle_rad"] == pytest.approx(3 * math.pi / 4)
    assert entry["violation"] is True


def test_chsh_entry_without_rounds_is_null():
    entry = e91_chsh_json(E91Records().sift())
    assert entry["s"] is None
    assert entry["s_std_error"] is None
    assert entry["violation"] is False
