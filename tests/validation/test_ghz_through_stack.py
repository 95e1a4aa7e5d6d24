"""Validation of GHZ distribution through the stack (scenario → QNP pairs → fusion at the centre).

The centre B fuses a pair with A and a pair with C (CNOT between its halves, Z measurement, X^m
at C). For Werner pairs ρ_w = w Φ⁺ + (1 − w)𝟙/4 the fusion is linear in each pair, and the four
terms give GHZ fidelities 1, ¼, ¼, ⅛ (derived in :mod:`qnetstack.apps.ghz`), so

    F_GHZ = w₁w₂ + w₁(1 − w₂)/4 + (1 − w₁)w₂/4 + (1 − w₁)(1 − w₂)/8,   wᵢ = (4Fᵢ − 1)/3.

Gate depolarising p at the centre (on both of its qubits) turns wᵢ into wᵢ(1 − p). Perfect pairs
give 1. Pairs over n links have w = w_linkⁿ (physics.md F6). Every fusion is checked exactly
(1e-9): with Werner inputs the value does not depend on the outcome.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nv_runs import REGISTRY

from qnetstack.apps.ghz import fuse_pairs, ghz_fidelity, werner_ghz_fidelity
from qnetstack.quantum import DensityMatrix
from qnetstack.scenario import Simulation, parse_scenario


def chain(nodes: int, *, fidelity: float, states: int = 10, gate: float = 0.0,
          formalism: str = "dm") -> dict[str, Any]:  # fmt: skip
    centre = nodes // 2
    return {
        "name": "ghz",
        "seed": 4,
        "formalism": formalism,
        "stop_time_s": 100.0,
        "platform": {"plugin": "depolarising", "success_probability": 0.3,
                     "fidelity": fidelity, "memory_slots": 2,
                     "swap_gate_depolar_prob": gate},
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp"},
        "topology": {"kind": "chain", "nodes": nodes, "spacing_km": 2.0},
        "requests": [{"src": f"n{centre}", "dst": "n0", "pairs": states,
                      "ghz": {"other": f"n{nodes - 1}"}}],
    }  # fmt: skip


def run(data: dict[str, Any]) -> dict[str, Any]:
    results = Simulation(parse_scenario(data, REGISTRY), REGISTRY).run()
    assert results["failure"] is None, results["failure"]
    return results["requests"][0]  # type: ignore[no-any-return]


def analytic(w1: float, w2: float) -> float:
    return w1 * w2 + w1 * (1 - w2) / 4 + (1 - w1) * w2 / 4 + (1 - w1) * (1 - w2) / 8


def test_perfect_pairs_give_a_perfect_ghz_state() -> None:
    request = run(chain(3, fidelity=1.0))
    ghz = request["ghz"]
    assert ghz["states"] == 10
    assert ghz["fidelity"]["ci95"] == pytest.approx([1.0, 1.0], abs=1e-9)
    assert request["delivered"] == 10


@pytest.mark.parametrize("formalism", ["dm", "bell_diagonal"])
@pytest.mark.parametrize("fidelity", [0.95, 0.8, 0.6])
def test_werner_pairs_match_the_analytic_fusion(formalism: str, fidelity: float) -> None:
    w = (4 * fidelity - 1) / 3
    request = run(chain(3, fidelity=fidelity, formalism=formalism))
    lo, hi = request["ghz"]["fidelity"]["ci95"]
    assert lo == pytest.approx(analytic(w, w), abs=1e-9)
    assert hi == pytest.approx(analytic(w, w), abs=1e-9)


def test_two_links_per_side_and_gate_noise() -> None:
    """Five nodes, centre n2: each pair spans two links (one swap). The repeater's swap gate
    depolarises both qubits it measures, i.e. one half of each link pair, so each end-to-end
    pair has w = w_link² (1 − p)²; the centre's fusion gate adds one more (1 − p)."""
    p, f = 0.02, 0.9
    w_link = (4 * f - 1) / 3
    w = w_link**2 * (1 - p) ** 2 * (1 - p)
    request = run(chain(5, fidelity=f, gate=p, states=6))
    assert request["ghz"]["fidelity"]["mean"] == pytest.approx(analytic(w, w), abs=1e-9)
    assert request["ghz"]["werner_prediction"] == pytest.approx(analytic(w, w), abs=1e-9)


def test_readout_error_on_the_centre_agrees_in_the_mean() -> None:
    """A misread outcome applies the wrong correction; the mean matches the formula of
    :func:`werner_ghz_fidelity` within 4 standard errors."""
    rng = np.random.default_rng(9)
    q = 0.2
    values = [
        ghz_fidelity(
            fuse_pairs(
                DensityMatrix.werner(0.9, 1),
                DensityMatrix.werner(0.8, 2),
                rng,
                frames=(1, 2),
                readout_flip_prob=q,
            )[1]
        )
        for _ in range(3000)
    ]
    err = np.std(values) / np.sqrt(len(values))
    assert abs(np.mean(values) - werner_ghz_fidelity(0.9, 0.8, 0.0, q)) < 4 * err
