"""Helpers for the network-layer tests: hand-annotated graphs (imported by the test modules)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx

Edge = tuple[str, str, float, float]  # (a, b, rate_hz, fidelity)


def build(edges: Iterable[Edge], **attrs: dict) -> nx.Graph:
    """An annotated graph from ``(a, b, rate_hz, fidelity)``; ``attrs`` adds per-edge data."""
    graph = nx.Graph()
    for a, b, rate, fidelity in edges:
        graph.add_edge(a, b, rate_hz=rate, fidelity=fidelity, length_km=10.0)
    for key, values in attrs.items():
        for (a, b), value in values.items():
            graph.edges[a, b][key] = value
    return graph


def rate_for_slot_probability(p: float, slot_s: float = 1.0) -> float:
    """The rate whose per-slot success probability (Q-CAST) is ``p``."""
    return -math.log1p(-p) / slot_s
