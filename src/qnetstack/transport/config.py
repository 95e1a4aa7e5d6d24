"""Configuration of the ``teleport`` transport-layer plugin (the ``transport:`` section)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["TeleportConfig"]


class TeleportConfig(BaseModel):
    """Parameters of qubit delivery by teleportation over end-to-end pairs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window: int = Field(
        1,
        ge=1,
        le=64,
        description="Most qubits per receiver waiting for a pair at the same time (1–64); "
        "the others queue in request order. 1 asks for one pair at a time, which never lets "
        "two qubits' circuits hold each other's repeater memory.",
    )
    request_id_offset: int = Field(
        2**32,
        ge=0,
        description="Network request ids the transport uses start here (one per qubit); "
        "applications must keep their own NetworkCreateRequest ids below it.",
    )
