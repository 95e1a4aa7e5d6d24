"""Configuration of the ``egp`` link-layer plugin (the ``link_layer:`` section of a scenario).

Every field has a description (the docs' config table is generated from them). Times are
integer picoseconds; ``None`` for a timer means "derived from the link": the round-trip time of
the classical channel between the two nodes, and the mean time per heralded pair.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qnetstack.linklayer.scheduling import available_schedulers

__all__ = ["EgpConfig"]


class EgpConfig(BaseModel):
    """Parameters of the EGP (entanglement generation protocol) and its distributed queue."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheduler: str = Field(
        "fcfs",
        description="Which queued request the link master serves next: 'fcfs' (first come, "
        "first served), 'priority' (strict priority, larger first; FCFS among equals), "
        "'weighted-fair' (weighted fair queueing across priorities, see `weights`), or a "
        "strategy registered under the 'qnetstack.link_schedulers' entry-point group.",
    )
    weights: dict[int, float] = Field(
        default_factory=dict,
        description="weighted-fair only: weight per priority value (share of pairs while "
        "several priorities wait); priorities not listed weigh 1.0.",
    )
    max_queue_length: int = Field(
        256,
        ge=1,
        description="Open requests per link (both ends' requests together); a CREATE beyond "
        "it is refused with ERROR(REJECTED).",
    )
    retransmit_timeout_ps: int | None = Field(
        None,
        gt=0,
        description="Time to wait for the answer to a queue message before sending it again; "
        "None: 3 classical round trips plus 10 µs.",
    )
    max_retries: int = Field(
        4,
        ge=0,
        le=100,
        description="Retransmissions of one queue message (and unanswered keep-alives in a "
        "row) before the two ends are taken to have lost agreement: the request ends with "
        "ERROR(EXPIRED) at both ends.",
    )
    keepalive_ps: int | None = Field(
        None,
        gt=0,
        description="While requests are open on a link, each end asks the other at this "
        "interval which of them it has ended (recovers lost EXPIRED/TIMEOUT notices and "
        "detects an unreachable peer); None: 10 mean pair times, at least 100 round trips.",
    )
    memory_slots: int | None = Field(
        None,
        ge=1,
        description="Pair halves this node can hold at once (KEEP pairs): an atomic request "
        "for more is refused with ERROR(OUT_OF_MEMORY). None: learned from the hardware's "
        "OUT_OF_MEMORY answers (atomic requests are accepted until then).",
    )
    move_to_memory: bool = Field(
        True,
        description="After a KEEP pair is heralded and more pairs are needed, move it out of "
        "the communication qubit (NV: electron → carbon) before the next attempt; hardware "
        "that answers the first move with UNSUPPORTED is not asked again.",
    )

    @field_validator("scheduler")
    @classmethod
    def _known_scheduler(cls, name: str) -> str:
        known = available_schedulers()
        if name not in known:
            raise ValueError(f"unknown scheduler {name!r}; available: {', '.join(sorted(known))}")
        return name

    @field_validator("weights")
    @classmethod
    def _positive_weights(cls, weights: dict[int, float]) -> dict[int, float]:
        for priority, weight in weights.items():
            if not weight > 0:
                raise ValueError(f"weight of priority {priority} must be > 0, got {weight}")
        return weights
