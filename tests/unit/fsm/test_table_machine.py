"""TableMachine against the ``transitions`` library on the project's own tables.

The interpreter must behave like ``transitions.Machine(queued=True, auto_transitions=False)``
on the tables it runs: for random trigger sequences (with random condition outcomes and
arguments) both give the same return values, the same states, the same callbacks in the same
order with the same arguments, and both refuse the same triggers. (Every table here ends each
trigger with an unconditional row, so the documented difference in return value when all
conditions fail does not arise.)
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings
from transitions import Machine, MachineError

from qnetstack.fsm import InvalidTriggerError, TableMachine
from qnetstack.linklayer import dqp, session
from qnetstack.network import _circuit

TABLES: dict[str, tuple[type[Enum], list[dict[str, Any]]]] = {
    "dqp": (dqp.RequestState, dqp.TRANSITIONS),
    "session": (session.SessionState, session.TRANSITIONS),
    "circuit": (_circuit.CircuitState, _circuit.TRANSITIONS),
}


def callback_names(table: list[dict[str, Any]]) -> set[str]:
    names: set[str] = set()
    for row in table:
        for key in ("conditions", "unless", "before", "after"):
            value = row.get(key)
            if value is not None:
                names |= {value} if isinstance(value, str) else set(value)
    return names


def recorder(table: list[dict[str, Any]], conditions: list[bool]) -> Any:
    """A model whose callbacks log their calls; conditions answer from a script."""

    class Model:
        def __init__(self) -> None:
            self.log: list[tuple[str, tuple[Any, ...]]] = []
            self.script = list(conditions)

    for name in callback_names(table):

        def callback(self: Any, *args: Any, _name: str = name) -> bool:
            self.log.append((_name, args))
            return self.script.pop(0) if self.script else True

        setattr(Model, name, callback)
    return Model


@pytest.mark.parametrize("name", sorted(TABLES))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_same_behaviour_as_transitions(name: str, data: st.DataObject) -> None:
    states, table = TABLES[name]
    triggers = sorted({row["trigger"] for row in table})
    initial = data.draw(st.sampled_from(list(states)))
    conditions = data.draw(st.lists(st.booleans(), max_size=30))
    reference, ours = recorder(table, conditions)(), None
    Machine(model=reference, states=states, transitions=table, initial=initial,
            queued=True, auto_transitions=False)  # fmt: skip
    machine = TableMachine(states, table)
    model_cls = recorder(table, conditions)
    machine.install(model_cls)
    ours = model_cls()
    machine.attach(ours, initial)
    for _ in range(data.draw(st.integers(1, 12))):
        trigger = data.draw(st.sampled_from(triggers))
        args = tuple(data.draw(st.lists(st.integers(0, 3), max_size=2)))
        try:
            expected: Any = getattr(reference, trigger)(*args)
        except MachineError:
            expected = MachineError
        try:
            got: Any = getattr(ours, trigger)(*args)
        except InvalidTriggerError:
            got = MachineError
        assert got == expected
        assert ours.state is reference.state
        assert ours.log == reference.log


def test_triggers_from_callbacks_are_queued() -> None:
    class S(Enum):
        A = 1
        B = 2
        C = 3

    table = [
        {"trigger": "go", "source": S.A, "dest": S.B, "after": "chain"},
        {"trigger": "more", "source": S.B, "dest": S.C, "before": "note"},
    ]
    machine = TableMachine(S, table)

    class Model:
        def __init__(self) -> None:
            self.seen: list[str] = []

        def chain(self) -> None:
            assert self.more() is True  # queued: runs after "go" has finished
            self.seen.append(f"after go, state {self.state.name}")

        def note(self) -> None:
            self.seen.append(f"before more, state {self.state.name}")

    machine.install(Model)
    model = Model()
    machine.attach(model, S.A)
    assert model.go() is True
    assert model.state is S.C
    assert model.seen == ["after go, state B", "before more, state B"]
    with pytest.raises(InvalidTriggerError, match="can't trigger 'go' from state C"):
        model.go()


def test_unsupported_table_keys_are_refused() -> None:
    class S(Enum):
        A = 1

    with pytest.raises(ValueError, match="unsupported table keys"):
        TableMachine(S, [{"trigger": "t", "source": S.A, "dest": S.A, "prepare": "x"}])


def test_internal_transitions_keep_the_state() -> None:
    class S(Enum):
        A = 1

    machine = TableMachine(S, [{"trigger": "tick", "source": S.A, "dest": None, "after": "count"}])

    class Model:
        ticks = 0

        def count(self) -> None:
            self.ticks += 1

    machine.install(Model)
    model = Model()
    machine.attach(model, S.A)
    assert model.tick() is True
    assert (model.state, model.ticks) == (S.A, 1)
