"""measure_basis 'e91': each end draws one of its own three E91 angles per pair.

The origin of the CREATE (here alice, or bob for a request bob issues) uses Ekert's Alice
angles, the other end Bob's; the OK reports the angle as the basis; the two ends draw
independently; the fake hardware answers measured pairs, so no memory is held.
"""

from __future__ import annotations

from collections import Counter

import pytest

from helpers_egp import EgpPair
from qnetstack.linklayer import RequestType
from qnetstack.linklayer.primitives import E91_ORIGIN_ANGLES_RAD, E91_REMOTE_ANGLES_RAD
from qnetstack.physical import GenerateRequest


@pytest.mark.parametrize("origin", ["alice", "bob"])
def test_each_end_draws_from_its_own_set_and_reports_the_angle(origin):
    pair = EgpPair()
    pair.create(origin, 0, number=60, request_type=RequestType.MEASURE, measure_basis="e91")
    pair.run(release=False)
    for name, side in pair.sides.items():
        angles = E91_ORIGIN_ANGLES_RAD if name == origin else E91_REMOTE_ANGLES_RAD
        bases = [p.measure_basis for p in side.phys.requests if isinstance(p, GenerateRequest)]
        assert len(side.oks) == 60
        assert [ok.basis for ok in side.oks] == bases
        counts = Counter(bases)
        assert set(counts) == set(angles)  # all three settings occur, nothing else
        assert all(isinstance(angle, float) for angle in bases)
        assert all(ok.slot is None and ok.outcome in (0, 1) for ok in side.oks)
        assert side.phys.held == set()
    settings = [
        (E91_ORIGIN_ANGLES_RAD.index(a.basis), E91_REMOTE_ANGLES_RAD.index(b.basis))
        for a, b in zip(pair.sides[origin].oks, pair.other(origin).oks, strict=True)
    ]
    assert len(set(settings)) > 3  # independent draws: many of the nine combinations occur


def test_random_requests_are_unchanged_by_e91():
    pair = EgpPair()
    pair.create("alice", 0, number=10, request_type=RequestType.MEASURE, measure_basis="random")
    pair.run(release=False)
    assert {ok.basis for ok in pair.a.oks} <= {"Z", "X"}
