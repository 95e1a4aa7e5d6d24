"""SeQUeNCe 0.8.5: BB84 sifted key bits per wall second.

Run in the SeQUeNCe environment: ``.venv-sequence/bin/python sequence_qkd.py --keys K``.

Two ``QKDNode`` nodes (polarisation encoding: a weak-coherent ``LightSource`` at 80 MHz with
mean photon number 0.1, a ``QSDetectorPolarization``) joined by 10 km of fibre at the matched
loss, detectors at the matched efficiency and no dark counts, polarisation fidelity 1; their
``BB84`` protocols (sifting only: ``stack_size=1``, no Cascade) make ``--keys`` keys of 256
bits. Sifted bits = the bits Alice kept after basis reconciliation (keys × 256 + what is left
over). Timed around ``Timeline.run`` only.

This is prepare-and-measure BB84, not the entanglement-based BBM92 that qnetstack runs: both
report sifted bits (positions where the two parties' bases agreed), which is what the issue
compares; the physics behind a bit differs (a laser pulse here, a heralded NV pair there).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
from _common import DETECTOR_EFFICIENCY, FIBRE_LOSS_DB_PER_KM, QKD_LENGTH_KM, emit
from sequence.components.optical_channel import ClassicalChannel, QuantumChannel
from sequence.kernel.timeline import Timeline
from sequence.protocol import StackProtocol
from sequence.qkd.BB84 import pair_bb84_protocols
from sequence.topology.node import QKDNode

KEY_BITS = 256


class KeySink(StackProtocol):
    """Top of Alice's and Bob's stacks: asks BB84 for keys and counts what comes back."""

    def __init__(self, owner: Any, keys: int) -> None:
        super().__init__(owner, f"{owner.name}.sink")
        self.keys_wanted = keys
        self.keys = 0

    def init(self) -> None:
        pass

    def push(self) -> None:
        self.lower_protocols[0].push(KEY_BITS, self.keys_wanted)

    def pop(self, info: Any) -> None:
        self.keys += 1

    def received_message(self, src: str, msg: Any) -> bool:
        return False


def build(keys: int, seed: int) -> tuple[Timeline, QKDNode, KeySink]:
    Timeline.seed(seed)  # BB84 draws its bases and bits from numpy's global generator
    np.random.seed(seed)
    timeline = Timeline()
    alice = QKDNode("alice", timeline, stack_size=1, seed=seed)
    bob = QKDNode("bob", timeline, stack_size=1, seed=seed + 1)
    pair_bb84_protocols(alice.protocol_stack[0], bob.protocol_stack[0])
    for src, dst in ((alice, bob), (bob, alice)):
        qc = QuantumChannel(f"qc-{src.name}", timeline, attenuation=FIBRE_LOSS_DB_PER_KM / 1000.0,
                            distance=QKD_LENGTH_KM * 1000.0, polarization_fidelity=1.0)  # fmt: skip
        qc.set_ends(src, dst.name)
        cc = ClassicalChannel(f"cc-{src.name}", timeline, distance=QKD_LENGTH_KM * 1000.0)
        cc.set_ends(src, dst.name)
    for detector in bob.components["bob.qsdetector"].detectors:
        detector.efficiency = DETECTOR_EFFICIENCY
        detector.dark_count = 0.0
    sinks = []
    for node in (alice, bob):
        sink = KeySink(node, keys)
        node.protocol_stack[0].upper_protocols.append(sink)
        sink.lower_protocols.append(node.protocol_stack[0])
        sinks.append(sink)
    timeline.init()
    sinks[0].push()
    return timeline, alice, sinks[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=20, help="keys of 256 sifted bits")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    timeline, alice, sink = build(args.keys, args.seed)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    timeline.run()
    wall_s = time.perf_counter() - t0
    sifted = sink.keys * KEY_BITS + len(alice.protocol_stack[0].key_bits)
    assert sink.keys == args.keys, sink.keys
    emit(
        "sequence", "qkd", "sifted_bits_per_s", sifted / wall_s, "bits/s",
        sifted_bits=sifted, keys=sink.keys, wall_s=wall_s, build_s=build_s,
        events=timeline.run_counter, sim_time_s=timeline.now() * 1e-12,
        length_km=QKD_LENGTH_KM, protocol="BB84 (weak coherent pulses, mu=0.1, 80 MHz)",
    )  # fmt: skip


if __name__ == "__main__":
    main()
