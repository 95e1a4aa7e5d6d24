"""Turn a scenario's ``topology:`` section into a graph with the network layer's generators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from qnetstack.network import topology as generators
from qnetstack.scenario.schema import (
    ChainTopology,
    FileTopology,
    GridTopology,
    RingTopology,
    StarTopology,
    Topology,
    WaxmanTopology,
)

__all__ = ["build_topology"]


def build_topology(spec: Topology, base_dir: Path) -> nx.Graph[Any]:
    """The graph a topology section describes (edges carry ``length_km``).

    Raises:
        qnetstack.network.topology.TopologyError: The generator or the file refused.
    """
    match spec:
        case ChainTopology(nodes=n, spacing_km=d):
            return generators.chain(n, d)
        case RingTopology(nodes=n, spacing_km=d):
            return generators.ring(n, d)
        case GridTopology(rows=rows, cols=cols, spacing_km=d):
            return generators.grid(rows, cols, d)
        case StarTopology(leaves=leaves, arm_km=d):
            return generators.star(leaves, d)
        case WaxmanTopology():
            return generators.waxman(
                spec.nodes, alpha=spec.alpha, beta=spec.beta, size_km=spec.size_km, seed=spec.seed
            )
        case FileTopology():
            path = Path(spec.path)
            if not path.is_absolute():
                path = base_dir / path
            return generators.from_file(
                path, length_attribute=spec.length_attribute, length_scale=spec.length_scale
            )
    raise AssertionError(f"unhandled topology {spec!r}")
