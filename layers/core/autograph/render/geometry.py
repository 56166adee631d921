"""Small SVG geometry helpers: transforms as affine matrices, bounding boxes of shapes.

Used by the text-fit check and the label fitter (which need where a label and its box
really are, after every ancestor transform)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f (SVG order)
BBox = tuple[float, float, float, float]  # x0 y0 x1 y1

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_FUNC = re.compile(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)")
_PATH_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


def tag(el: ET.Element) -> str:
    return el.tag.rpartition("}")[2] if isinstance(el.tag, str) else ""


def multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
            a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def parse_transform(value: str | None) -> Matrix:
    m = IDENTITY
    for name, raw in _FUNC.findall(value or ""):
        v = [float(n) for n in _NUM.findall(raw)]
        if name == "matrix" and len(v) == 6:
            step: Matrix = (v[0], v[1], v[2], v[3], v[4], v[5])
        elif name == "translate" and v:
            step = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale" and v:
            step = (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0)
        elif name == "rotate" and v:
            r = math.radians(v[0])
            step = (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0, 0)
            if len(v) == 3:
                step = multiply(multiply((1, 0, 0, 1, v[1], v[2]), step), (1, 0, 0, 1, -v[1], -v[2]))
        elif name in ("skewX", "skewY") and v:
            t = math.tan(math.radians(v[0]))
            step = (1, 0, t, 1, 0, 0) if name == "skewX" else (1, t, 0, 1, 0, 0)
        else:
            continue
        m = multiply(m, step)
    return m


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def transform_box(m: Matrix, box: BBox) -> BBox:
    x0, y0, x1, y1 = box
    pts = [apply(m, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def num(el: ET.Element, name: str, default: float = 0.0) -> float:
    match = _NUM.match((el.get(name) or "").strip())
    return float(match.group(0)) if match else default


_PAIRED_ONLY = re.compile(r"^[\sMLCQTSZ\d.,eE+-]*$")  # absolute commands with x,y pairs only


def path_points(d: str) -> list[tuple[float, float]]:
    """End and control points of a path (enough for a bounding box of node shapes)."""
    if d and _PAIRED_ONLY.match(d):  # the common case in engine output: no parsing needed
        nums = [float(n) for n in _NUM.findall(d)]
        return list(zip(nums[0::2], nums[1::2], strict=False))
    tokens = _PATH_TOKEN.findall(d or "")
    points: list[tuple[float, float]] = []
    x = y = sx = sy = 0.0
    cmd = ""
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "Zz":
                x, y = sx, sy
                continue
        if not cmd:
            break
        arity = _ARITY[cmd.lower()]
        args = [float(t) for t in tokens[i:i + arity]]
        if len(args) < arity or any(isinstance(t, str) and t.isalpha() for t in tokens[i:i + arity]):
            break
        i += arity
        rel = cmd.islower()
        low = cmd.lower()
        if low == "h":
            x = x + args[0] if rel else args[0]
        elif low == "v":
            y = y + args[0] if rel else args[0]
        elif low == "a":
            x, y = (x + args[5], y + args[6]) if rel else (args[5], args[6])
        else:
            pairs = list(zip(args[0::2], args[1::2], strict=False))
            for px, py in pairs[:-1]:
                points.append((x + px, y + py) if rel else (px, py))
            px, py = pairs[-1]
            x, y = (x + px, y + py) if rel else (px, py)
        points.append((x, y))
        if low == "m":
            sx, sy = x, y
            cmd = "l" if rel else "L"
    return points


def shape_box(el: ET.Element) -> BBox | None:
    """Local bounding box of a rect/circle/ellipse/polygon/path, or None."""
    name = tag(el)
    if name == "rect":
        x, y, w, h = num(el, "x"), num(el, "y"), num(el, "width"), num(el, "height")
        return (x, y, x + w, y + h) if w > 0 and h > 0 else None
    if name in ("circle", "ellipse"):
        cx, cy = num(el, "cx"), num(el, "cy")
        rx = num(el, "r") if name == "circle" else num(el, "rx")
        ry = num(el, "r") if name == "circle" else num(el, "ry")
        return (cx - rx, cy - ry, cx + rx, cy + ry) if rx > 0 and ry > 0 else None
    if name in ("polygon", "path"):
        if name == "polygon":
            nums = [float(n) for n in _NUM.findall(el.get("points", ""))]
            pts = list(zip(nums[0::2], nums[1::2], strict=False))
        else:
            pts = path_points(el.get("d", ""))
        if len(pts) < 3:
            return None
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        box = (min(xs), min(ys), max(xs), max(ys))
        return box if box[2] - box[0] > 1 and box[3] - box[1] > 1 else None
    return None
