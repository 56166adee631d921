"""PNG output: resvg (via resvg-py; Rust, abi3 wheels for Lambda arm64). It is given our
font files explicitly (fonts.py) and told to skip system fonts, so a Lambda with no fonts at all
renders the same pixels as a laptop."""

from __future__ import annotations

from .errors import RenderLimitExceeded
from .fonts import FAMILY, font_files
from .options import MAX_PIXELS


def png_size(width: float, height: float, scale: int) -> tuple[int, int]:
    return max(1, round(width * scale)), max(1, round(height * scale))


def svg_to_png(svg: str, width: float, height: float, scale: int) -> bytes:
    px_w, px_h = png_size(width, height, scale)
    if px_w * px_h > MAX_PIXELS:
        raise RenderLimitExceeded(
            f"PNG would be {px_w}x{px_h} px ({px_w * px_h / 1e6:.1f} MP), over the "
            f"{MAX_PIXELS / 1e6:.0f} MP limit; lower scale or set max_width/max_height"
        )
    import resvg_py  # lazy: only PNG needs it

    # Liberation Sans (4 faces) + symbol/math fallbacks: resvg picks a fallback per glyph.
    fonts = font_files()
    data = resvg_py.svg_to_bytes(
        svg_string=svg,
        width=px_w,
        height=px_h,
        skip_system_fonts=True,
        font_files=fonts,
        font_family=FAMILY,
        sans_serif_family=FAMILY,
        serif_family=FAMILY,
        monospace_family=FAMILY,
        cursive_family=FAMILY,
        fantasy_family=FAMILY,
    )
    return bytes(data)
