"""Lesson 9 — writing your own protocol plugin.

The worked plugin package of the how-to (`docs/examples/my-link/`) adds a link-layer protocol,
`my-link`, and a physical platform, `my-fibre`. Installed with `pip install -e`, its entry
points make both selectable by name in any scenario. This script does the same without
installing: it registers the two `PluginSpec`s in a registry next to the built-in plugins and
runs the package's scenario through the real stack. Run it with:

    python examples/course/09_my_plugin.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from qnetstack.runtime.plugins import PluginRegistry
from qnetstack.scenario import Simulation, load_scenario

PACKAGE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "my-link"
sys.path.insert(0, str(PACKAGE / "src"))

from my_link.platform import PLUGIN as MY_FIBRE  # noqa: E402
from my_link.protocol import PLUGIN as MY_LINK  # noqa: E402


def main() -> None:
    registry = PluginRegistry.from_entry_points()
    for spec in (MY_LINK, MY_FIBRE):
        if spec.name not in registry.names(spec.layer):  # already installed: use that one
            registry.register(spec)
        print(f"plugin {spec.name!r} ({spec.layer.value}): {spec.description}")
    for scenario in ("scenario.yaml", "scenario-fibre.yaml"):
        loaded = load_scenario(PACKAGE / scenario, registry)
        results = Simulation(loaded, registry).run()
        print(
            f"\n{scenario}: platform {loaded.scenario.platform.plugin!r}, "
            f"link layer {loaded.scenario.link_layer.plugin!r}"
        )
        if results.get("failure"):
            failure = results["failure"]
            print(f"  the run failed: {failure['type']}: {failure['message']}")
        for request in results["requests"]:
            fidelity = request["fidelity"]["mean"]
            print(
                f"  request {request['id']} {request['src']} -> {request['dst']}: "
                f"{request['delivered']}/{request['requested']} pairs, "
                f"mean fidelity {fidelity if fidelity is None else round(fidelity, 4)}, "
                f"errors {request['errors'] or '-'}"
            )


if __name__ == "__main__":
    main()
