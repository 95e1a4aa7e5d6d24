"""Run scenario.yaml with the shared-coin plugin, installed or not, and print both ends' results.

With the package installed (`pip install -e .`), `qnetstack run scenario.yaml` does the same.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "src"))

from my_app.coin import PLUGIN  # noqa: E402

from qnetstack.runtime import PluginRegistry  # noqa: E402
from qnetstack.scenario import load_scenario  # noqa: E402
from qnetstack.scenario.simulation import run_scenario  # noqa: E402
from qnetstack.service import LayerName  # noqa: E402

registry = PluginRegistry.from_entry_points()
if PLUGIN.name not in registry.names(LayerName.APP):
    registry.register(PLUGIN)
results = run_scenario(load_scenario(HERE / "scenario.yaml", registry), registry)
request = results["requests"][0]
print(f"delivered {request['delivered']}/{request['requested']} pairs")
for node in (request["src"], request["dst"]):
    entry = request["app"][node]
    print(
        f"{node} ({entry['role']}): {len(entry['bits'])} bits kept, sample "
        f"{entry['sample_errors']}/{entry['sample_compared']} differ"
    )
alice, bob = (request["app"][n]["bits"] for n in (request["src"], request["dst"]))
print("disagreeing kept bits:", sum(a != b for a, b in zip(alice, bob, strict=True)))
