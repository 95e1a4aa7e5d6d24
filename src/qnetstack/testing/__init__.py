"""Testing tools for protocol authors, shipped with the package.

* :class:`Harness` runs entities on nodes with the runtime's own dispatch and zero-delay
  channels (:mod:`~qnetstack.testing.harness`);
* a Fake for the layers below a plugin under test: :class:`FakePhysicalLayer`,
  :class:`FakeLinkLayer`, :class:`FakeNetworkLayer`, :class:`FakeTransportLayer` (each
  records what reaches it and indicates what the test scripts; :class:`Inject` scripts them
  through the runtime);
* :func:`swap_view`, :func:`half`, :func:`ids`: hand-made views for swap-policy unit tests;
* :func:`check_purification_protocol`: the conformance check of a purification protocol;
* :func:`fake_distribution`: entry points without ``pip install``, so a plugin package's own
  tests load it by name as users will.
"""

from qnetstack.linklayer.fake import FakeLinkLayer
from qnetstack.network.fake import FakeNetworkLayer, Inject
from qnetstack.physical.fake import FakePhysicalLayer
from qnetstack.testing.distribution import fake_distribution
from qnetstack.testing.harness import Harness, HarnessError
from qnetstack.testing.purification import check_purification_protocol
from qnetstack.testing.swap import half, ids, swap_view
from qnetstack.transport.fake import FakeTransportLayer

__all__ = [
    "FakeLinkLayer",
    "FakeNetworkLayer",
    "FakePhysicalLayer",
    "FakeTransportLayer",
    "Harness",
    "HarnessError",
    "Inject",
    "check_purification_protocol",
    "fake_distribution",
    "half",
    "ids",
    "swap_view",
]
