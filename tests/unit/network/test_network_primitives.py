"""The network layer's service definition, context, configuration and fidelity budget."""

from __future__ import annotations

import dataclasses

import networkx as nx
import pydantic
import pytest

from helpers_qnp import chain_context
from qnetstack.linklayer.primitives import EntanglementId
from qnetstack.network._frames import ChainAssembler, Segment, fidelity, hop_fidelity, werner
from qnetstack.network.config import QnpConfig
from qnetstack.network.context import NetworkContext, NoRouteError
from qnetstack.network.messages import CircuitId, LinkPairRef, QnpSwapRecord
from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkEntanglementId,
    NetworkErrorCode,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)


def test_primitives_are_frozen_slotted_values_with_defaults():
    request = NetworkCreateRequest(1, "c")
    assert (request.number, request.min_fidelity, request.max_time_ps, request.purpose_id) == (
        1, 0.0, 0, 0,
    )  # fmt: skip
    for value in (
        request,
        NetworkReleaseRequest(3),
        NetworkOkIndication(NetworkEntanglementId("a", 1, 0), "c", 0, 1, 0.8, 5, ("a", "b", "c")),
        NetworkErrorIndication("a", 1, NetworkErrorCode.NO_ROUTE, "why"),
    ):
        assert not hasattr(value, "__dict__")
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, dataclasses.fields(value)[0].name, None)


def test_error_codes():
    assert {c.value for c in NetworkErrorCode} == {
        "NO_ROUTE", "UNSUPPORTED", "TIMEOUT", "EXPIRED", "REJECTED",
    }  # fmt: skip


def test_context_neighbours_and_no_route_error():
    context = chain_context(["a", "b", "c"], extra_nodes=["z"])
    assert context.neighbours("b") == ["a", "c"]
    assert context.route("a", "c") == ["a", "b", "c"]
    with pytest.raises(NoRouteError) as info:
        context.route("a", "z")
    assert (info.value.src, info.value.dst) == ("a", "z")
    assert "not connected" in info.value.reason
    assert "'z'" in str(info.value)
    assert isinstance(NetworkContext(nx.Graph(), context.route).graph, nx.Graph)


def test_config_is_frozen_forbids_extra_fields_and_documents_every_field():
    config = QnpConfig()
    assert (config.swap_policy, config.cutoff_s, config.window) == ("asap", 0.0, 1)
    with pytest.raises(pydantic.ValidationError):
        QnpConfig(cutof_s=1.0)  # type: ignore[call-arg]
    assert QnpConfig(swap_policy="nested").swap_policy == "nested"  # names checked at load
    with pytest.raises(pydantic.ValidationError):
        config.cutoff_s = 2.0  # type: ignore[misc]
    assert all(field.description for field in QnpConfig.model_fields.values())


@pytest.mark.parametrize("hops", [1, 2, 3, 5, 10])
@pytest.mark.parametrize("target", [0.5, 0.8, 0.95])
def test_hop_fidelity_split_meets_the_target_by_f6(hops, target):
    f_hop = hop_fidelity(target, hops, 1.0)
    assert f_hop is not None
    assert fidelity(werner(f_hop) ** hops) == pytest.approx(target)


def test_hop_fidelity_edges():
    assert hop_fidelity(0.25, 4, 1.0) == 0.0
    assert hop_fidelity(0.0, 4, 1.0) == 0.0
    assert hop_fidelity(0.813333333333, 2, 1.0) == pytest.approx(0.9)
    assert hop_fidelity(0.99, 3, 0.9) is None  # swaps alone lose more than allowed
    f = hop_fidelity(0.8, 3, 0.98)
    assert f is not None
    assert fidelity(werner(f) ** 3 * 0.98**2) == pytest.approx(0.8)


def _ref(origin: str, seq: int, label: int, t: int = 0) -> LinkPairRef:
    return LinkPairRef(EntanglementId(origin, 0, seq), label, 0.9, t)


def test_chain_assembler_merges_records_in_any_order():
    cid = CircuitId("a", 0)
    links = [_ref("a", 0, 1, 5), _ref("b", 0, 2, 3), _ref("c", 0, 3, 9), _ref("d", 0, 1, 4)]
    records = [
        QnpSwapRecord(cid, i, links[i - 1], links[i], outcome, 10 * i)
        for i, outcome in ((1, 2), (2, 0), (3, 3))
    ]
    for order in ((0, 1, 2), (2, 1, 0), (0, 2, 1), (1, 0, 2)):
        assembler = ChainAssembler(4, 1.0)
        results = [assembler.add(records[i]) for i in order]
        assert results[:2] == [None, None]
        segment = results[2]
        assert isinstance(segment, Segment)
        assert segment.frame == 1 ^ 2 ^ 3 ^ 1 ^ 2 ^ 0 ^ 3
        assert (segment.lo, segment.hi) == (0, 3)
        assert segment.left == links[0]
        assert segment.right == links[3]
        assert segment.oldest_ps == 3
        assert segment.newest_ps == 30
        assert segment.goodness == pytest.approx(fidelity(werner(0.9) ** 4))
        assert len(assembler) == 0


def test_chain_assembler_forgets_dead_segments():
    cid = CircuitId("a", 0)
    assembler = ChainAssembler(4, 1.0)
    assembler.add(QnpSwapRecord(cid, 1, _ref("a", 0, 0), _ref("b", 0, 0), 0, 0))
    assert len(assembler) == 1
    assembler.forget(EntanglementId("b", 0, 0))
    assert len(assembler) == 0
    assert assembler.by_left == {}
    assert assembler.by_right == {}


def test_no_route_error_pickles_with_all_fields():
    import pickle

    error = pickle.loads(pickle.dumps(NoRouteError("a", "b", "why", "kind")))
    assert (error.src, error.dst, error.reason, error.kind) == ("a", "b", "why", "kind")
