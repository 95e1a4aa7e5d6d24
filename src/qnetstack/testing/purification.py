"""The conformance check of purification protocols: the two formalisms tell the same story.

A :class:`~qnetstack.physical.purification.PurificationProtocol` implements its local
operations twice, on Bell-diagonal coefficients and on density matrices; a run in the
``bell_diagonal`` formalism and one in ``dm`` are only comparable when the two agree.
:func:`check_purification_protocol` checks that on random Bell-diagonal inputs, plus what every
round must satisfy (a probability, a normalised state, equal instances). Every built-in passes
it in qnetstack's tests; a third-party protocol's tests call it the same way.
"""

from __future__ import annotations

import numpy as np

from qnetstack.physical.purification import PurificationProtocol
from qnetstack.quantum import BellDiagonal, DensityMatrix

__all__ = ["check_purification_protocol"]


def _close(a: DensityMatrix, b: DensityMatrix, atol: float) -> bool:
    return bool(np.allclose(a.matrix, b.matrix, atol=atol))


def check_purification_protocol(
    protocol: PurificationProtocol, *, samples: int = 25, seed: int = 0, atol: float = 1e-9
) -> None:
    """Check ``protocol`` on ``samples`` random pairs of Bell-diagonal inputs.

    Raises:
        AssertionError: Naming the first property that fails and the inputs it failed on.
    """
    name = type(protocol).__name__
    for attr in ("name", "description"):
        assert getattr(protocol, attr, ""), f"{name} has no {attr}"
    assert type(protocol)(protocol.config) == protocol, f"{name}: equal instances must be equal"
    rng = np.random.default_rng(seed)
    for i in range(samples):
        a = BellDiagonal(rng.dirichlet(np.ones(4)))
        b = BellDiagonal(rng.dirichlet(np.ones(4)))
        where = f"{name}, sample {i}: a = {a}, b = {b}"
        prepared = protocol.prepare_bell_diagonal(a)
        coefficients = prepared.coefficients
        assert np.all(coefficients >= -atol), f"{where}: prepare_bell_diagonal is not a state"
        assert abs(coefficients.sum() - 1) <= atol, f"{where}: prepare_bell_diagonal not normalised"
        assert _close(
            protocol.prepare_density_matrix(a.to_density_matrix()),
            prepared.to_density_matrix(),
            atol,
        ), f"{where}: prepare_density_matrix and prepare_bell_diagonal disagree"
        p_bd, kept_bd = protocol.success(a, b)
        p_dm, kept_dm = protocol.success(a.to_density_matrix(), b.to_density_matrix())
        assert 0.0 <= p_bd <= 1.0, f"{where}: success probability {p_bd}"
        assert abs(p_bd - p_dm) <= atol, f"{where}: success probability {p_bd} vs {p_dm} (dm)"
        assert isinstance(kept_bd, BellDiagonal)
        assert isinstance(kept_dm, DensityMatrix)
        assert _close(kept_dm, kept_bd.to_density_matrix(), atol), f"{where}: kept pairs differ"
        assert protocol.estimate(a, b) == (p_bd, kept_bd), f"{where}: estimate is not success"
        fail_bd = protocol.failure(a, b)
        fail_dm = protocol.failure(a.to_density_matrix(), b.to_density_matrix())
        assert (fail_bd is None) == (fail_dm is None), f"{where}: failure possible in one formalism"
        if isinstance(fail_bd, BellDiagonal) and isinstance(fail_dm, DensityMatrix):
            assert _close(fail_dm, fail_bd.to_density_matrix(), atol), f"{where}: failure differs"
