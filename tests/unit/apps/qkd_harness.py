"""Two BBM92 apps on real classical channels, with a scripted network layer below them.

Each node's stack is ``[FakeNetworkLayer, Bbm92App]``; the pairs the network layer would
deliver are drawn here from the statistics of Werner pairs of fidelity F (equal bases agree
except with probability 2(1 − F)/3 after the frame correction) with a random Bell frame, and
injected at both ends (Bob's OK ``skew_ps`` after Alice's). The apps' PDUs travel over the
runtime's channel with its delay and loss, so retransmission and failure paths run for real.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qnetstack.apps import (
    Bbm92App,
    Bbm92Config,
    KeyBlockFailedIndication,
    KeyDeliveredIndication,
    QkdSessionEndIndication,
    QkdSessionRequest,
)
from qnetstack.apps.qkd import PostprocessingParameters
from qnetstack.network.fake import FakeNetworkLayer, Inject
from qnetstack.network.primitives import NetworkEntanglementId, NetworkOkIndication
from qnetstack.runtime import Runtime
from qnetstack.service import LayerName, Primitive

# ⟨σ_b σ_b⟩ per Bell index (Φ+, Ψ+, Φ−, Ψ−) for Z and X.
CORRELATION = {"Z": (1, -1, 1, -1), "X": (1, 1, -1, -1)}
PARAMS = PostprocessingParameters(eps_sec=1e-3, eps_cor=1e-6, sample_fraction=0.5)


@dataclass
class Outcome:
    keys: dict[str, list[KeyDeliveredIndication]] = field(default_factory=dict)
    failed: dict[str, list[KeyBlockFailedIndication]] = field(default_factory=dict)
    ends: dict[str, QkdSessionEndIndication] = field(default_factory=dict)
    runtime: Any = None

    def by_id(self, node: str) -> dict[str, Any]:
        return {k.key_id: k.bits for k in self.keys.get(node, [])}


def run_session(
    *, pairs: int = 6000, block_pairs: int = 3000, fidelity: float = 0.99, delay_ps: int = 10**6,
    loss: float = 0.0, seed: int = 1, interval_ps: int = 10**6, skew_ps: int = 1000,
    config: dict[str, Any] | None = None, until_ps: int | None = None,
    params: PostprocessingParameters = PARAMS,
) -> Outcome:  # fmt: skip
    runtime = Runtime(seed)
    app_config = Bbm92Config(block_pairs=block_pairs, **(config or {}))
    outcome = Outcome(runtime=runtime)
    for name in ("a", "b"):
        node = runtime.add_node(name)
        node.add(FakeNetworkLayer(name))
        node.add(Bbm92App(name, app_config, runtime.rng(f"{name}/app")))

        def top(node_name: str, primitive: Primitive, now_ps: int) -> None:
            match primitive:
                case KeyDeliveredIndication():
                    outcome.keys.setdefault(node_name, []).append(primitive)
                case KeyBlockFailedIndication():
                    outcome.failed.setdefault(node_name, []).append(primitive)
                case QkdSessionEndIndication():
                    outcome.ends[node_name] = primitive

        node.top_handler = top
    runtime.connect("a", "b", delay_ps, loss)
    runtime.request_at(0, "a", QkdSessionRequest(0, "b", pairs, parameters=params))
    rng = np.random.default_rng(seed + 1000)
    error = 2 * (1 - fidelity) / 3
    for seq in range(pairs):
        bell = int(rng.integers(4))
        basis_a, basis_b = ("Z" if rng.random() < 0.5 else "X" for _ in range(2))
        bit_a = int(rng.integers(2))
        if basis_a == basis_b:
            corrected = bit_a ^ int(rng.random() < error)
        else:
            corrected = int(rng.integers(2))
        flip = 1 if CORRELATION[basis_b][bell] == -1 else 0
        ent = NetworkEntanglementId("a", 0, seq)
        t = (seq + 1) * interval_ps
        for node, remote, basis, bit, when in (
            ("a", "b", basis_a, bit_a, t + skew_ps), ("b", "a", basis_b, corrected ^ flip, t),
        ):  # fmt: skip
            ok = NetworkOkIndication(ent, remote, None, bell, fidelity, t, ("a", "b"),
                                     9292, bit, basis)  # type: ignore[arg-type]  # fmt: skip
            runtime.request_at(when, node, Inject(ok), LayerName.NETWORK)
    runtime.run(until_ps=until_ps)
    return outcome
