"""autograph.render: Mermaid and canvas documents to sanitized SVG, PNG and PDF.

Import-cheap on purpose (Lambda cold start): engines, fontTools, novasvg and reportlab
are imported inside the functions that need them.
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidDiagram, RenderError, RenderInputError, RenderLimitExceeded, RenderTooComplex
from .options import RenderOptions

__all__ = [
    "InvalidDiagram", "RenderError", "RenderInputError", "RenderLimitExceeded",
    "RenderOptions", "RenderTooComplex", "cache_key", "content_type", "engine_version",
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
    from .isolation import render_detailed as _render_detailed

    return _render_detailed(source_or_canvas, fmt, options)


def validate(source: str, time_budget_s: float | None = None) -> dict[str, Any]:
    """{valid, diagram_type, errors: [{line, column, message}], warnings, stats}; raises
    RenderTooComplex past the admission limits or the time budget (10 s by default)."""
    from .isolation import validate as _validate

    return _validate(source, time_budget_s)


def cache_key(source_or_canvas: str | dict[str, Any], fmt: str,
              options: RenderOptions | None = None) -> str:
    from .cache import cache_key as _cache_key

    return _cache_key(source_or_canvas, fmt, options)


def content_type(fmt: str) -> str:
    from .core import content_type as _content_type

    return _content_type(fmt)


def sanitize_svg(svg: str) -> str:
    from .sanitize import sanitize_svg as _sanitize_svg

    return _sanitize_svg(svg)


def engine_version() -> str:
    from .engine import engine_version as _engine_version

    return _engine_version()

