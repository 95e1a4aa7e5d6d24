"""Peer PDUs of the transport layer: the sender's corrections and skips, numbered per stream.

Each sender numbers the qubits it sends to one receiver 0, 1, 2, … in request order. Every
number reaches the receiver exactly once, either as a :class:`TeleportCorrection` (the qubit is
on the pair; here is its frame) or as a :class:`TeleportSkip` (the qubit failed at the sender).
Classical messages may be reordered, and pairs of later qubits may be ready first, so the
receiver buffers what arrives early and delivers in sequence order.
"""

from __future__ import annotations

from dataclasses import dataclass

from qnetstack.network.primitives import NetworkEntanglementId
from qnetstack.service import PeerMessage

__all__ = ["TeleportCorrection", "TeleportSkip"]


@dataclass(frozen=True, slots=True)
class TeleportCorrection(PeerMessage):
    """The Bell-measurement outcome of one teleported qubit.

    Attributes:
        sequence: The qubit's number in the sender → receiver stream.
        payload_id: The sender's payload id.
        entanglement_id: The end-to-end pair whose receiving half now holds the qubit.
        m1: First Bell-measurement bit as read (the Z bit of the Bell index).
        m2: Second bit (the X bit); the Bell index is (m1 << 1) | m2.
    """

    sequence: int
    payload_id: int
    entanglement_id: NetworkEntanglementId
    m1: int
    m2: int


@dataclass(frozen=True, slots=True)
class TeleportSkip(PeerMessage):
    """The qubit numbered ``sequence`` was not sent (the sender got an error for it).

    Attributes:
        sequence: The number to skip.
        payload_id: The sender's payload id.
        code: The sender's ``TransportErrorCode`` value.
    """

    sequence: int
    payload_id: int
    code: str
