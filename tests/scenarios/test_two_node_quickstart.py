"""The quickstart example end to end through the real runtime and kernel."""

from __future__ import annotations

import math

import pytest

from helpers import QUICKSTART
from qnetstack import __version__
from qnetstack.scenario import Simulation, load_scenario, run_scenario

REQUEST_FIELDS = {"id", "src", "dst", "requested", "delivered", "rate_hz", "fidelity"}
REQUEST_FIELDS |= {"latency_s", "errors"}


@pytest.fixture(scope="module")
def results(registry):
    return run_scenario(load_scenario(QUICKSTART, registry), registry)


def test_delivers_every_pair(results):
    [request] = results["requests"]
    assert request["requested"] == request["delivered"] == 200
    assert request["errors"] == {}
    assert request["fidelity"]["n"] == 200


def test_results_contract(results):
    top = {"qnetstack_version", "scenario", "seed", "formalism", "sim_time_s", "wall_s"}
    top |= {"events", "requests", "links", "apps"}
    assert top <= results.keys()
    assert results["qnetstack_version"] == __version__
    assert (results["scenario"], results["seed"], results["formalism"]) == ("quickstart", 42, "dm")
    assert 0 < results["sim_time_s"] <= 10.0
    assert results["wall_s"] > 0
    assert isinstance(results["events"], int)
    assert results["events"] > 0
    assert results["apps"] == []
    [request] = results["requests"]
    assert request.keys() >= REQUEST_FIELDS
    assert (request["id"], request["src"], request["dst"]) == (0, "alice", "bob")
    assert request["rate_hz"] > 0
    assert {"mean", "ci95"} <= request["fidelity"].keys()
    lo, hi = request["fidelity"]["ci95"]
    assert lo <= request["fidelity"]["mean"] <= hi
    latency = request["latency_s"]
    assert {"mean", "p50", "p95"} <= latency.keys()
    assert 0 < latency["p50"] <= latency["p95"]
    [link] = results["links"]
    assert {"nodes", "attempts", "successes"} <= link.keys()
    assert link["nodes"] == ["alice", "bob"]
    assert link["successes"] == 200


def test_rate_is_pairs_over_the_time_they_took(results):
    [request] = results["requests"]
    # The request starts at t = 0 and the run stops at the last delivery.
    assert request["rate_hz"] == pytest.approx(200 / results["sim_time_s"], rel=1e-12)
    assert request["latency_s"]["mean"] == pytest.approx(results["sim_time_s"] / 200, rel=1e-12)


def test_measured_success_rate_matches_the_model(results):
    [link] = results["links"]
    n, k, p = link["attempts"], link["successes"], link["success_probability_model"]
    assert abs(k - n * p) <= 4 * math.sqrt(n * p * (1 - p))


def test_fidelity_is_below_fresh_because_memories_dephase(results):
    mean = results["requests"][0]["fidelity"]["mean"]
    assert 0.9 < mean < 0.95


def test_trace_tells_the_story(registry):
    sim = Simulation(load_scenario(QUICKSTART, registry), registry, trace=True)
    sim.run()
    log = sim.runtime.trace
    heralds = log.of_kind("herald")
    assert len(heralds) == 200
    assert all(e.node == "station:alice-bob" for e in heralds)
    starts = log.of_kind("link-start")
    assert {(e.node, e.data["request_id"]) for e in starts} == {("alice", 0), ("bob", 0)}
    assert log.of_kind("lost") == []
    times = [e.time_ps for e in log.events]
    assert times == sorted(times)
    assert sim.runtime.pending_timers() == []
