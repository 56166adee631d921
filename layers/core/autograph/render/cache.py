"""cache_key(): sha256 over engine version, normalized input, format and options."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .engine import engine_version
from .options import RenderOptions, check_format

# Bump when our own post-processing changes output for the same engine version.
PIPELINE_VERSION = "4"  # 2: click lines dropped, plates behind canvas line labels; 3: front matter,
# fitted labels, Markdown runs, fallback fonts, flattened shadows, PDF CSS fixes; 4: plates slid
# into containers and apart, styled composite title bars, short-edge markers, novasvg PNG,
# CSS brightness() resolved for PNG/PDF


def _normalize(source_or_canvas: str | dict[str, Any]) -> str:
    if isinstance(source_or_canvas, str):
        lines = source_or_canvas.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(line.rstrip() for line in lines).strip("\n")
    return json.dumps(source_or_canvas, sort_keys=True, separators=(",", ":"), default=str)


def cache_key(source_or_canvas: str | dict[str, Any], fmt: str,
              options: RenderOptions | None = None) -> str:
    options = options or RenderOptions()
    fmt = check_format(fmt)
    opts = options.to_dict()
    opts.pop("time_budget_s", None)  # does not change the bytes
    if fmt != "png":
        opts.pop("scale", None)
    if fmt != "pdf":
        opts.pop("page", None)
    kind = "mermaid" if isinstance(source_or_canvas, str) else "canvas"
    payload = json.dumps(
        [engine_version(), PIPELINE_VERSION, kind, _normalize(source_or_canvas), fmt, opts],
        sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
