"""Post-processing shared by Mermaid and canvas SVG: sanitize, then normalize the root
(viewBox, width/height, padding, background, our font)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from itertools import pairwise

from .errors import RenderError
from .fonts import CSS_FAMILY
from .options import RenderOptions
from .sanitize import SVG_NS, clean_css, parse_svg, sanitize_tree, to_string
from .shadows import flatten_shadows

_FONT_DECL = re.compile(r"font-family\s*:\s*(?:\"[^\"]*\"|'[^']*'|[^;}\"'])+", re.IGNORECASE)
_NUM = re.compile(r"-?[\d.]+(?:e-?\d+)?")


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


def fmt(value: float) -> str:
    """Short, stable number formatting (determinism + smaller files)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _length(value: str | None) -> float | None:
    if not value or value.strip().endswith("%"):
        return None
    match = _NUM.match(value.strip())
    return float(match.group(0)) if match else None


def view_box(root: ET.Element) -> Box:
    raw = root.get("viewBox")
    if raw:
        parts = [float(p) for p in _NUM.findall(raw)]
        if len(parts) == 4 and parts[2] > 0 and parts[3] > 0:
            return Box(*parts)
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:
        return Box(0.0, 0.0, width, height)
    raise RenderError("SVG has neither a usable viewBox nor width/height")


_STROKE_WIDTH = re.compile(r"stroke-width\s*:\s*(-?[\d.]+(?:e-?\d+)?)\s*(px|pt|pc|mm|cm|in)?\s*(!important)?\s*;?",
                           re.IGNORECASE)
_UNIT_PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


def _stroke_decl(match: re.Match[str]) -> str:
    # Browsers ignore a negative stroke-width (mindmap CSS has them for deep levels), and
    # resvg does not draw absolute units such as "1pt": drop the first, convert the second.
    value = float(match.group(1)) * _UNIT_PX[(match.group(2) or "").lower() or None]
    if value < 0:
        return ""
    return f"stroke-width:{fmt(value)}px{match.group(3) or ''};"


def _normalize_strokes(root: ET.Element) -> None:
    for el in root.iter():
        if el.tag == f"{{{SVG_NS}}}style" and el.text and "stroke-width" in el.text:
            el.text = _STROKE_WIDTH.sub(_stroke_decl, el.text)
        style = el.get("style")
        if style and "stroke-width" in style:
            el.set("style", _STROKE_WIDTH.sub(_stroke_decl, style))
        raw = el.get("stroke-width")
        if raw is not None:
            fixed = _STROKE_WIDTH.sub(_stroke_decl, f"stroke-width:{raw.strip()}")
            if not fixed:
                del el.attrib["stroke-width"]
            else:
                value = fixed[len("stroke-width:"):].rstrip(";").removesuffix("px")
                if value != raw.strip():
                    el.set("stroke-width", value)


_PROPERTY = re.compile(r"(stroke-dasharray|stroke-width|stroke-opacity|stroke-linecap|stroke|fill-opacity|fill|"
                       r"color|font-weight|font-size|font-style|font-family|opacity)\s*:", re.IGNORECASE)


def _repair_style(style: str) -> str:
    """merman writes ER `style` statements with the separators lost
    ("fill:#f9fstroke:#333stroke-width:4px"): split them at the property names again."""
    parts = [p for p in style.split(";") if p.strip()]
    if all(p.count(":") <= 1 for p in parts):
        return style
    fixed: list[str] = []
    for part in parts:
        if part.count(":") <= 1:
            fixed.append(part.strip())
            continue
        starts = [m.start() for m in _PROPERTY.finditer(part)]
        if not starts or starts[0] != len(part) - len(part.lstrip()):
            continue  # not something we understand: drop it rather than break a converter
        bounds = [*starts, len(part)]
        fixed += [part[a:b].strip() for a, b in pairwise(bounds)]
    return ";".join(d for d in fixed if d.count(":") == 1)


def _set_font(root: ET.Element) -> None:
    replacement = f"font-family:{CSS_FAMILY}"
    for el in root.iter():
        if el.tag == f"{{{SVG_NS}}}style":
            el.text = _FONT_DECL.sub(replacement, el.text or "")
        if "font-family" in el.attrib:
            el.set("font-family", CSS_FAMILY)
        style = el.get("style")
        if style and "font-family" in style:
            el.set("style", _FONT_DECL.sub(replacement, style))
    root.set("font-family", CSS_FAMILY)


def output_size(box: Box, options: RenderOptions) -> tuple[float, float]:
    """CSS px size of the padded drawing; max_width/max_height only ever shrink it."""
    factor = 1.0
    if options.max_width:
        factor = min(factor, options.max_width / box.w)
    if options.max_height:
        factor = min(factor, options.max_height / box.h)
    if factor == 1.0:
        return box.w, box.h
    return max(1.0, round(box.w * factor)), max(1.0, round(box.h * factor))


def finish(svg: str, options: RenderOptions) -> tuple[str, Box, tuple[float, float]]:
    """Sanitize and normalize; returns (svg, padded viewBox, (width, height))."""
    root = sanitize_tree(parse_svg(svg))
    inner = view_box(root)
    pad = options.padding
    # Whole-pixel canvas so PNG edges are fully covered by the background (no AA seam).
    box = Box(inner.x - pad, inner.y - pad, math.ceil(inner.w + 2 * pad - 1e-6),
              math.ceil(inner.h + 2 * pad - 1e-6))
    width, height = output_size(box, options)
    for attr in ("style", "width", "height", "viewBox", "preserveAspectRatio"):
        root.attrib.pop(attr, None)
    root.set("viewBox", " ".join(fmt(v) for v in (box.x, box.y, box.w, box.h)))
    root.set("width", fmt(width))
    root.set("height", fmt(height))
    for el in root.iter():
        if el.get("style") and ":" in el.get("style", ""):
            el.set("style", _repair_style(el.get("style", "")))
    _set_font(root)
    _normalize_strokes(root)
    flatten_shadows(root)  # same look, no filter pass in the rasterizer, and the shadow reaches the PDF
    if options.background != "transparent":
        rect = ET.Element(f"{{{SVG_NS}}}rect", {
            "x": fmt(box.x), "y": fmt(box.y), "width": fmt(box.w), "height": fmt(box.h),
            "fill": options.background, "class": "autograph-background",
        })
        root.insert(0, rect)
    return to_string(root), box, (width, height)


__all__ = ["Box", "clean_css", "finish", "fmt", "output_size", "view_box"]
