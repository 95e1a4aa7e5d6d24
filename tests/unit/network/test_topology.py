"""Topology generators and GraphML/GML import."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from qnetstack.network.topology import (
    NODE_NAME_PATTERN,
    TopologyError,
    TopologyWarning,
    chain,
    from_file,
    grid,
    haversine_km,
    ring,
    star,
    validate_topology,
    waxman,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "topologies"


def _lengths(graph: nx.Graph) -> list[float]:
    return [d["length_km"] for _, _, d in graph.edges(data=True)]


# --- generators -------------------------------------------------------------------------------


def test_chain_shape_lengths_and_names():
    g = chain(5, 20.0)
    assert list(g.nodes) == ["n0", "n1", "n2", "n3", "n4"]
    assert list(g.edges) == [("n0", "n1"), ("n1", "n2"), ("n2", "n3"), ("n3", "n4")]
    assert _lengths(g) == [20.0] * 4
    assert g.nodes["n3"]["pos"] == (60.0, 0.0)
    validate_topology(g)


def test_ring_is_a_cycle_with_consistent_positions():
    g = ring(6, 10.0)
    assert g.number_of_nodes() == g.number_of_edges() == 6
    assert all(deg == 2 for _, deg in g.degree)
    assert _lengths(g) == [10.0] * 6
    # pos is a regular polygon of side spacing_km
    for a, b in g.edges:
        assert math.dist(g.nodes[a]["pos"], g.nodes[b]["pos"]) == pytest.approx(10.0)


def test_grid_shape_and_indexing():
    g = grid(3, 4, 5.0)
    assert g.number_of_nodes() == 12
    assert g.number_of_edges() == 3 * 3 + 2 * 4  # horizontal + vertical
    assert g.nodes["n6"] == {"pos": (10.0, 5.0), "row": 1, "col": 2}
    assert g.has_edge("n6", "n7")
    assert g.has_edge("n6", "n10")
    assert not g.has_edge("n3", "n4")
    assert set(_lengths(g)) == {5.0}
    assert nx.is_connected(grid(1, 2, 1.0))


def test_star_hub_and_leaves():
    g = star(4, 12.5)
    assert g.degree["n0"] == 4
    assert sorted(g.neighbors("n0")) == ["n1", "n2", "n3", "n4"]
    assert _lengths(g) == [12.5] * 4
    for leaf in ("n1", "n2", "n3", "n4"):
        assert math.hypot(*g.nodes[leaf]["pos"]) == pytest.approx(12.5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: chain(1, 10.0), "n must be an integer ≥ 2"),
        (lambda: chain(3, 0.0), "spacing_km must be a finite number > 0"),
        (lambda: chain(3, math.inf), "spacing_km must be a finite number > 0"),
        (lambda: ring(2, 10.0), "n must be an integer ≥ 3"),
        (lambda: grid(1, 1, 10.0), "at least two nodes"),
        (lambda: grid(0, 3, 10.0), "rows must be an integer ≥ 1"),
        (lambda: star(0, 1.0), "leaves must be an integer ≥ 1"),
        (lambda: star(2, -1.0), "arm_km must be a finite number > 0"),
        (lambda: waxman(10, alpha=0, beta=0.5, size_km=10, seed=1), "alpha must be"),
        (lambda: waxman(10, alpha=0.1, beta=1.5, size_km=10, seed=1), r"beta must be in \(0, 1\]"),
        (lambda: waxman(10, alpha=0.1, beta=0.5, size_km=-1, seed=1), "size_km must be"),
        (lambda: waxman(1, alpha=0.1, beta=0.5, size_km=1, seed=1), "n must be"),
    ],
)
def test_generator_arguments_are_checked(call, message):
    with pytest.raises(TopologyError, match=message):
        call()


# --- Waxman -----------------------------------------------------------------------------------


def _fingerprint(g: nx.Graph) -> list:
    return [
        sorted((n, list(d["pos"])) for n, d in g.nodes(data=True)),
        sorted((a, b, d["length_km"], d.get("bridge", False)) for a, b, d in g.edges(data=True)),
    ]


def test_waxman_is_deterministic_for_a_seed_and_varies_with_it():
    kwargs = {"alpha": 0.2, "beta": 0.4, "size_km": 500.0}
    a = waxman(40, seed=7, **kwargs)
    b = waxman(40, seed=7, **kwargs)
    c = waxman(40, seed=8, **kwargs)
    assert _fingerprint(a) == _fingerprint(b)
    assert _fingerprint(a) != _fingerprint(c)


def test_waxman_is_deterministic_in_a_fresh_process():
    """Same seed, fresh interpreter: no dependence on global or per-process random state."""
    code = (
        "import json; from qnetstack.network.topology import waxman; "
        "g = waxman(30, alpha=0.15, beta=0.3, size_km=200.0, seed=2024); "
        "print(json.dumps([sorted((n, list(d['pos'])) for n, d in g.nodes(data=True)), "
        "sorted((a, b, d['length_km'], d.get('bridge', False)) "
        "for a, b, d in g.edges(data=True))]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    here = waxman(30, alpha=0.15, beta=0.3, size_km=200.0, seed=2024)
    assert json.loads(out.stdout) == json.loads(json.dumps(_fingerprint(here)))


@pytest.mark.parametrize("seed", range(8))
def test_waxman_is_connected_with_geometric_lengths(seed):
    g = waxman(25, alpha=0.05, beta=0.2, size_km=100.0, seed=seed)  # sparse: needs bridges
    validate_topology(g)
    assert g.number_of_nodes() == 25
    for a, b, d in g.edges(data=True):
        straight = math.dist(g.nodes[a]["pos"], g.nodes[b]["pos"])
        assert d["length_km"] == pytest.approx(max(straight, 1e-3))
        x, y = g.nodes[a]["pos"]
        assert 0 <= x <= 100
        assert 0 <= y <= 100


def test_waxman_bridges_are_minimal_and_marked():
    g = waxman(30, alpha=0.02, beta=0.1, size_km=100.0, seed=3)
    bridges = [(a, b) for a, b, d in g.edges(data=True) if d.get("bridge")]
    raw = g.copy()
    raw.remove_edges_from(bridges)
    components = nx.number_connected_components(raw)
    assert components > 1, "the test needs a disconnected draw"
    assert len(bridges) == components - 1
    # each bridge is the shortest link between the two parts it joins (Kruskal's cut property)
    for a, b in bridges:
        cut = g.copy()
        cut.remove_edge(a, b)
        side = nx.node_connected_component(cut, a)
        other = set(g) - side
        shortest = min(math.dist(g.nodes[u]["pos"], g.nodes[v]["pos"]) for u in side for v in other)
        assert g.edges[a, b]["length_km"] == pytest.approx(max(shortest, 1e-3))


def test_waxman_without_connect_may_be_disconnected():
    g = waxman(30, alpha=0.02, beta=0.1, size_km=100.0, seed=3, connect=False)
    assert not nx.is_connected(g)
    assert not any(d.get("bridge") for _, _, d in g.edges(data=True))
    with pytest.raises(TopologyError, match=r"disconnected: \d+ components"):
        validate_topology(g)
    validate_topology(g, require_connected=False)


def test_waxman_density_follows_beta():
    dense = waxman(40, alpha=1.0, beta=1.0, size_km=10.0, seed=1, connect=False)
    sparse = waxman(40, alpha=1.0, beta=0.1, size_km=10.0, seed=1, connect=False)
    assert dense.number_of_edges() > 3 * sparse.number_of_edges()


# --- validation -------------------------------------------------------------------------------


def _bad(edit) -> nx.Graph:
    g = chain(3, 5.0)
    edit(g)
    return g


@pytest.mark.parametrize(
    ("graph", "message"),
    [
        (nx.Graph(), "no nodes"),
        (nx.DiGraph([("a", "b")]), "undirected simple graph"),
        (_bad(lambda g: g.add_edge("n0", "n2")), "link n0-n2 has no 'length_km'"),
        (_bad(lambda g: g.edges["n0", "n1"].update(length_km=0.0)), "length 0.0 km"),
        (_bad(lambda g: g.edges["n0", "n1"].update(length_km=-2)), "must be finite and > 0"),
        (_bad(lambda g: g.edges["n0", "n1"].update(length_km="far")), "non-numeric length"),
        (_bad(lambda g: g.add_node("9lives")), "node name '9lives' does not match"),
        (_bad(lambda g: g.add_node("x" * 65)), "max 64 chars"),
        (_bad(lambda g: g.add_edge("n0", "n0", length_km=1.0)), "self-loop at node 'n0'"),
        (_bad(lambda g: g.add_node("lonely")), r"disconnected: 2 components \({lonely}"),
    ],
)
def test_validate_topology_names_the_problem(graph, message):
    with pytest.raises(TopologyError, match=message):
        validate_topology(graph)


# --- file import ------------------------------------------------------------------------------


def test_sample_gml_imports_with_attribute_and_coordinate_lengths():
    g = from_file(EXAMPLES / "lakeview-metro.gml")
    assert g.number_of_nodes() == 8
    assert g.number_of_edges() == 11
    assert g.graph["name"] == "lakeview-metro"
    assert g.graph["renamed_nodes"] == {}
    assert g.edges["Harbour", "Oldtown"]["length_km"] == 6.2  # from the attribute
    assert g.edges["Oldtown", "University"]["length_km"] == pytest.approx(math.hypot(5, 1))
    assert g.nodes["Airport"]["pos"] == (21.0, -6.0)
    validate_topology(g)


def test_sample_graphml_imports_with_haversine_lengths():
    g = from_file(EXAMPLES / "fjordline-backbone.graphml")
    assert g.number_of_nodes() == 9
    assert g.number_of_edges() == 12
    assert g.edges["Brennes", "Eikstad"]["length_km"] == 61.5
    expected = haversine_km(60.10, 5.20, 60.32, 5.61)
    assert g.edges["Aldvik", "Brennes"]["length_km"] == pytest.approx(expected)
    assert 30 < expected < 40
    # pos is a projection in km centred on the nodes; distances roughly match the great circle
    pa, pb = g.nodes["Aldvik"]["pos"], g.nodes["Brennes"]["pos"]
    assert math.dist(pa, pb) == pytest.approx(expected, rel=0.01)


def test_haversine_known_values():
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.195, abs=1e-3)  # 1° of the equator
    assert haversine_km(10, 20, 10, 20) == 0.0
    assert haversine_km(90, 0, -90, 0) == pytest.approx(math.pi * 6371.0088)


def test_import_lengths_can_be_forced_from_coordinates_or_attribute(tmp_path):
    g = from_file(EXAMPLES / "lakeview-metro.gml", lengths="coordinates")
    assert g.edges["Harbour", "Oldtown"]["length_km"] == pytest.approx(5.0)
    with pytest.raises(TopologyError, match="link Oldtown-University has no length attribute"):
        from_file(EXAMPLES / "lakeview-metro.gml", lengths="attribute")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_custom_length_attribute_and_scale(tmp_path):
    path = _write(
        tmp_path,
        "m.gml",
        'graph [ multigraph 1 node [ id 0 label "a" ] node [ id 1 label "b" ] '
        "edge [ source 0 target 1 dist_m 2500 length_km 99 ] "
        "edge [ source 1 target 0 dist_m 2600 ] ]",
    )
    with pytest.warns(TopologyWarning, match="merged 1 parallel edge"):
        g = from_file(path, length_attribute="dist_m", length_scale=1e-3)
    assert g.edges["a", "b"]["length_km"] == 2.5  # the shorter by dist_m; length_km ignored
    assert "dist_m" not in g.edges["a", "b"]


def test_import_sanitises_names_and_says_so(tmp_path):
    path = _write(
        tmp_path,
        "names.gml",
        "graph [ "
        'node [ id 0 label "Central Station" ] node [ id 1 label "42nd St" ] '
        'node [ id 2 label "Central_Station" ] node [ id 3 label "ok-name" ] '
        "edge [ source 0 target 1 length_km 1 ] edge [ source 1 target 2 length_km 1 ] "
        "edge [ source 2 target 3 length_km 1 ] ]",
    )
    with pytest.warns(TopologyWarning, match="renamed 2 node"):
        g = from_file(path)
    assert set(g.nodes) == {"Central_Station_2", "n42nd_St", "Central_Station", "ok-name"}
    assert all(re.match(NODE_NAME_PATTERN, n) for n in g.nodes)
    assert g.nodes["Central_Station_2"]["original_name"] == "Central Station"
    assert g.graph["renamed_nodes"] == {
        "Central_Station_2": "Central Station",
        "n42nd_St": "42nd St",
    }
    assert "original_name" not in g.nodes["ok-name"]


def test_import_numeric_ids_without_labels_become_n_names(tmp_path):
    path = _write(
        tmp_path,
        "ids.gml",
        "graph [ node [ id 0 x 0 y 0 ] node [ id 1 x 3 y 4 ] edge [ source 0 target 1 ] ]",
    )
    with pytest.warns(TopologyWarning, match="renamed 2 node"):
        g = from_file(path)
    assert g.edges["n0", "n1"]["length_km"] == 5.0


def test_import_directed_multigraph_is_simplified_and_reported(tmp_path):
    path = _write(
        tmp_path,
        "multi.gml",
        "graph [ directed 1 multigraph 1 "
        'node [ id 0 label "a" ] node [ id 1 label "b" ] '
        "edge [ source 0 target 1 length_km 9 ] edge [ source 1 target 0 length_km 4 ] "
        "edge [ source 0 target 0 length_km 1 ] ]",
    )
    with pytest.warns(TopologyWarning) as caught:
        g = from_file(path)
    text = str(caught[0].message)
    assert "directed graph as undirected" in text
    assert "self-loop" in text
    assert "parallel edge" in text
    assert list(g.edges(data="length_km")) == [("a", "b", 4.0)]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "nolen.gml",
            'graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] edge [ source 0 target 1 ] ]',
            "link a-b has no length: no edge attribute 'length_km' and node 'a' has no coord",
        ),
        (
            "zero.gml",
            'graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] '
            "edge [ source 0 target 1 length_km 0 ] ]",
            "link a-b has length 0.0 km; it must be finite and > 0",
        ),
        (
            "neg.gml",
            'graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] '
            "edge [ source 0 target 1 length_km -3 ] ]",
            "link a-b has length -3.0 km",
        ),
        (
            "text.gml",
            'graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] '
            'edge [ source 0 target 1 length_km "long" ] ]',
            "link a-b has a non-numeric length 'long'",
        ),
        (
            "split.gml",
            'graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] node [ id 2 label "c" ] '
            'node [ id 3 label "d" ] edge [ source 0 target 1 length_km 1 ] '
            "edge [ source 2 target 3 length_km 1 ] ]",
            r"disconnected: 2 components \({a, b}; {c, d}\)",
        ),
        (
            "mixed.gml",
            'graph [ node [ id 0 label "a" x 0 y 0 ] node [ id 1 label "b" lat 1 lon 2 ] '
            "edge [ source 0 target 1 ] ]",
            "joins a node with x/y to a node with lat/lon",
        ),
        ("broken.gml", "graph [ node [ id 0 label ", "cannot read gml file"),
        (
            "dup.gml",
            'graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] '
            "edge [ source 0 target 1 ] edge [ source 1 target 0 ] ]",
            "cannot read gml file: edge #1 .* is duplicated",
        ),
        ("broken.graphml", "<graphml><graph><node id=", "cannot read graphml file"),
        ("topo.json", "{}", "unknown topology format '.json'"),
    ],
)
def test_import_errors_name_the_problem(tmp_path, name, text, message):
    path = _write(tmp_path, name, text)
    with pytest.raises(TopologyError, match=message):
        from_file(path)


def test_import_missing_file(tmp_path):
    with pytest.raises(TopologyError, match="no such file"):
        from_file(tmp_path / "absent.graphml")


def test_import_may_allow_disconnected_graphs(tmp_path):
    path = _write(
        tmp_path,
        "split.graphml",
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="l" for="edge" attr.name="length_km" attr.type="double"/>'
        '<graph edgedefault="undirected"><node id="a"/><node id="b"/><node id="c"/>'
        '<edge source="a" target="b"><data key="l">3</data></edge></graph></graphml>',
    )
    g = from_file(path, require_connected=False)
    assert nx.number_connected_components(g) == 2


def test_generated_topologies_round_trip_through_graphml(tmp_path):
    original = grid(2, 3, 7.5)
    for data in original.nodes.values():  # GraphML cannot store tuples
        data["x"], data["y"] = data.pop("pos")
    nx.write_graphml(original, tmp_path / "grid.graphml")
    back = from_file(tmp_path / "grid.graphml")
    assert sorted(back.edges(data="length_km")) == sorted(original.edges(data="length_km"))
