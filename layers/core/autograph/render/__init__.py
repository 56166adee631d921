"""autograph.render: Mermaid and canvas documents to sanitized SVG, PNG and PDF.

Import-cheap on purpose (Lambda cold start): engines, fontTools, novasvg and reportlab
are imported inside the functions that need them, and the worker-process machinery
(isolation, which starts the layout code) on the first render or validation.
"""

from __future__ import annotations

from typing import Any

from .cache import cache_key
from .engine import engine_version
from .errors import InvalidDiagram, RenderError, RenderInputError, RenderLimitExceeded, RenderTooComplex, WorkerBusy
from .options import RenderOptions, content_type
from .sanitize import sanitize_svg

__all__ = [
    "InvalidDiagram", "RenderError", "RenderInputError", "RenderLimitExceeded",
    "RenderOptions", "RenderTooComplex", "WorkerBusy", "cache_key", "content_type", "engine_version",
    "render", "render_detailed", "sanitize_svg", "validate",
]


def render(source_or_canvas: str | dict[str, Any], fmt: str,
           options: RenderOptions | None = None) -> bytes:
    """Mermaid source (str) or canvas document (dict) -> svg|png|pdf bytes."""
    return render_detailed(source_or_canvas, fmt, options).data


def render_detailed(source_or_canvas: str | dict[str, Any], fmt: str,
                    options: RenderOptions | None = None) -> Any:
    """Like render(), but returns core.Rendered: .data, .engine (merman, mermaid-rs-renderer
    or canvas), .fallback and .warnings, so callers can say when the fallback engine drew."""
    # Admission limits first, then a worker process the budget can stop (budget.py, isolation.py).
    from .isolation import render_detailed as _render_detailed  # lazy: ~15 ms, only when something renders

    return _render_detailed(source_or_canvas, fmt, options)


def validate(source: str, time_budget_s: float | None = None) -> dict[str, Any]:
    """{valid, diagram_type, errors: [{line, column, message}], warnings, stats}; raises
    RenderTooComplex past the admission limits or the time budget (10 s by default)."""
    from .isolation import validate as _validate  # lazy: ~15 ms, only when something validates

    return _validate(source, time_budget_s)

