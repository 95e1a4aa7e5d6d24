"""The teleportation client over a scripted transport layer and real classical channels.

The fake transport layers stand for everything below: the test plays the transport's part by
confirming (or failing) each qubit the sender's app hands down and delivering it at the
receiver. The apps' own conversations (offer, done) travel over the runtime's channel with its
delay and loss, so retransmission and give-up paths run for real.
"""

from __future__ import annotations

from typing import Any

import pytest

from qnetstack.apps import (
    AppResultIndication,
    AppSessionRequest,
    TeleportClientApp,
    TeleportClientConfig,
    TeleportedQubitIndication,
    TeleportQubitFailedIndication,
    TeleportQubitSentIndication,
    TeleportSessionRequest,
)
from qnetstack.apps.teleport_client import FIRST_PAYLOAD_ID
from qnetstack.network.primitives import NetworkEntanglementId
from qnetstack.runtime import Runtime
from qnetstack.service import LayerName, Primitive
from qnetstack.transport.fake import FakeTransportLayer, Inject
from qnetstack.transport.primitives import (
    QubitDeliveredIndication,
    QubitSentConfirm,
    SendQubitRequest,
    TransportErrorCode,
    TransportErrorIndication,
)


def _stack(
    *, delay_ps: int = 10**6, loss: float = 0.0, seed: int = 1, **config: Any
) -> tuple[Runtime, dict[str, list[Primitive]], dict[str, FakeTransportLayer]]:
    runtime = Runtime(seed)
    seen: dict[str, list[Primitive]] = {"a": [], "b": []}
    fakes = {}
    for name in ("a", "b"):
        node = runtime.add_node(name)
        fakes[name] = FakeTransportLayer(name)
        node.add(fakes[name])
        node.add(TeleportClientApp(name, TeleportClientConfig(**config), runtime.rng(name)))
        node.top_handler = lambda n, p, t: seen[n].append(p)
    runtime.connect("a", "b", delay_ps, loss)
    return runtime, seen, fakes


def _play_transport(
    runtime: Runtime, fakes: dict[str, FakeTransportLayer], fail: set[int] = frozenset()
) -> None:
    """Confirm every qubit the sender handed down (fail those in ``fail``), deliver the rest."""
    sends = [p for p in fakes["a"].requests if isinstance(p, SendQubitRequest)]
    now = runtime.now_ps
    for k, send in enumerate(sends):
        if k in fail:
            outcome: Primitive = TransportErrorIndication(
                send.payload_id, "b", k, TransportErrorCode.TIMEOUT, "no pair in time"
            )
        else:
            ent = NetworkEntanglementId("a", 0, k)
            outcome = QubitSentConfirm(send.payload_id, "b", k, ent, 0)
            delivered = QubitDeliveredIndication(send.payload_id, "a", k, 10 + k, k % 4, ent, 0.9)
            runtime.request_at(now + 500 + k, "b", Inject(delivered), LayerName.TRANSPORT)
        runtime.request_at(now + 100 + k, "a", Inject(outcome), LayerName.TRANSPORT)
    runtime.run()


def _results(seen: dict[str, list[Primitive]]) -> dict[str, AppResultIndication]:
    return {n: p for n, ps in seen.items() for p in ps if isinstance(p, AppResultIndication)}


def test_a_session_offers_sends_delivers_and_closes_at_both_ends() -> None:
    runtime, seen, fakes = _stack()
    runtime.request("a", TeleportSessionRequest(7, "b", 3, state="+i", min_fidelity=0.8))
    runtime.run()
    sends = [p for p in fakes["a"].requests if isinstance(p, SendQubitRequest)]
    # nothing is sent before the receiver accepted: one round trip (2 ms) has passed
    assert runtime.now_ps == 2 * 10**6
    assert [s.payload_id for s in sends] == [FIRST_PAYLOAD_ID + k for k in range(3)]
    assert {(s.remote, s.state, s.min_fidelity) for s in sends} == {("b", "+i", 0.8)}
    _play_transport(runtime, fakes)
    qubits = [p for p in seen["b"] if isinstance(p, TeleportedQubitIndication)]
    assert [(q.index, q.slot, q.correction) for q in qubits] == [(0, 10, 0), (1, 11, 1), (2, 12, 2)]
    assert {q.session.origin for q in qubits} == {"a"}
    sent = [p for p in seen["a"] if isinstance(p, TeleportQubitSentIndication)]
    assert [s.index for s in sent] == [0, 1, 2]
    results = _results(seen)
    assert results["a"].role == "sender"
    assert results["b"].role == "receiver"
    for r in results.values():
        assert dict(r.result) | {"delivered": 3} == {
            "qubits": 3, "pairs": 3, "sent": 3, "failed": 0, "delivered": 3, "error": "",
        }  # fmt: skip
    assert results["a"].result["delivered"] == 3
    assert runtime.pending_timers() == []


def test_failed_qubits_are_reported_once_at_the_sender_and_counted_at_both_ends() -> None:
    runtime, seen, fakes = _stack()
    runtime.request("a", TeleportSessionRequest(1, "b", 4))
    runtime.run()
    _play_transport(runtime, fakes, fail={1, 3})
    failed = [p for p in seen["a"] if isinstance(p, TeleportQubitFailedIndication)]
    assert [(f.index, f.code) for f in failed] == [(1, "TIMEOUT"), (3, "TIMEOUT")]
    results = _results(seen)
    assert results["a"].result == results["b"].result == {
        "qubits": 4, "pairs": 2, "sent": 2, "failed": 2, "delivered": 2, "error": "",
    }  # fmt: skip


def test_under_heavy_loss_the_session_completes_or_fails_cleanly_never_mismatched() -> None:
    completed = 0
    for seed in range(20):
        runtime, seen, fakes = _stack(loss=0.3, seed=seed, max_retransmissions=20)
        runtime.request("a", TeleportSessionRequest(1, "b", 2))
        runtime.run()
        _play_transport(runtime, fakes)
        results = _results(seen)
        assert "a" in results  # the sender always ends
        qubits = [p for p in seen["b"] if isinstance(p, TeleportedQubitIndication)]
        if results["a"].result["error"] == "":
            completed += 1
            assert results["b"].result == results["a"].result
            assert [q.index for q in qubits] == [0, 1]
        assert runtime.pending_timers() == []
    assert completed >= 18  # 21 tries per message at 30 % loss each way


def test_an_unanswered_offer_sends_nothing_and_fails_every_qubit() -> None:
    runtime, seen, fakes = _stack(loss=0.999, max_retransmissions=2)
    runtime.request("a", TeleportSessionRequest(1, "b", 2))
    runtime.run()
    assert not [p for p in fakes["a"].requests if isinstance(p, SendQubitRequest)]
    failed = [p for p in seen["a"] if isinstance(p, TeleportQubitFailedIndication)]
    assert [f.index for f in failed] == [0, 1]
    assert _results(seen)["a"].result["error"] == "NO_ANSWER"
    assert "b" not in _results(seen)


def test_a_generic_app_session_sends_plus_states_at_the_qubit_fidelity_of_the_pair() -> None:
    runtime, _, fakes = _stack()
    runtime.request("a", AppSessionRequest(2, "b", 1, min_fidelity=0.85))
    runtime.run()
    (send,) = [p for p in fakes["a"].requests if isinstance(p, SendQubitRequest)]
    assert send.state == "+"
    assert send.min_fidelity == pytest.approx((2 * 0.85 + 1) / 3)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (TeleportSessionRequest(1, "a", 1), "remote is this node"),
        (TeleportSessionRequest(1, "b", 0), "qubits must be"),
        (TeleportSessionRequest(1, "b", 1, min_fidelity=1.5), "min_fidelity must be"),
    ],
)
def test_malformed_sessions_are_rejected_with_a_reason(
    request_: TeleportSessionRequest, message: str
) -> None:
    app = TeleportClientApp("a", TeleportClientConfig())
    effects = app.from_above(request_, 0)
    (result,) = [e.primitive for e in effects if hasattr(e, "primitive")]
    assert isinstance(result, AppResultIndication)
    assert result.result["error"] == "REJECTED"
    (trace,) = [e for e in effects if hasattr(e, "record")]
    assert message in trace.record.data["reason"]


def test_primitives_of_others_pass_through() -> None:
    app = TeleportClientApp("a", TeleportClientConfig())
    stranger = QubitDeliveredIndication(5, "c", 0, 1, 0, NetworkEntanglementId("c", 0, 0), 0.9)
    assert [e.primitive for e in app.from_below(stranger, 0)] == [stranger]  # type: ignore[union-attr]
    other = SendQubitRequest(3, "b", "0")
    assert [e.primitive for e in app.from_above(other, 0)] == [other]  # type: ignore[union-attr]
