"""Plain-words explanations of trace events."""

from __future__ import annotations

from typing import Any

import pytest

from qnetstack.analysis.explain import TEMPLATES, Explainer, explain_event, format_line
from qnetstack.runtime.trace import TraceEvent


def ev(time_ps: int, node: str, kind: str, **data: Any) -> TraceEvent:
    return TraceEvent(time_ps, node, "network", kind, data)


def test_herald_sentence_names_attempts_bell_state_and_both_nodes() -> None:
    event = ev(12_345_000, "station:alice-bob", "herald", tag=0, pair_id=3, bell_index=1,
               attempts=17)  # fmt: skip
    assert format_line(event) == (
        "t =       12.345 µs  station:alice-bob  heralded a pair after 17 attempts "
        "(Bell state Ψ⁺); told alice and bob"
    )


def test_swap_record_sentence() -> None:
    event = ev(0, "n1", "qnp-record", head="n0", request_id=0, outcome=2, to="n2")
    assert explain_event(event) == "swapped (Bell-measurement outcome 2); told n2"


def test_pairs_and_floats_are_formatted() -> None:
    event = ev(0, "n1", "qnp-swap", head="n0", request_id=0, left=["n0", 0, 1],
               right=["n1", 0, 2], span=[0, 2])  # fmt: skip
    assert explain_event(event) == "started swapping its halves of pairs n0/r0/1 and n1/r0/2"
    create = ev(0, "n0", "qnp-link-create", head="n0", request_id=0, link_request_id=1,
                remote="n1", number=2, min_fidelity=0.94403)  # fmt: skip
    assert explain_event(create).endswith("2 pair(s) with n1 at fidelity ≥ 0.9440")


def test_unknown_kind_and_missing_field_fall_back_to_kind_and_data() -> None:
    assert explain_event(ev(0, "a", "mystery", b=1, a="x")) == "mystery: a='x', b=1"
    assert explain_event(ev(0, "a", "herald")) == "herald"
    assert explain_event(ev(0, "a", "qnp-record", outcome=1)) == "qnp-record: outcome=1"


def test_every_template_has_a_sentence_for_a_record_with_its_fields() -> None:
    assert "herald" in TEMPLATES
    assert all(not t.startswith(" ") and "{" in t for t in TEMPLATES.values())


def test_explainer_limits_steps_and_collapses_attempts() -> None:
    explainer = Explainer(2)
    for i in range(3):
        explainer(ev(i, "station:a-b", "attempt", tag=4, attempt=i + 1, success=i == 2))
    explainer(ev(10, "a", "mystery"))
    explainer(ev(11, "a", "mystery"))
    assert len(explainer.lines) == 2
    assert explainer.lines[0].endswith("made 3 heralding attempt(s) (tag 4)")
    assert explainer.truncated
    with pytest.raises(ValueError, match="max_steps"):
        Explainer(0)
