"""Configuration of the ``qnp`` network-layer plugin (the ``network_layer:`` section)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["QnpConfig"]


class QnpConfig(BaseModel):
    """Parameters of the QNP-like virtual-circuit protocol with swap-ASAP repeaters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    swap_policy: Literal["asap"] = Field(
        "asap",
        description="When a repeater swaps: 'asap', as soon as it holds a half towards each "
        "neighbour of the circuit (oldest halves first).",
    )
    cutoff_s: float = Field(
        0.0,
        ge=0.0,
        description="Per-link cutoff in s (0: none): a repeater discards a link-pair half it "
        "has held this long (from the herald) without swapping it, and tells the neighbour; "
        "the discard follows the pair's swaps so the whole segment is discarded.",
    )
    e2e_cutoff_s: float = Field(
        0.0,
        ge=0.0,
        description="End-to-end cutoff in s (0: none): a completed end-to-end pair whose oldest "
        "link pair is older than this is discarded at both ends instead of being delivered.",
    )
    window: int = Field(
        1,
        ge=1,
        description="Link pairs per hop the hop's upstream node keeps requested or held "
        "(unswapped, or undelivered at the head) at once; bounds memory use per circuit.",
    )
    swap_werner_factor: float = Field(
        1.0,
        gt=0.0,
        le=1.0,
        description="Expected Werner-parameter factor of one swap (1: perfect Bell-state "
        "measurement; (1 - p)^2 for gate depolarising p on both qubits). The per-hop "
        "fidelity target and the goodness include it once per swap.",
    )
