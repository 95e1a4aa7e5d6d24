"""Parsing ``--set PATH=VALUES``: the path into the scenario and the values it takes.

VALUES is one of

* a list ``1,5,10`` (or a single value ``0.9``): each item is an int if it reads as one, else a
  float (``1e-3`` included), else ``true``/``false``/``null``, else the text itself;
* a linear range ``START:STOP:N``: N evenly spaced points from START to STOP, both included
  (``0.05:0.3:6`` → 0.05, 0.1, 0.15, 0.2, 0.25, 0.3). When START and STOP are written as
  integers and every point is a whole number, the points are ints (``2:10:5`` → 2, 4, 6, 8, 10);
* a log range ``log:START:STOP:N``: N points evenly spaced in log10, both ends included
  (``log:1e-3:1e-1:3`` → 0.001, 0.01, 0.1).

Range points are rounded to 12 significant digits, so ``0.15`` is stored as ``0.15`` rather
than ``0.15000000000000002``: the values are part of each point's identity (its key and seed),
and a value typed in a list (``0.15``) must name the same point as the same value from a range.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

__all__ = ["PathToken", "SetSpec", "SetSyntaxError", "format_path", "parse_path", "parse_set"]

PathToken = str | int
"""One step of a path into the scenario: a field name or a list index."""

Scalar = int | float | bool | str | None

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PATH_RE = re.compile(rf"^{_NAME}(?:\.{_NAME}|\[\d+\])*$")
_TOKEN_RE = re.compile(rf"({_NAME})|\[(\d+)\]")
_INT_RE = re.compile(r"^[+-]?\d+$")
_SIGNIFICANT_DIGITS = 12
_MAX_POINTS = 1_000_000


class SetSyntaxError(ValueError):
    """A ``--set`` option that cannot be parsed; the message says what is allowed."""


@dataclass(frozen=True, slots=True)
class SetSpec:
    """One parsed ``--set``: a path and the values it takes, in order.

    Attributes:
        path: The path as written (``platform.fidelity``, ``links[0].length_km``).
        tokens: The path split into field names and list indices.
        values: The values, in the order given.
        text: The option as written, for messages.
    """

    path: str
    tokens: tuple[PathToken, ...]
    values: tuple[Scalar, ...]
    text: str


def parse_path(path: str) -> tuple[PathToken, ...]:
    """Split ``a.b[0].c`` into ``("a", "b", 0, "c")``.

    Raises:
        SetSyntaxError: If the path is not names joined by dots with optional ``[index]``.
    """
    if not _PATH_RE.match(path):
        raise SetSyntaxError(
            f"{path!r} is not a scenario path; write field names joined by dots, with [i] "
            "for list items, e.g. platform.fidelity or links[0].length_km"
        )
    return tuple(name if name else int(index) for name, index in _TOKEN_RE.findall(path))


def format_path(tokens: tuple[PathToken, ...]) -> str:
    """The inverse of :func:`parse_path`."""
    text = ""
    for token in tokens:
        if isinstance(token, int):
            text += f"[{token}]"
        else:
            text += f".{token}" if text else token
    return text


def parse_set(text: str) -> SetSpec:
    """Parse one ``PATH=VALUES`` option.

    Raises:
        SetSyntaxError: Naming what is wrong and what is allowed.
    """
    path, sep, values_text = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise SetSyntaxError(f"--set {text}: write PATH=VALUES, e.g. platform.fidelity=0.8,0.9")
    try:
        tokens = parse_path(path)
        values = parse_values(values_text.strip())
    except SetSyntaxError as exc:
        raise SetSyntaxError(f"--set {text}: {exc}") from None
    return SetSpec(path, tokens, values, text)


def parse_values(text: str) -> tuple[Scalar, ...]:
    """Parse VALUES: a comma list, ``START:STOP:N`` or ``log:START:STOP:N``."""
    if not text:
        raise SetSyntaxError("no values; give a list (1,5,10) or a range (0.1:0.5:5)")
    if text.startswith("log:"):
        return _log_range(text)
    if "," not in text and text.count(":") == 2:
        parts = text.split(":")
        if _is_number(parts[0]) and _is_number(parts[1]):
            return _linear_range(parts)
    items = [item.strip() for item in text.split(",")]
    if any(not item for item in items):
        raise SetSyntaxError(f"empty item in the list {text!r}")
    values = tuple(_scalar(item) for item in items)
    seen: list[Scalar] = []
    for item, value in zip(items, values, strict=True):
        if any(type(value) is type(s) and value == s for s in seen):
            raise SetSyntaxError(f"{item} appears twice in {text!r}; each value once")
        seen.append(value)
    return values


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _count(text: str, written: str) -> int:
    if not _INT_RE.match(text.strip()) or int(text) < 1:
        raise SetSyntaxError(f"in the range {written!r}, N must be a whole number >= 1")
    if int(text) > _MAX_POINTS:
        raise SetSyntaxError(f"in the range {written!r}, N must be at most {_MAX_POINTS}")
    return int(text)


def _finite(text: str, written: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise SetSyntaxError(f"the range {written!r} needs finite ends")
    return value


def _linear_range(parts: list[str]) -> tuple[Scalar, ...]:
    written = ":".join(parts)
    start, stop = _finite(parts[0], written), _finite(parts[1], written)
    n = _count(parts[2], written)
    points = np.linspace(start, stop, n)
    if _INT_RE.match(parts[0].strip()) and _INT_RE.match(parts[1].strip()):
        rounded = [round(float(p)) for p in points]
        if all(abs(float(p) - r) < 1e-9 for p, r in zip(points, rounded, strict=True)):
            return tuple(rounded)
    return tuple(_tidy(float(p)) for p in points)


def _log_range(text: str) -> tuple[Scalar, ...]:
    parts = text.split(":")[1:]
    if len(parts) != 3 or not all(_is_number(p) for p in parts[:2]):
        raise SetSyntaxError(f"write a log range as log:START:STOP:N, got {text!r}")
    start, stop = _finite(parts[0], text), _finite(parts[1], text)
    n = _count(parts[2], text)
    if start <= 0.0 or stop <= 0.0:
        raise SetSyntaxError(f"the log range {text!r} needs START > 0 and STOP > 0")
    return tuple(_tidy(float(p)) for p in np.geomspace(start, stop, n))


def _tidy(value: float) -> float:
    """``value`` rounded to 12 significant digits (see the module docstring)."""
    return float(f"{value:.{_SIGNIFICANT_DIGITS}g}")


def _scalar(item: str) -> Scalar:
    if _INT_RE.match(item):
        return int(item)
    lowered = item.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "none", "~"):
        return None
    if _is_number(item) and lowered.lstrip("+-") not in ("nan", "inf", "infinity"):
        return float(item)
    return item
