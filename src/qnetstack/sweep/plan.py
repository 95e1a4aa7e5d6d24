"""From a base scenario and ``--set`` options to the list of points, each validated and seeded.

Theory of operation
-------------------
An **assignment** maps each ``--set`` path to one of its values. ``grid`` mode takes every
combination (the Cartesian product, first option outermost); ``zip`` mode takes the i-th
value of every option together, so all options must have the same number of values. Each
assignment is run with ``--seeds N`` seeds, seed index 0 … N-1: a **point** is one
(assignment, seed index).

Identity. A point's **key** is the first 16 hex digits of SHA-256 over the canonical JSON
(sorted keys, no spaces) of ``{"base": B, "set": assignment, "seed_index": i}``, where B is
the SHA-256 of the canonical JSON of the base scenario as loaded from YAML (comments and
formatting do not count). The key does not depend on the order of the ``--set`` options, on
the mode, on ``--seeds`` or on the point's position, so a rerun with more seeds or values, or
in another order, finds the points it already has.

Seeds. The run seed of a point comes from numpy's ``SeedSequence`` with the point's scenario
seed (the base ``seed:``, or the value of ``--set seed=…``) as entropy and the spawn key
``(w0, w1, w2, w3, i)``: w0…w3 are the first 16 bytes of SHA-256 of the canonical JSON of the
assignment, read as four big-endian uint32 words, and i is the seed index. The first uint64
of ``generate_state`` shifted right by one bit (so it fits the scenario's ``seed < 2**63``)
is the seed the simulation runs with. This is ``SeedSequence.spawn`` with a spawn key taken
from the point's parameters instead of its position: points are independent streams, and
adding seeds, values or options, or reordering them, leaves every existing point's seed as it
was.

Validation happens here, for every assignment, before anything runs: the path must name a
field (:func:`qnetstack.sweep.paths.check_field`), and the scenario with the values set must
load. A problem at a ``--set`` field (a wrong type, a value out of range) is the user's to fix
and stops the sweep (:class:`SweepInputError`). A problem elsewhere that the values cause (a
request naming a node that a smaller topology lacks, too few memory slots for a repeater)
makes that point **invalid**: it is recorded with its message and the others run; when every
point is invalid, the sweep stops too.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from qnetstack.network.routing import RoutingRegistry
from qnetstack.runtime.plugins import PluginRegistry
from qnetstack.scenario.load import ScenarioError, ScenarioIssue, parse_scenario
from qnetstack.sweep.paths import PathError, check_field, set_value
from qnetstack.sweep.values import SetSpec

__all__ = [
    "Mode",
    "Plan",
    "Point",
    "SweepInputError",
    "assignment_hash",
    "assignments",
    "base_hash",
    "build_plan",
    "canonical_json",
    "point_key",
    "run_seed",
]

Mode = Literal["grid", "zip"]
Assignment = dict[str, Any]


class SweepInputError(ValueError):
    """The sweep cannot start: the lines of :attr:`problems` say which option or field."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: the same data always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


def _sha256(value: Any) -> bytes:
    return hashlib.sha256(canonical_json(value).encode("ascii")).digest()


def base_hash(base: dict[str, Any]) -> str:
    """SHA-256 (hex) of the base scenario's data."""
    return _sha256(base).hex()


def assignment_hash(assignment: Assignment) -> bytes:
    """SHA-256 of an assignment (path → value)."""
    return _sha256(assignment)


def point_key(base: str, assignment: Assignment, seed_index: int) -> str:
    """The point's identity in the results file (see the module docstring)."""
    return _sha256({"base": base, "set": assignment, "seed_index": seed_index}).hex()[:16]


def run_seed(scenario_seed: int, assignment: Assignment, seed_index: int) -> int:
    """The seed a point runs with (see the module docstring); in ``[0, 2**63)``."""
    words = struct.unpack(">4I", assignment_hash(assignment)[:16])
    sequence = np.random.SeedSequence(scenario_seed, spawn_key=(*words, seed_index))
    return int(sequence.generate_state(1, dtype=np.uint64)[0]) >> 1


def assignments(sets: Sequence[SetSpec], mode: Mode) -> list[Assignment]:
    """Every assignment of the sweep, in run order.

    Raises:
        SweepInputError: A path is given twice, or zip options differ in length.
    """
    paths = [spec.path for spec in sets]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        raise SweepInputError(
            [f"--set {p}: given more than once; give all values in one --set" for p in twice]
        )
    if not sets:
        return [{}]
    if mode == "zip":
        lengths = {len(spec.values) for spec in sets}
        if len(lengths) > 1:
            counts = ", ".join(f"{spec.path} has {len(spec.values)}" for spec in sets)
            raise SweepInputError(
                [f"--mode zip: every --set needs the same number of values ({counts})"]
            )
        rows: list[tuple[Any, ...]] = list(zip(*(spec.values for spec in sets), strict=True))
    else:
        rows = list(itertools.product(*(spec.values for spec in sets)))
    return [dict(zip(paths, row, strict=True)) for row in rows]


@dataclass(frozen=True, slots=True)
class Point:
    """One run of the sweep.

    Attributes:
        key: Identity in the results file.
        assignment: ``--set`` path → value.
        seed_index: Which of the ``--seeds`` runs this is.
        seed: The run seed (see the module docstring).
        data: The scenario data with the values set.
        invalid: Why the scenario is invalid with these values; ``None`` for a runnable point.
    """

    key: str
    assignment: Assignment
    seed_index: int
    seed: int
    data: dict[str, Any]
    invalid: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything a sweep will run, validated.

    Attributes:
        points: Every point, assignment-major then seed index.
        base: SHA-256 of the base scenario (part of each key).
        scenario: The base scenario's ``name``.
        source: The scenario file, for messages and worker-side error text.
        base_dir: Directory relative topology files are resolved against.
        assignments: Number of assignments.
        seeds: Seeds per assignment.
    """

    points: tuple[Point, ...]
    base: str
    scenario: str
    source: str
    base_dir: Path
    assignments: int
    seeds: int


def build_plan(
    base: dict[str, Any],
    sets: Sequence[SetSpec],
    *,
    mode: Mode = "grid",
    seeds: int = 1,
    source: str = "<scenario>",
    base_dir: Path | None = None,
    registry: PluginRegistry,
) -> Plan:
    """Expand, validate and seed every point of a sweep.

    Raises:
        SweepInputError: Listing every problem with a ``--set`` (or the scenario) at once.
    """
    if seeds < 1:
        raise SweepInputError([f"--seeds: must be at least 1, got {seeds}"])
    directory = (base_dir if base_dir is not None else Path.cwd()).resolve()  # for workers
    digest = base_hash(base)
    routing = RoutingRegistry.from_entry_points()
    problems: list[str] = []
    points: list[Point] = []
    rows = assignments(sets, mode)
    for assignment in rows:
        data, invalid, fatal = _scenario_for(
            base, sets, assignment, registry, routing, directory, source
        )
        for problem in fatal:
            if problem not in problems:
                problems.append(problem)
        scenario_seed = data.get("seed", 0) if isinstance(data.get("seed", 0), int) else 0
        for index in range(seeds):
            key = point_key(digest, assignment, index)
            seed = run_seed(scenario_seed, assignment, index)
            points.append(Point(key, assignment, index, seed, data, invalid))
    if not problems and points and all(p.invalid is not None for p in points):
        first = points[0].invalid or ""
        problems.append(f"no point of the sweep is a valid scenario; the first is an {first}")
    if problems:
        raise SweepInputError(problems)
    name = base.get("name")
    return Plan(
        tuple(points),
        digest,
        str(name) if name is not None else source,
        source,
        directory,
        len(rows),
        seeds,
    )


def _scenario_for(
    base: dict[str, Any],
    sets: Sequence[SetSpec],
    assignment: Assignment,
    registry: PluginRegistry,
    routing: RoutingRegistry,
    base_dir: Path,
    source: str,
) -> tuple[dict[str, Any], str | None, list[str]]:
    """``(data, why invalid or None, fatal problems)`` for one assignment."""
    data = copy.deepcopy(base)
    fatal: list[str] = []
    for spec in sets:
        try:
            set_value(data, spec.tokens, assignment[spec.path])
        except PathError as exc:
            fatal.append(str(exc))
    for spec in sets:
        if not fatal:
            try:
                check_field(data, spec.tokens, registry, routing)
            except PathError as exc:
                fatal.append(str(exc))
    if fatal:
        return data, None, fatal
    try:
        parse_scenario(data, registry, source, base_dir=base_dir)
    except ScenarioError as exc:
        fatal += [str(i) for i in exc.issues if any(_at_field(i, spec) for spec in sets)]
        where = ", ".join(f"{path}={_show(value)}" for path, value in assignment.items())
        issues = "\n".join(f"  {issue}" for issue in exc.issues)
        return data, f"invalid scenario with {where or 'no --set'}:\n{issues}", fatal
    return data, None, []


_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_ISSUE_TOKENS = re.compile(r"[^.\[\]]+")


def _at_field(issue: ScenarioIssue, spec: SetSpec) -> bool:
    """Whether the loader rejected the value of ``spec`` itself (not something it caused).

    The issue's path must start where the option's does and contain all of its names in order:
    pydantic adds union tags (``topology.chain.nodes`` for ``--set topology.nodes``).
    """
    tokens = _ISSUE_TOKENS.findall(_PARENTHESES.sub("", issue.path))
    wanted = [str(t) for t in spec.tokens]
    if not tokens or tokens[0] != wanted[0]:
        return False
    remaining = iter(tokens)
    return all(any(t == w for t in remaining) for w in wanted)


def _show(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value
