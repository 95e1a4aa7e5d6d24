"""Network topologies: generators and file import, as ``networkx`` graphs with link lengths.

Every function here returns an undirected :class:`networkx.Graph` that follows one convention,
so that the scenario builder, the routing strategies and the plots can all consume it:

* **nodes** are strings matching the scenario's node-name pattern ``^[A-Za-z][A-Za-z0-9_\\-]*$``
  (at most 64 characters); generated nodes are ``n0``, ``n1``, …;
* a node may carry ``pos = (x_km, y_km)``, its position in a plane, for drawing and for
  coordinate-derived lengths;
* **every edge** carries ``length_km``, the fibre length of the link, a finite float > 0.

:func:`validate_topology` checks the convention; every generator's result passes it.

Waxman graphs follow Waxman, "Routing of multipoint connections", IEEE JSAC 6(9) 1988, in the
parameterisation networkx uses (edge probability ``beta * exp(-d / (alpha * L))``, ``L`` the
largest distance between two nodes). They are drawn with a :class:`numpy.random.Generator`
seeded from ``seed`` (PCG64, whose stream numpy keeps stable across versions and platforms),
never from the global :mod:`random` state, so a seed names the same graph on every machine.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np

__all__ = [
    "EARTH_RADIUS_KM",
    "MIN_LENGTH_KM",
    "NODE_NAME_PATTERN",
    "TopologyError",
    "TopologyWarning",
    "chain",
    "from_file",
    "grid",
    "haversine_km",
    "ring",
    "star",
    "validate_topology",
    "waxman",
]

NODE_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]*$"
"""The scenario's node-name pattern (:class:`qnetstack.scenario.schema.NodeSpec`)."""

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), used for lengths from latitude and longitude."""

MIN_LENGTH_KM = 1e-3
"""Shortest link a coordinate-derived length is rounded up to (1 m): two nodes at the same
coordinates would otherwise give a zero-length link, which the physical layer rejects."""

_NAME_RE = re.compile(NODE_NAME_PATTERN)
_MAX_NAME_LEN = 64  # NodeSpec.name max_length


class TopologyError(ValueError):
    """A topology cannot be built or imported; the message names what is wrong."""


class TopologyWarning(UserWarning):
    """An imported topology was changed to fit the conventions (e.g. nodes renamed)."""


# --- validation ----------------------------------------------------------------------------


def validate_topology(graph: nx.Graph[Any], *, require_connected: bool = True) -> None:
    """Check that ``graph`` follows the topology convention of this module.

    Args:
        graph: The graph to check.
        require_connected: Also require a single connected component (a network in which some
            nodes can never share entanglement is almost always a mistake).

    Raises:
        TopologyError: Naming the first offending node or edge.
    """
    if graph.is_directed() or graph.is_multigraph():
        raise TopologyError("a topology must be an undirected simple graph (nx.Graph)")
    if graph.number_of_nodes() == 0:
        raise TopologyError("the topology has no nodes")
    for node in graph.nodes:
        if not isinstance(node, str) or not _NAME_RE.match(node) or len(node) > _MAX_NAME_LEN:
            raise TopologyError(
                f"node name {node!r} does not match {NODE_NAME_PATTERN} (max {_MAX_NAME_LEN} chars)"
            )
    for u, v, data in graph.edges(data=True):
        if u == v:
            raise TopologyError(f"self-loop at node {u!r}: a link needs two distinct nodes")
        if "length_km" not in data:
            raise TopologyError(f"link {u}-{v} has no 'length_km'")
        _check_length(u, v, data["length_km"])
    if require_connected and not nx.is_connected(graph):
        raise TopologyError(_disconnected_message(graph))


def _check_length(u: Hashable, v: Hashable, value: object) -> float:
    try:
        length = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TopologyError(f"link {u}-{v} has a non-numeric length {value!r}") from None
    if not math.isfinite(length) or length <= 0.0:
        raise TopologyError(f"link {u}-{v} has length {length!r} km; it must be finite and > 0")
    return length


def _disconnected_message(graph: nx.Graph[Any]) -> str:
    parts = sorted((sorted(map(str, c)) for c in nx.connected_components(graph)), key=len)
    shown = "; ".join("{" + ", ".join(c[:5]) + (", …" if len(c) > 5 else "") + "}" for c in parts)
    return f"the topology is disconnected: {len(parts)} components ({shown})"


def _check_positive_int(name: str, value: int, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise TopologyError(f"{name} must be an integer ≥ {minimum}, got {value!r}")


def _check_positive_km(name: str, value: float) -> float:
    if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise TopologyError(f"{name} must be a finite number > 0 (km), got {value!r}")
    return float(value)


# --- generators ----------------------------------------------------------------------------


def _names(n: int) -> list[str]:
    return [f"n{i}" for i in range(n)]


def chain(n: int, spacing_km: float) -> nx.Graph[str]:
    """A repeater chain ``n0 - n1 - … - n{n-1}`` with equal link lengths.

    Args:
        n: Number of nodes (≥ 2): two end nodes and ``n - 2`` repeaters.
        spacing_km: Length of every link.

    Returns:
        The chain; ``pos`` places the nodes on the x axis.
    """
    _check_positive_int("n", n, 2)
    spacing = _check_positive_km("spacing_km", spacing_km)
    graph: nx.Graph[str] = nx.Graph()
    names = _names(n)
    for i, name in enumerate(names):
        graph.add_node(name, pos=(i * spacing, 0.0))
    for a, b in pairwise(names):
        graph.add_edge(a, b, length_km=spacing)
    return graph


def ring(n: int, spacing_km: float) -> nx.Graph[str]:
    """A ring of ``n`` nodes, each linked to its two neighbours by ``spacing_km`` of fibre.

    Args:
        n: Number of nodes (≥ 3; two nodes would need a double link).
        spacing_km: Length of every link.

    Returns:
        The ring; ``pos`` places the nodes on a regular polygon of side ``spacing_km``.
    """
    _check_positive_int("n", n, 3)
    spacing = _check_positive_km("spacing_km", spacing_km)
    radius = spacing / (2.0 * math.sin(math.pi / n))
    graph: nx.Graph[str] = nx.Graph()
    names = _names(n)
    for i, name in enumerate(names):
        angle = 2.0 * math.pi * i / n
        graph.add_node(name, pos=(radius * math.cos(angle), radius * math.sin(angle)))
    for i, name in enumerate(names):
        # The exact spacing, not the chord recomputed from pos, so lengths are round numbers.
        graph.add_edge(name, names[(i + 1) % n], length_km=spacing)
    return graph


def grid(rows: int, cols: int, spacing_km: float) -> nx.Graph[str]:
    """A rectangular grid; node ``n{r * cols + c}`` sits in row ``r``, column ``c``.

    Args:
        rows: Number of rows (≥ 1).
        cols: Number of columns (≥ 1); ``rows * cols`` must be ≥ 2.
        spacing_km: Length of every link (horizontal and vertical).

    Returns:
        The grid; nodes carry ``pos`` and their ``row`` and ``col``.
    """
    _check_positive_int("rows", rows, 1)
    _check_positive_int("cols", cols, 1)
    if rows * cols < 2:
        raise TopologyError("a grid needs at least two nodes (rows * cols ≥ 2)")
    spacing = _check_positive_km("spacing_km", spacing_km)
    graph: nx.Graph[str] = nx.Graph()
    for r in range(rows):
        for c in range(cols):
            graph.add_node(f"n{r * cols + c}", pos=(c * spacing, r * spacing), row=r, col=c)
    for r in range(rows):
        for c in range(cols):
            here = f"n{r * cols + c}"
            if c + 1 < cols:
                graph.add_edge(here, f"n{r * cols + c + 1}", length_km=spacing)
            if r + 1 < rows:
                graph.add_edge(here, f"n{(r + 1) * cols + c}", length_km=spacing)
    return graph


def star(leaves: int, arm_km: float) -> nx.Graph[str]:
    """A star: hub ``n0`` linked to ``leaves`` end nodes ``n1 … n{leaves}``.

    Args:
        leaves: Number of leaves (≥ 1).
        arm_km: Length of every hub-to-leaf link.

    Returns:
        The star; ``pos`` puts the hub at the origin and the leaves on a circle.
    """
    _check_positive_int("leaves", leaves, 1)
    arm = _check_positive_km("arm_km", arm_km)
    graph: nx.Graph[str] = nx.Graph()
    graph.add_node("n0", pos=(0.0, 0.0))
    for i in range(1, leaves + 1):
        angle = 2.0 * math.pi * (i - 1) / leaves
        graph.add_node(f"n{i}", pos=(arm * math.cos(angle), arm * math.sin(angle)))
        graph.add_edge("n0", f"n{i}", length_km=arm)
    return graph


def waxman(
    n: int,
    *,
    alpha: float,
    beta: float,
    size_km: float,
    seed: int,
    connect: bool = True,
) -> nx.Graph[str]:
    """A seeded Waxman random graph on a square of side ``size_km``.

    Nodes are placed uniformly at random in ``[0, size_km]²``; each pair at distance ``d`` is
    linked with probability ``beta * exp(-d / (alpha * L))``, where ``L`` is the largest
    distance between two nodes (networkx's ``waxman_graph`` convention; some papers swap the
    names of alpha and beta). Link lengths are the straight-line distances.

    **Connectivity.** A sparse Waxman draw is often disconnected. Rather than redrawing until
    it is connected (which may never end for small ``beta`` and changes the distribution in a
    way that is hard to describe), ``connect=True`` adds the *shortest possible bridging links*:
    candidate pairs are taken in order of increasing distance and a pair is linked when its two
    nodes are in different components (Kruskal's algorithm on the components). This adds
    exactly ``components - 1`` links, each as short as possible, marked ``bridge=True``; the
    rest of the graph is the untouched Waxman draw.

    Args:
        n: Number of nodes (≥ 2).
        alpha: Distance scale in (0, ∞): larger values make long links likelier.
        beta: Link density in (0, 1]: the probability of a zero-length link.
        size_km: Side of the square the nodes are placed in.
        seed: Seed of the :class:`numpy.random.Generator` that draws positions and links; the
            same seed gives the same graph on every machine.
        connect: Add bridging links until the graph is connected (see above).

    Returns:
        The graph; nodes carry ``pos``, edges ``length_km`` (and ``bridge`` on added links).
    """
    _check_positive_int("n", n, 2)
    size = _check_positive_km("size_km", size_km)
    if not (math.isfinite(alpha) and alpha > 0):
        raise TopologyError(f"alpha must be a finite number > 0, got {alpha!r}")
    if not (0 < beta <= 1):
        raise TopologyError(f"beta must be in (0, 1], got {beta!r}")
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, size, size=(n, 2))
    iu, ju = np.triu_indices(n, k=1)
    dist = np.hypot(xy[iu, 0] - xy[ju, 0], xy[iu, 1] - xy[ju, 1])
    longest = float(dist.max()) or 1.0
    draws = rng.random(dist.shape[0])  # one draw per pair, in a fixed (i < j) order
    linked = draws < beta * np.exp(-dist / (alpha * longest))
    names = _names(n)
    graph: nx.Graph[str] = nx.Graph()
    for i, name in enumerate(names):
        graph.add_node(name, pos=(float(xy[i, 0]), float(xy[i, 1])))
    for i, j, d in zip(iu[linked], ju[linked], dist[linked], strict=True):
        graph.add_edge(names[i], names[j], length_km=max(float(d), MIN_LENGTH_KM))
    if connect and not nx.is_connected(graph):
        _bridge_components(graph, names, iu, ju, dist)
    return graph


def _bridge_components(
    graph: nx.Graph[str],
    names: list[str],
    iu: np.ndarray[Any, Any],
    ju: np.ndarray[Any, Any],
    dist: np.ndarray[Any, Any],
) -> None:
    component = {node: k for k, comp in enumerate(nx.connected_components(graph)) for node in comp}
    parent = list(range(max(component.values()) + 1))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    remaining = len(parent) - 1
    for idx in np.argsort(dist, kind="stable"):
        a, b = names[int(iu[idx])], names[int(ju[idx])]
        ra, rb = find(component[a]), find(component[b])
        if ra != rb:
            parent[ra] = rb
            length = max(float(dist[idx]), MIN_LENGTH_KM)
            graph.add_edge(a, b, length_km=length, bridge=True)
            remaining -= 1
            if remaining == 0:
                return


# --- import --------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points given in degrees, on a spherical Earth.

    Real fibre runs longer than the great circle (along roads and rails, typically by 20-50 %);
    scale the result if your study needs that.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlam / 2) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


_LAT_KEYS = ("lat", "latitude", "Latitude")
_LON_KEYS = ("lon", "lng", "longitude", "Longitude")


def from_file(
    path: str | Path,
    *,
    length_attribute: str = "length_km",
    length_scale: float = 1.0,
    lengths: Literal["auto", "attribute", "coordinates"] = "auto",
    require_connected: bool = True,
) -> nx.Graph[str]:
    """Import a topology from a GraphML (``.graphml``, ``.xml``) or GML (``.gml``) file.

    **Link lengths** come, per edge, from

    1. the edge attribute ``length_attribute`` (times ``length_scale``; e.g. ``0.001`` for an
       attribute in metres), when present (``lengths="auto"`` or ``"attribute"``), else
    2. the node coordinates (``lengths="auto"`` or ``"coordinates"``): planar ``x``/``y`` or
       ``pos`` in km (Euclidean distance), or ``lat``/``lon`` (also ``latitude``/``longitude``,
       ``Latitude``/``Longitude``, ``lng``) in degrees (great-circle distance,
       :func:`haversine_km`). Coordinate-derived lengths below 1 m are raised to 1 m.

    For planar coordinates the result's ``pos`` is ``(x, y)``; for latitude/longitude it is an
    equirectangular projection centred on the nodes' mean latitude and longitude, in km,
    good enough for drawing.

    **Node names** are the GML ``label`` (or ``id`` when there are no labels) and the GraphML
    node ``id``. Names that do not match :data:`NODE_NAME_PATTERN` are *sanitised*: characters
    other than letters, digits, ``_`` and ``-`` become ``_``, a name that does not start with a
    letter gets the prefix ``n`` (so numeric ids become ``n0``, ``n1``, …), names are cut to 64
    characters and made unique with a ``_2``, ``_3``… suffix. A renamed node keeps its
    original name in ``original_name``; the mapping is in ``graph.graph["renamed_nodes"]``,
    and a :class:`TopologyWarning` says how many nodes were renamed.

    Directed graphs are read as undirected; of parallel edges the shortest is kept;
    self-loops are dropped. All three are reported in the same warning.

    Args:
        path: The file; the format is chosen from the extension.
        length_attribute: Edge attribute holding the link length.
        length_scale: Factor from that attribute's unit to km.
        lengths: Where lengths may come from (see above).
        require_connected: Reject graphs with more than one component.

    Returns:
        A graph following the convention of this module.

    Raises:
        TopologyError: The file cannot be read or parsed, an edge has no usable length, a length
            is not a finite number > 0, or the graph is disconnected (when required).
    """
    raw = _read(Path(path))
    notes: list[str] = []
    raw = _simplify(raw, notes, length_attribute)
    mapping = _sanitised_names(list(raw.nodes))
    renamed = {new: str(old) for old, new in mapping.items() if new != old}
    if renamed:
        notes.append(f"renamed {len(renamed)} node(s) to fit {NODE_NAME_PATTERN}")
    coords = _coordinates(raw)
    graph: nx.Graph[str] = nx.Graph(name=str(raw.graph.get("name", Path(path).stem)))
    for old, data in raw.nodes(data=True):
        attrs = {k: v for k, v in data.items() if k not in ("pos", "label", "id")}
        if mapping[old] in renamed:
            attrs["original_name"] = str(old)
        if old in coords:
            attrs["pos"] = coords[old].pos_km
        graph.add_node(mapping[old], **attrs)
    for u, v, data in raw.edges(data=True):
        length = _edge_length(u, v, data, coords, length_attribute, length_scale, lengths)
        attrs = {k: val for k, val in data.items() if k not in (length_attribute, "length_km")}
        graph.add_edge(mapping[u], mapping[v], **attrs, length_km=length)
    graph.graph["renamed_nodes"] = renamed
    if notes:
        warnings.warn(f"{path}: " + "; ".join(notes), TopologyWarning, stacklevel=2)
    validate_topology(graph, require_connected=require_connected)
    return graph


def _read(path: Path) -> nx.Graph[Any]:
    suffix = path.suffix.lower()
    if suffix not in (".gml", ".graphml", ".xml"):
        raise TopologyError(f"{path}: unknown topology format {suffix!r}; use .gml or .graphml")
    if not path.is_file():
        raise TopologyError(f"{path}: no such file")
    try:
        if suffix == ".gml":
            try:
                return nx.read_gml(path, label="label")
            except nx.NetworkXError as exc:
                if "has no 'label' attribute" not in str(exc):
                    raise
                return nx.read_gml(path, label="id")  # unlabelled nodes: names from ids
        return nx.read_graphml(path)
    except Exception as exc:  # parsers raise many types (NetworkXError, ParseError, ValueError)
        raise TopologyError(f"{path}: cannot read {suffix[1:]} file: {exc}") from exc


def _simplify(raw: nx.Graph[Any], notes: list[str], length_attribute: str) -> nx.Graph[Any]:
    if raw.is_directed():
        notes.append("read a directed graph as undirected")
    loops = [(u, v) for u, v in nx.selfloop_edges(raw)]
    if loops:
        notes.append(f"dropped {len(loops)} self-loop(s)")
    simple: nx.Graph[Any] = nx.Graph()
    simple.graph.update(raw.graph)  # nx.Graph(dict) would read the dict as an adjacency list
    simple.add_nodes_from(raw.nodes(data=True))
    parallel = 0
    for u, v, data in raw.edges(data=True):
        if u == v:
            continue
        if simple.has_edge(u, v):
            parallel += 1
            if _sort_key(data, length_attribute) >= _sort_key(simple.edges[u, v], length_attribute):
                continue
        simple.add_edge(u, v, **data)
    if parallel:
        notes.append(f"merged {parallel} parallel edge(s), keeping the shortest")
    return simple


def _sort_key(data: Mapping[str, Any], length_attribute: str) -> float:
    try:
        return float(data.get(length_attribute, math.inf))
    except (TypeError, ValueError):
        return math.inf


def _sanitised_names(nodes: list[Hashable]) -> dict[Hashable, str]:
    mapping: dict[Hashable, str] = {}
    taken = {n for n in nodes if isinstance(n, str) and _is_valid_name(n)}
    for node in nodes:
        if isinstance(node, str) and _is_valid_name(node):
            mapping[node] = node
            continue
        base = re.sub(r"[^A-Za-z0-9_\-]", "_", str(node).strip()) or "node"
        if not base[0].isalpha() or not base[0].isascii():
            base = "n" + base
        base = base[:_MAX_NAME_LEN]
        name, k = base, 2
        while name in taken:
            suffix = f"_{k}"
            name, k = base[: _MAX_NAME_LEN - len(suffix)] + suffix, k + 1
        taken.add(name)
        mapping[node] = name
    return mapping


def _is_valid_name(name: str) -> bool:
    return bool(_NAME_RE.match(name)) and len(name) <= _MAX_NAME_LEN


@dataclass(frozen=True, slots=True)
class _Coord:
    """A node's coordinates: planar (x, y) in km, or geographic (lat, lon) in degrees."""

    geographic: bool
    a: float
    b: float
    pos_km: tuple[float, float]


def _coordinates(raw: nx.Graph[Any]) -> dict[Hashable, _Coord]:
    planar: dict[Hashable, tuple[float, float]] = {}
    geo: dict[Hashable, tuple[float, float]] = {}
    for node, data in raw.nodes(data=True):
        lat = next((data[k] for k in _LAT_KEYS if k in data), None)
        lon = next((data[k] for k in _LON_KEYS if k in data), None)
        try:
            if lat is not None and lon is not None:
                geo[node] = (float(lat), float(lon))
            elif "x" in data and "y" in data:
                planar[node] = (float(data["x"]), float(data["y"]))
            elif isinstance(data.get("pos"), list | tuple) and len(data["pos"]) == 2:
                planar[node] = (float(data["pos"][0]), float(data["pos"][1]))
        except (TypeError, ValueError):
            raise TopologyError(f"node {node!r} has non-numeric coordinates") from None
    found = {node: _Coord(False, x, y, (x, y)) for node, (x, y) in planar.items()}
    if geo:
        # Equirectangular projection around the mean latitude: for drawing only.
        lat0 = sum(lat for lat, _ in geo.values()) / len(geo)
        lon0 = sum(lon for _, lon in geo.values()) / len(geo)
        cos_lat, km_per_degree = math.cos(math.radians(lat0)), math.pi * EARTH_RADIUS_KM / 180.0
        for node, (lat, lon) in geo.items():
            pos = (km_per_degree * (lon - lon0) * cos_lat, km_per_degree * (lat - lat0))
            found[node] = _Coord(True, lat, lon, pos)
    return found


def _edge_length(
    u: Hashable,
    v: Hashable,
    data: Mapping[str, Any],
    coords: Mapping[Hashable, _Coord],
    attribute: str,
    scale: float,
    lengths: str,
) -> float:
    if lengths != "coordinates" and attribute in data:
        return _check_length(u, v, _scaled(u, v, data[attribute], scale))
    if lengths == "attribute":
        raise TopologyError(f"link {u}-{v} has no length attribute {attribute!r}")
    a, b = coords.get(u), coords.get(v)
    if a is None or b is None:
        missing = u if a is None else v
        raise TopologyError(
            f"link {u}-{v} has no length: no edge attribute {attribute!r} and node "
            f"{missing!r} has no coordinates (x/y, pos, or lat/lon)"
        )
    if a.geographic != b.geographic:
        raise TopologyError(f"link {u}-{v} joins a node with x/y to a node with lat/lon")
    if a.geographic:
        return max(haversine_km(a.a, a.b, b.a, b.b), MIN_LENGTH_KM)
    return max(math.dist((a.a, a.b), (b.a, b.b)), MIN_LENGTH_KM)


def _scaled(u: Hashable, v: Hashable, value: object, scale: float) -> float:
    try:
        return float(value) * scale  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TopologyError(f"link {u}-{v} has a non-numeric length {value!r}") from None
