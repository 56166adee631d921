"""render(): the one entry point that turns Mermaid source or a canvas into bytes."""

from __future__ import annotations

from typing import Any

from .budget import Budget
from .errors import RenderInputError
from .options import RenderOptions, check_format
from .svgpost import finish

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def content_type(fmt: str) -> str:
    return CONTENT_TYPES[check_format(fmt)]


def render_svg_text(source_or_canvas: str | dict[str, Any], options: RenderOptions,
                    budget: Budget) -> tuple[str, tuple[float, float]]:
    if isinstance(source_or_canvas, str):
        from .mermaid import mermaid_svg

        raw = mermaid_svg(source_or_canvas, options, budget)
    elif isinstance(source_or_canvas, dict):
        from .canvas import canvas_svg

        raw = canvas_svg(source_or_canvas, options)
    else:
        raise RenderInputError("input must be Mermaid source (str) or a canvas document (dict)")
    budget.check("layout")
    svg, _box, size = finish(raw, options)
    return svg, size


def render(source_or_canvas: str | dict[str, Any], fmt: str,
           options: RenderOptions | None = None) -> bytes:
    fmt = check_format(fmt)
    options = options or RenderOptions()
    if not isinstance(options, RenderOptions):
        raise RenderInputError("options must be a RenderOptions")
    budget = Budget(options.time_budget_s)
    svg, (width, height) = render_svg_text(source_or_canvas, options, budget)
    if fmt == "svg":
        return svg.encode("utf-8")
    if fmt == "png":
        from .raster import svg_to_png

        return budget.run("png", svg_to_png, svg, width, height, options.scale)
    from .pdf import svg_to_pdf

    return budget.run("pdf", svg_to_pdf, svg, options)
