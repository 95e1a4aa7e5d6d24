"""The scenario schema: what a YAML scenario file may contain.

Every model is frozen and forbids unknown fields, so a typo is an error rather than a silently
ignored setting. Field names carry their units (``_km``, ``_s``). Every field has a description;
the docs' scenario reference is generated from this schema (``docs/gen_schema.py``).

Plugin sections (``platform``, ``link_layer``) name a plugin with ``plugin:``; their other keys
are validated by that plugin's own config model when the scenario is loaded
(:func:`qnetstack.scenario.load.load_scenario`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from qnetstack.physical.qstore import Formalism

__all__ = [
    "ChainTopology",
    "FileTopology",
    "GhzSpec",
    "GridTopology",
    "LinkSpec",
    "NodeSpec",
    "PluginChoice",
    "QkdSpec",
    "RequestSpec",
    "RingTopology",
    "RoutingSpec",
    "Scenario",
    "StarTopology",
    "TeleportSpec",
    "Topology",
    "WaxmanTopology",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class PluginChoice(BaseModel):
    """A plugin by name plus its configuration (validated by the plugin's own model)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    plugin: str = Field(description="Name of the plugin (see `qnetstack plugins`).")

    def options(self) -> dict[str, Any]:
        """The plugin's configuration: every key except ``plugin``."""
        return dict(self.model_extra or {})


class NodeSpec(BaseModel):
    """A network node (an end node or a repeater)."""

    model_config = _FROZEN

    name: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$",
        description="Unique node name: a letter, then letters, digits, '_' or '-'.",
    )


class LinkSpec(BaseModel):
    """A heralded link between two nodes, with a heralding station on the fibre between them."""

    model_config = _FROZEN

    nodes: tuple[str, str] = Field(description="The two end nodes, by name.")
    length_km: float = Field(
        gt=0.0, le=100_000.0, description="Fibre length between the two nodes, in km (> 0)."
    )
    station_position: float = Field(
        0.5,
        gt=0.0,
        lt=1.0,
        description="Where the heralding station sits, as a fraction of the length from the "
        "first node; 0.5 is the midpoint.",
    )
    classical_loss_probability: float = Field(
        0.0,
        ge=0.0,
        lt=1.0,
        description="Probability that a classical message between the two nodes is lost.",
    )


class ChainTopology(BaseModel):
    """A repeater chain n0 — n1 — … with equal spacing."""

    model_config = _FROZEN

    kind: Literal["chain"] = Field(description="A chain of nodes.")
    nodes: int = Field(ge=2, le=100_000, description="Number of nodes (≥ 2).")
    spacing_km: float = Field(gt=0.0, description="Fibre length of every link, km.")


class RingTopology(BaseModel):
    """Nodes on a ring, each linked to its two neighbours."""

    model_config = _FROZEN

    kind: Literal["ring"] = Field(description="A ring of nodes.")
    nodes: int = Field(ge=3, le=100_000, description="Number of nodes (≥ 3).")
    spacing_km: float = Field(gt=0.0, description="Fibre length of every link, km.")


class GridTopology(BaseModel):
    """A rectangular grid; node names run row by row."""

    model_config = _FROZEN

    kind: Literal["grid"] = Field(description="A rows × cols grid.")
    rows: int = Field(ge=1, le=1000, description="Rows (≥ 1).")
    cols: int = Field(ge=1, le=1000, description="Columns (≥ 1); rows × cols ≥ 2.")
    spacing_km: float = Field(gt=0.0, description="Fibre length of every link, km.")


class StarTopology(BaseModel):
    """A hub n0 linked to every leaf."""

    model_config = _FROZEN

    kind: Literal["star"] = Field(description="A star: one hub, many leaves.")
    leaves: int = Field(ge=1, le=100_000, description="Number of leaves (≥ 1).")
    arm_km: float = Field(gt=0.0, description="Fibre length hub → leaf, km.")


class WaxmanTopology(BaseModel):
    """A seeded Waxman random graph (connected), link lengths from the node positions."""

    model_config = _FROZEN

    kind: Literal["waxman"] = Field(description="A Waxman random graph.")
    nodes: int = Field(ge=2, le=100_000, description="Number of nodes (≥ 2).")
    alpha: float = Field(0.4, gt=0.0, description="Distance scale of the link probability.")
    beta: float = Field(0.4, gt=0.0, le=1.0, description="Maximum link probability, (0, 1].")
    size_km: float = Field(gt=0.0, description="Side of the square the nodes are placed in, km.")
    seed: int = Field(0, ge=0, description="Seed of the graph (independent of the run seed).")


class FileTopology(BaseModel):
    """A GraphML or GML file; link lengths from an edge attribute or the node coordinates."""

    model_config = _FROZEN

    kind: Literal["file"] = Field(description="Import a topology file.")
    path: str = Field(
        min_length=1,
        description="GraphML (.graphml/.xml) or GML (.gml) file, relative to the scenario file.",
    )
    length_attribute: str = Field("length_km", description="Edge attribute holding the length.")
    length_scale: float = Field(
        1.0, gt=0.0, description="Multiplier to km for that attribute (0.001 for metres)."
    )


Topology = Annotated[
    ChainTopology | RingTopology | GridTopology | StarTopology | WaxmanTopology | FileTopology,
    Field(discriminator="kind"),
]


class RoutingSpec(BaseModel):
    """Which routing strategy the network layer uses (see `qnetstack plugins`)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    strategy: str = Field(
        "shortest-hops",
        description="Routing strategy name; other keys configure it.",
    )

    def options(self) -> dict[str, Any]:
        """The strategy's configuration: every key except ``strategy``."""
        return dict(self.model_extra or {})


class QkdSpec(BaseModel):
    """Key distribution on a 'measure' request: sifting and post-processing of its pairs.

    The parameters are those of :class:`qnetstack.apps.qkd.PostprocessingParameters`; the
    request's pairs must be measured in random bases (``measure_basis: random`` for BBM92,
    ``measure_basis: e91`` for E91).
    """

    model_config = _FROZEN

    protocol: Literal["bbm92", "e91"] = Field(
        "bbm92",
        description="'bbm92' (Bennett, Brassard & Mermin 1992): both ends measure their half in "
        "a random Z or X basis (measure_basis 'random'); rounds with equal bases give the "
        "sifted key. 'e91' (Ekert 1991): each end measures along one of its three E91 "
        "directions (measure_basis 'e91'); equal directions give the key, four of the "
        "mismatched combinations the CHSH value S (reported in the entry's 'chsh').",
    )
    epsilon_sec: float = Field(
        1e-10, gt=0.0, lt=1.0, description="Secrecy parameter ε_sec of the finite key, in (0, 1)."
    )
    epsilon_cor: float = Field(
        1e-15,
        gt=0.0,
        lt=1.0,
        description="Correctness parameter ε_cor, in (0, 1); sets the verification hash length.",
    )
    sample_fraction: float = Field(
        0.1,
        gt=0.0,
        lt=1.0,
        description="Fraction of the sifted bits disclosed to estimate the error rates, in (0, 1).",
    )
    qber_tolerance: float | None = Field(
        None,
        gt=0.0,
        le=0.5,
        description="Abort above this observed error rate and use it in the key length, in "
        "(0, 0.5]; unset: use the observed rates.",
    )
    cascade_passes: int = Field(
        4, ge=1, le=64, description="Passes of Cascade error correction, 1–64."
    )


class TeleportSpec(BaseModel):
    """Teleport qubits instead of handing out pairs: one qubit per requested pair.

    Needs a network layer (the transport layer runs on top of it); the request's
    ``min_fidelity`` is the fidelity of the pairs used (a delivered qubit then has (2F + 1)/3 on
    Werner pairs, physics.md F7).
    """

    model_config = _FROZEN

    state: Literal["0", "1", "+", "-", "+i", "-i"] | tuple[float, float] = Field(
        description="The qubit sent: a Pauli eigenstate by name ('0', '1', '+', '-', '+i', "
        "'-i') or Bloch angles [theta, phi] in radians."
    )


class GhzSpec(BaseModel):
    """Distribute GHZ states of three nodes: the request's src is the centre B, dst is A."""

    model_config = _FROZEN

    other: str = Field(
        description="The third node C: the centre (src) gets one end-to-end pair with dst and "
        "one with this node per GHZ state, and fuses them (needs a network layer)."
    )


class RequestSpec(BaseModel):
    """An application request: entangled pairs between two nodes."""

    model_config = _FROZEN

    src: str = Field(description="Node that issues the request.")
    dst: str = Field(description="Node to share the pairs with (must be a neighbour of src).")
    pairs: int = Field(1, ge=1, le=10_000_000, description="Number of pairs wanted (≥ 1).")
    min_fidelity: float = Field(
        0.25,
        ge=0.25,
        le=1.0,
        description="Minimum fidelity of a fresh pair, in [0.25, 1] (0.25: no requirement).",
    )
    start_s: float = Field(0.0, ge=0.0, description="Simulated time at which it is issued, s.")
    type: Literal["keep", "measure"] = Field(
        "keep",
        description="'keep': pairs stay in memory (the runner computes their fidelity from the "
        "simulated state, then releases them); 'measure': both ends measure right after "
        "emission (QKD-style) and the runner reports the error rate per basis.",
    )
    measure_basis: Literal["Z", "X", "Y", "random", "e91"] = Field(
        "random",
        description="Basis of 'measure' requests; 'random': each end draws Z or X per pair; "
        "'e91': src draws one of the X–Z-plane angles (0, π/4, π/2) and dst one of "
        "(π/4, π/2, 3π/4) per pair (Ekert's settings).",
    )
    priority: int = Field(0, ge=0, le=1000, description="Larger is more urgent (0–1000).")
    max_time_s: float = Field(
        0.0, ge=0.0, description="Deadline of the whole request in s after start_s; 0: none."
    )
    atomic: bool = Field(
        False, description="All pairs must be held at the same time ('keep' requests)."
    )
    purpose_id: int = Field(0, ge=0, description="Application tag echoed in every OK.")
    qkd: QkdSpec | None = Field(
        None,
        description="Distil a secret key from the measured pairs (needs type 'measure' and "
        "measure_basis 'random' for protocol bbm92, 'e91' for protocol e91); the result goes "
        "to the request's 'qkd' entry.",
    )
    chsh: bool = Field(
        False,
        description="Estimate the CHSH value S of the measured pairs (needs type 'measure'): "
        "inferred from the Z/X correlators with measure_basis 'random', measured with "
        "Ekert's rotated settings with measure_basis 'e91'; reported in 'chsh'. Without "
        "'qkd' the 'chsh' app runs the test on every pair; with 'qkd' S is the QKD app's "
        "(E91: its CHSH rounds; BBM92: its disclosed sample).",
    )
    app_session: bool = Field(
        False,
        description="Serve this request by the scenario's application plugin (its 'app:' "
        "section): the runner opens a session of `pairs` pairs at src "
        "with AppSessionRequest and reports what each end's app answers in the request's "
        "'app' entry.",
    )
    teleport: TeleportSpec | None = Field(
        None,
        description="Send `pairs` qubits in this state from src to dst by teleportation "
        "(type 'keep'; without a network section src and dst must be neighbours); the result "
        "goes to the request's 'teleport' "
        "entry and 'fidelity' is the delivered qubits' fidelity to the state sent.",
    )
    ghz: GhzSpec | None = Field(
        None,
        description="Make `pairs` GHZ states of (dst, src, ghz.other), src being the centre "
        "(needs a network layer; type 'keep'); reported in the request's 'ghz' entry.",
    )


class Scenario(BaseModel):
    """A complete simulation scenario."""

    model_config = _FROZEN

    name: str = Field(min_length=1, description="Scenario name, reported in the results.")
    description: str = Field("", description="Free text shown in the summary.")
    seed: int = Field(
        0, ge=0, lt=2**63, description="Run seed; the same seed gives identical results."
    )
    formalism: Formalism = Field(
        Formalism.DM,
        description="Pair-state representation: 'dm' (exact density matrices) or "
        "'bell_diagonal' (fast, Pauli noise exact).",
    )
    stop_time_s: float = Field(
        60.0,
        gt=0.0,
        description="Simulated-time limit in s; requests unfinished by then are reported as "
        "incomplete with the pairs they got.",
    )
    platform: PluginChoice = Field(
        default_factory=lambda: PluginChoice(plugin="depolarising"),
        description="Physical-layer platform plugin and its parameters.",
    )
    link_layer: PluginChoice = Field(
        default_factory=lambda: PluginChoice(plugin="simple-link"),
        description="Link-layer protocol plugin and its parameters.",
    )
    network: PluginChoice | None = Field(
        None,
        description="Network-layer protocol plugin (e.g. 'qnp') and its parameters; needed "
        "for requests between nodes that are not neighbours. Without it, apps and the "
        "transport layer run over 'direct' (neighbours only, each pair one link pair).",
    )
    transport: PluginChoice | None = Field(
        None,
        description="Transport-layer plugin (e.g. 'teleport') and its parameters, above the "
        "network layer. Added with its defaults when a request teleports.",
    )
    app: PluginChoice | None = Field(
        None,
        description="Application-layer plugin (e.g. 'bbm92') and its parameters; needs a "
        "network layer. 'qkd' requests through a network layer run on it; added with its "
        "defaults when such a request exists.",
    )
    routing: RoutingSpec | None = Field(
        None, description="Routing strategy of the network layer (default: shortest hops)."
    )
    topology: Topology | None = Field(
        None,
        description="Generate the nodes and links (chain, ring, grid, star, waxman, file) "
        "instead of listing them; station_position 0.5 and lossless classical channels.",
    )
    nodes: tuple[NodeSpec, ...] = Field(
        default=(), description="The nodes (at least two), unless a topology generates them."
    )
    links: tuple[LinkSpec, ...] = Field(
        default=(), description="The heralded links, unless a topology generates them."
    )
    requests: tuple[RequestSpec, ...] = Field(
        default=(), description="Application requests, issued at their start times."
    )
