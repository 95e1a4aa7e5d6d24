"""Peer PDUs of the application layer: the apps' two-party conversations.

Every message of an app conversation is an :class:`AppMessage` (:mod:`._conversation` makes
it reliable). The QKD apps' conversations are per key block; every message of a key block is
one: the session, the block, a *step*
number and a body. The two ends alternate strictly — Alice sends the even steps, Bob the odd
ones — so each message both answers the previous one and asks for the next
(:mod:`._conversation` retransmits the last message until the answer comes, and answers a
repeated message with its cached reply). The bodies, in the order of a block:

==========  =================  ===========================================================
step        body               content
==========  =================  ===========================================================
0 (A→B)     :class:`Announce`  the block's pair sequence numbers and Alice's bases, the
                               post-processing parameters, the seed of the public generator
1 (B→A)     :class:`SiftReply` Bob's bases (or "missing"), the sample positions he picked and
                               his bits there
2 (A→B)     :class:`SampleReply` Alice's sample bits (both now know the error rates)
3, 5, …     :class:`ParityRequest` / :class:`ParityReply`: one Cascade round trip each
…  (B→A)    :class:`EcDone`    error correction finished
…  (A→B)    :class:`Verify`    the verification hash seed and Alice's tag, the privacy-
                               amplification seed and the key length ℓ
…  (B→A)    :class:`KeyConfirm` Bob's tag matched; he holds the key (pending)
…  (A→B)    :class:`KeyAck`    Alice holds it too; the block is delivered at both ends
==========  =================  ===========================================================

The session's closing is one more conversation (block −1): Alice's :class:`Close` with the
number of blocks she announced, Bob's :class:`CloseAck`.

Any step may instead carry :class:`Abort` (QBER above tolerance, no secret key, hashes
differ): the block ends at both ends without a key.

The CHSH test (:mod:`.chsh`) is one conversation (block 0) after the pairs: Alice's
:class:`RecordsRequest` (her pairs), Bob's :class:`RecordsReply` (his settings and bits for
them), Alice's :class:`BellOutcome` (S and the correlators, so both ends report the same).

The teleportation client (:mod:`.teleport_client`) opens a session with :class:`QubitsOffer`
(block 0; answered by :class:`QubitsAccept` before any qubit is sent, so the receiver knows
the qubits of the session) and closes it with :class:`QubitsDone` (block 1; answered by
:class:`QubitsDoneAck`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from qnetstack.apps.primitives import SessionId
from qnetstack.apps.qkd import PostprocessingParameters
from qnetstack.apps.qkd.cascade_interactive import ParityQuery
from qnetstack.service import PeerMessage

__all__ = [
    "Abort",
    "Announce",
    "AppMessage",
    "BellOutcome",
    "Body",
    "Close",
    "CloseAck",
    "EcDone",
    "KeyAck",
    "KeyConfirm",
    "ParityReply",
    "ParityRequest",
    "QubitsAccept",
    "QubitsDone",
    "QubitsDoneAck",
    "QubitsOffer",
    "RecordsReply",
    "RecordsRequest",
    "SampleReply",
    "SiftReply",
    "Verify",
]

Bits = npt.NDArray[np.uint8]
Index = npt.NDArray[np.intp]

MISSING = 255
"""Bob's basis code for an announced pair he does not hold."""


def _no_bits() -> Bits:
    return np.zeros(0, dtype=np.uint8)


@dataclass(frozen=True, slots=True, eq=False)
class Announce:
    """Alice's pairs of the block (by sequence number), her bases (BBM92: 0 = Z, 1 = X) or E91
    setting codes, and the block's terms."""

    sequences: Index
    bases: Bits
    parameters: PostprocessingParameters
    public_seed: int
    protocol: str = "bbm92"


@dataclass(frozen=True, slots=True, eq=False)
class SiftReply:
    """Bob's bases or settings for the announced pairs (:data:`MISSING` where he has none),
    the sample positions (indices into the sifted key) and Bob's bits there; for E91 also his
    bits at the CHSH rounds, in round order."""

    bases: Bits
    sample: Index
    bob_sample: Bits
    chsh_bits: Bits = field(default_factory=_no_bits)


@dataclass(frozen=True, slots=True, eq=False)
class SampleReply:
    """Alice's bits at the sample positions (and, for E91, at the CHSH rounds)."""

    alice_sample: Bits
    chsh_bits: Bits = field(default_factory=_no_bits)


@dataclass(frozen=True, slots=True, eq=False)
class ParityRequest:
    """One Cascade query of Bob's."""

    query: ParityQuery


@dataclass(frozen=True, slots=True, eq=False)
class ParityReply:
    """Alice's parities for the last query."""

    parities: Bits


@dataclass(frozen=True, slots=True)
class EcDone:
    """Bob's error correction is finished; ``leak_bits`` parities were disclosed."""

    leak_bits: int


@dataclass(frozen=True, slots=True, eq=False)
class Verify:
    """Alice's verification hash (seed and tag) and the privacy-amplification terms."""

    hash_seed: Bits
    tag: Bits
    pa_seed: Bits
    length: int


@dataclass(frozen=True, slots=True)
class KeyConfirm:
    """Bob's tag matched and he holds the block's key (until Alice acknowledges)."""


@dataclass(frozen=True, slots=True)
class KeyAck:
    """Alice holds the key: the block is delivered at both ends."""


@dataclass(frozen=True, slots=True)
class Close:
    """Alice's session is over: ``blocks`` blocks were announced (block index −1)."""

    blocks: int


@dataclass(frozen=True, slots=True)
class CloseAck:
    """Bob's answer to :class:`Close`."""


@dataclass(frozen=True, slots=True)
class Abort:
    """The block ends without a key; ``reason`` is a FailureReason value or 'timeout'."""

    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class QubitsOffer:
    """The sender's session: ``qubits`` qubits with payload ids ``first_payload`` onwards."""

    qubits: int
    first_payload: int


@dataclass(frozen=True, slots=True)
class QubitsAccept:
    """The receiver knows the session; the sender may send its qubits."""


@dataclass(frozen=True, slots=True)
class QubitsDone:
    """Every qubit of the session is sent or failed; ``failed`` lists the failed indices."""

    sent: int
    failed: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class QubitsDoneAck:
    """The receiver's count of the session's qubits it has delivered."""

    delivered: int


@dataclass(frozen=True, slots=True, eq=False)
class RecordsRequest:
    """Alice's pairs of a CHSH test (sequence numbers); Bob answers with his records."""

    sequences: Index


@dataclass(frozen=True, slots=True, eq=False)
class RecordsReply:
    """Bob's setting codes (``MISSING`` for a pair he does not hold) and frame-corrected bits,
    in the order of the request."""

    settings: Bits
    bits: Bits


@dataclass(frozen=True, slots=True)
class BellOutcome:
    """Alice's figures of the test (the same both ends report); the conversation's last
    message."""

    summary: Mapping[str, Any]


Body = (
    Announce | SiftReply | SampleReply | ParityRequest | ParityReply | EcDone | Verify
    | KeyConfirm | KeyAck | Close | CloseAck | Abort | QubitsOffer | QubitsAccept
    | QubitsDone | QubitsDoneAck | RecordsRequest | RecordsReply | BellOutcome
)  # fmt: skip
"""Every body a :class:`AppMessage` can carry."""


@dataclass(frozen=True, slots=True, eq=False)
class AppMessage(PeerMessage):
    """One message of an app conversation (for QKD: of a key block's).

    Attributes:
        session: The session.
        block: The block index within the session.
        step: Position in the block's conversation (even: from Alice, odd: from Bob).
        body: The content.
    """

    session: SessionId
    block: int
    step: int
    body: Body
