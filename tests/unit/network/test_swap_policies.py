"""Swap policies: the built-ins as pure functions of hand-made views, the registry, and the
network layer's check of a policy's answers."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from helpers_qnp import QnpNet, chain_context
from qnetstack.linklayer.primitives import EntanglementId
from qnetstack.network.config import QnpConfig
from qnetstack.network.qnp import Qnp
from qnetstack.network.swap import (
    BUILTIN_SWAP_POLICIES,
    SwapAsap,
    SwapChoice,
    SwapConfig,
    SwapNested,
    SwapPolicy,
    SwapPolicyError,
    SwapPolicyRegistry,
    SwapView,
)
from qnetstack.testing import half, ids, swap_view


def test_asap_joins_the_oldest_half_of_each_side_as_soon_as_both_exist():
    policy = SwapAsap()
    assert policy.choose(swap_view(left=[half(0)])) is None
    assert policy.choose(swap_view(right=[half(0)])) is None
    view = swap_view(left=[half(0, age_ps=5), half(1, age_ps=9)], right=[half(2), half(3)])
    assert policy.choose(view) == (ids(view.left)[0], ids(view.right)[0])  # arrival order


@pytest.mark.parametrize(
    ("index", "hops", "left_reach", "right_reach", "swaps"),
    [
        (1, 4, 0, 2, True),  # level 1: (0,1) + (1,2)
        (2, 4, 1, 3, False),  # the middle waits for (0,2) and (2,4)
        (2, 4, 0, 4, True),
        (2, 4, 0, 3, False),
    ],
)
def test_nested_swaps_only_pairs_that_reach_the_ends_of_its_span(
    index: int, hops: int, left_reach: int, right_reach: int, swaps: bool
) -> None:
    view = swap_view(
        left=[half(0, reach=left_reach)], right=[half(1, reach=right_reach)], index=index, hops=hops
    )
    expected = (ids(view.left)[0], ids(view.right)[0]) if swaps else None
    assert SwapNested().choose(view) == expected
    assert SwapNested.tracks_reach
    assert not SwapAsap.tracks_reach


def test_swap_view_places_halves_at_the_neighbours_and_rejects_end_nodes():
    view = swap_view(left=[half(0)], right=[half(1)], index=2, hops=3)
    assert (view.left[0].reach, view.right[0].reach) == (1, 3)
    with pytest.raises(ValueError, match="0 < index < hops"):
        swap_view(index=0, hops=2)


def test_the_registry_has_the_builtins_and_names_what_is_available():
    registry = SwapPolicyRegistry.from_entry_points()
    assert {"asap", "nested"} <= set(registry.names())
    assert isinstance(registry.create("nested"), SwapNested)
    with pytest.raises(SwapPolicyError, match=r"unknown swap policy 'oldest'; available: 'asap'"):
        registry.get("oldest")
    with pytest.raises(ValidationError):
        registry.create("asap", {"depth": 2})
    with pytest.raises(SwapPolicyError, match="two swap policies are named 'asap'"):
        SwapPolicyRegistry([*BUILTIN_SWAP_POLICIES, type("Again", (SwapAsap,), {})])
    with pytest.raises(SwapPolicyError, match="is not a SwapPolicy subclass"):
        SwapPolicyRegistry([int])  # type: ignore[list-item]


class _Stranger(SwapPolicy[SwapConfig]):
    """Names a half nobody holds: a bug the network layer must report, not act on."""

    name = "stranger"
    description = "Broken on purpose."

    def choose(self, view: SwapView) -> SwapChoice:
        if view.left and view.right:
            return view.left[0].entanglement_id, EntanglementId("nowhere", 0, 0)
        return None


def test_a_policy_that_names_a_half_not_held_is_an_error_naming_it() -> None:
    policies = SwapPolicyRegistry([*BUILTIN_SWAP_POLICIES, _Stranger])
    context = dataclasses.replace(chain_context(["a", "b", "c"]), swap_policies=policies)
    net = QnpNet(["a", "b", "c"], config=QnpConfig(swap_policy="stranger"), context=context)
    net.create("a", "c", 0, number=1, min_fidelity=0.5)
    net.pump()
    net.generate("a", net.open_requests()[0][1])
    origin, request_id = net.open_requests()[0]
    with pytest.raises(SwapPolicyError, match="b: swap policy 'stranger' chose"):
        net.generate(origin, request_id)


def test_qnp_refuses_an_unknown_policy_at_construction() -> None:
    with pytest.raises(SwapPolicyError, match="unknown swap policy"):
        Qnp("a", QnpConfig(swap_policy="nope"), chain_context(["a", "b"]), None)  # type: ignore[arg-type]
