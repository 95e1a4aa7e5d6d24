"""Swap policies by name: the built-ins plus those installed under ``qnetstack.swap_policies``.

A third-party package makes a policy available by exporting its
:class:`~qnetstack.network.swap.base.SwapPolicy` subclass under the entry-point group
``qnetstack.swap_policies``, with the entry point named like the policy::

    [project.entry-points."qnetstack.swap_policies"]
    freshest-first = "freshest_swap.policy:FreshestFirst"
"""

from __future__ import annotations

from typing import Any

from qnetstack.network.swap.asap import SwapAsap
from qnetstack.network.swap.base import SwapPolicy, SwapPolicyError
from qnetstack.network.swap.nested import SwapNested
from qnetstack.registry import NamedRegistry

__all__ = ["BUILTIN_SWAP_POLICIES", "ENTRY_POINT_GROUP", "SwapPolicyRegistry"]

ENTRY_POINT_GROUP = "qnetstack.swap_policies"

PolicyClass = type[SwapPolicy[Any]]

BUILTIN_SWAP_POLICIES: tuple[PolicyClass, ...] = (SwapAsap, SwapNested)
"""The swap policies that ship with qnetstack."""


class SwapPolicyRegistry(NamedRegistry[SwapPolicy[Any]]):
    """Swap-policy classes by name (:class:`~qnetstack.registry.NamedRegistry`)."""

    kind = "swap policy"
    kinds = "swap policies"
    group = ENTRY_POINT_GROUP
    base = SwapPolicy
    required = ("name", "description", "config_model")
    builtins = BUILTIN_SWAP_POLICIES
    error = SwapPolicyError
