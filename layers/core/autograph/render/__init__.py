"""autograph.render: Mermaid and canvas documents to sanitized SVG, PNG and PDF.

Import-cheap on purpose (Lambda cold start): engines, fontTools, resvg and reportlab
are imported inside the functions that need them.
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidDiagram, RenderError, RenderInputError, RenderLimitExceeded
from .options import RenderOptions

__all__ = [
    "InvalidDiagram", "RenderError", "RenderInputError", "RenderLimitExceeded",
    "RenderOptions", "cache_key", "content_type", "engine_version",
    "render", "sanitize_svg", "validate",
]


def render(source_or_canvas: str | dict[str, Any], fmt: str,
           options: RenderOptions | None = None) -> bytes:
    """Mermaid source (str) or canvas document (dict) -> svg|png|pdf bytes."""
    from .core import render as _render

    return _render(source_or_canvas, fmt, options)


def validate(source: str) -> dict[str, Any]:
    """{valid, diagram_type, errors: [{line, column, message}], warnings, stats}."""
    from .validation import validate as _validate

    return _validate(source)


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

