"""Configuration of the application-layer plugins (the scenario's ``app:`` section)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Bbm92Config", "ChshConfig", "TeleportClientConfig"]


class Bbm92Config(BaseModel):
    """Parameters of the ``bbm92`` QKD application (block size and the classical protocol).

    The post-processing parameters (ε_sec, ε_cor, sample fraction, tolerance, Cascade passes)
    are the request's (its ``qkd:`` section), so two sessions can differ in them.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    block_pairs: int = Field(
        10_000,
        ge=16,
        le=10_000_000,
        description="Measured pairs per key block (16–10⁷): each block is sifted, estimated, "
        "corrected, verified and amplified on its own, with its own finite-key length, as "
        "soon as its pairs have arrived. Larger blocks give longer keys per pair (smaller "
        "finite-size penalty) and a longer wait for the first key.",
    )
    min_block_pairs: int = Field(
        64,
        ge=2,
        le=10_000_000,
        description="A last, shorter block with fewer pairs than this is dropped at the end of "
        "a session (2–10⁷).",
    )
    purpose_id: int = Field(
        9292,
        ge=0,
        le=2**31 - 1,
        description="purpose_id of the app's network requests: the remote app recognises its "
        "sessions' pairs by it (keep other requests' purpose ids different).",
    )
    retransmit_timeout_s: float = Field(
        0.01,
        ge=1e-9,
        le=3600.0,
        description="Floor of the retransmission timeout of the classical conversation, s "
        "(1e-9–3600); the timeout used is the larger of this and twice the longest round "
        "trip measured so far.",
    )
    max_retransmissions: int = Field(
        10,
        ge=0,
        le=1000,
        description="Retransmissions of one message before the block (or the session's "
        "closing) fails with reason 'timeout' (0–1000).",
    )


class TeleportClientConfig(BaseModel):
    """Parameters of the ``teleport-client`` application (its classical protocol).

    What to send (how many qubits, which state, the fidelity and deadline) is the request's.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    retransmit_timeout_s: float = Field(
        0.01,
        ge=1e-9,
        le=3600.0,
        description="Floor of the retransmission timeout of the session's offer and closing "
        "messages, s (1e-9–3600); the timeout used is the larger of this and twice the "
        "longest round trip measured so far.",
    )
    max_retransmissions: int = Field(
        10,
        ge=0,
        le=1000,
        description="Retransmissions of one message before the offer (no qubit is sent: "
        "error NO_ANSWER) or the closing (error CLOSE_FAILED) gives up (0–1000).",
    )


class ChshConfig(BaseModel):
    """Parameters of the ``chsh`` Bell-test application (its classical protocol).

    How many pairs and which settings are the request's.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    purpose_id: int = Field(
        2007,
        ge=0,
        le=2**31 - 1,
        description="purpose_id of the app's network requests: the remote app recognises its "
        "sessions' pairs by it (keep other requests' purpose ids different).",
    )
    retransmit_timeout_s: float = Field(
        0.01,
        ge=1e-9,
        le=3600.0,
        description="Floor of the retransmission timeout of the records exchange, s "
        "(1e-9–3600); the timeout used is the larger of this and twice the longest round "
        "trip measured so far.",
    )
    max_retransmissions: int = Field(
        10,
        ge=0,
        le=1000,
        description="Retransmissions of one message before the test fails with error "
        "'timeout' at both ends (0–1000).",
    )
