"""A table-driven state machine for per-request protocol state on hot paths.

Why this exists next to ``transitions``: the library binds every trigger and state callback to
every model it adds (a few hundred microseconds per model) and walks its event / condition /
callback machinery on every trigger (tens of microseconds). That is the right tool for state
that exists once per circuit or per link session; but the link layer creates one request — and
so one machine model at each end — per end-to-end pair per hop of a repeater chain, where this
cost dominated whole runs (see docs/benchmarks.md).

:class:`TableMachine` interprets the *same* transition tables (the tables stay the single
source of truth: the docs' state diagrams are generated from them, and the tests drive this
interpreter and ``transitions`` with the same random trigger sequences and require the same
states and callbacks). It installs one method per trigger on the model *class*, once, and
dispatches with two dictionary lookups.

Supported table keys, with ``transitions``' meaning (``queued=True``,
``auto_transitions=False``): ``trigger``, ``source`` (a state or a list of states), ``dest``,
``conditions`` / ``unless`` (callback names, all must hold / none may), ``before`` and
``after`` (callback names, called with the trigger's arguments). The first row of the trigger
whose source matches and whose conditions hold fires: ``before``, state change (none for
``dest: None``, an internal transition), ``after``. A trigger fired from inside a callback is
queued and runs when the current one has finished (it returns ``True`` at once). A trigger with
no row for the current state raises :class:`InvalidTriggerError`.

Known differences, none of which the project's tables or callers depend on: a trigger whose
rows' conditions all fail returns ``False`` (``transitions`` with ``queued=True`` returns
``True``); the queue is per model (``transitions`` queues per machine, across its models).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = ["InvalidTriggerError", "TableMachine"]


class InvalidTriggerError(Exception):
    """A trigger that has no transition from the model's current state."""


@dataclass(frozen=True, slots=True)
class _Row:
    dest: Enum | None
    conditions: tuple[str, ...]
    unless: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]


def _names(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


class TableMachine:
    """Interprets a ``transitions``-style table for any number of models.

    Args:
        states: The state enum.
        table: Rows as for ``transitions.Machine(transitions=...)``.

    Models keep their state in ``model.state``; set it with :meth:`attach`.
    """

    def __init__(self, states: type[Enum], table: Iterable[dict[str, Any]]) -> None:
        self.states = states
        self._rows: dict[str, dict[Enum, list[_Row]]] = {}
        for entry in table:
            unknown = set(entry) - {"trigger", "source", "dest", "conditions", "unless",
                                    "before", "after"}  # fmt: skip
            if unknown:
                raise ValueError(f"unsupported table keys {sorted(unknown)} in {entry!r}")
            source = entry["source"]
            sources = (
                list(source) if isinstance(source, list | tuple | set | frozenset) else [source]
            )
            row = _Row(
                entry["dest"],
                _names(entry.get("conditions")),
                _names(entry.get("unless")),
                _names(entry.get("before")),
                _names(entry.get("after")),
            )
            by_state = self._rows.setdefault(entry["trigger"], {})
            for state in sources:
                by_state.setdefault(state, []).append(row)

    @property
    def triggers(self) -> list[str]:
        return list(self._rows)

    def install(self, cls: type) -> None:
        """Give ``cls`` one method per trigger (``model.bind(seq)`` etc.)."""
        for trigger in self._rows:
            setattr(cls, trigger, self._method(trigger))

    def attach(self, model: Any, initial: Enum) -> None:
        """Put ``model`` in its initial state."""
        model.state = initial
        model._fsm_busy = False
        model._fsm_queue = None

    def _method(self, trigger: str) -> Callable[..., bool]:
        machine = self

        def fire(model: Any, *args: Any, **kwargs: Any) -> bool:
            return machine.fire(model, trigger, *args, **kwargs)

        fire.__name__ = trigger
        fire.__doc__ = f"Trigger {trigger!r} of the model's state machine (see its table)."
        return fire

    def fire(self, model: Any, trigger: str, *args: Any, **kwargs: Any) -> bool:
        """Run ``trigger`` on ``model`` (queued if a transition of ``model`` is running)."""
        if model._fsm_busy:
            if model._fsm_queue is None:
                model._fsm_queue = []
            model._fsm_queue.append((trigger, args, kwargs))
            return True
        model._fsm_busy = True
        try:
            result = self._run(model, trigger, args, kwargs)
            while model._fsm_queue:
                queued, q_args, q_kwargs = model._fsm_queue.pop(0)
                self._run(model, queued, q_args, q_kwargs)
        except BaseException:
            model._fsm_queue = None
            raise
        finally:
            model._fsm_busy = False
        return result

    def _run(self, model: Any, trigger: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        rows = self._rows[trigger].get(model.state)
        if rows is None:
            raise InvalidTriggerError(
                f"can't trigger {trigger!r} from state {model.state.name} ({type(model).__name__})"
            )
        for row in rows:
            if not all(getattr(model, name)(*args, **kwargs) for name in row.conditions):
                continue
            if any(getattr(model, name)(*args, **kwargs) for name in row.unless):
                continue
            for name in row.before:
                getattr(model, name)(*args, **kwargs)
            if row.dest is not None:
                model.state = row.dest
            for name in row.after:
                getattr(model, name)(*args, **kwargs)
            return True
        return False
