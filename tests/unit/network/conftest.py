"""Fixtures for the network-layer tests."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest
from network_helpers import build


@pytest.fixture
def make_graph() -> Callable[..., nx.Graph]:
    """``make_graph(edges, **edge_attrs)``: an annotated graph, see ``network_helpers.build``."""
    return build
