"""Routing strategies: which paths an end-to-end request should use.

Every strategy implements :class:`RoutingStrategy` (one method, ``routes``) on a topology
annotated with per-link ``rate_hz`` and ``fidelity`` (:func:`annotate_links`,
:func:`link_metrics`), and is found by name in a :class:`RoutingRegistry` (entry-point group
``qnetstack.routing``). See the how-to "Write a routing strategy".
"""

from qnetstack.network.routing.base import (
    EdgeWeight,
    NoRouteError,
    NoRouteKind,
    RoutingConfig,
    RoutingStrategy,
    alternatives,
    inverse_rate,
    with_alternatives,
)
from qnetstack.network.routing.expected_rate import (
    ExpectedRate,
    ExpectedRateConfig,
    max_rate_estimate_path,
)
from qnetstack.network.routing.fidelity_aware import (
    FidelityAware,
    FidelityAwareConfig,
    max_fidelity_path,
)
from qnetstack.network.routing.k_shortest import KShortest, KShortestConfig
from qnetstack.network.routing.metrics import (
    FIDELITY_ATTR,
    RATE_ATTR,
    LinkMetrics,
    Route,
    RoutingError,
    annotate_links,
    check_annotated,
    evaluate_path,
    harmonic_number,
    link_metrics,
    path_fidelity,
    path_rate_hz,
    werner_parameter,
)
from qnetstack.network.routing.qcast import (
    QCast,
    QCastConfig,
    expected_throughput,
    slot_success_probability,
)
from qnetstack.network.routing.registry import (
    BUILTIN_STRATEGIES,
    ENTRY_POINT_GROUP,
    RoutingRegistry,
)
from qnetstack.network.routing.shortest_hops import ShortestHops
from qnetstack.network.routing.widest_path import WidestPath, max_bottleneck_rate_hz

__all__ = [
    "BUILTIN_STRATEGIES",
    "ENTRY_POINT_GROUP",
    "FIDELITY_ATTR",
    "RATE_ATTR",
    "EdgeWeight",
    "ExpectedRate",
    "ExpectedRateConfig",
    "FidelityAware",
    "FidelityAwareConfig",
    "KShortest",
    "KShortestConfig",
    "LinkMetrics",
    "NoRouteError",
    "NoRouteKind",
    "QCast",
    "QCastConfig",
    "Route",
    "RoutingConfig",
    "RoutingError",
    "RoutingRegistry",
    "RoutingStrategy",
    "ShortestHops",
    "WidestPath",
    "alternatives",
    "annotate_links",
    "check_annotated",
    "evaluate_path",
    "expected_throughput",
    "harmonic_number",
    "inverse_rate",
    "link_metrics",
    "max_bottleneck_rate_hz",
    "max_fidelity_path",
    "max_rate_estimate_path",
    "path_fidelity",
    "path_rate_hz",
    "slot_success_probability",
    "werner_parameter",
    "with_alternatives",
]
