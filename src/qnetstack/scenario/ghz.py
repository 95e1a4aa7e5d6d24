"""GHZ distribution in a scenario: the application role that fuses two end-to-end pairs.

A request with ``ghz: {other: C}`` and ``src: B``, ``dst: A`` makes ``pairs`` GHZ states of
(A, B, C), one at a time: the centre B asks its network layer for one pair with A and one with
C; when both pairs are announced at all four ends, B fuses them
(:func:`qnetstack.apps.ghz.fuse_pairs`: CNOT between its halves, Z measurement of one, X^m at
C), and the runner reports the GHZ fidelity of the result and frees the halves.

**Model (documented limit).** The fusion is computed by this application role from the
ground-truth pair states at the moment the last of the four OKs arrives (both pairs aged to that
moment, frames from the OKs), with the centre node's gate depolarising and readout error (the
device's swap noise; on NV the E–C gate and the mean electron readout error); the duration of
the gates and of the message carrying m to C is not modelled, and the three-qubit state is not
kept in the pair store (it exists only to be measured here). The Werner prediction of every
fusion, from the two pairs' true fidelities at that moment, is reported next to the measured
value (:func:`qnetstack.apps.ghz.werner_ghz_fidelity`; equal for Werner pairs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qnetstack.analysis.stats import mean_ci95
from qnetstack.apps.ghz import fuse_pairs, ghz_fidelity, werner_ghz_fidelity
from qnetstack.network.primitives import NetworkCreateRequest, NetworkOkIndication
from qnetstack.physical.device import MemoryDevice
from qnetstack.physical.nv.device import NVDevice
from qnetstack.physical.qstore import PairStore
from qnetstack.quantum import BellDiagonal

__all__ = ["GHZ_REQUEST_BASE", "GhzRequest", "fusion_noise"]

GHZ_REQUEST_BASE = 2**31
"""Network request ids of GHZ pairs start here (scenario requests use their index)."""


def fusion_noise(device: MemoryDevice) -> tuple[float, float]:
    """(gate depolarising, readout error) of the centre node's fusion."""
    if isinstance(device, NVDevice):
        cfg = device.config
        electron = cfg.electron
        return cfg.ec_gate.depolar_prob_per_qubit, 1.0 - (
            electron.readout_f0 + electron.readout_f1
        ) / 2
    return device.swap_noise


@dataclass(slots=True)
class _Half:
    node: str
    slot: int
    bell_index: int


@dataclass(slots=True)
class GhzRequest:
    """One GHZ request's rounds: which network requests belong to it, what has arrived."""

    index: int
    centre: str
    a: str
    c: str
    rng: np.random.Generator
    fidelities: list[float] = field(default_factory=list)
    predictions: list[float] = field(default_factory=list)
    pair_fidelities: dict[str, list[float]] = field(default_factory=lambda: {"ab": [], "bc": []})
    outcomes: list[int] = field(default_factory=list)
    halves: dict[str, list[_Half]] = field(default_factory=lambda: {"ab": [], "bc": []})

    def round_requests(self, first_id: int) -> list[tuple[str, NetworkCreateRequest]]:
        """The two network requests (at the centre) of the next round."""
        return [
            ("ab", NetworkCreateRequest(request_id=first_id, remote=self.a)),
            ("bc", NetworkCreateRequest(request_id=first_id + 1, remote=self.c)),
        ]

    def add(self, role: str, node: str, ok: NetworkOkIndication) -> bool:
        """Record an OK; True when both pairs are here at all four ends."""
        assert ok.slot is not None  # GHZ pairs are KEEP pairs
        self.halves[role].append(_Half(node, ok.slot, ok.bell_index))
        return all(len(h) == 2 for h in self.halves.values())

    def fuse(
        self, store: PairStore, devices: dict[str, MemoryDevice], now_ps: int
    ) -> list[tuple[str, int]]:
        """Fuse the round's pairs (ground truth); returns the (node, slot) halves to free."""
        states = {}
        frames = {}
        for role, outer in (("ab", self.a), ("bc", self.c)):
            by_node = {h.node: h for h in self.halves[role]}
            centre, far = by_node[self.centre], by_node[outer]
            pair_id, q_far = devices[outer].held(far.slot)
            _, q_centre = devices[self.centre].held(centre.slot)
            state = store.state(pair_id, now_ps)
            dm = state.to_density_matrix() if isinstance(state, BellDiagonal) else state
            order = (q_far, q_centre) if role == "ab" else (q_centre, q_far)
            states[role] = dm.permute(order)
            frames[role] = far.bell_index
            self.pair_fidelities[role].append(store.fidelity(pair_id, far.bell_index, now_ps))
        gate, readout = fusion_noise(devices[self.centre])
        outcome, ghz = fuse_pairs(
            states["ab"], states["bc"], self.rng, frames=(frames["ab"], frames["bc"]),
            gate_depolar_prob=gate, readout_flip_prob=readout,
        )  # fmt: skip
        self.outcomes.append(outcome)
        self.fidelities.append(ghz_fidelity(ghz))
        self.predictions.append(
            werner_ghz_fidelity(
                self.pair_fidelities["ab"][-1], self.pair_fidelities["bc"][-1], gate, readout
            )
        )
        return self.drop_round()

    def drop_round(self) -> list[tuple[str, int]]:
        """The round failed: the (node, slot) halves already here, to free."""
        freed = [(h.node, h.slot) for hs in self.halves.values() for h in hs]
        self.halves = {"ab": [], "bc": []}
        return freed

    def to_json(self) -> dict[str, Any]:
        mean, (lo, hi) = mean_ci95(self.fidelities)
        prediction, _ = mean_ci95(self.predictions)
        ab, _ = mean_ci95(self.pair_fidelities["ab"])
        bc, _ = mean_ci95(self.pair_fidelities["bc"])
        return {
            "nodes": [self.a, self.centre, self.c],
            "states": len(self.fidelities),
            "fidelity": {"mean": mean, "ci95": [lo, hi], "n": len(self.fidelities)},
            "werner_prediction": prediction,
            "pair_fidelity_mean": {"ab": ab, "bc": bc},
            "model": "fusion from ground-truth pair states at the last OK, centre's gate noise",
        }
