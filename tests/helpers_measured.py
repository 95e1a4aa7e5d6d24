"""Scenario builder shared by the validation tests of measured pairs (QKD, CHSH, E91).

Two nodes 5 km apart on the depolarising platform (Werner pairs of the given fidelity, no
memory noise), the EGP link layer, one MEASURE request from alice to bob.
"""

from __future__ import annotations

from typing import Any


def werner_measure_scenario(
    name: str, seed: int, fidelity: float, pairs: int, *, basis: str = "random",
    success_probability: float = 0.1, **request: Any,
) -> dict[str, Any]:  # fmt: skip
    """The scenario mapping; ``request`` adds fields to the request (``qkd``, ``chsh``, …)."""
    return {
        "name": name,
        "seed": seed,
        "formalism": "bell_diagonal",
        "platform": {
            "plugin": "depolarising",
            "fidelity": fidelity,
            "success_probability": success_probability,
        },
        "link_layer": {"plugin": "egp"},
        "nodes": [{"name": "alice"}, {"name": "bob"}],
        "links": [{"nodes": ["alice", "bob"], "length_km": 5.0}],
        "requests": [
            {
                "src": "alice",
                "dst": "bob",
                "type": "measure",
                "measure_basis": basis,
                "pairs": pairs,
                "min_fidelity": 0.5,
                **request,
            }
        ],
    }
