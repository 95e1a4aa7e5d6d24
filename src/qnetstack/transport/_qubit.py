"""One outgoing qubit at the sender: its request, its pair, its state machine.

States (table :data:`TRANSITIONS`):

* ``QUEUED``: accepted and numbered, waiting for room in the window towards its receiver;
* ``WAITING_PAIR``: a ``NetworkCreateRequest`` for one pair is out;
* ``MEASURING``: the pair is here; the Bell measurement of the payload with its half runs;
* ``SENT``: the correction went to the receiver (terminal);
* ``FAILED``: the network layer reported an error for the pair (terminal); the receiver is
  told to skip the number.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from transitions import Machine

from qnetstack.network.primitives import NetworkEntanglementId
from qnetstack.quantum import DensityMatrix

__all__ = ["TRANSITIONS", "Outgoing", "QubitPhase"]


class QubitPhase(Enum):
    """Protocol state of one outgoing qubit."""

    QUEUED = "queued"
    WAITING_PAIR = "waiting_pair"
    MEASURING = "measuring"
    SENT = "sent"
    FAILED = "failed"


_Q = QubitPhase
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "request_pair", "source": _Q.QUEUED, "dest": _Q.WAITING_PAIR},
    {"trigger": "pair_ready", "source": _Q.WAITING_PAIR, "dest": _Q.MEASURING},
    {"trigger": "measured", "source": _Q.MEASURING, "dest": _Q.SENT},
    {"trigger": "fail", "source": [_Q.QUEUED, _Q.WAITING_PAIR], "dest": _Q.FAILED},
]
"""The outgoing qubit's transition table; the docs' state diagram is generated from it."""


class Outgoing:
    """A qubit this node sends.

    Args:
        payload_id: The user's id.
        remote: The receiver.
        sequence: Its number towards ``remote``.
        payload: The state to teleport.
        pair_fidelity: ``min_fidelity`` of the pair to ask for.
        deadline_ps: Absolute deadline (0: none).
        request_id: The network request id used for its pair.
    """

    state: QubitPhase
    # Triggers added by the state machine (declared for the type checker).
    request_pair: Any
    pair_ready: Any
    measured: Any
    fail: Any

    def __init__(
        self,
        payload_id: int,
        remote: str,
        sequence: int,
        payload: DensityMatrix,
        pair_fidelity: float,
        deadline_ps: int,
        request_id: int,
    ) -> None:
        self.payload_id = payload_id
        self.remote = remote
        self.sequence = sequence
        self.payload = payload
        self.pair_fidelity = pair_fidelity
        self.deadline_ps = deadline_ps
        self.request_id = request_id
        self.slot: int | None = None
        self.entanglement_id: NetworkEntanglementId | None = None
        Machine(
            model=self, states=QubitPhase, transitions=TRANSITIONS,
            initial=QubitPhase.QUEUED, auto_transitions=False,
        )  # fmt: skip
