"""The EGP's quantum memory manager (QMM): per-node bookkeeping of pair halves.

Theory of operation
-------------------
Dahlberg et al. (SIGCOMM 2019, §5.2) give the EGP a quantum memory manager that knows which
qubits are free and which hold delivered pairs. The physical layer owns the actual slots (it
allocates a slot for every ``GenerateRequest`` and answers ``OUT_OF_MEMORY`` when it cannot),
so this manager only *tracks* what the link layer handed out and decides three things:

* **Admission of atomic requests.** An atomic KEEP request needs all its pairs in memory at
  once. Its size is checked against the node's capacity: ``EgpConfig.memory_slots`` when
  configured, otherwise the capacity *learned* from the hardware (the number of halves held the
  first time a ``GenerateRequest`` was refused for lack of memory; it only grows). With neither,
  atomic requests are accepted. Requests larger than the capacity end in OUT_OF_MEMORY.
* **Moves out of the communication qubit.** On NV every pair lands on the electron, which must
  be free for the next attempt. When a KEEP pair is heralded and the link layer will generate
  again, it asks for ``MoveRequest`` (electron → carbon) before announcing the pair, so the OK
  carries the final slot. Hardware whose slots are all alike answers ``MoveFailure``
  ("UNSUPPORTED…"); the manager then never asks again.
* **Waiting for memory.** A session whose ``GenerateRequest`` was refused waits; every release,
  completed move or measured pair wakes the waiting sessions, which try again.

Pairs kept in memory keep decohering; the physical layer applies that lazily (on access).
"""

from __future__ import annotations

__all__ = ["MemoryManager"]


class MemoryManager:
    """Pair-half bookkeeping of one node (shared by all its link sessions).

    Args:
        capacity: Configured number of halves the node can hold (``None``: learn it).
        move_to_memory: Whether to move heralded KEEP halves out of the communication qubit.
    """

    def __init__(self, capacity: int | None = None, *, move_to_memory: bool = True) -> None:
        self.configured = capacity
        self.learned: int | None = None
        """Capacity inferred from OUT_OF_MEMORY answers (a lower bound of the real one)."""
        self.held: set[int] = set()
        """Slots holding delivered halves the user has not released."""
        self.moves_supported: bool | None = None if move_to_memory else False
        """``None`` until the first move answers; ``False`` disables moves."""
        self.waiting: set[str] = set()
        """Remotes of sessions waiting for memory."""

    @property
    def capacity(self) -> int | None:
        """The capacity atomic requests are checked against (``None``: unknown)."""
        return self.configured if self.configured is not None else self.learned

    def fits(self, number: int) -> bool:
        """Whether ``number`` halves can be held at once (unknown capacity: assume yes)."""
        capacity = self.capacity
        return capacity is None or number <= capacity

    def out_of_memory(self, remote: str) -> None:
        """The hardware refused a generation for ``remote``: learn, and wait."""
        in_use = len(self.held)
        if in_use and (self.learned is None or in_use > self.learned):
            self.learned = in_use
        self.waiting.add(remote)

    def hold(self, slot: int) -> None:
        """A delivered KEEP half now occupies ``slot``."""
        self.held.add(slot)

    def release(self, slot: int) -> None:
        """The user released ``slot``."""
        self.held.discard(slot)

    def should_move(self) -> bool:
        """Whether a freshly heralded KEEP half should be moved before the next attempt."""
        return self.moves_supported is not False

    def move_answered(self, supported: bool) -> None:
        """Learn from the first move's answer whether the hardware distinguishes its slots.

        ``supported`` is ``False`` only for an ``UNSUPPORTED`` failure; a move refused for lack
        of a free memory qubit still shows that moves exist.
        """
        if self.moves_supported is None:
            self.moves_supported = supported

    def wake(self) -> list[str]:
        """Memory may have been freed: the sessions to retry (and stop waiting)."""
        woken = sorted(self.waiting)
        self.waiting.clear()
        return woken
