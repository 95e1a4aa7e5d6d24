"""Link metrics and the end-to-end estimates every routing strategy shares.

A routing strategy sees the network as a :class:`networkx.Graph` whose edges are *annotated*
with two numbers per link (:data:`RATE_ATTR`, :data:`FIDELITY_ATTR`):

* ``rate_hz``: the link's expected pair rate, ``p_succ / attempt_cycle`` (one heralded pair
  per ``cycle / p`` on average, ``LinkInfo.expected_pair_time_ps``);
* ``fidelity``: the fidelity of a delivered, *kept* pair (memory decoherence during the herald's
  flight included), ``LinkModel.fidelity(None, keep=True)``.

:func:`link_metrics` computes them from the physical layer's
:class:`~qnetstack.physical.platform.LinkInfo`; :func:`annotate_links` writes them onto a
topology. Keeping the strategies on the annotated graph (not on ``LinkInfo`` objects) makes
them testable with hand-made numbers.

End-to-end estimates for a path of ``n`` links under swap-ASAP (``../shared/reference``
physics.md, F6 and F10):

* **fidelity** (F6): Werner parameters ``w_i = (4 F_i - 1) / 3`` multiply under
  entanglement swapping, ``w = Π w_i`` and ``F = (3 w + 1) / 4``. Exact for Werner links and
  perfect Bell-state measurements; it ignores memory decoherence while links wait for each
  other and gate/readout noise at the repeaters, so it is an upper bound in practice.
* **rate** (F10): for ``n`` identical links of per-attempt probability ``p``, the expected
  number of attempts until all ``n`` exist is ``≈ H_n / p`` (``H_n`` the ``n``-th harmonic
  number), i.e. a rate of ``r / H_n`` for link rate ``r``. For unequal links we use the
  slowest link's rate: ``min_i r_i / H_n``. The time until all links exist is the maximum of
  the links' waiting times; replacing every link by the slowest one can only lengthen it, so
  the estimate is a *lower bound* on the rate of this model (deterministic swaps, unlimited
  memory, no cutoff, links regenerated after each delivery), and exact for equal links in the
  small-``p`` limit. Classical signalling delays are not included.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from qnetstack.physical.platform import LinkInfo

__all__ = [
    "FIDELITY_ATTR",
    "RATE_ATTR",
    "LinkMetrics",
    "Route",
    "RoutingError",
    "annotate_links",
    "check_annotated",
    "evaluate_path",
    "harmonic_number",
    "link_metrics",
    "path_fidelity",
    "path_rate_hz",
    "werner_parameter",
]

RATE_ATTR = "rate_hz"
"""Edge attribute: the link's expected pair rate in Hz (> 0)."""

FIDELITY_ATTR = "fidelity"
"""Edge attribute: the fidelity of a delivered, kept pair, in [0, 1]."""

_PS_PER_S = 1e12


class RoutingError(Exception):
    """Routing was misused: an unannotated graph, a bad argument or an invalid strategy."""


@dataclass(frozen=True, slots=True)
class LinkMetrics:
    """What routing assumes about one link.

    Attributes:
        rate_hz: Expected heralded-pair rate, ``p_succ / attempt_cycle`` (> 0).
        fidelity: Fidelity of a delivered, kept pair to its announced Bell state, in [0, 1].
    """

    rate_hz: float
    fidelity: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.rate_hz) and self.rate_hz > 0):
            raise RoutingError(f"rate_hz must be finite and > 0, got {self.rate_hz!r}")
        if not 0.0 <= self.fidelity <= 1.0:
            raise RoutingError(f"fidelity must be in [0, 1], got {self.fidelity!r}")


def link_metrics(info: LinkInfo, *, alpha: float | None = None) -> LinkMetrics:
    """The routing metrics of a link, from the platform's model of it.

    Args:
        info: The link, as the physical platform describes it.
        alpha: Bright-state population to evaluate the model at (``None``: the configured
            one). Tunable platforms trade rate for fidelity through it.

    Returns:
        ``rate_hz = p_succ / attempt_cycle`` and ``fidelity = fidelity(alpha, keep=True)``.
    """
    model = info.link_model
    p = model.success_probability(alpha)
    rate_hz = p * _PS_PER_S / info.attempt_cycle_ps
    return LinkMetrics(rate_hz=rate_hz, fidelity=model.fidelity(alpha, keep=True))


def annotate_links(
    graph: nx.Graph[str], metrics: Mapping[tuple[str, str], LinkMetrics]
) -> nx.Graph[str]:
    """A copy of ``graph`` with ``rate_hz`` and ``fidelity`` on every edge.

    Args:
        graph: The topology.
        metrics: One entry per edge, keyed ``(a, b)`` in either order.

    Returns:
        The annotated copy (the input is not modified).

    Raises:
        RoutingError: An edge has no metrics, or a key names a link the graph does not have.
    """
    annotated = graph.copy()
    for (a, b), value in metrics.items():
        if not annotated.has_edge(a, b):
            raise RoutingError(f"metrics given for {a}-{b}, which is not a link of the graph")
        annotated.edges[a, b][RATE_ATTR] = value.rate_hz
        annotated.edges[a, b][FIDELITY_ATTR] = value.fidelity
    for a, b in annotated.edges:
        if (a, b) not in metrics and (b, a) not in metrics:
            raise RoutingError(f"no link metrics for {a}-{b}")
    return annotated


def check_annotated(graph: nx.Graph[Any]) -> None:
    """Check that every edge carries valid ``rate_hz`` and ``fidelity``.

    Raises:
        RoutingError: Naming the first edge without them or with an invalid value.
    """
    if graph.is_directed() or graph.is_multigraph():
        raise RoutingError("routing needs an undirected simple graph (nx.Graph)")
    for a, b, data in graph.edges(data=True):
        if RATE_ATTR not in data or FIDELITY_ATTR not in data:
            raise RoutingError(
                f"link {a}-{b} has no {RATE_ATTR!r}/{FIDELITY_ATTR!r}: annotate the graph "
                "with annotate_links() first"
            )
        rate, fidelity = data[RATE_ATTR], data[FIDELITY_ATTR]
        if not (isinstance(rate, int | float) and math.isfinite(rate) and rate > 0):
            raise RoutingError(f"link {a}-{b} has {RATE_ATTR}={rate!r}; it must be > 0")
        if not (isinstance(fidelity, int | float) and 0.0 <= fidelity <= 1.0):
            raise RoutingError(f"link {a}-{b} has {FIDELITY_ATTR}={fidelity!r}; not in [0, 1]")


def harmonic_number(n: int) -> float:
    """``H_n = 1 + 1/2 + … + 1/n`` (``H_0 = 0``)."""
    return math.fsum(1.0 / i for i in range(1, n + 1))


def werner_parameter(fidelity: float) -> float:
    """``w = (4F − 1) / 3``: the weight of the Bell state in a Werner state of fidelity F."""
    return (4.0 * fidelity - 1.0) / 3.0


def path_fidelity(fidelities: Iterable[float]) -> float:
    """End-to-end fidelity after swapping Werner links (physics.md F6).

    ``w = Π (4 F_i − 1) / 3``, ``F = (3 w + 1) / 4``; one link gives its own fidelity.
    """
    w = math.prod(werner_parameter(f) for f in fidelities)
    return (3.0 * w + 1.0) / 4.0


def path_rate_hz(rates_hz: Sequence[float]) -> float:
    """End-to-end pair-rate estimate of swap-ASAP over links of these rates (F10).

    ``min(rates) / H_n`` for ``n`` links; see the module docstring for why this is a lower
    bound of the idealised model.
    """
    if not rates_hz:
        raise RoutingError("a path needs at least one link")
    return min(rates_hz) / harmonic_number(len(rates_hz))


@dataclass(frozen=True, slots=True)
class Route:
    """A path from source to destination with its estimated end-to-end metrics.

    Attributes:
        path: Node names from source to destination (a simple path).
        rate_hz: Estimated end-to-end pair rate, :func:`path_rate_hz`.
        fidelity: Estimated end-to-end fidelity, :func:`path_fidelity`.
        hops: Number of links, ``len(path) - 1``.
        bottleneck_rate_hz: Rate of the slowest link.
        score: The strategy's own objective when it is not one of the above (Q-CAST: expected
            end-to-end pairs per time slot); ``None`` otherwise.
        recovery: Recovery paths that may replace links of ``path`` when they fail (Q-CAST);
            each runs between the two ends of one link of ``path``.
    """

    path: tuple[str, ...]
    rate_hz: float
    fidelity: float
    hops: int
    bottleneck_rate_hz: float
    score: float | None = None
    recovery: tuple[tuple[str, ...], ...] = ()

    @property
    def src(self) -> str:
        """The source node."""
        return self.path[0]

    @property
    def dst(self) -> str:
        """The destination node."""
        return self.path[-1]

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """The links of the path, in order."""
        return tuple(zip(self.path, self.path[1:], strict=False))


def evaluate_path(
    graph: nx.Graph[Any],
    path: Sequence[Hashable],
    *,
    score: float | None = None,
    recovery: Iterable[Sequence[str]] = (),
) -> Route:
    """The :class:`Route` of ``path`` in the annotated ``graph``.

    Args:
        graph: Annotated topology.
        path: At least two nodes, consecutive ones linked.
        score: Strategy-specific objective to record.
        recovery: Recovery paths to record.

    Raises:
        RoutingError: The path is shorter than one link or uses a missing link.
    """
    if len(path) < 2:
        raise RoutingError(f"a route needs at least two nodes, got {list(path)!r}")
    rates: list[float] = []
    fidelities: list[float] = []
    for a, b in itertools.pairwise(path):
        if not graph.has_edge(a, b):
            raise RoutingError(f"path {list(path)!r} uses {a}-{b}, which is not a link")
        data = graph.edges[a, b]
        rates.append(float(data[RATE_ATTR]))
        fidelities.append(float(data[FIDELITY_ATTR]))
    return Route(
        path=tuple(str(n) for n in path),
        rate_hz=path_rate_hz(rates),
        fidelity=path_fidelity(fidelities),
        hops=len(rates),
        bottleneck_rate_hz=min(rates),
        score=score,
        recovery=tuple(tuple(r) for r in recovery),
    )
