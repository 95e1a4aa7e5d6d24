"""``qcast``: throughput-oriented multipath routing in the spirit of Q-CAST.

Shi & Qian, "Concurrent entanglement routing for quantum networks: model and designs",
ACM SIGCOMM 2020 (Q-CAST). Q-CAST works in time slots. Each link has a *width*, its number
of parallel channels, and each channel succeeds within a slot with probability ``p``. The
metric for a path is its **expected throughput** EXT, the expected number of end-to-end pairs
it delivers in one slot:

    P_k(i) = C(W, i) p_k^i (1 − p_k)^(W − i)          (exactly i channels of hop k succeed)
    Q_1(i) = P_1(i)
    Q_k(i) = Q_{k−1}(i) Σ_{l ≥ i} P_k(l) + P_k(i) Σ_{l > i} Q_{k−1}(l)
    EXT    = q^(h − 1) Σ_{i = 1..W} i Q_h(i)

Here ``Q_k`` is the distribution of the number of end-to-end channels over the first ``k`` hops
(the minimum over the hops), ``W`` is the path's width, ``h`` its hop count and ``q`` the swap
success probability.

The algorithm (Q-CAST's path-selection phase, P2):

1. **Major paths**, greedily. Find the path of largest EXT with the paper's extended Dijkstra
   search (label-setting on EXT, which can only fall as a path grows), once for each possible
   width ``w``, over links with at least ``w`` free channels. Keep the best, reserve ``w``
   channels on each of its links, and repeat until ``k`` major paths are chosen or none is left.
2. **Recovery paths**. For each link of each major path, in order, find the best-EXT detour
   between the link's two ends, with at most ``recovery_max_hops`` hops, width 1, over free
   channels. It may not use major-path links or pass through other major-path nodes. Its
   channels are then reserved. At run time a failed link can be replaced by its detour
   (Q-CAST's phase P4 does this with local link-state knowledge; that is the network layer's
   job).

What is simplified, relative to the paper:

* **One source–destination pair per call.** The paper routes all the pairs of a slot jointly
  over shared residual capacities; our interface routes one request. Concurrency is the
  network layer's business.
* **The per-slot success probability** comes from the link rate,
  ``p = 1 − exp(−rate_hz · slot_s)`` (at least one pair in a slot of ``slot_s`` seconds, for
  Poisson-like generation). The paper takes ``p = e^{−αL}`` per channel directly.
* **Widths** come from the edge attribute ``width_attribute`` (default ``width``; 1 when absent).
  Node qubit capacities are not modelled.
* **Recovery paths** are found per major-path *link* (the paper looks from each node to nodes up
  to ``k`` hops downstream), with width 1.
* **Swaps:** the paper writes the swap factor as ``q^h``; we apply one swap per repeater,
  ``q^(h−1)``, which changes no ranking between paths of equal length.

Each :class:`~qnetstack.network.routing.metrics.Route` carries its EXT in ``score`` and its
recovery paths in ``recovery``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from functools import partial
from itertools import count, pairwise
from typing import Any

import networkx as nx
from pydantic import Field

from qnetstack.network.routing.base import RoutingConfig, RoutingStrategy
from qnetstack.network.routing.metrics import RATE_ATTR, Route, RoutingError, evaluate_path

__all__ = ["QCast", "QCastConfig", "expected_throughput", "slot_success_probability"]

_Link = frozenset[str]


class QCastConfig(RoutingConfig):
    """Configuration of ``qcast``."""

    slot_s: float = Field(
        0.1,
        gt=0.0,
        allow_inf_nan=False,
        description="Time slot in s; a channel's per-slot success probability is "
        "1 - exp(-rate_hz * slot_s).",
    )
    swap_success: float = Field(
        1.0, gt=0.0, le=1.0, description="Probability that a swap at a repeater succeeds, q."
    )
    width_attribute: str = Field(
        "width",
        min_length=1,
        description="Edge attribute with the link's number of parallel channels (integer ≥ 1); "
        "links without it have width 1.",
    )
    recovery_max_hops: int = Field(
        3, ge=0, le=64, description="Most hops of a recovery path; 0 disables recovery paths."
    )


def slot_success_probability(rate_hz: float, slot_s: float) -> float:
    """Probability of at least one pair in a slot, ``1 − exp(−rate · slot)``."""
    return -math.expm1(-rate_hz * slot_s)


def _binomial_pmf(width: int, p: float) -> list[float]:
    return [math.comb(width, i) * p**i * (1.0 - p) ** (width - i) for i in range(width + 1)]


def expected_throughput(
    probabilities: Sequence[float], width: int = 1, swap_success: float = 1.0
) -> float:
    """Q-CAST's EXT: expected end-to-end pairs per slot of a path (see the module docstring).

    Args:
        probabilities: Per-channel, per-slot success probability of each hop.
        width: Channels per hop (the path's width).
        swap_success: Swap success probability ``q`` at each repeater.

    Returns:
        ``q^(h−1) Σ_i i Q_h(i)``; for width 1 simply ``q^(h−1) Π p_k``.
    """
    if not probabilities:
        raise RoutingError("a path needs at least one hop")
    if width < 1:
        raise RoutingError(f"width must be ≥ 1, got {width}")
    dist: tuple[float, ...] = ()
    for p in probabilities:
        dist = _append_hop(dist, p, width)
    return _ext(dist, len(probabilities), swap_success)


def _append_hop(dist: tuple[float, ...], p: float, width: int) -> tuple[float, ...]:
    """``Q_k`` from ``Q_{k−1}`` (``()`` for no hop yet) and the new hop's probability."""
    hop = _binomial_pmf(width, p)
    if not dist:
        return tuple(hop)
    hop_at_least = [math.fsum(hop[i:]) for i in range(width + 1)]
    path_above = [math.fsum(dist[i + 1 :]) for i in range(width + 1)]
    return tuple(dist[i] * hop_at_least[i] + hop[i] * path_above[i] for i in range(width + 1))


def _ext(dist: tuple[float, ...], hops: int, swap_success: float) -> float:
    return swap_success ** (hops - 1) * math.fsum(i * dist[i] for i in range(1, len(dist)))


class QCast(RoutingStrategy[QCastConfig]):
    """Greedy maximum-EXT major paths plus per-link recovery paths (Q-CAST, SIGCOMM 2020)."""

    name = "qcast"
    description = "Q-CAST: greedy max expected-throughput paths plus recovery paths."
    config_model = QCastConfig

    def find(self, graph: nx.Graph[Any], src: str, dst: str, k: int) -> list[Route]:
        probs = {
            frozenset((a, b)): slot_success_probability(float(d[RATE_ATTR]), self.config.slot_s)
            for a, b, d in graph.edges(data=True)
        }
        residual = {frozenset((a, b)): self._width(a, b, d) for a, b, d in graph.edges(data=True)}
        majors: list[tuple[list[str], float]] = []
        while len(majors) < k:
            found = self._best_major(graph, src, dst, probs, residual)
            if found is None:
                break
            path, ext, width = found
            for link in _links(path):
                residual[link] -= width
            majors.append((path, ext))
        if not majors:  # only when every link has no channel to offer
            raise RoutingError("qcast found no major path on a connected graph")
        major_links = {link for path, _ in majors for link in _links(path)}
        major_nodes = {node for path, _ in majors for node in path}
        routes = []
        for path, ext in majors:
            recovery = self._recovery(graph, path, probs, residual, major_links, major_nodes)
            routes.append(evaluate_path(graph, path, score=ext, recovery=recovery))
        return routes

    def _width(self, a: str, b: str, data: dict[str, Any]) -> int:
        width = data.get(self.config.width_attribute, 1)
        if not isinstance(width, int) or isinstance(width, bool) or width < 1:
            raise RoutingError(
                f"link {a}-{b} has {self.config.width_attribute}={width!r}; it must be an "
                "integer ≥ 1"
            )
        return width

    def _best_major(
        self,
        graph: nx.Graph[Any],
        src: str,
        dst: str,
        probs: dict[_Link, float],
        residual: dict[_Link, int],
    ) -> tuple[list[str], float, int] | None:
        best: tuple[list[str], float, int] | None = None
        for width in sorted({r for r in residual.values() if r > 0}, reverse=True):
            found = _max_ext_path(
                graph,
                src,
                dst,
                probs,
                partial(_has_free, residual, width),
                width=width,
                swap_success=self.config.swap_success,
            )
            if found is not None and (best is None or found[1] > best[1]):
                best = (found[0], found[1], width)
        return best

    def _recovery(
        self,
        graph: nx.Graph[Any],
        path: list[str],
        probs: dict[_Link, float],
        residual: dict[_Link, int],
        major_links: set[_Link],
        major_nodes: set[str],
    ) -> list[list[str]]:
        if self.config.recovery_max_hops < 2:
            return []  # a one-hop detour would be the link itself
        found_paths: list[list[str]] = []
        for a, b in pairwise(path):
            found = _max_ext_path(
                graph,
                a,
                b,
                probs,
                lambda link: residual[link] >= 1 and link not in major_links,
                width=1,
                swap_success=self.config.swap_success,
                max_hops=self.config.recovery_max_hops,
                forbidden=major_nodes - {a, b},
            )
            if found is not None:
                found_paths.append(found[0])
                for link in _links(found[0]):
                    residual[link] -= 1
        return found_paths


def _has_free(residual: dict[_Link, int], width: int, link: _Link) -> bool:
    return residual[link] >= width


def _links(path: Sequence[str]) -> list[_Link]:
    return [frozenset(pair) for pair in pairwise(path)]


def _max_ext_path(
    graph: nx.Graph[Any],
    src: str,
    dst: str,
    probs: dict[_Link, float],
    usable: Callable[[_Link], bool],
    *,
    width: int,
    swap_success: float,
    max_hops: int | None = None,
    forbidden: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[str], float] | None:
    """Q-CAST's extended Dijkstra: label-setting search that maximises EXT.

    EXT never grows when a hop is appended, so settling nodes in order of decreasing EXT is
    the natural greedy. It is exact for width 1 without a hop limit (then EXT is a product of
    per-hop factors ≤ 1) and a heuristic otherwise, as in the paper.
    """
    # Heap items: (−EXT, tie, node, parent, hops, Q distribution). The path is rebuilt from
    # the parents of settled nodes; every node on it is settled, so "not settled" also means
    # "not on the path" and the paths stay simple. Carrying Q makes each extension O(W²).
    tie = count()
    heap: list[tuple[float, int, str, str | None, int, tuple[float, ...]]] = [
        (-1.0, next(tie), src, None, 0, ())
    ]
    parent: dict[str, str | None] = {}
    while heap:
        neg_ext, _, node, via, hops, dist = heapq.heappop(heap)
        if node in parent:
            continue
        parent[node] = via
        if node == dst:
            return _rebuild(parent, dst), -neg_ext
        if max_hops is not None and hops >= max_hops:
            continue
        for nbr in graph[node]:
            link = frozenset((node, nbr))
            if nbr in parent or nbr in forbidden or not usable(link):
                continue
            extended = _append_hop(dist, probs[link], width)
            ext = _ext(extended, hops + 1, swap_success)
            heapq.heappush(heap, (-ext, next(tie), nbr, node, hops + 1, extended))
    return None


def _rebuild(parent: dict[str, str | None], dst: str) -> list[str]:
    path = [dst]
    while (prev := parent[path[-1]]) is not None:
        path.append(prev)
    return path[::-1]
