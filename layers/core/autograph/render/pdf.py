"""PDF output: svglib + reportlab (pure Python, vector, text kept as text with the
shipped TrueType font embedded as a subset, `invariant` mode for byte-identical files)."""

from __future__ import annotations

import io
from functools import lru_cache

from .fonts import BOLD, BOLD_ITALIC, FAMILY, ITALIC, REGULAR, fallback_family, fallback_files
from .options import RenderOptions
from .pdfprep import prepare

PAGE_SIZES_PT = {"a4": (595.2756, 841.8898), "letter": (612.0, 792.0)}
PAGE_MARGIN_PT = 36.0


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    from svglib.fonts import register_font

    # One internal name for every alias we emit, so svglib never guesses a system font.
    for alias in (FAMILY, "Arial", "Helvetica", "sans-serif"):
        register_font(alias, str(REGULAR), rlgFontName="AutographSans")
        register_font(alias, str(BOLD), weight="bold", rlgFontName="AutographSans-Bold")
        register_font(alias, str(ITALIC), style="italic", rlgFontName="AutographSans-Italic")
        register_font(alias, str(BOLD_ITALIC), weight="bold", style="italic",
                      rlgFontName="AutographSans-BoldItalic")
    # Symbol/math (and operator-added) fonts for glyphs Liberation Sans lacks (pdftext.py).
    for index, path in enumerate(fallback_files()):
        name = fallback_family(index)
        for weight in ("normal", "bold"):
            for style in ("normal", "italic"):
                register_font(name, str(path), weight=weight, style=style, rlgFontName=name)


def svg_to_pdf(svg: str, options: RenderOptions) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas
    from svglib.svglib import svg2rlg

    _register_fonts()
    drawing = svg2rlg(io.BytesIO(prepare(svg)))
    if drawing is None:
        raise ValueError("svglib could not read the SVG")
    width, height = float(drawing.width), float(drawing.height)
    buffer = io.BytesIO()
    canvas: Canvas
    if options.page is None:
        canvas = Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1,
                        initialFontName="AutographSans")
        renderPDF.draw(drawing, canvas, 0, 0)
    else:
        page_w, page_h = PAGE_SIZES_PT[options.page]
        if width > height:  # landscape diagrams get a landscape page
            page_w, page_h = page_h, page_w
        factor = min((page_w - 2 * PAGE_MARGIN_PT) / width, (page_h - 2 * PAGE_MARGIN_PT) / height)
        canvas = Canvas(buffer, pagesize=(page_w, page_h), invariant=1, pageCompression=1,
                        initialFontName="AutographSans")
        drawing.scale(factor, factor)
        drawing.width, drawing.height = width * factor, height * factor
        x = (page_w - width * factor) / 2
        y = (page_h - height * factor) / 2
        renderPDF.draw(drawing, canvas, x, y)
    canvas.setTitle("AutoGraph diagram")
    canvas.setCreator("AutoGraph")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
