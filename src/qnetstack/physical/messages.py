"""Peer PDUs between a node's hardware and its heralding station.

Node → station: :class:`AttemptStart`, :class:`AttemptAbort`. Station → node: :class:`Herald`.
They travel on the classical channel of each arm, whose delay equals the photon's flight time,
so a herald reaches a node exactly one arm delay after the photons met at the station.
"""

from __future__ import annotations

from dataclasses import dataclass

from qnetstack.service import PeerMessage

__all__ = ["AttemptAbort", "AttemptStart", "Herald"]


@dataclass(frozen=True, slots=True)
class AttemptStart(PeerMessage):
    """The node is ready and starts attempting for ``tag``, with bright-state population
    ``alpha`` (``None``: the platform's configured value); ``measured`` says it measures its
    half right after emission, so it need not wait for the herald between attempts."""

    tag: int
    alpha: float | None = None
    measured: bool = False


@dataclass(frozen=True, slots=True)
class AttemptAbort(PeerMessage):
    """The node stops attempting for ``tag``."""

    tag: int


@dataclass(frozen=True, slots=True)
class Herald(PeerMessage):
    """The station heralded a pair for ``tag``.

    Attributes:
        tag: The attempt tag.
        pair_id: Pair identifier in the shared pair store.
        qubit_index: Which half the receiving node holds (0 or 1).
        bell_index: The announced Bell state.
        attempts: Attempts until success.
        expected_fidelity: Model fidelity of the fresh pair.
    """

    tag: int
    pair_id: int
    qubit_index: int
    bell_index: int
    attempts: int
    expected_fidelity: float
