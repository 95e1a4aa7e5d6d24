"""Drive OnePair with the real runtime and kernel; the fake hardware never heralds."""

from one_pair import OnePair

from qnetstack.linklayer.primitives import CreateRequest
from qnetstack.physical.fake import FakePhysicalLayer
from qnetstack.runtime import Runtime

rt = Runtime(seed=1, trace=True)
alice = rt.add_node("alice")
alice.add(FakePhysicalLayer("alice"))  # bottom first ...
alice.add(OnePair("alice"))  # ... then upwards
rt.request("alice", CreateRequest(request_id=0, remote="bob"))
rt.run(until_ps=1_000_000_000_000)  # 1 s of simulated time

for event in rt.trace.events:
    print(event)
print(alice.entities[0].requests)  # what the fake hardware received
