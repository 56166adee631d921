"""Rewrite our SVG into the subset svglib draws faithfully: stylesheets first, explicit
font on text, dominant-baseline as a y shift, no zero dash cycles, markers expanded."""

from __future__ import annotations

import contextlib
import copy
import math
import re
import xml.etree.ElementTree as ET

from .fonts import CSS_FAMILY
from .pdfstyle import lower_colors, resolve
from .pdftext import split_runs
from .sanitize import SVG_NS, parse_xml

_DASH_CSS = re.compile(r"stroke-dasharray\s*:\s*([^;}!]*)(!important)?;?", re.IGNORECASE)
_FONT_SIZE = re.compile(r"font-size\s*:\s*([\d.]+)px", re.IGNORECASE)
_WEIGHT = re.compile(r"font-weight\s*:\s*(\d+|bolder|lighter)", re.IGNORECASE)
_NUMS = re.compile(r"-?\d*\.?\d+(?:e-?\d+)?")
_MARKER_REF = re.compile(r"url\(#([^)]+)\)")
_ABS_PATH = re.compile(r"^[\sMLCSQTZ\d.,eE+-]*$")


def _tag(el: ET.Element) -> str:
    return el.tag.rpartition("}")[2] if isinstance(el.tag, str) else ""


def _dash_ok(value: str) -> bool:
    numbers = [float(n) for n in _NUMS.findall(value)]
    return not numbers or sum(numbers) > 0


def _fix_dash_css(css: str) -> str:
    # reportlab rejects dash arrays whose cycle is zero ("0 0"); browsers draw them solid.
    return _DASH_CSS.sub(lambda m: m.group(0) if _dash_ok(m.group(1)) else "", css)


def _weight(match: re.Match[str]) -> str:
    # svglib only knows "normal"/"bold"; "400" would silently fall back to Helvetica.
    value = match.group(1).lower()
    bold = value == "bolder" or (value.isdigit() and int(value) >= 600)
    return "font-weight:" + ("bold" if bold else "normal")


def _font_size(el: ET.Element, inherited: float) -> float:
    match = _FONT_SIZE.search(el.get("style", ""))
    if match:
        return float(match.group(1))
    raw = _NUMS.match(el.get("font-size", "") or "")
    return float(raw.group(0)) if raw else inherited


def _adapt(el: ET.Element, font_size: float) -> None:
    size = _font_size(el, font_size)
    if _tag(el) == "style":
        el.text = lower_colors(_WEIGHT.sub(_weight, _fix_dash_css(el.text or "")))
    if "style" in el.attrib:
        el.set("style", lower_colors(_WEIGHT.sub(_weight, _fix_dash_css(el.get("style", "")))))
    weight = (el.get("font-weight") or "").lower()
    if weight.isdigit() or weight in ("bolder", "lighter"):
        el.set("font-weight", _weight(_WEIGHT.match(f"font-weight:{weight}")).partition(":")[2])
    for attr in ("fill", "stroke", "color"):
        value = el.get(attr)
        if value and value.isalpha() and value not in ("none", "currentColor"):
            el.set(attr, value.lower())
    if not _dash_ok(el.get("stroke-dasharray", "1")):
        del el.attrib["stroke-dasharray"]
    if _tag(el) == "text":
        el.set("font-family", CSS_FAMILY)
        baseline = el.get("dominant-baseline", "")
        if baseline in ("central", "middle"):
            with contextlib.suppress(ValueError):  # non-numeric y: leave it
                el.set("y", f"{float(el.get('y', '0')) + size * 0.35:.3f}")
            del el.attrib["dominant-baseline"]
    for child in el:
        _adapt(child, size)


def _end_points(el: ET.Element) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """((x, y, angle) at start, (x, y, angle) at end) for line/path/polyline."""
    tag = _tag(el)
    if tag == "line":
        x1, y1, x2, y2 = (float(el.get(a, "0")) for a in ("x1", "y1", "x2", "y2"))
        pts = [(x1, y1), (x2, y2)]
    else:
        raw = el.get("d") if tag == "path" else el.get("points")
        if not raw or (tag == "path" and not _ABS_PATH.match(raw)):
            raise ValueError("unsupported geometry")
        nums = [float(n) for n in _NUMS.findall(raw)]
        pts = list(zip(nums[0::2], nums[1::2], strict=False))
    pts = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
    if len(pts) < 2:
        raise ValueError("degenerate geometry")
    (ax, ay), (bx, by) = pts[0], pts[1]
    (cx, cy), (dx, dy) = pts[-2], pts[-1]
    return (ax, ay, math.atan2(by - ay, bx - ax) + math.pi), (dx, dy, math.atan2(dy - cy, dx - cx))


def _marker_group(marker: ET.Element, x: float, y: float, angle: float, auto_start: bool,
                  stroke_width: float) -> ET.Element:
    vb = [float(n) for n in _NUMS.findall(marker.get("viewBox", ""))] or None
    mw, mh = float(marker.get("markerWidth", "3")), float(marker.get("markerHeight", "3"))
    sx = mw / vb[2] if vb else 1.0
    sy = mh / vb[3] if vb else 1.0
    if marker.get("markerUnits", "strokeWidth") == "strokeWidth":
        sx, sy = sx * stroke_width, sy * stroke_width
    orient = marker.get("orient", "0")
    if orient == "auto-start-reverse" and auto_start:
        degrees = math.degrees(angle)
    elif orient.startswith("auto"):
        degrees = math.degrees(angle) - (180 if auto_start else 0)
    else:
        degrees = float(_NUMS.match(orient).group(0)) if _NUMS.match(orient) else 0.0
    ref_x, ref_y = float(marker.get("refX", "0")), float(marker.get("refY", "0"))
    transform = (f"translate({x:.3f},{y:.3f}) rotate({degrees:.3f}) scale({sx:.4f},{sy:.4f}) "
                 f"translate({-ref_x:.3f},{-ref_y:.3f})")
    group = ET.Element(f"{{{SVG_NS}}}g", {"transform": transform})
    for attr in ("class", "style", "fill", "stroke"):
        if marker.get(attr):
            group.set(attr, marker.get(attr, ""))
    for child in marker:
        group.append(copy.deepcopy(child))
    return group


def _expand_markers(root: ET.Element) -> None:
    markers = {m.get("id"): m for m in root.iter(f"{{{SVG_NS}}}marker") if m.get("id")}
    parents = {child: parent for parent in root.iter() for child in parent}
    for el in list(root.iter()):
        refs = {k: el.get(k, "") for k in ("marker-start", "marker-end") if el.get(k)}
        if not refs:
            continue
        try:
            start, end = _end_points(el)
        except ValueError:
            continue
        width = float((_NUMS.match(el.get("stroke-width", "1")) or [1.0])[0])
        parent = parents[el]
        position = list(parent).index(el) + 1
        for key, value in refs.items():
            match = _MARKER_REF.search(value)
            marker = markers.get(match.group(1)) if match else None
            if marker is None:
                continue
            x, y, angle = start if key == "marker-start" else end
            group = _marker_group(marker, x, y, angle, key == "marker-start", width)
            if el.get("transform"):
                group.set("transform", f"{el.get('transform')} {group.get('transform')}")
            parent.insert(position, group)
            del el.attrib[key]
    for marker in markers.values():
        for parent in root.iter():
            if marker in list(parent):
                parent.remove(marker)
                break


def prepare(svg: str) -> bytes:
    root = parse_xml(svg)
    styles = [el for el in root.iter(f"{{{SVG_NS}}}style")]
    for parent in list(root.iter()):
        for child in list(parent):
            if child in styles:
                parent.remove(child)
    for index, style in enumerate(styles):  # svglib only applies CSS seen before an element
        root.insert(index, style)
    resolve(root)  # opacity, CSS transforms: svglib ignores them
    _adapt(root, 16.0)
    split_runs(root)  # Markdown runs and fallback-font glyphs, placed by our metrics
    _expand_markers(root)
    return ET.tostring(root)
