"""Service primitives of the application layer: what a user asks of an app, what it hands back.

An application entity sits on top of a node's stack (``LayerName.APP``). Its user — a
person's script, the scenario runner, a key-management system — talks to it with these
primitives: requests go *into* the app (``from_above``), indications come *out* of it (to the
node's top handler). The app itself talks to the network layer below with the network
primitives, and to its peer app at the other end with the PDUs of :mod:`.messages`.

Every app understands :class:`AppSessionRequest` and answers each session with one
:class:`AppResultIndication` per end: that is how scenarios run any app plugin. Apps add
their own primitives where they hand over more (keys, qubits).

QKD (``bbm92``): the user at one end (Alice's) opens a session with :class:`QkdSessionRequest`;
the app asks the network layer for measured pairs and runs the post-processing conversation
with the peer app block by block. Each key block both ends hold is indicated at *both* ends by
:class:`KeyDeliveredIndication` with the same ``key_id`` and identical bits; a block that ends
without a key is indicated by :class:`KeyBlockFailedIndication`; the end of the session by
:class:`QkdSessionEndIndication`. :class:`~qnetstack.apps.keystore.KeyStore` turns the stream of
key blocks into ETSI GS QKD 014 style keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import PostprocessingParameters
from qnetstack.service import Primitive
from qnetstack.transport.states import PayloadState

__all__ = [
    "AppResultIndication",
    "AppSessionRequest",
    "BellTestResultIndication",
    "BellTestSessionRequest",
    "BlockReport",
    "KeyBlockFailedIndication",
    "KeyDeliveredIndication",
    "QkdSessionEndIndication",
    "QkdSessionRequest",
    "SessionId",
    "TeleportQubitFailedIndication",
    "TeleportQubitSentIndication",
    "TeleportSessionRequest",
    "TeleportedQubitIndication",
]

Bits = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class AppSessionRequest(Primitive):
    """Start a session of this node's app with the app at ``remote`` — the generic request
    that any app plugin understands (the scenario runner sends it for ``app_session`` requests).

    Attributes:
        session: The session number, unique at this node.
        remote: The other end's node.
        pairs: End-to-end pairs the session may use.
        min_fidelity: Passed to the network layer's CREATE.
        max_time_ps: Deadline of the pairs; 0: none.
    """

    session: int
    remote: str
    pairs: int
    min_fidelity: float = 0.0
    max_time_ps: int = 0


@dataclass(frozen=True, slots=True)
class AppResultIndication(Primitive):
    """An app's result of a session at this end — the generic answer, one per end and session.

    Attributes:
        session: The session.
        role: The end's role in the app's terms (for example ``"alice"``/``"bob"``).
        result: JSON-serialisable figures (str, int, float, bool, None, lists and dicts); the
            scenario runner copies them into the request's ``app`` entry.
    """

    session: SessionId
    role: str
    result: Mapping[str, Any]


@dataclass(frozen=True, slots=True, order=True)
class SessionId:
    """Identifies one QKD session, identical at both ends.

    Attributes:
        origin: The node that opened it (Alice's end).
        number: The origin's session number (also its network request id).
    """

    origin: str
    number: int


@dataclass(frozen=True, slots=True)
class QkdSessionRequest(Primitive):
    """Open a QKD session with the app at ``remote`` (this end is Alice).

    Attributes:
        session: The session number, unique at this node; it is also the network request id.
        remote: Bob's node (any node the network layer can reach).
        pairs: End-to-end pairs to measure in all (≥ 1); the key comes in blocks as they arrive.
        block_pairs: Measured pairs per key block (the last block may be shorter); 0: the
            app's configured ``block_pairs``.
        parameters: Post-processing parameters (security, sample, Cascade passes); they travel
            to Bob in the first message of every block, so both ends use the same.
        min_fidelity: Passed to the network layer's CREATE.
        max_time_ps: Deadline of the pairs (passed to the network layer); 0: none.
        min_block_pairs: A last, shorter block with fewer pairs than this is dropped (its
            finite-key length would be 0 anyway); 0: the app's configured value.
        protocol: ``"bbm92"`` (random Z/X bases) or ``"e91"`` (each end along one of its three
            E91 directions; key from equal directions, CHSH measured on four of the other
            combinations; the key length uses E91's preparation quality q ≈ 0.228).
    """

    session: int
    remote: str
    pairs: int
    block_pairs: int = 0
    parameters: PostprocessingParameters = field(default_factory=PostprocessingParameters)
    min_fidelity: float = 0.0
    max_time_ps: int = 0
    min_block_pairs: int = 0
    protocol: Literal["bbm92", "e91"] = "bbm92"


@dataclass(frozen=True, slots=True)
class BlockReport:
    """What one key block cost and showed (the same numbers at both ends).

    Attributes:
        block: Index of the block within the session.
        pairs: Measured pairs in the block (Alice's announcement).
        unmatched: Announced pairs Bob did not hold (dropped by both).
        sifted_bits: Pairs with equal bases at both ends.
        sample_bits: Disclosed for parameter estimation.
        errors_per_basis: Sample errors in Z and X.
        sample_per_basis: Sample bits in Z and X.
        key_per_basis: Remaining (raw key) bits in Z and X.
        leak_ec_bits: Parities disclosed by Cascade.
        cascade_rounds: Cascade round trips (parity queries).
        verification_tag_bits: Verification hash length.
        secret_length: Finite-key length ℓ of the block (0 when none).
        messages: PDUs of the block's conversation sent by this end (retransmissions included).
        retransmissions: Of which retransmissions.
        started_ps: When this end started the block (Alice: sent its announcement; Bob:
            received it).
        ended_ps: When this end finished the block (committed the key, or failed).
        chsh_s: BBM92: the CHSH value inferred from the sample's Z and X correlations,
            √2 (E_ZZ + E_XX) (:func:`~qnetstack.apps.qkd.inferred_chsh`); E91: S measured on
            the block's CHSH rounds. None without the data.
        chsh_s_std_error: Its standard error.
        chsh_counts: E91: ``(rounds, disagreements)`` of each CHSH term E(A₀,B₀), E(A₀,B₁),
            E(A₁,B₀), E(A₁,B₁); empty for BBM92.
    """

    block: int
    pairs: int
    unmatched: int
    sifted_bits: int
    sample_bits: int
    errors_per_basis: tuple[int, int]
    sample_per_basis: tuple[int, int]
    key_per_basis: tuple[int, int]
    leak_ec_bits: int
    cascade_rounds: int
    verification_tag_bits: int
    secret_length: int
    messages: int
    retransmissions: int
    started_ps: int
    ended_ps: int
    chsh_s: float | None = None
    chsh_s_std_error: float | None = None
    chsh_counts: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class KeyDeliveredIndication(Primitive):
    """A key block this end holds; the other end holds the identical block under ``key_id``.

    Attributes:
        session: The session.
        key_id: The block's key id (a UUID string derived from session and block; equal at
            both ends).
        role: ``"alice"`` or ``"bob"``: which end this is.
        bits: The secret key bits (uint8 0/1, length ``report.secret_length``).
        report: The block's figures.
    """

    session: SessionId
    key_id: str
    role: str
    bits: Bits
    report: BlockReport


@dataclass(frozen=True, slots=True)
class KeyBlockFailedIndication(Primitive):
    """A key block ended without a key at this end.

    Attributes:
        session: The session.
        block: The block index.
        role: ``"alice"`` or ``"bob"``.
        reason: A :class:`~qnetstack.apps.qkd.FailureReason` value, ``"timeout"`` (the peer
            stopped answering after the retransmissions), or ``"aborted"`` (the peer gave up).
        message: One human-readable line.
        report: The block's figures so far (``None`` when it failed before sifting).
    """

    session: SessionId
    block: int
    role: str
    reason: str
    message: str
    report: BlockReport | None = None


@dataclass(frozen=True, slots=True)
class QkdSessionEndIndication(Primitive):
    """The session ended at this end: no more pairs will come and every block is finished.

    Attributes:
        session: The session.
        role: ``"alice"`` or ``"bob"``.
        pairs: Measured pairs this end received.
        blocks: Blocks started (announced) in the session.
        keys: Blocks that ended with a key at this end.
        error: The network layer's error code if the pairs stopped early ('' otherwise).
        message: Its message.
    """

    session: SessionId
    role: str
    pairs: int
    blocks: int
    keys: int
    error: str = ""
    message: str = ""


# --- the teleportation client (``teleport-client``) -------------------------------------------


@dataclass(frozen=True, slots=True)
class TeleportSessionRequest(Primitive):
    """Send ``qubits`` copies of ``state`` to the app at ``remote`` by teleportation (this end
    is the sender).

    Attributes:
        session: The session number, unique at this node.
        remote: The receiving node (any node the network layer can reach).
        qubits: Qubits to send (≥ 1).
        state: Each qubit's state: a named state ('0', '1', '+', '-', '+i', '-i'), Bloch angles
            ``(theta, phi)`` in radians, or a 2×2 density matrix as nested tuples.
        min_fidelity: Lowest acceptable fidelity of each delivered qubit (the transport layer
            turns it into a pair fidelity); 0: none.
        max_time_ps: Deadline of each qubit from the moment it is handed to the transport
            layer; 0: none.
    """

    session: int
    remote: str
    qubits: int
    state: PayloadState = "+"
    min_fidelity: float = 0.0
    max_time_ps: int = 0


@dataclass(frozen=True, slots=True)
class TeleportedQubitIndication(Primitive):
    """At the receiver: qubit ``index`` of the session is in memory.

    The qubit sits in ``slot`` up to the Pauli ``correction`` (XOR mask: 0 = I, 1 = X, 2 = Z,
    3 = Y), tracked in software: applying it gives the sent state up to the noise. Free the
    memory with :class:`~qnetstack.transport.primitives.ReleaseQubitRequest` (through the app).

    Attributes:
        session: The session.
        index: The qubit's index in the session (0-based, in the sender's order).
        slot: The memory slot holding it.
        correction: Its Pauli frame.
        goodness: The network layer's fidelity estimate of the pair that carried it.
    """

    session: SessionId
    index: int
    slot: int
    correction: int
    goodness: float


@dataclass(frozen=True, slots=True)
class TeleportQubitSentIndication(Primitive):
    """At the sender: qubit ``index`` was teleported and its correction is on its way."""

    session: SessionId
    index: int


@dataclass(frozen=True, slots=True)
class TeleportQubitFailedIndication(Primitive):
    """At the sender: qubit ``index`` could not be sent (it will never reach the receiver).

    Attributes:
        session: The session.
        index: The qubit's index.
        code: The transport layer's error code (``NO_ROUTE``, ``UNSUPPORTED``, ``TIMEOUT``,
            ``EXPIRED``, ``REJECTED``), or ``REJECTED`` for a malformed session.
        message: One human-readable line.
    """

    session: SessionId
    index: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class BellTestSessionRequest(Primitive):
    """Open a CHSH test with ``remote`` on ``pairs`` measured pairs (the ``chsh`` app).

    Attributes:
        session: Chosen by the caller, unique at this node (also the network request id, so
            it must differ from the node's other apps' sessions).
        remote: The other end (any node the network layer can reach).
        pairs: How many end-to-end pairs to measure (≥ 1).
        settings: ``"random"``: each end measures in Z or X at random and S is inferred from
            E_ZZ and E_XX; ``"e91"``: each end along one of its three E91 directions and S is
            measured with Ekert's settings (:mod:`qnetstack.apps.bell_test`).
        min_fidelity: Lowest acceptable fidelity of a pair (the network layer's estimate).
        max_time_ps: Deadline of the pairs' request; 0 means none.
    """

    session: int
    remote: str
    pairs: int
    settings: Literal["random", "e91"] = "random"
    min_fidelity: float = 0.0
    max_time_ps: int = 0


@dataclass(frozen=True, slots=True)
class BellTestResultIndication(Primitive):
    """The CHSH test of a session ended at this end (one per end; both carry the same figures).

    Attributes:
        session: The session.
        role: ``"alice"`` (the end that opened it) or ``"bob"``.
        pairs: Pairs this end measured.
        summary: The figures (S, its standard error, the correlators and their rounds, the
            method; :mod:`qnetstack.apps.bell_test`), ``None`` when the test failed.
        error: Empty on success, else why (``NO_PAIRS``, ``timeout``, a network error code).
        message: Human-readable detail of ``error``.
    """

    session: SessionId
    role: str
    pairs: int
    summary: Mapping[str, Any] | None
    error: str = ""
    message: str = ""
