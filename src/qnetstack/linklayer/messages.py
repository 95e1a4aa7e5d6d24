"""Peer PDUs of the simple link protocol."""

from __future__ import annotations

from dataclasses import dataclass

from qnetstack.service import PeerMessage

__all__ = ["SimpleLinkStart", "SimpleLinkSubmit"]


@dataclass(frozen=True, slots=True)
class SimpleLinkSubmit(PeerMessage):
    """A non-master end asks the link master to queue its request."""

    origin: str
    request_id: int
    number: int


@dataclass(frozen=True, slots=True)
class SimpleLinkStart(PeerMessage):
    """The link master starts serving a request; pair ``i`` uses tag ``first_tag + i``."""

    origin: str
    request_id: int
    number: int
    first_tag: int
