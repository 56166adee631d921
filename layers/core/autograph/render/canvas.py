"""Canvas document -> SVG (our own renderer).

Coordinates: x, y is a shape's top-left corner and w, h its size, in canvas px.
`points` of arrow/line/freehand are relative to (x, y) when the shape has x or y,
absolute canvas coordinates otherwise. Arrowheads are drawn as polygons (not SVG
markers) so every output format shows them identically.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import Any

from .canvas_model import Shape, parse_document
from .fit import grow_canvas
from .fonts import CSS_FAMILY, LINE_HEIGHT, text_width, wrap
from .options import RenderOptions
from .sanitize import SVG_NS
from .svgpost import fmt

PALETTES = {  # stroke, fill, text, frame fill, note fill
    "default": ("#1f2937", "#ffffff", "#111827", "#f9fafb", "#fef3c7"),
    "dark": ("#e5e7eb", "#1f2937", "#f9fafb", "#111827", "#854d0e"),
    "forest": ("#13540c", "#cde498", "#000000", "#f0f7e6", "#fff5ad"),
    "neutral": ("#4b5563", "#eeeeee", "#111111", "#fafafa", "#f5f5dc"),
}
DASHES = {"solid": None, "dashed": "8 6", "dotted": "2 4"}
_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,20})$")


def _el(tag: str, parent: ET.Element | None = None, **attrs: Any) -> ET.Element:
    clean = {k.rstrip("_").replace("_", "-"): (fmt(v) if isinstance(v, float) else str(v))
             for k, v in attrs.items() if v is not None}
    el = ET.Element(f"{{{SVG_NS}}}{tag}", clean)
    if parent is not None:
        parent.append(el)
    return el


def _color(value: Any, default: str) -> str:
    return value if isinstance(value, str) and _COLOR.match(value) else default


class _Renderer:
    def __init__(self, shapes: list[Shape], theme: str) -> None:
        self.shapes = shapes
        self.by_id = {s.id: s for s in shapes if s.id}
        self.palette = PALETTES[theme]

    # -- geometry -------------------------------------------------------------------------
    def border_point(self, shape: Shape, toward: tuple[float, float]) -> tuple[float, float]:
        """Where the segment from the shape's centre toward `toward` leaves its outline."""
        cx, cy = shape.x + shape.w / 2, shape.y + shape.h / 2
        dx, dy = toward[0] - cx, toward[1] - cy
        if abs(dx) < 1e-9 and abs(dy) < 1e-9:
            return cx, cy
        a, b = max(shape.w / 2, 1e-9), max(shape.h / 2, 1e-9)
        if shape.type == "ellipse":
            t = 1 / math.sqrt((dx / a) ** 2 + (dy / b) ** 2)
        elif shape.type == "diamond":
            t = 1 / (abs(dx) / a + abs(dy) / b)
        else:
            t = min(a / abs(dx) if dx else math.inf, b / abs(dy) if dy else math.inf)
        return cx + dx * t, cy + dy * t

    def line_points(self, shape: Shape) -> list[tuple[float, float]]:
        points = list(shape.points)
        start, end = self.by_id.get(shape.start or ""), self.by_id.get(shape.end or "")
        if shape.type == "arrow" and len(points) < 2 and start is not None and end is not None:
            points = [start.center, end.center]
        if shape.type != "arrow" or len(points) < 2:
            return points
        if start is not None:
            target = (end.center if end is not None and len(points) == 2 else points[1])
            points[0] = self.border_point(start, target)
        if end is not None:
            target = (start.center if start is not None and len(points) == 2 else points[-2])
            points[-1] = self.border_point(end, target)
        return points

    def bounds(self) -> tuple[float, float, float, float]:
        xs: list[float] = []
        ys: list[float] = []
        clipped = {s.id for s in self.shapes} - {s.id for s in self.top_level()}
        for shape in self.shapes:
            if shape.id in clipped:  # inside a frame: the frame's clip bounds it
                continue
            if shape.type in ("arrow", "line", "freehand"):
                pts = self.line_points(shape)
                pad = shape.style.stroke_width * 2 + (10 if shape.type == "arrow" else 0)
            else:
                pts = shape.corners()
                pad = shape.style.stroke_width
                if shape.type == "frame" and shape.text:
                    pts = [*pts, (shape.x, shape.y - shape.style.font_size * 1.6)]
            for px, py in pts:
                xs += [px - pad, px + pad]
                ys += [py - pad, py + pad]
        if not xs:
            return 0.0, 0.0, 100.0, 100.0
        return min(xs), min(ys), max(max(xs) - min(xs), 1.0), max(max(ys) - min(ys), 1.0)

    # -- drawing --------------------------------------------------------------------------
    def paint(self, shape: Shape, fill_default: str) -> dict[str, Any]:
        style = shape.style
        return {
            "stroke": _color(style.stroke, self.palette[0]),
            "fill": _color(style.fill, fill_default),
            "stroke_width": float(style.stroke_width),
            "stroke_dasharray": DASHES.get(style.dash),
            "stroke_linecap": "round",
            "stroke_linejoin": "round",
        }

    def text(self, parent: ET.Element, shape: Shape, box: tuple[float, float, float, float],
             align: str, bold: bool = False) -> None:
        if not shape.text:
            return
        x, y, w, h = box
        size = float(shape.style.font_size)
        lines = wrap(shape.text, max(w - 8, size), size, bold) if w > 0 else [shape.text]
        line_h = size * LINE_HEIGHT
        top = y + 4 if align == "start" else y + (h - line_h * len(lines)) / 2
        anchor_x = x + 4 if align == "start" else x + w / 2
        fill = _color(shape.style.stroke if shape.type == "text" else None, self.palette[2])
        for index, line in enumerate(lines):
            baseline = top + index * line_h + size * 0.93  # ascent of Liberation Sans ≈ .905
            node = _el("text", parent, x=anchor_x, y=baseline, font_size=size, fill=fill,
                       text_anchor="middle" if align == "middle" else "start",
                       font_family=CSS_FAMILY, font_weight="bold" if bold else None)
            node.text = line
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def draw(self, parent: ET.Element, shape: Shape, defs: ET.Element) -> None:
        group = _el("g", parent, id=f"shape-{shape.id}" if shape.id else None,
                    opacity=shape.style.opacity if shape.style.opacity < 1 else None)
        if shape.rotation:
            cx, cy = shape.center
            group.set("transform", f"rotate({fmt(shape.rotation)} {fmt(cx)} {fmt(cy)})")
        x, y, w, h = shape.x, shape.y, shape.w, shape.h
        kind = shape.type
        if kind == "rectangle":
            _el("rect", group, x=x, y=y, width=w, height=h, rx=4.0, **self.paint(shape, "none"))
        elif kind == "ellipse":
            _el("ellipse", group, cx=x + w / 2, cy=y + h / 2, rx=w / 2, ry=h / 2,
                **self.paint(shape, "none"))
        elif kind == "diamond":
            pts = [(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)]
            _el("polygon", group, points=" ".join(f"{fmt(a)},{fmt(b)}" for a, b in pts),
                **self.paint(shape, "none"))
        elif kind == "note":
            fold = min(16.0, w / 4, h / 4)
            d = (f"M{fmt(x)},{fmt(y)} H{fmt(x + w - fold)} L{fmt(x + w)},{fmt(y + fold)} "
                 f"V{fmt(y + h)} H{fmt(x)} Z M{fmt(x + w - fold)},{fmt(y)} "
                 f"V{fmt(y + fold)} H{fmt(x + w)}")
            _el("path", group, d=d, **self.paint(shape, self.palette[4]))
        elif kind == "frame":
            self.frame(group, shape, defs)
            return
        elif kind in ("arrow", "line", "freehand"):
            self.stroke(group, shape)
            return
        if kind == "note":  # keep every line clear of the folded corner
            self.text(group, shape, (x, y, w - min(16.0, w / 4, h / 4), h), "start")
            return
        self.text(group, shape, (x, y, w, h), "start" if kind == "text" else "middle")

    def frame(self, group: ET.Element, shape: Shape, defs: ET.Element) -> None:
        x, y, w, h = shape.x, shape.y, shape.w, shape.h
        _el("rect", group, x=x, y=y, width=w, height=h, **self.paint(shape, self.palette[3]))
        if shape.text:
            size = float(shape.style.font_size)
            title = _el("text", group, x=x, y=y - size * 0.45, font_size=size,
                        fill=self.palette[2], font_family=CSS_FAMILY, font_weight="bold")
            title.text = shape.text
        clip_id = f"clip-{len(defs)}"
        clip = _el("clipPath", defs, id=clip_id)
        _el("rect", clip, x=x, y=y, width=w, height=h)
        inner = _el("g", group, clip_path=f"url(#{clip_id})")
        for child in self.children(shape.id):
            self.draw(inner, child, defs)

    def stroke(self, group: ET.Element, shape: Shape) -> None:
        pts = self.line_points(shape)
        if len(pts) < 2:
            return
        paint = self.paint(shape, "none")
        paint["fill"] = "none"
        d = _smooth(pts) if shape.type == "freehand" else "M" + " L".join(
            f"{fmt(a)},{fmt(b)}" for a, b in pts)
        _el("path", group, d=d, **paint)
        if shape.type == "arrow":
            (ax, ay), (bx, by) = pts[-2], pts[-1]
            angle = math.atan2(by - ay, bx - ax)
            size = 8 + shape.style.stroke_width * 2
            left = (bx - size * math.cos(angle - 0.45), by - size * math.sin(angle - 0.45))
            right = (bx - size * math.cos(angle + 0.45), by - size * math.sin(angle + 0.45))
            head = " ".join(f"{fmt(a)},{fmt(b)}" for a, b in (left, (bx, by), right))
            _el("polygon", group, points=head, fill=paint["stroke"], stroke=paint["stroke"],
                stroke_width=float(shape.style.stroke_width), stroke_linejoin="round")
        if shape.text:
            mx, my = pts[len(pts) // 2 - 1] if len(pts) > 2 else pts[0]
            nx, ny = pts[len(pts) // 2]
            size = float(shape.style.font_size)
            width = text_width(shape.text, size) + 8
            cx, cy = (mx + nx) / 2, (my + ny) / 2
            length = math.hypot(nx - mx, ny - my)
            head = 8 + shape.style.stroke_width * 2 if shape.type == "arrow" else 0.0
            if length < width + 2 * head + 8:
                # Too short to carry the label on it: put it beside the line, clear of the
                # line and its head (on the side of the normal that points up/left).
                ux, uy = ((-(ny - my) / length, (nx - mx) / length) if length else (0.0, -1.0))
                if uy > 0 or (uy == 0 and ux > 0):
                    ux, uy = -ux, -uy
                reach = abs(ux) * width / 2 + abs(uy) * size * 0.7 + shape.style.stroke_width + 4
                cx, cy = cx + ux * reach, cy + uy * reach
            box = (cx - width / 2, cy - size, width, size * 2)
            # A plate in the theme's fill colour keeps the label readable where the line crosses it.
            _el("rect", group, x=box[0], y=cy - size * 0.7, width=width, height=size * 1.4,
                rx=3.0, fill=self.palette[1], fill_opacity=0.9)
            self.text(group, shape, box, "middle")

    def children(self, parent_id: str | None) -> list[Shape]:
        return [s for s in self.shapes if s.parent_id == parent_id and parent_id]

    def top_level(self) -> list[Shape]:
        return [s for s in self.shapes
                if not s.parent_id or self.by_id.get(s.parent_id, None) is None
                or self.by_id[s.parent_id].type != "frame"]


def _smooth(points: list[tuple[float, float]]) -> str:
    """Catmull-Rom through the points, as cubic Béziers (freehand smoothing)."""
    if len(points) < 3:
        return "M" + " L".join(f"{fmt(a)},{fmt(b)}" for a, b in points)
    d = [f"M{fmt(points[0][0])},{fmt(points[0][1])}"]
    for i in range(len(points) - 1):
        p0 = points[i - 1] if i else points[i]
        p1, p2 = points[i], points[i + 1]
        p3 = points[i + 2] if i + 2 < len(points) else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d.append(f"C{fmt(c1[0])},{fmt(c1[1])} {fmt(c2[0])},{fmt(c2[1])} "
                 f"{fmt(p2[0])},{fmt(p2[1])}")
    return " ".join(d)


def canvas_svg(document: dict[str, Any], options: RenderOptions) -> str:
    shapes = parse_document(document)
    renderer = _Renderer(shapes, options.theme)
    x, y, w, h = renderer.bounds()
    root = _el("svg", None, viewBox=f"{fmt(x)} {fmt(y)} {fmt(w)} {fmt(h)}", width=w, height=h)
    defs = _el("defs", root)
    for shape in renderer.top_level():
        renderer.draw(root, shape, defs)
    grow_canvas(root)  # labels set beside short lines may reach past the shapes' bounds
    return ET.tostring(root, encoding="unicode")
