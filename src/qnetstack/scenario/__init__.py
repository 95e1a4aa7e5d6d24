"""Scenarios: the YAML schema, loading with clear errors, building and running a simulation."""

from qnetstack.scenario.load import (
    LoadedScenario,
    ScenarioError,
    ScenarioIssue,
    load_scenario,
    parse_scenario,
)
from qnetstack.scenario.schema import LinkSpec, NodeSpec, PluginChoice, RequestSpec, Scenario
from qnetstack.scenario.simulation import RequestStats, Simulation, run_scenario

__all__ = [
    "LinkSpec",
    "LoadedScenario",
    "NodeSpec",
    "PluginChoice",
    "RequestSpec",
    "RequestStats",
    "Scenario",
    "ScenarioError",
    "ScenarioIssue",
    "Simulation",
    "load_scenario",
    "parse_scenario",
    "run_scenario",
]
