"""Bad input through the real CLI: one message naming the field and what is allowed, exit 2.

One test per case. Each runs ``qnetstack validate`` and ``qnetstack run`` in-process; one test
also runs the installed command in a subprocess to check a real process prints no traceback.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from qnetstack.cli import app

runner = CliRunner()


def fails(path, *must_contain, command="validate"):
    """Run the command on ``path``; it must exit 2 with one clean error naming the problem."""
    result = runner.invoke(app, [command, str(path)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    message = result.stderr
    assert message.startswith("error: invalid scenario")
    for text in must_contain:
        assert text in message, f"{text!r} not in {message!r}"
    assert result.stdout == ""
    return message


@pytest.fixture(params=["validate", "run"])
def command(request):
    return request.param


def test_unknown_field(write_scenario, command):
    path = write_scenario(edit=lambda d: d["links"][0].update(lenght_km=2.0))
    fails(
        path,
        "links[0].lenght_km: unknown field 'lenght_km'",
        "allowed fields: ",
        "length_km, nodes, ",
        command=command,
    )


def test_unknown_top_level_field(write_scenario):
    fails(write_scenario(edit=lambda d: d.update(sead=3)), "sead: unknown field", "seed")


def test_wrong_type(write_scenario, command):
    path = write_scenario(edit=lambda d: d["links"][0].update(length_km="far"))
    fails(path, "links[0].length_km:", "valid number", "'far'", command=command)


def test_unknown_node_in_a_link(write_scenario, command):
    path = write_scenario(edit=lambda d: d["links"][0].update(nodes=["alice", "carol"]))
    fails(path, "links[0].nodes[1]: unknown node 'carol'; nodes: alice, bob", command=command)


def test_unknown_node_in_a_request(write_scenario, command):
    path = write_scenario(edit=lambda d: d["requests"][0].update(dst="carol"))
    fails(path, "requests[0].dst: unknown node 'carol'; nodes: alice, bob", command=command)


def test_unknown_platform_plugin(write_scenario, command):
    path = write_scenario(edit=lambda d: d["platform"].update(plugin="nv-magic"))
    fails(
        path,
        "platform.plugin: unknown physical plugin 'nv-magic'; available: ",
        "'depolarising'",
        command=command,
    )


def test_unknown_link_layer_plugin(write_scenario):
    path = write_scenario(edit=lambda d: d["link_layer"].update(plugin="no-such-link"))
    fails(
        path, "link_layer.plugin: unknown link plugin 'no-such-link'; available: ", "'simple-link'"
    )


def test_unknown_field_inside_plugin_config(write_scenario, command):
    path = write_scenario(edit=lambda d: d["platform"].update(fidelty=0.9))
    fails(
        path,
        "platform.fidelty: unknown field 'fidelty'",
        "allowed fields: ",
        "fidelity, ",
        "success_probability",
        command=command,
    )


def test_negative_length(write_scenario, command):
    path = write_scenario(edit=lambda d: d["links"][0].update(length_km=-1.0))
    fails(path, "links[0].length_km:", "greater than 0", "allowed: (0, 100000]", command=command)


def test_platform_fidelity_above_one(write_scenario, command):
    path = write_scenario(edit=lambda d: d["platform"].update(fidelity=1.2))
    fails(path, "platform.fidelity:", "(got 1.2)", "allowed: [0.25, 1]", command=command)


def test_request_min_fidelity_below_a_quarter(write_scenario, command):
    path = write_scenario(edit=lambda d: d["requests"][0].update(min_fidelity=0.1))
    fails(path, "requests[0].min_fidelity:", "(got 0.1)", "allowed: [0.25, 1]", command=command)


def test_missing_file(tmp_path, command):
    fails(tmp_path / "nope.yaml", "nope.yaml", "file not found", command=command)


def test_directory_instead_of_file(tmp_path, command):
    fails(tmp_path, "is a directory, not a file", command=command)


def test_invalid_yaml_shows_the_line(tmp_path, command):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nnodes: [alice, bob\nlinks: 3\n", encoding="utf-8")
    fails(path, "not valid YAML at line 3", command=command)


def test_empty_file(tmp_path, command):
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    fails(path, "a scenario must be a mapping of fields, got empty", command=command)


def test_not_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    fails(path, "a scenario must be a mapping of fields, got list")


def test_request_between_non_neighbours(write_scenario, command):
    def edit(d):
        d["nodes"].append({"name": "carol"})
        d["links"].append({"nodes": ["bob", "carol"], "length_km": 1.0})
        d["requests"][0]["dst"] = "carol"

    fails(
        write_scenario(edit=edit),
        "requests[0].dst: no link between 'alice' and 'carol'",
        "need a network layer",
        command=command,
    )


def test_duplicate_node_names(write_scenario, command):
    path = write_scenario(edit=lambda d: d["nodes"].append({"name": "alice"}))
    fails(path, "nodes[2].name: duplicate node name 'alice'", command=command)


def test_missing_required_field(write_scenario):
    fails(write_scenario(edit=lambda d: d.pop("nodes")), "nodes: at least two nodes are needed")


def test_every_problem_is_reported_at_once(write_scenario):
    def edit(d):
        d["requests"][0]["dst"] = "carol"
        d["platform"]["fidelity"] = 2.0

    message = fails(write_scenario(edit=edit), "platform.fidelity", "requests[0].dst")
    assert message.count("\n  ") == 2


def test_a_real_process_prints_no_traceback(write_scenario):
    path = write_scenario(edit=lambda d: d["links"][0].update(lenght_km=2.0))
    done = subprocess.run(
        [sys.executable, "-m", "qnetstack.cli", "run", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "links[0].lenght_km: unknown field" in done.stderr
    assert done.stdout == ""
