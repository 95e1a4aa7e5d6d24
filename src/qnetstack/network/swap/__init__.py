"""Swap policies: when a repeater of a virtual circuit swaps, and which halves (a plugin seam).

:class:`SwapPolicy` is the interface (:mod:`~qnetstack.network.swap.base`), ``asap`` and
``nested`` the built-ins, one module each; :class:`SwapPolicyRegistry` finds them by name,
built-in and third-party alike (entry-point group ``qnetstack.swap_policies``). A scenario
selects one with ``network: {plugin: qnp, swap_policy: NAME, swap_options: {...}}``.
"""

from qnetstack.network.swap.asap import SwapAsap
from qnetstack.network.swap.base import (
    HeldHalf,
    SwapChoice,
    SwapConfig,
    SwapPolicy,
    SwapPolicyError,
    SwapView,
)
from qnetstack.network.swap.nested import SwapNested, nested_span
from qnetstack.network.swap.registry import (
    BUILTIN_SWAP_POLICIES,
    ENTRY_POINT_GROUP,
    SwapPolicyRegistry,
)

__all__ = [
    "BUILTIN_SWAP_POLICIES",
    "ENTRY_POINT_GROUP",
    "HeldHalf",
    "SwapAsap",
    "SwapChoice",
    "SwapConfig",
    "SwapNested",
    "SwapPolicy",
    "SwapPolicyError",
    "SwapPolicyRegistry",
    "SwapView",
    "nested_span",
]
