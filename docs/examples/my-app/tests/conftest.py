"""Lets qnetstack's own test run exercise this example without installing it.

In your plugin package, `pip install -e .` makes `my_app` importable and this file is not
needed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
