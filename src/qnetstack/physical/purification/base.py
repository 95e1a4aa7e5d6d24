"""The purification-protocol interface: a recurrence round is local operations around a
bilateral CNOT.

Theory of operation
-------------------
Every recurrence protocol consumes two pairs shared by the same nodes and keeps the first when
the Z readouts of the second coincide after a bilateral CNOT (first pair controls). What makes
DEJMPS different from BBPSSW is only what the nodes do to each pair *before* the CNOT (DEJMPS: a
basis rotation; BBPSSW: a twirl to a Werner state) and to the kept pair *after* it (BBPSSW: a
second twirl). A :class:`PurificationProtocol` therefore implements exactly those local
operations, twice: on Bell-diagonal states (the ``bell_diagonal`` formalism and every node's
fidelity estimate) and on two-qubit density matrices (the ``dm`` formalism, for inputs that are
not Bell-diagonal). The round itself, its probability and its kept pair, on success or on a
misread failure, is the base class's (:func:`~qnetstack.quantum.purification.bilateral_cnot_round`
and its circuit twin), so no protocol can get it wrong.

The two formalisms must agree on Bell-diagonal inputs:
:func:`qnetstack.testing.check_purification_protocol` is the conformance check every protocol
(built-in or not) passes.

Convention: inputs are oriented (qubit 0 at the coordinating node A) and in the Φ⁺ frame (the
network layer corrects announced frames first); after a successful round the nodes assume Φ⁺.

A protocol takes no options today (``config_model`` is the empty :class:`PurificationConfig`);
two instances of one class are equal, so the two ends of a round can compare what they run.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from qnetstack.quantum import BellDiagonal, DensityMatrix
from qnetstack.quantum.purification import bilateral_cnot_round, bilateral_cnot_round_dm

__all__ = ["PairState", "PurificationConfig", "PurificationError", "PurificationProtocol"]

PairState = BellDiagonal | DensityMatrix
"""A pair's state in either formalism."""


class PurificationError(Exception):
    """An unknown purification protocol, or one that cannot be registered."""


class PurificationConfig(BaseModel):
    """Options of a purification protocol (none for the built-ins)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PurificationProtocol(ABC):
    """A recurrence purification protocol: the local operations around the bilateral CNOT.

    Subclasses set :attr:`name` and :attr:`description` and implement the two ``prepare_*``
    methods (and the ``finish_*`` ones when the kept pair needs an operation afterwards).

    Args:
        config: Validated options; ``None`` uses the model's defaults.
    """

    name: ClassVar[str]
    """Name a scenario selects the protocol by (``purification: {protocol: NAME}``)."""
    description: ClassVar[str]
    """One line: what the protocol does to the pairs."""
    config_model: ClassVar[type[PurificationConfig]] = PurificationConfig

    def __init__(self, config: PurificationConfig | None = None) -> None:
        self.config = config if config is not None else self.config_model()

    # --- what a protocol defines ----------------------------------------------------------

    @abstractmethod
    def prepare_bell_diagonal(self, state: BellDiagonal) -> BellDiagonal:
        """The nodes' local operations on one input pair before the bilateral CNOT."""

    @abstractmethod
    def prepare_density_matrix(self, state: DensityMatrix) -> DensityMatrix:
        """The same operations on a two-qubit density matrix (qubit 0 at node A)."""

    def finish_bell_diagonal(self, state: BellDiagonal) -> BellDiagonal:
        """Local operations on the kept pair after the round (default: none)."""
        return state

    def finish_density_matrix(self, state: DensityMatrix) -> DensityMatrix:
        """The same on a density matrix (default: none)."""
        return state

    # --- the round (shared) ---------------------------------------------------------------

    def success(self, keep: PairState, sacrifice: PairState) -> tuple[float, PairState]:
        """The round's coincidence probability and the kept pair given coincidence.

        Two Bell-diagonal inputs use the closed form, anything else the circuit.

        Raises:
            ValueError: If the round can never succeed.
        """
        return self._round(keep, sacrifice, coincident=True)

    def failure(self, keep: PairState, sacrifice: PairState) -> PairState | None:
        """The kept pair given *anti*-coincident outcomes, ``None`` if they are impossible.

        Only needed when a misread bit makes the nodes keep a failed round.
        """
        try:
            return self._round(keep, sacrifice, coincident=False)[1]
        except ValueError:
            return None

    def estimate(self, keep: BellDiagonal, sacrifice: BellDiagonal) -> tuple[float, BellDiagonal]:
        """:meth:`success` on Bell-diagonal estimates (what the nodes' bookkeeping uses)."""
        p, kept = bilateral_cnot_round(
            self.prepare_bell_diagonal(keep), self.prepare_bell_diagonal(sacrifice)
        )
        return p, self.finish_bell_diagonal(kept)

    def _round(
        self, keep: PairState, sacrifice: PairState, *, coincident: bool
    ) -> tuple[float, PairState]:
        if isinstance(keep, BellDiagonal) and isinstance(sacrifice, BellDiagonal):
            p, kept = bilateral_cnot_round(
                self.prepare_bell_diagonal(keep),
                self.prepare_bell_diagonal(sacrifice),
                coincident=coincident,
            )
            return p, self.finish_bell_diagonal(kept)
        rho1, rho2 = _as_dm(keep), _as_dm(sacrifice)
        if rho1.n_qubits != 2 or rho2.n_qubits != 2:
            raise ValueError("purification needs two two-qubit states")
        p, kept_dm = bilateral_cnot_round_dm(
            self.prepare_density_matrix(rho1),
            self.prepare_density_matrix(rho2),
            coincident=coincident,
        )
        return p, self.finish_density_matrix(kept_dm)

    # --- identity -------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.config == self.config

    def __hash__(self) -> int:
        return hash((type(self), self.config))

    def __repr__(self) -> str:
        return self.name


def _as_dm(state: Any) -> DensityMatrix:
    return state if isinstance(state, DensityMatrix) else state.to_density_matrix()
