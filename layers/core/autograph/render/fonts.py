"""The fonts we ship and text measurement with their real metrics (fontTools).

Liberation Sans (SIL OFL 1.1) in four faces: metric-compatible with Arial, which is what
Mermaid layouts assume. Noto Sans Symbols 2 and Noto Sans Math (SIL OFL 1.1) cover the
symbols people type in labels (check marks, hearts, stars, arrows, math). Scripts outside
these (CJK, emoji) need a font the operator adds: every .ttf/.otf/.ttc in the folder named
by AUTOGRAPH_EXTRA_FONT_DIR is used too (e.g. Noto Sans CJK from a second layer); a
character no font covers is reported in warnings, never dropped silently.
"""

from __future__ import annotations

import html
import os
import re
from functools import lru_cache
from pathlib import Path

FONT_DIR = Path(__file__).with_name("fonts")
REGULAR = FONT_DIR / "LiberationSans-Regular.ttf"
BOLD = FONT_DIR / "LiberationSans-Bold.ttf"
ITALIC = FONT_DIR / "LiberationSans-Italic.ttf"
BOLD_ITALIC = FONT_DIR / "LiberationSans-BoldItalic.ttf"
FALLBACKS = (FONT_DIR / "NotoSansSymbols2-Regular.ttf", FONT_DIR / "NotoSansMath-Regular.ttf")
EXTRA_DIR_ENV = "AUTOGRAPH_EXTRA_FONT_DIR"
FAMILY = "Liberation Sans"
# What every SVG we emit references; Arial is metric-identical if ours is absent.
CSS_FAMILY = "'Liberation Sans', Arial, Helvetica, sans-serif"
LINE_HEIGHT = 1.25


def extra_fonts() -> list[Path]:
    folder = os.environ.get(EXTRA_DIR_ENV)
    if not folder or not Path(folder).is_dir():
        return []
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in (".ttf", ".otf", ".ttc"))


def fallback_files() -> list[Path]:
    """Fonts used, in order, for characters Liberation Sans does not have."""
    return [*FALLBACKS, *extra_fonts()]


def fallback_family(index: int) -> str:
    """The family name fallback font `index` is registered under (PDF and PNG), so a run of
    glyphs only it has can name it."""
    return f"AutographFallback{index}"


def font_files() -> list[str]:
    return [str(p) for p in (REGULAR, BOLD, ITALIC, BOLD_ITALIC, *fallback_files())]


def _widths(path: Path) -> dict[int, float]:
    from fontTools.ttLib import TTFont  # lazy: only measuring needs it

    font = TTFont(path, lazy=True, fontNumber=0)
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    widths = {cp: hmtx[name][0] / upm for cp, name in font.getBestCmap().items()}
    font.close()
    return widths


@lru_cache(maxsize=2)
def _metrics(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths per code point, in em, plus the fallback width for unknown glyphs."""
    widths = _widths(BOLD if bold else REGULAR)
    return widths, widths.get(ord("n"), 0.55)


@lru_cache(maxsize=4)
def _fallback_metrics(extra: tuple[str, ...]) -> dict[int, float]:
    merged: dict[int, float] = {}
    for path in (*FALLBACKS, *map(Path, extra)):
        for cp, width in _widths(path).items():
            merged.setdefault(cp, width)
    return merged


def _fallback() -> dict[int, float]:
    return _fallback_metrics(tuple(str(p) for p in extra_fonts()))


def text_width(text: str, size: float, bold: bool = False) -> float:
    widths, unknown = _metrics(bold)
    total = 0.0
    other: dict[int, float] | None = None
    for ch in text:
        cp = ord(ch)
        width = widths.get(cp)
        if width is None:
            other = other if other is not None else _fallback()
            width = other.get(cp, unknown)
        total += width
    return total * size


@lru_cache(maxsize=4)
def _fallback_cmaps(extra: tuple[str, ...]) -> tuple[frozenset[int], ...]:
    return tuple(frozenset(_widths(path)) for path in (*FALLBACKS, *map(Path, extra)))


def fallback_index(ch: str) -> int | None:
    """Index in fallback_files() of the font that draws `ch` (None: Liberation Sans does,
    or no font does)."""
    cp = ord(ch)
    if cp in _metrics(False)[0]:
        return None
    for index, cmap in enumerate(_fallback_cmaps(tuple(str(p) for p in extra_fonts()))):
        if cp in cmap:
            return index
    return None


def glyph_warning(text: str) -> str | None:
    """A warning naming the characters of `text` (SVG markup or source) no font draws."""
    content = html.unescape("".join(re.findall(r">([^<]+)<", text))) if "<" in text else text
    missing = missing_glyphs(content)
    if not missing:
        return None
    shown = "".join(missing[:12]) + ("…" if len(missing) > 12 else "")
    return (f"no bundled font has {len(missing)} character(s) used here ({shown}): they are drawn "
            f"as empty boxes; add a font that has them with {EXTRA_DIR_ENV} (see docs/render.md)")


def covered(ch: str) -> str | None:
    """Which font draws `ch`: "primary", "fallback", or None (no shipped font has it)."""
    cp = ord(ch)
    if cp in _metrics(False)[0]:
        return "primary"
    return "fallback" if cp in _fallback() else None


def missing_glyphs(text: str) -> list[str]:
    """Characters of `text` that no font we ship (or were given) can draw, in order."""
    primary = _metrics(False)[0]
    seen: list[str] = []
    for ch in text:
        if ord(ch) in primary or ch.isspace() or ord(ch) < 32 or ch in seen:
            continue
        if ord(ch) in (0xFE0F, 0xFE0E, 0x200D):  # variation selectors / joiners draw nothing
            continue
        if ord(ch) not in _fallback():
            seen.append(ch)
    return seen


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
