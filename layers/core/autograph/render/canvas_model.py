"""Canvas document parsing: untrusted JSON -> validated Shape objects with defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .errors import RenderInputError, RenderLimitExceeded
from .options import MAX_NODES

SHAPE_TYPES = ("rectangle", "ellipse", "diamond", "text", "arrow", "line", "freehand",
               "frame", "note")
MAX_POINTS = 10_000
MAX_TEXT = 5_000
MAX_COORD = 1_000_000.0


@dataclass(frozen=True)
class Style:
    stroke: str | None = None
    fill: str | None = None
    stroke_width: float = 2.0
    dash: str = "solid"
    font_size: float = 16.0
    opacity: float = 1.0


@dataclass(frozen=True)
class Shape:
    id: str
    type: str
    x: float
    y: float
    w: float
    h: float
    rotation: float = 0.0
    style: Style = field(default_factory=Style)
    text: str = ""
    parent_id: str | None = None
    points: tuple[tuple[float, float], ...] = ()
    start: str | None = None
    end: str | None = None

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def corners(self) -> list[tuple[float, float]]:
        pts = [(self.x, self.y), (self.x + self.w, self.y), (self.x + self.w, self.y + self.h),
               (self.x, self.y + self.h)]
        if not self.rotation:
            return pts
        cx, cy = self.center
        a = math.radians(self.rotation)
        return [(cx + (px - cx) * math.cos(a) - (py - cy) * math.sin(a),
                 cy + (px - cx) * math.sin(a) + (py - cy) * math.cos(a)) for px, py in pts]


def _num(value: Any, name: str, default: float, low: float = -MAX_COORD,
         high: float = MAX_COORD) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RenderInputError(f"{name} must be a finite number")
    if not low <= value <= high:
        raise RenderInputError(f"{name} must be between {low:g} and {high:g}")
    return float(value)


def _str(value: Any, name: str, limit: int = 200) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise RenderInputError(f"{name} must be a string")
    text = str(value)
    if len(text) > limit:
        raise RenderInputError(f"{name} is longer than {limit} characters")
    return text


def _style(raw: Any, where: str) -> Style:
    if raw is None:
        return Style()
    if not isinstance(raw, dict):
        raise RenderInputError(f"{where}.style must be an object")
    dash = raw.get("dash") or "solid"
    if dash not in ("solid", "dashed", "dotted"):
        raise RenderInputError(f'{where}.style.dash must be "solid", "dashed" or "dotted"')
    return Style(
        stroke=_str(raw.get("stroke"), f"{where}.style.stroke", 40),
        fill=_str(raw.get("fill"), f"{where}.style.fill", 40),
        stroke_width=_num(raw.get("stroke_width"), f"{where}.style.stroke_width", 2.0, 0, 100),
        dash=dash,
        font_size=_num(raw.get("font_size"), f"{where}.style.font_size", 16.0, 1, 400),
        opacity=_num(raw.get("opacity"), f"{where}.style.opacity", 1.0, 0, 1),
    )


def _points(raw: Any, where: str, origin: tuple[float, float] | None) -> tuple:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_POINTS:
        raise RenderInputError(f"{where}.points must be a list of at most {MAX_POINTS} [x, y]")
    ox, oy = origin or (0.0, 0.0)
    out = []
    for point in raw:
        if not isinstance(point, list | tuple) or len(point) != 2:
            raise RenderInputError(f"{where}.points items must be [x, y]")
        out.append((ox + _num(point[0], f"{where}.points", 0), oy + _num(point[1], where, 0)))
    return tuple(out)


def _shape(raw: Any, index: int) -> Shape:
    where = f"shapes[{index}]"
    if not isinstance(raw, dict):
        raise RenderInputError(f"{where} must be an object")
    kind = raw.get("type")
    if kind not in SHAPE_TYPES:
        raise RenderInputError(f"{where}.type must be one of {', '.join(SHAPE_TYPES)}")
    has_origin = raw.get("x") is not None or raw.get("y") is not None
    x, y = _num(raw.get("x"), f"{where}.x", 0.0), _num(raw.get("y"), f"{where}.y", 0.0)
    lineal = kind in ("arrow", "line", "freehand")
    points = _points(raw.get("points"), where, (x, y) if has_origin else None)
    default_w = 0.0 if lineal else (200.0 if kind == "text" else 120.0)
    default_h = 0.0 if lineal else (40.0 if kind == "text" else 60.0)
    return Shape(
        id=_str(raw.get("id"), f"{where}.id") or f"s{index}",
        type=kind, x=x, y=y,
        w=_num(raw.get("w"), f"{where}.w", default_w, 0, MAX_COORD),
        h=_num(raw.get("h"), f"{where}.h", default_h, 0, MAX_COORD),
        rotation=_num(raw.get("rotation"), f"{where}.rotation", 0.0, -3600, 3600),
        style=_style(raw.get("style"), where),
        text=_str(raw.get("text"), f"{where}.text", MAX_TEXT) or "",
        parent_id=_str(raw.get("parent_id"), f"{where}.parent_id"),
        points=points,
        start=_str(raw.get("start"), f"{where}.start"),
        end=_str(raw.get("end"), f"{where}.end"),
    )


def parse_document(document: Any) -> list[Shape]:
    if not isinstance(document, dict) or not isinstance(document.get("shapes"), list):
        raise RenderInputError('canvas must be an object with a "shapes" list')
    raw = document["shapes"]
    if len(raw) > MAX_NODES:
        raise RenderLimitExceeded(f"{len(raw)} shapes, over the {MAX_NODES} limit")
    return [_shape(item, i) for i, item in enumerate(raw)]
