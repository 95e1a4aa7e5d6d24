"""The ``direct`` network layer, lists in and lists out: network requests become link requests
(in their own id range), link OKs and ERRORs of them come back as the network layer's."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
    RequestType,
)
from qnetstack.network.config import DirectConfig
from qnetstack.network.context import NetworkContext
from qnetstack.network.direct import LINK_REQUEST_BASE, Direct
from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkEntanglementId,
    NetworkErrorCode,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)
from qnetstack.service import Indicate, LocalProtocolError, PeerProtocolError, SendDown


def entity(name: str = "a") -> Direct:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_edges_from([("a", "b"), ("b", "c")])
    context = NetworkContext(graph=graph, route=lambda s, d: [s, d])
    return Direct(name, DirectConfig(), context, np.random.default_rng(0))


def test_a_request_to_a_neighbour_is_one_link_request_with_the_same_terms() -> None:
    request = NetworkCreateRequest(
        request_id=7, remote="b", number=3, min_fidelity=0.8, max_time_ps=9, purpose_id=4,
        request_type=RequestType.MEASURE, measure_basis="e91",
    )  # fmt: skip
    assert entity().from_above(request, 0) == [
        SendDown(CreateRequest(
            request_id=LINK_REQUEST_BASE + 7, remote="b", number=3, min_fidelity=0.8,
            max_time_ps=9, request_type=RequestType.MEASURE, measure_basis="e91", purpose_id=4,
        ))
    ]  # fmt: skip


def test_link_oks_of_its_requests_come_up_as_network_oks_at_both_ends() -> None:
    link_ok = OkIndication(
        entanglement_id=EntanglementId("a", LINK_REQUEST_BASE + 7, 2), remote="a", slot=1,
        bell_index=3, goodness=0.9, create_time_ps=5, purpose_id=4,
    )  # fmt: skip
    (effect,) = entity("b").from_below(link_ok, 10)
    assert effect == Indicate(
        NetworkOkIndication(
            entanglement_id=NetworkEntanglementId("a", 7, 2), remote="a", slot=1, bell_index=3,
            goodness=0.9, create_time_ps=5, path=("a", "b"), purpose_id=4,
        )
    )  # fmt: skip


def test_link_errors_of_its_requests_become_network_errors() -> None:
    error = ErrorIndication("a", LINK_REQUEST_BASE + 7, ErrorCode.OUT_OF_MEMORY, "full")
    (effect,) = entity().from_below(error, 0)
    assert effect == Indicate(
        NetworkErrorIndication("a", 7, NetworkErrorCode.REJECTED, "link: full")
    )


def test_link_indications_of_other_requests_pass_up_unchanged() -> None:
    ok = OkIndication(
        entanglement_id=EntanglementId("a", 7, 0), remote="b", slot=0, bell_index=0,
        goodness=1.0, create_time_ps=0,
    )  # fmt: skip
    assert entity().from_below(ok, 0) == [Indicate(ok)]


def test_release_frees_the_link_slot() -> None:
    assert entity().from_above(NetworkReleaseRequest(2), 0) == [SendDown(ReleaseRequest(2))]


@pytest.mark.parametrize(
    ("request_", "code", "reason"),
    [
        (NetworkCreateRequest(request_id=0, remote="c"), NetworkErrorCode.NO_ROUTE,
         "'c' is not a neighbour of 'a'"),
        (NetworkCreateRequest(request_id=0, remote="a"), NetworkErrorCode.REJECTED,
         "remote is this node"),
        (NetworkCreateRequest(request_id=0, remote="b", number=0), NetworkErrorCode.REJECTED,
         "number must be >= 1"),
        (NetworkCreateRequest(request_id=LINK_REQUEST_BASE, remote="b"),
         NetworkErrorCode.REJECTED, "request_id must be in [0, 2**48)"),
    ],
)  # fmt: skip
def test_requests_it_cannot_serve_are_refused_at_once(
    request_: NetworkCreateRequest, code: NetworkErrorCode, reason: str
) -> None:
    (effect,) = entity().from_above(request_, 0)
    assert isinstance(effect, Indicate)
    error = effect.primitive
    assert isinstance(error, NetworkErrorIndication)
    assert error.code == code
    assert reason in error.message


def test_a_reused_request_id_is_refused() -> None:
    direct = entity()
    direct.from_above(NetworkCreateRequest(request_id=1, remote="b"), 0)
    (effect,) = direct.from_above(NetworkCreateRequest(request_id=1, remote="b"), 0)
    assert isinstance(effect, Indicate)
    assert "already used" in effect.primitive.message  # type: ignore[attr-defined]


def test_anything_else_is_a_local_error_and_there_are_no_pdus() -> None:
    direct = entity()
    with pytest.raises(LocalProtocolError, match="allowed: NetworkCreateRequest"):
        direct.from_above(ReleaseRequest(0), 0)
    with pytest.raises(PeerProtocolError):
        direct.from_peer("b", object(), 0)  # type: ignore[arg-type]
    with pytest.raises(LocalProtocolError):
        direct.on_timer("x", 0)
