"""A1 through the physical layer: entanglement swapping at a repeater's hardware.

validation.md A1: swapping two Werner pairs with F₁ = F₂ = 0.9 and a perfect Bell-state
measurement gives F_out = F₁F₂ + (1 − F₁)(1 − F₂)/3 = 0.813333 for every BSM outcome, once the
end nodes track the Pauli frame (label₁ ⊕ label₂ ⊕ outcome); tolerance 1e-6 (exact formalisms).

Three nodes a — b — c: both links herald through real stations and hardware entities in the
runtime; b's hardware then performs the Bell-state measurement (``SwapRequest``) and a and c
find their halves re-pointed to the new pair. The announced link labels and the reported
outcome give the frame; the fidelity is read from the simulated state.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from qnetstack.physical import (
    DepolarisingConfig,
    DepolarisingPlatform,
    GenerateRequest,
    LinkGeometry,
    MemoryDevice,
    PairReadyIndication,
    PairStore,
    SwapConfirm,
    SwapRequest,
)
from qnetstack.quantum import swap_frame
from qnetstack.runtime import Runtime, fibre_delay_ps
from qnetstack.service import LayerName, Primitive


def _chain(formalism: str, seed: int, **platform: Any) -> tuple[Runtime, PairStore, list[Any]]:
    """a — b — c on the depolarising platform, only physical entities, driven by hand."""
    config = DepolarisingConfig(success_probability=0.5, fidelity=0.9, **platform)
    store = PairStore(formalism)  # type: ignore[arg-type]
    hardware = DepolarisingPlatform(config, store)
    runtime = Runtime(seed=seed)
    for name in ("a", "b", "c", "s_ab", "s_bc"):
        runtime.add_node(name)
    links: dict[str, dict[str, Any]] = {"a": {}, "b": {}, "c": {}}
    delay = fibre_delay_ps(1.0)
    for left, right, station in (("a", "b", "s_ab"), ("b", "c", "s_bc")):
        geometry = LinkGeometry(left, right, station, 1.0, 1.0, delay, delay)
        info = hardware.link_info(geometry)
        links[left][right] = links[right][left] = info
        runtime.connect(left, station, delay)
        runtime.connect(right, station, delay)
        runtime.node(station).add(hardware.create_station(info, runtime.rng(station)))
    for name, neighbours in links.items():
        runtime.node(name).add(hardware.create_node(name, neighbours, runtime.rng(name)))
    events: list[Any] = []

    def record(node: str, primitive: Primitive, now_ps: int) -> None:
        events.append((node, primitive))

    for name in ("a", "b", "c"):
        runtime.node(name).top_handler = record
    for node, remote, tag in (("a", "b", 0), ("b", "a", 0), ("b", "c", 1), ("c", "b", 1)):
        runtime.request(node, GenerateRequest(remote, tag), LayerName.PHYSICAL)
    runtime.run()
    return runtime, store, events


def _swap_at_b(runtime: Runtime, events: list[Any]) -> tuple[int, int, int]:
    """Swap the two halves b holds; return (label a–b, label b–c, reported outcome)."""
    ready = {(node, p.remote): p for node, p in events if isinstance(p, PairReadyIndication)}
    left, right = ready[("b", "a")], ready[("b", "c")]
    runtime.request("b", SwapRequest(left.slot, right.slot), LayerName.PHYSICAL)
    runtime.run()
    [confirm] = [p for node, p in events if isinstance(p, SwapConfirm)]
    return left.bell_index, right.bell_index, confirm.outcome


def _end_to_end_fidelity(runtime: Runtime, store: PairStore, frame: int) -> float:
    device = runtime.node("a").entity(LayerName.PHYSICAL)
    assert isinstance(device, MemoryDevice)
    [(pair_id, qubit)] = device.occupied.values()
    assert qubit == 0
    assert store.holders(pair_id) == ("a", "c")
    return store.fidelity(pair_id, frame, runtime.now_ps)


@pytest.mark.parametrize("formalism", ["dm", "bell_diagonal"])
def test_a1_swap_of_two_werner_pairs_for_every_outcome(formalism: str, record_validation) -> None:
    outcomes = set()
    for seed in range(40):
        runtime, store, events = _chain(formalism, seed)
        label_ab, label_bc, outcome = _swap_at_b(runtime, events)
        outcomes.add(outcome)
        frame = int(swap_frame(label_ab, label_bc, outcome))
        fidelity = _end_to_end_fidelity(runtime, store, frame)
        record_validation(
            "A1",
            0.813333,
            fidelity,
            1e-6,
            quantity="F_out",
            case=f"stack ({formalism}), outcome {outcome}",
        )
        assert fidelity == pytest.approx(0.813333, abs=1e-6)
        device_b = runtime.node("b").entity(LayerName.PHYSICAL)
        assert isinstance(device_b, MemoryDevice)
        assert device_b.free_slots == device_b.memory_slots  # the swap freed both slots
    assert outcomes == {0, 1, 2, 3}  # every BSM outcome was exercised


def test_swap_through_a_noisy_gate_multiplies_the_werner_parameters() -> None:
    """Depolarising p on both measured qubits scales each input's Werner parameter by 1 − p,
    so F = (3 w₁ w₂ (1 − p)² + 1)/4 — computed by the pair store's 4-qubit density matrix."""
    p = 0.1
    runtime, store, events = _chain("dm", seed=3, swap_gate_depolar_prob=p)
    label_ab, label_bc, outcome = _swap_at_b(runtime, events)
    frame = int(swap_frame(label_ab, label_bc, outcome))
    w = (4 * 0.9 - 1) / 3
    expected = (3 * w * w * (1 - p) ** 2 + 1) / 4
    assert _end_to_end_fidelity(runtime, store, frame) == pytest.approx(expected, abs=1e-9)


def test_readout_errors_mislabel_the_frame_as_often_as_expected() -> None:
    """Each of the two outcome bits is misread with probability q: the tracked frame is wrong
    with probability 1 − (1 − q)², and a wrong frame sees fidelity (1 − F)/3 of a Werner pair."""
    q = 0.2
    fidelities = []
    for seed in range(400):
        runtime, store, events = _chain("bell_diagonal", seed, swap_readout_error=q)
        label_ab, label_bc, outcome = _swap_at_b(runtime, events)
        frame = int(swap_frame(label_ab, label_bc, outcome))
        fidelities.append(_end_to_end_fidelity(runtime, store, frame))
    f = 0.813333333
    right_frame = (1 - q) ** 2
    expected = right_frame * f + (1 - right_frame) * (1 - f) / 3
    sem = np.std(fidelities, ddof=1) / np.sqrt(len(fidelities))
    assert abs(np.mean(fidelities) - expected) < 3 * sem
