"""NV-centre physics core: platform configuration, named presets and heralding models.

* :mod:`~qnetstack.physical.nv.params` — :class:`NVConfig`, the validated platform configuration,
  with the derived link quantities (arm efficiency, dark-count probability, attempt duration,
  nuclear dephasing per attempt);
* :mod:`~qnetstack.physical.nv.presets` — every parameter set of the project reference as a named
  preset, each value with its source;
* :mod:`~qnetstack.physical.nv.heralding` — the state and success probability of one heralded
  attempt, single-click (Humphreys et al. 2018) and Barrett–Kok double-click.

Conventions (binding, from the reference sheet physics.md): NetSquid depolarising parametrisation,
bright state |1⟩, qubit order (node_a, node_b), Bell labels of :class:`qnetstack.quantum.BellIndex`.
"""

from __future__ import annotations

from qnetstack.physical.nv.heralding import (
    HeraldModelResult,
    HeraldOutcome,
    barrett_kok,
    single_click,
)
from qnetstack.physical.nv.params import (
    CarbonParams,
    ECGateParams,
    ElectronParams,
    NVConfig,
    OpticsParams,
)
from qnetstack.physical.nv.presets import (
    PresetRow,
    list_presets,
    load_preset,
    preset_description,
    preset_reference_arms_km,
    preset_table,
)

__all__ = [
    "CarbonParams",
    "ECGateParams",
    "ElectronParams",
    "HeraldModelResult",
    "HeraldOutcome",
    "NVConfig",
    "OpticsParams",
    "PresetRow",
    "barrett_kok",
    "list_presets",
    "load_preset",
    "preset_description",
    "preset_reference_arms_km",
    "preset_table",
    "single_click",
]
