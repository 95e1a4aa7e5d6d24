"""A scripted physical layer, so link-layer protocols are tested without physics or a kernel.

``FakePhysicalLayer`` records every request it receives and answers only what the test tells it
to: call :meth:`FakePhysicalLayer.herald` to make a pair ready, and feed the returned indication
to the entity under test. It keeps slot bookkeeping so tests catch leaks (a slot never freed).

Example:
    >>> fake = FakePhysicalLayer("alice")
    >>> _ = fake.from_above(GenerateRequest("bob", tag=0), now_ps=0)
    >>> fake.herald("bob", tag=0, bell_index=1).slot
    0
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from qnetstack.physical.primitives import (
    AbortRequest,
    FreeRequest,
    GenerateFailure,
    GenerateFailureReason,
    GenerateRequest,
    PairReadyIndication,
)
from qnetstack.quantum import MeasureBasis
from qnetstack.service import (
    Effect,
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    Primitive,
)

__all__ = ["FakePhysicalLayer"]


class FakePhysicalLayer:
    """Scripted stand-in for a node's hardware.

    Args:
        name: Node name.
        memory_slots: Slots available; a request beyond them fails with OUT_OF_MEMORY.
        fidelity: ``expected_fidelity`` reported in heralds.
    """

    layer: ClassVar[LayerName] = LayerName.PHYSICAL

    def __init__(self, name: str, memory_slots: int = 2, fidelity: float = 0.9) -> None:
        self.name = name
        self.fidelity = fidelity
        self.requests: list[Primitive] = []
        """Every primitive received from above, in order."""
        self._free = list(range(memory_slots - 1, -1, -1))
        self.active: dict[tuple[str, int], int] = {}
        """``(remote, tag) -> reserved slot`` of requests waiting for a herald."""
        self.held: set[int] = set()
        self.measure_bases: dict[tuple[str, int], MeasureBasis] = {}
        """Bases of active measure-directly requests."""
        self._next_pair = 0

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        self.requests.append(primitive)
        match primitive:
            case GenerateRequest(remote, tag, _, measure_basis):
                if not self._free:
                    reason = GenerateFailureReason.OUT_OF_MEMORY
                    return [Indicate(GenerateFailure(remote, tag, reason))]
                self.active[(remote, tag)] = self._free.pop()
                if measure_basis is not None:
                    self.measure_bases[(remote, tag)] = measure_basis
                return []
            case AbortRequest(remote, tag):
                self.measure_bases.pop((remote, tag), None)
                slot = self.active.pop((remote, tag), None)
                if slot is not None:
                    self._free.append(slot)
                return []
            case FreeRequest(slot):
                if slot not in self.held:
                    raise LocalProtocolError(f"{self.name}: free of empty slot {slot}")
                self.held.remove(slot)
                self._free.append(slot)
                return []
        raise LocalProtocolError(f"{self.name}: unexpected {primitive!r}")

    def herald(
        self,
        remote: str,
        tag: int,
        bell_index: int = 1,
        *,
        pair_id: int | None = None,
        attempts: int = 1,
        time_ps: int = 0,
        outcome: int = 0,
    ) -> PairReadyIndication:
        """Complete an active request: the indication the real hardware would send up.

        A request made with ``measure_basis`` is answered as measured directly: no slot is
        held and ``outcome`` is reported in that basis.
        """
        try:
            slot = self.active.pop((remote, tag))
        except KeyError:
            raise LocalProtocolError(f"{self.name}: no active request for {remote}/{tag}") from None
        if pair_id is None:
            pair_id = self._next_pair
            self._next_pair += 1
        basis = self.measure_bases.pop((remote, tag), None)
        if basis is not None:
            self._free.append(slot)
            return PairReadyIndication(
                remote, tag, pair_id, None, bell_index, attempts, time_ps, self.fidelity,
                outcome, basis,
            )  # fmt: skip
        self.held.add(slot)
        return PairReadyIndication(
            remote, tag, pair_id, slot, bell_index, attempts, time_ps, self.fidelity
        )

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        raise LocalProtocolError("the physical layer is the bottom of the stack")

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        raise LocalProtocolError("the fake physical layer has no peers")

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        return []
