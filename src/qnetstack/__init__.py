"""qnetstack: a layered quantum-network protocol stack and discrete-event simulator.

The top-level package exports the version only; import from the subpackages
(:mod:`qnetstack.kernel`, :mod:`qnetstack.quantum`, :mod:`qnetstack.runtime`, the layers and
:mod:`qnetstack.scenario`) so that importing the package stays cheap.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("qnetstack")
except _metadata.PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
