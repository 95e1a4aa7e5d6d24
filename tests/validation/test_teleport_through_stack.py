"""Validation of teleportation through the whole stack (transport → QNP → EGP → hardware).

Scenarios run topology → depolarising hardware (Werner pairs of fidelity F announced in Ψ±, no
memory noise) → EGP → QNP → teleport transport. An n-link chain delivers Werner pairs with
w_e2e = wⁿ, w = (4F − 1)/3 (physics.md F6), and teleporting a pure qubit over a Werner pair of
fidelity F_e2e gives fidelity (2 F_e2e + 1)/3 (physics.md F7) — for *every* payload and every
Bell outcome, since the Werner noise acts on the teleported qubit as a depolarising channel
that shrinks its Bloch vector by w_e2e. So each delivered qubit is checked exactly (1e-9),
for six Pauli eigenstates and one generic Bloch state, in both formalisms.

With the hardware's Bell-measurement gate depolarising both measured qubits with probability p
(ρ → (1 − 3p/4)ρ + (p/4)ΣσρσS, Bloch vector × (1 − p)), the payload shrinks by (1 − p) and the
sender's half too (a Werner pair with one half depolarised has w(1 − p)), so the delivered
qubit has F = (1 + w_e2e (1 − p)²)/2; the repeater's swap gate multiplies w_e2e by (1 − p)²
as well. Derived here, checked exactly.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from nv_runs import REGISTRY

from qnetstack.scenario import Simulation, parse_scenario


def chain(nodes: int, state: Any, *, fidelity: float = 0.9, qubits: int = 12,
          min_fidelity: float = 0.25, formalism: str = "dm", gate: float = 0.0,
          seed: int = 3) -> dict[str, Any]:  # fmt: skip
    return {
        "name": f"teleport-{nodes}",
        "seed": seed,
        "formalism": formalism,
        "stop_time_s": 100.0,
        "platform": {
            "plugin": "depolarising",
            "success_probability": 0.3,
            "fidelity": fidelity,
            "memory_slots": 2,
            "swap_gate_depolar_prob": gate,
        },
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp"},
        "topology": {"kind": "chain", "nodes": nodes, "spacing_km": 2.0},
        "requests": [
            {"src": "n0", "dst": f"n{nodes - 1}", "pairs": qubits,
             "min_fidelity": min_fidelity, "teleport": {"state": state}}
        ],
    }  # fmt: skip


def run(data: dict[str, Any]) -> dict[str, Any]:
    results = Simulation(parse_scenario(data, REGISTRY), REGISTRY).run()
    assert results["failure"] is None, results["failure"]
    (request,) = results["requests"]
    return request  # type: ignore[no-any-return]


def werner(f: float) -> float:
    return (4 * f - 1) / 3


@pytest.mark.parametrize("state", ["0", "1", "+", "-", "+i", "-i", (1.1, 0.4)])
def test_teleported_fidelity_is_2f_plus_1_over_3_for_every_payload(state: Any) -> None:
    """Two links (one swap), F = 0.9: F_e2e = (3 w² + 1)/4, F_tel = (2 F_e2e + 1)/3 ≈ 0.8933."""
    request = run(chain(3, state))
    f_e2e = (3 * werner(0.9) ** 2 + 1) / 4
    expected = (2 * f_e2e + 1) / 3
    teleport = request["teleport"]
    assert teleport["delivered"] == teleport["qubits"] == 12
    assert teleport["in_order"]
    assert teleport["failed"] == 0
    fid = teleport["fidelity"]
    assert fid["n"] == 12
    assert fid["ci95"][0] == pytest.approx(expected, abs=1e-9)  # every qubit, not the mean only
    assert fid["ci95"][1] == pytest.approx(expected, abs=1e-9)
    assert request["fidelity"]["mean"] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("formalism", ["dm", "bell_diagonal"])
@pytest.mark.parametrize(("nodes", "fidelity"), [(2, 0.8), (2, 0.6), (4, 0.95)])
def test_werner_resource_across_chains_and_formalisms(
    formalism: str, nodes: int, fidelity: float
) -> None:
    request = run(chain(nodes, "+i", fidelity=fidelity, formalism=formalism, qubits=8))
    f_e2e = (3 * werner(fidelity) ** (nodes - 1) + 1) / 4
    assert request["teleport"]["fidelity"]["mean"] == pytest.approx((2 * f_e2e + 1) / 3, abs=1e-9)
    # the goodness-based expectation uses the same formulas on the link layer's estimate
    assert request["teleport"]["expected_from_goodness"] == pytest.approx(
        (2 * f_e2e + 1) / 3, abs=1e-9
    )


def test_bell_measurement_gate_noise() -> None:
    """One link (no swap), gate depolarising p = 0.05: F = (1 + w (1 − p)²)/2."""
    p = 0.05
    request = run(chain(2, "-", fidelity=0.9, gate=p, qubits=8))
    expected = (1 + werner(0.9) * (1 - p) ** 2) / 2
    assert request["teleport"]["fidelity"]["mean"] == pytest.approx(expected, abs=1e-9)
    # below the noiseless value: the gate noise is really applied
    assert expected < (2 * 0.9 + 1) / 3 - 0.03


def test_beats_the_classical_bound_only_with_entanglement_better_than_half() -> None:
    """F7: the classical bound 2/3 is crossed at pair fidelity 1/2."""
    good = run(chain(2, "0", fidelity=0.55, qubits=4))["teleport"]["fidelity"]["mean"]
    bad = run(chain(2, "0", fidelity=0.45, qubits=4))["teleport"]["fidelity"]["mean"]
    assert good > 2 / 3 > bad
    assert math.isclose(good, (2 * 0.55 + 1) / 3, abs_tol=1e-9)


def test_unreachable_fidelity_is_reported_to_the_sender() -> None:
    """Asking for pairs of F = 0.99 over two links of F = 0.9 cannot be served: every qubit
    ends in an error at the sender (UNSUPPORTED), none is delivered, the run ends."""
    request = run(chain(3, "+", fidelity=0.9, qubits=5, min_fidelity=0.99))
    teleport = request["teleport"]
    assert teleport["delivered"] == 0
    assert teleport["failed"] == 5
    assert teleport["sent"] == 0
    assert request["errors"] == {"UNSUPPORTED": 5}
    assert all(m.startswith("UNSUPPORTED") for m in request["error_messages"])
