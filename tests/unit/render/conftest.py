"""Render tests: make the layer package and this folder's helpers importable."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORE = HERE.parents[2] / "layers" / "core"
for path in (CORE, HERE):  # the layer is on sys.path in Lambda; mimic that here
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
