"""A3 and A5 through the physical layer: one purification round on the pair store.

validation.md A5 (BBPSSW with twirl, physics.md F9): Werner inputs F = 0.6 / 0.75 / 0.9 give
F' = 0.620438 / 0.788462 / 0.926396 and p_succ = 0.608889 / 0.722222 / 0.875556 (1e-6).
The pairs are *real heralded pairs*: two nodes a — b herald two pairs through a station of the
depolarising platform (fidelity F, no memory noise). The herald announces Ψ±, so each pair is
first brought to the Φ⁺ frame with :func:`correct_frame` (the announced label, applied
noiselessly to a's half), then ``PairStore.purify`` runs BBPSSW; ``p_success`` and the kept
pair's fidelity to Φ⁺ (read from the simulated state) are compared in both formalisms.

validation.md A3 (DEJMPS, physics.md F8): identical inputs (0.8, 0.1, 0.05, 0.05) on
(Φ⁺, Ψ⁻, Ψ⁺, Φ⁻) give p_succ = 0.82 and output (0.792683, 0.006098, 0.006098, 0.195122) in
the same order (1e-6). No platform heralds this state, so these pairs are added to the store
directly (``store.add``) in both formalisms.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from qnetstack.physical import (
    DepolarisingConfig,
    DepolarisingPlatform,
    Formalism,
    FreeRequest,
    GenerateRequest,
    LinkGeometry,
    MemoryModel,
    PairReadyIndication,
    PairStore,
)
from qnetstack.physical.purify import correct_frame
from qnetstack.quantum import BellDiagonal, BellIndex, DensityMatrix
from qnetstack.runtime import Runtime, fibre_delay_ps
from qnetstack.service import LayerName, Primitive

_FORMALISMS = ["dm", "bell_diagonal"]
# BellIndex order is (Φ⁺, Ψ⁺, Φ⁻, Ψ⁻); validation.md lists (Φ⁺, Ψ⁻, Ψ⁺, Φ⁻).
_TABLE_ORDER = [BellIndex.PHI_PLUS, BellIndex.PSI_MINUS, BellIndex.PSI_PLUS, BellIndex.PHI_MINUS]


def _two_heralded_pairs(
    formalism: str, fidelity: float, seed: int
) -> tuple[Runtime, PairStore, list[PairReadyIndication]]:
    """a — b on the depolarising platform: both nodes ask for two pairs (tags 0 and 1)."""
    config = DepolarisingConfig(success_probability=0.5, fidelity=fidelity, memory_slots=2)
    store = PairStore(Formalism(formalism))
    hardware = DepolarisingPlatform(config, store)
    runtime = Runtime(seed=seed)
    for name in ("a", "b", "s"):
        runtime.add_node(name)
    delay = fibre_delay_ps(1.0)
    info = hardware.link_info(LinkGeometry("a", "b", "s", 1.0, 1.0, delay, delay))
    runtime.connect("a", "s", delay)
    runtime.connect("b", "s", delay)
    runtime.node("s").add(hardware.create_station(info, runtime.rng("s")))
    runtime.node("a").add(hardware.create_node("a", {"b": info}, runtime.rng("a")))
    runtime.node("b").add(hardware.create_node("b", {"a": info}, runtime.rng("b")))
    ready: list[PairReadyIndication] = []

    def record(node: str, primitive: Primitive, now_ps: int) -> None:
        if node == "a" and isinstance(primitive, PairReadyIndication):
            ready.append(primitive)

    for name in ("a", "b"):
        runtime.node(name).top_handler = record
    for tag in (0, 1):
        runtime.request("a", GenerateRequest("b", tag), LayerName.PHYSICAL)
        runtime.request("b", GenerateRequest("a", tag), LayerName.PHYSICAL)
    runtime.run()
    assert len(ready) == 2
    return runtime, store, sorted(ready, key=lambda p: p.tag)


def _purify_heralded(formalism: str, fidelity: float, seed: int) -> tuple[Any, float | None]:
    runtime, store, (keep, sacrifice) = _two_heralded_pairs(formalism, fidelity, seed)
    assert {keep.bell_index, sacrifice.bell_index} <= {BellIndex.PSI_PLUS, BellIndex.PSI_MINUS}
    device = runtime.node("a").entity(LayerName.PHYSICAL)
    now = runtime.now_ps
    halves = {p.tag: device.held(p.slot) for p in (keep, sacrifice)}  # type: ignore[attr-defined]
    for p in (keep, sacrifice):
        assert store.holders(halves[p.tag][0])[halves[p.tag][1]] == "a"
        correct_frame(store, halves[p.tag], p.bell_index, now)
        assert store.fidelity(halves[p.tag][0], BellIndex.PHI_PLUS, now) == pytest.approx(
            fidelity, abs=1e-12
        )
    rng = np.random.default_rng(seed)
    outcome = store.purify(halves[0], halves[1], "bbpssw", now, rng)
    assert halves[1][0] not in store  # the sacrificed pair is consumed
    # The device still lists the sacrificed half's slot; freeing it is harmless.
    assert sacrifice.slot is not None
    runtime.request("a", FreeRequest(sacrifice.slot), LayerName.PHYSICAL)
    runtime.run()
    kept_fidelity = None
    if outcome.kept_pair is not None:
        assert outcome.success
        assert outcome.kept_pair == halves[0][0]
        kept_fidelity = store.fidelity(outcome.kept_pair, BellIndex.PHI_PLUS, now)
    return outcome, kept_fidelity


@pytest.mark.parametrize("formalism", _FORMALISMS)
@pytest.mark.parametrize(
    ("fidelity", "f_out", "p_out"),
    [(0.6, 0.620438, 0.608889), (0.75, 0.788462, 0.722222), (0.9, 0.926396, 0.875556)],
)
def test_a5_bbpssw_on_heralded_pairs(
    formalism: str, fidelity: float, f_out: float, p_out: float, record_validation
) -> None:
    successes = 0
    for seed in range(12):
        outcome, kept_fidelity = _purify_heralded(formalism, fidelity, seed)
        record_validation(
            "A5",
            p_out,
            outcome.p_success,
            1e-6,
            quantity="p_succ",
            case=f"F = {fidelity}, stack ({formalism})",
        )
        assert outcome.p_success == pytest.approx(p_out, abs=1e-6)
        if kept_fidelity is not None:
            successes += 1
            record_validation(
                "A5",
                f_out,
                kept_fidelity,
                1e-6,
                quantity="F'",
                case=f"F = {fidelity}, stack ({formalism})",
            )
            assert kept_fidelity == pytest.approx(f_out, abs=1e-6)
    assert successes > 0


@pytest.mark.parametrize("formalism", _FORMALISMS)
def test_a3_dejmps_round_on_the_store(formalism: str, record_validation) -> None:
    table = np.array([0.8, 0.1, 0.05, 0.05])
    coefficients = np.zeros(4)
    coefficients[_TABLE_ORDER] = table
    bd = BellDiagonal(coefficients)
    state: BellDiagonal | DensityMatrix = (
        bd if formalism == "bell_diagonal" else bd.to_density_matrix()
    )
    expected = np.array([0.792683, 0.006098, 0.006098, 0.195122])
    noiseless = (MemoryModel(), MemoryModel())
    successes, runs = 0, 400
    for seed in range(runs):
        store = PairStore(Formalism(formalism))
        keep = store.add(state, ("a", "b"), noiseless, (0, 0))
        sacrifice = store.add(state, ("a", "b"), noiseless, (0, 0))
        outcome = store.purify((keep, 0), (sacrifice, 0), "dejmps", 0, np.random.default_rng(seed))
        record_validation(
            "A3", 0.82, outcome.p_success, 1e-6, quantity="p_succ", case=f"pair store ({formalism})"
        )
        assert outcome.p_success == pytest.approx(0.82, abs=1e-6)
        if outcome.success:
            successes += 1
            kept = store.state(keep, 0)
            vector = [
                kept.fidelity_bell(b) if isinstance(kept, DensityMatrix) else kept.fidelity(b)
                for b in _TABLE_ORDER
            ]
            record_validation(
                "A3",
                expected[0],
                vector[0],
                1e-6,
                quantity="A (Φ⁺) out",
                case=f"pair store ({formalism})",
            )
            assert vector == pytest.approx(expected, abs=1e-6)
            # The nodes assume Φ⁺ after the round: the kept pair is Φ⁺-dominated.
            assert int(np.argmax(vector)) == 0
    record_validation(
        "A3",
        0.82,
        successes / runs,
        3 * np.sqrt(0.82 * 0.18 / runs),
        quantity="p_succ (MC, 3σ)",
        case=f"{runs} rounds ({formalism})",
    )
    assert abs(successes / runs - 0.82) < 3 * np.sqrt(0.82 * 0.18 / runs)
