from one_pair import DEADLINE_PS, OnePair

from qnetstack.linklayer.primitives import CreateRequest, EntanglementId, OkIndication
from qnetstack.physical.fake import FakePhysicalLayer
from qnetstack.physical.primitives import AbortRequest, GenerateRequest
from qnetstack.service import CancelTimer, Indicate, Layer, SendDown, StartTimer, Trace, TraceRecord


def test_pair_arrives_in_time() -> None:
    link, hw = OnePair("alice"), FakePhysicalLayer("alice")
    assert isinstance(link, Layer)  # structural check of the contract

    effects = link.from_above(CreateRequest(request_id=7, remote="bob"), now_ps=0)
    assert effects == [SendDown(GenerateRequest("bob", 7)), StartTimer("deadline", DEADLINE_PS)]

    assert hw.from_above(effects[0].primitive, now_ps=0) == []  # the fake records the request
    ready = hw.herald("bob", tag=7, bell_index=1, time_ps=400)  # ...and heralds when told to

    effects = link.from_below(ready, now_ps=500)
    assert effects == [
        CancelTimer("deadline"),
        Indicate(
            OkIndication(
                EntanglementId("alice", 7, 0),
                "bob",
                slot=0,
                bell_index=1,
                goodness=0.9,
                create_time_ps=400,
            )
        ),
    ]


def test_gives_up_at_the_deadline() -> None:
    link = OnePair("alice")
    link.from_above(CreateRequest(request_id=7, remote="bob"), now_ps=0)
    assert link.on_timer("deadline", now_ps=DEADLINE_PS) == [
        SendDown(AbortRequest("bob", 7)),
        Trace(TraceRecord("gave-up", {"request_id": 7})),
    ]
