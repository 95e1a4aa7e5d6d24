"""The shared-coin protocol with lists in and lists out: no simulator, no lower layers."""

import numpy as np
from my_app.coin import CoinCheck, CoinCheckReply, CoinConfig, SharedCoin

from qnetstack.apps.primitives import AppResultIndication, AppSessionRequest
from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkEntanglementId,
    NetworkOkIndication,
)
from qnetstack.service import Indicate, SendDown, SendPeer


def ok(node_is_alice: bool, seq: int, outcome: int, bell: int) -> NetworkOkIndication:
    ent = NetworkEntanglementId("alice", 0, seq)
    remote = "bob" if node_is_alice else "alice"
    return NetworkOkIndication(ent, remote, None, bell, 0.9, 0, ("alice", "bob"), 7, outcome, "Z")


def test_both_ends_keep_the_same_bits_and_see_no_error_on_perfect_pairs():
    config = CoinConfig(sample_bits=2)
    alice = SharedCoin("alice", config, np.random.default_rng(1))
    bob = SharedCoin("bob", config, np.random.default_rng(2))
    (create,) = alice.from_above(AppSessionRequest(0, "bob", 4), 0)
    assert isinstance(create, SendDown)
    assert isinstance(create.primitive, NetworkCreateRequest)
    assert create.primitive.measure_basis == "Z"
    # Ψ± pairs (Bell index 1, 3) have opposite Z outcomes: Bob flips his bit
    pairs = [(0, 0), (1, 1), (1, 2), (0, 3)]  # (Alice's outcome, Bell index)
    effects = []
    for seq, (bit, bell) in enumerate(pairs):
        bob_outcome = bit ^ (1 if bell in (1, 3) else 0)
        assert bob.from_below(ok(False, seq, bob_outcome, bell), seq) == []
        effects = alice.from_below(ok(True, seq, bit, bell), seq)
    (send,) = effects  # after the last pair Alice discloses her sample
    assert isinstance(send, SendPeer)
    assert isinstance(send.pdu, CoinCheck)
    assert len(send.pdu.sequences) == 2
    reply, bob_result = bob.from_peer("alice", send.pdu, 10)
    assert isinstance(reply.pdu, CoinCheckReply)
    assert (reply.pdu.compared, reply.pdu.errors) == (2, 0)
    (alice_result,) = alice.from_peer("bob", reply.pdu, 20)
    for result in (alice_result, bob_result):
        assert isinstance(result, Indicate)
        assert isinstance(result.primitive, AppResultIndication)
    assert alice_result.primitive.result["bits"] == bob_result.primitive.result["bits"]
    assert len(alice_result.primitive.result["bits"]) == 2
    assert alice_result.primitive.result["error_rate"] == 0.0
