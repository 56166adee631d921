"""The font we ship (Liberation Sans, SIL OFL 1.1: metric-compatible with Arial, which is
what Mermaid layouts assume) and text measurement with its real metrics (fontTools)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_DIR = Path(__file__).with_name("fonts")
REGULAR = FONT_DIR / "LiberationSans-Regular.ttf"
BOLD = FONT_DIR / "LiberationSans-Bold.ttf"
FAMILY = "Liberation Sans"
# What every SVG we emit references; Arial is metric-identical if ours is absent.
CSS_FAMILY = "'Liberation Sans', Arial, Helvetica, sans-serif"
LINE_HEIGHT = 1.25


@lru_cache(maxsize=2)
def _metrics(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths per code point, in em, plus the fallback width for unknown glyphs."""
    from fontTools.ttLib import TTFont  # lazy: only the canvas renderer measures text

    font = TTFont(BOLD if bold else REGULAR, lazy=True)
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    widths = {cp: hmtx[name][0] / upm for cp, name in font.getBestCmap().items()}
    font.close()
    return widths, widths.get(ord("n"), 0.55)


def text_width(text: str, size: float, bold: bool = False) -> float:
    widths, fallback = _metrics(bold)
    return sum(widths.get(ord(ch), fallback) for ch in text) * size


def wrap(text: str, max_width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap; explicit newlines are kept; over-long words are split."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size, bold) <= max_width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
            while text_width(current, size, bold) > max_width and len(current) > 1:
                cut = len(current) - 1
                while cut > 1 and text_width(current[:cut], size, bold) > max_width:
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
    return lines
