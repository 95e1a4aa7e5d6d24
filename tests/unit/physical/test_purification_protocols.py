"""Purification protocols as plugins: every registered one passes the shared conformance check,
the built-ins are the reference closed forms, and names are checked at load."""

from __future__ import annotations

import pytest

from qnetstack.physical.purification import (
    BUILTIN_PURIFICATION_PROTOCOLS,
    Bbpssw,
    Dejmps,
    PurificationError,
    PurificationProtocol,
    PurificationRegistry,
    builtin_protocol,
)
from qnetstack.quantum import BellDiagonal, bbpssw, dejmps
from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import ScenarioError, parse_scenario
from qnetstack.testing import check_purification_protocol

REGISTERED = PurificationRegistry.from_entry_points()


@pytest.mark.parametrize("cls", REGISTERED.all(), ids=REGISTERED.names())
def test_every_registered_protocol_passes_the_conformance_check(
    cls: type[PurificationProtocol],
) -> None:
    check_purification_protocol(cls())


@pytest.mark.parametrize(("cls", "reference"), [(Dejmps, dejmps), (Bbpssw, bbpssw)])
def test_the_builtins_are_the_reference_closed_forms(cls, reference) -> None:
    a = BellDiagonal([0.8, 0.1, 0.06, 0.04])
    b = BellDiagonal([0.7, 0.1, 0.15, 0.05])
    p, kept = cls().success(a, b)
    p_ref, kept_ref = reference(a, b)
    assert p == pytest.approx(p_ref)
    assert kept.coefficients == pytest.approx(kept_ref.coefficients)


def test_names_resolve_and_unknown_names_say_what_is_available() -> None:
    assert builtin_protocol("dejmps") == Dejmps()
    assert builtin_protocol(Bbpssw()) == Bbpssw()
    assert Dejmps() != Bbpssw()
    with pytest.raises(ValueError, match="protocol must be one of"):
        builtin_protocol("recurrence")
    with pytest.raises(PurificationError, match="unknown purification protocol 'x'; available:"):
        REGISTERED.get("x")
    with pytest.raises(PurificationError, match="two purification protocols are named"):
        PurificationRegistry([*BUILTIN_PURIFICATION_PROTOCOLS, type("D", (Dejmps,), {})])


def test_an_unknown_protocol_is_named_at_load() -> None:
    data = {
        "name": "p", "seed": 1, "formalism": "bell_diagonal",
        "platform": {"plugin": "depolarising", "fidelity": 0.9, "memory_slots": 4},
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp", "purification": {"scope": "link", "protocol": "dejmp"}},
        "nodes": [{"name": "a"}, {"name": "b"}],
        "links": [{"nodes": ["a", "b"], "length_km": 1}],
        "requests": [{"src": "a", "dst": "b", "pairs": 1, "min_fidelity": 0.9}],
    }  # fmt: skip
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data, PluginRegistry.from_entry_points())
    (issue,) = caught.value.issues
    assert issue.path == "network.purification.protocol"
    assert issue.message.startswith("unknown purification protocol 'dejmp'; available: 'bbpssw'")
