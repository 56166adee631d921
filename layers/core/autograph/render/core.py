"""render(): the one entry point that turns Mermaid source or a canvas into bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .budget import Budget
from .engine import SECONDARY
from .errors import RenderInputError
from .fonts import glyph_warning
from .options import RenderOptions, check_format
from .svgpost import finish


@dataclass(frozen=True)
class Rendered:
    """Bytes plus how they were made: which engine drew them (merman, the fallback
    mermaid-rs-renderer, or canvas) and what the user should be told about it."""

    data: bytes
    engine: str
    warnings: tuple[str, ...] = ()

    @property
    def fallback(self) -> bool:
        return self.engine == SECONDARY


def render_svg_text(source_or_canvas: str | dict[str, Any], options: RenderOptions,
                    budget: Budget) -> tuple[str, tuple[float, float], str]:
    """(final SVG, (width, height), engine name)."""
    if isinstance(source_or_canvas, str):
        from .mermaid import mermaid_svg  # lazy: each kind loads only its own drawing code

        raw, engine = mermaid_svg(source_or_canvas, options, budget)
    elif isinstance(source_or_canvas, dict):
        from .canvas import canvas_svg  # lazy: each kind loads only its own drawing code

        raw, engine = canvas_svg(source_or_canvas, options), "canvas"
    else:
        raise RenderInputError("input must be Mermaid source (str) or a canvas document (dict)")
    budget.check("layout")
    svg, _box, size = finish(raw, options)
    return svg, size, engine


def render_detailed(source_or_canvas: str | dict[str, Any], fmt: str,
                    options: RenderOptions | None = None) -> Rendered:
    fmt = check_format(fmt)
    options = options or RenderOptions()
    if not isinstance(options, RenderOptions):
        raise RenderInputError("options must be a RenderOptions")
    budget = Budget(options.time_budget_s)
    svg, (width, height), engine = render_svg_text(source_or_canvas, options, budget)
    warnings: list[str] = []
    if engine == "mermaid-rs-renderer":
        warnings.append("the main engine (merman) could not draw this diagram; the simpler "
                        "fallback engine (mermaid-rs-renderer) drew it")
    missing = glyph_warning(svg)
    if missing:
        warnings.append(missing)
    if fmt == "svg":
        data = svg.encode("utf-8")
    elif fmt == "png":
        from .raster import svg_to_png  # lazy: each format loads only its own converter

        data = budget.run("png", svg_to_png, svg, width, height, options.scale)
    else:
        from .pdf import svg_to_pdf  # lazy: each format loads only its own converter

        data = budget.run("pdf", svg_to_pdf, svg, options)
    return Rendered(data, engine, tuple(warnings))


def render(source_or_canvas: str | dict[str, Any], fmt: str,
           options: RenderOptions | None = None) -> bytes:
    return render_detailed(source_or_canvas, fmt, options).data
