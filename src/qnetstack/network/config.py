"""Configuration of the ``qnp`` network-layer plugin (the ``network_layer:`` section)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DirectConfig", "PurificationConfig", "QnpConfig"]


class PurificationConfig(BaseModel):
    """Recurrence purification of link pairs (per hop) or of end-to-end pairs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scope: Literal["link", "end_to_end"] = Field(
        description="'link': the two ends of every hop purify its link pairs before the "
        "repeaters swap them; 'end_to_end': the end nodes purify end-to-end pairs before "
        "delivering them."
    )
    protocol: str = Field(
        "dejmps",
        min_length=1,
        description="The recurrence protocol, by name (`qnetstack plugins` lists them): "
        "'dejmps' (Deutsch et al. 1996), 'bbpssw' (Bennett et al. 1996, with twirling), or "
        "one installed from a package (entry-point group 'qnetstack.purification_protocols').",
    )
    policy: Literal["rounds", "target"] = Field(
        "rounds",
        description="'rounds': every pair is the result of exactly `rounds` recurrence rounds "
        "(2^rounds input pairs); 'target': pairs are purified, round by round, until their "
        "estimated fidelity reaches the target (the hop's share of min_fidelity for 'link', "
        "min_fidelity for 'end_to_end'), at most `max_rounds` rounds.",
    )
    rounds: int = Field(1, ge=1, le=8, description="Rounds for policy 'rounds' (1–8).")
    max_rounds: int = Field(
        3,
        ge=1,
        le=8,
        description="Most rounds for policy 'target' (1–8); pairs still short "
        "of the target after them are discarded.",
    )
    input_fidelity: float | None = Field(
        None,
        gt=0.5,
        le=1.0,
        description="min_fidelity of the pairs that enter purification (link pairs for "
        "'link', end-to-end pairs for 'end_to_end'), in (0.5, 1]. Default: the lowest "
        "fidelity from which `rounds` (policy 'rounds') or `max_rounds` (policy 'target') "
        "rounds of the protocol on Werner pairs reach the target.",
    )


class QnpConfig(BaseModel):
    """Parameters of the QNP-like virtual-circuit protocol with swap-ASAP repeaters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    swap_policy: str = Field(
        "asap",
        min_length=1,
        description="When a repeater swaps, by the name of a swap policy (`qnetstack plugins` "
        "lists them): 'asap', as soon as it holds a half towards each neighbour of the "
        "circuit (oldest halves first); 'nested' (doubling), in levels: the path is bisected "
        "recursively and the middle node of a span swaps only once both halves of the span "
        "are entangled end to end (for 2^k hops: the odd nodes first, then every fourth, …); "
        "or a policy installed from a package (entry-point group 'qnetstack.swap_policies').",
    )
    swap_options: dict[str, Any] = Field(
        default_factory=dict,
        description="Options of the swap policy, checked against its config model "
        "(the built-ins take none).",
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
        description="Link pairs per hop the hop's upstream node keeps requested or held at "
        "either end of the hop (unswapped, or undelivered at the end nodes; the downstream "
        "end reports what it has consumed) at once; bounds memory use per circuit. "
        "With purification at least rounds + 1 (max_rounds + 1 for policy 'target'), the "
        "most pairs a recurrence needs at once.",
    )
    swap_werner_factor: float = Field(
        1.0,
        gt=0.0,
        le=1.0,
        description="Expected Werner-parameter factor of one swap (1: perfect Bell-state "
        "measurement; (1 - p)^2 for gate depolarising p on both qubits). The per-hop "
        "fidelity target and the goodness include it once per swap.",
    )
    purification: PurificationConfig | None = Field(
        None, description="Purification of link or end-to-end pairs (none by default)."
    )

    @property
    def effective_window(self) -> int:
        """The window, raised to what the purification needs at once."""
        purification = self.purification
        if purification is None:
            return self.window
        rounds = purification.rounds if purification.policy == "rounds" else purification.max_rounds
        return max(self.window, rounds + 1)


class DirectConfig(BaseModel):
    """The ``direct`` network layer has no parameters (what a pair must be is the request's)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
