"""Edge-label plates that stay on their edge, inside their container and clear of each other.

merman centres an edge label on its edge with its own (narrower) text metrics, so once the
label is measured with the font we draw with, plates of parallel edges can touch or overlap
("submit" / "reject" between two states read as one label) and a label near a composite
state's border sticks out of it. Mermaid's layout leaves room for the real width; we cannot
re-run the layout, so we slide plates instead, within one rule: a plate always keeps
touching its own edge (or, when no edge is found, covering the point it was centred on).

1. A plate that sticks out of the smallest shape that holds it (a composite state, a
   concurrent region, a subgraph) slides back inside.
2. Plates that touch or overlap are pushed apart, across or along their edges, whichever
   moves them less.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from itertools import combinations, pairwise

from .geometry import BBox, Matrix, multiply, num, parse_transform, path_points, tag
from .svgpost import fmt
from .textfit import _EDGE_CLASSES, _EDGE_PREFIXES, _SKIP, Shape, boxes, labels

GAP_PX = 4.0  # the least space between two plates
INSET_PX = 2.0  # the least space between a plate and its container's border
PLATE_PAD_PX = 3.0  # text to plate border (fit.py widens plates by the same)
NEAR_EDGE_PX = 4.0  # a plate centred this close to a path belongs to that edge
_ROUNDS = 12

Point = tuple[float, float]


@dataclass
class Plate:
    rect: ET.Element
    texts: list[ET.Element]
    box: BBox  # absolute: the plate, grown to hold its text as drawn with our font
    anchor: Point  # absolute centre where the engine put it (on its edge)
    scale: tuple[float, float]  # ancestors' scale, to turn absolute moves into local ones
    container: BBox | None = None
    edge: list[Point] = field(default_factory=list)

    def moved(self, dx: float, dy: float) -> BBox:
        x0, y0, x1, y1 = self.box
        return x0 + dx, y0 + dy, x1 + dx, y1 + dy


def edge_lines(root: ET.Element) -> list[list[Point]]:
    """Absolute polylines (end and control points) of every edge path."""
    lines: list[list[Point]] = []

    def walk(el: ET.Element, matrix: Matrix, edge: bool) -> None:
        if tag(el) in _SKIP:
            return
        classes = (el.get("class") or "").split()
        edge = edge or any(c in _EDGE_CLASSES or c.startswith(_EDGE_PREFIXES) for c in classes)
        matrix = multiply(matrix, parse_transform(el.get("transform")))
        if edge and tag(el) in ("path", "line", "polyline"):
            if tag(el) == "line":
                pts = [(num(el, "x1"), num(el, "y1")), (num(el, "x2"), num(el, "y2"))]
            elif tag(el) == "polyline":
                values = [float(v) for v in (el.get("points") or "").replace(",", " ").split()]
                pts = list(zip(values[0::2], values[1::2], strict=False))
            else:
                pts = path_points(el.get("d") or "")
            a, b, c, d, e, f = matrix
            if len(pts) >= 2:
                lines.append([(a * x + c * y + e, b * x + d * y + f) for x, y in pts])
        for child in el:
            walk(child, matrix, edge)

    walk(root, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), False)
    return lines


def _distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return ((ax + t * dx - px) ** 2 + (ay + t * dy - py) ** 2) ** 0.5


def crosses(box: BBox, a: Point, b: Point) -> bool:
    """Whether segment a-b passes through the box (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return False
    return True


def _inside(inner: BBox, outer: BBox, inset: float) -> bool:
    return (inner[0] >= outer[0] + inset - 0.01 and inner[2] <= outer[2] - inset + 0.01
            and inner[1] >= outer[1] + inset - 0.01 and inner[3] <= outer[3] - inset + 0.01)


def _container(plate: BBox, rect: ET.Element, shapes: list[Shape]) -> BBox | None:
    """The smallest shape holding the plate's centre that is more than a plate itself."""
    cx, cy = (plate[0] + plate[2]) / 2, (plate[1] + plate[3]) / 2
    area = (plate[2] - plate[0]) * (plate[3] - plate[1])
    fits = [s.box for s in shapes if s.element is not rect
            and s.box[0] <= cx <= s.box[2] and s.box[1] <= cy <= s.box[3]
            and (s.box[2] - s.box[0]) * (s.box[3] - s.box[1]) > 2 * area
            and s.box[3] - s.box[1] > 1.5 * (plate[3] - plate[1])]
    return min(fits, key=lambda b: (b[2] - b[0]) * (b[3] - b[1])) if fits else None


def find_plates(root: ET.Element) -> list[Plate]:
    """Edge labels drawn on a plate: a group of one rect and its text lines."""
    shapes = boxes(root)
    by_rect = {id(s.element): s for s in shapes}
    by_text: dict[int, list] = {}
    for lab in labels(root):
        by_text.setdefault(id(lab.element), []).append(lab)
    lines = edge_lines(root)
    plates: list[Plate] = []
    for group in root.iter():
        if tag(group) != "g" or "merman-foreignobject-fallback" not in (group.get("class") or ""):
            continue
        rects = [c for c in group if tag(c) == "rect"]
        texts = [c for c in group if tag(c) == "text"]
        if len(rects) != 1 or not texts or len(rects) + len(texts) != len(group):
            continue
        shape = by_rect.get(id(rects[0]))
        drawn = [lab for t in texts for lab in by_text.get(id(t), [])]
        if shape is None or not drawn or shape.matrix[1] or shape.matrix[2]:
            continue  # rotated or skewed: leave it where the engine put it
        x0, y0, x1, y1 = shape.box
        for lab in drawn:
            x0, x1 = min(x0, lab.box[0] - PLATE_PAD_PX), max(x1, lab.box[2] + PLATE_PAD_PX)
        box = (x0, y0, x1, y1)
        anchor = ((shape.box[0] + shape.box[2]) / 2, (shape.box[1] + shape.box[3]) / 2)
        plate = Plate(rects[0], texts, box, anchor, (shape.matrix[0] or 1.0, shape.matrix[3] or 1.0),
                      _container(box, rects[0], shapes))
        near = [(min(_distance(anchor, a, b) for a, b in pairwise(line)), line)
                for line in lines]
        near = [item for item in near if item[0] <= NEAR_EDGE_PX]
        if near:
            plate.edge = min(near, key=lambda item: item[0])[1]
        plates.append(plate)
    return plates


def _move(plate: Plate, dx: float, dy: float) -> None:
    if not dx and not dy:
        return
    plate.box = plate.moved(dx, dy)
    lx, ly = dx / plate.scale[0], dy / plate.scale[1]
    for element in (plate.rect, *plate.texts):
        element.set("x", fmt(num(element, "x") + lx))
        element.set("y", fmt(num(element, "y") + ly))
        for span in element.iter():
            if span is not element and tag(span) == "tspan" and span.get("x") is not None:
                span.set("x", fmt(num(span, "x") + lx))


def _into_container(plate: Plate) -> None:
    outer = plate.container
    if outer is None or _inside(plate.box, outer, INSET_PX):
        return
    x0, y0, x1, y1 = plate.box
    dx = (outer[0] + INSET_PX - x0) if x0 < outer[0] + INSET_PX else min(0.0, outer[2] - INSET_PX - x1)
    dy = (outer[1] + INSET_PX - y0) if y0 < outer[1] + INSET_PX else min(0.0, outer[3] - INSET_PX - y1)
    for step in (1.0, 0.75, 0.5, 0.25):  # as far in as the plate can go and stay on its edge
        if _on_edge(plate, dx * step, dy * step):
            _move(plate, dx * step, dy * step)
            return


def _on_edge(plate: Plate, dx: float, dy: float) -> bool:
    box = plate.moved(dx, dy)
    if plate.edge:
        inner = (box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1)
        return any(crosses(inner, a, b) for a, b in pairwise(plate.edge))
    ax, ay = plate.anchor
    return box[0] < ax < box[2] and box[1] < ay < box[3]


def _fits(plate: Plate, dx: float, dy: float) -> bool:
    """A move keeps the plate on its edge and no further out of its container than now."""
    if not _on_edge(plate, dx, dy):
        return False
    outer = plate.container
    if outer is None:
        return True
    before, after = plate.box, plate.moved(dx, dy)
    return _outside(after, outer) <= _outside(before, outer) + 0.01


def _outside(box: BBox, outer: BBox) -> float:
    return max(0.0, outer[0] + INSET_PX - box[0], box[2] - outer[2] + INSET_PX,
               outer[1] + INSET_PX - box[1], box[3] - outer[3] + INSET_PX)


def _collide(a: BBox, b: BBox) -> tuple[float, float] | None:
    """How far the boxes would have to part on x and on y to leave GAP_PX between them."""
    ox = min(a[2], b[2]) - max(a[0], b[0]) + GAP_PX
    oy = min(a[3], b[3]) - max(a[1], b[1]) + GAP_PX
    return (ox, oy) if ox > 0.01 and oy > 0.01 else None


def _part(a: Plate, b: Plate) -> bool:
    need = _collide(a.box, b.box)
    if need is None:
        return False
    best: tuple[float, float, float, float, float] | None = None
    for axis, amount in enumerate(need):
        ca = (a.box[axis] + a.box[axis + 2]) / 2
        cb = (b.box[axis] + b.box[axis + 2]) / 2
        sign = -1.0 if ca <= cb else 1.0  # a moves away from b
        for share in (0.5, 1.0, 0.0):
            da, db = sign * amount * share, -sign * amount * (1 - share)
            ma = (da, 0.0) if axis == 0 else (0.0, da)
            mb = (db, 0.0) if axis == 0 else (0.0, db)
            if _fits(a, *ma) and _fits(b, *mb):
                cost = abs(da) + abs(db)
                if best is None or cost < best[0]:
                    best = (cost, *ma, *mb)
    if best is None:
        return False
    _move(a, best[1], best[2])
    _move(b, best[3], best[4])
    return True


def settle_plates(root: ET.Element) -> int:
    """Slide edge-label plates into their containers and apart (in place); returns how many
    moves were made."""
    plates = find_plates(root)
    moves = 0
    for plate in plates:
        before = plate.box
        _into_container(plate)
        moves += plate.box != before
    for _ in range(_ROUNDS):
        parted = sum(_part(a, b) for a, b in combinations(plates, 2))
        moves += parted
        if not parted:
            break
    return moves


def plate_boxes(root: ET.Element) -> list[BBox]:
    """Where each edge-label plate is (for tests and the fidelity report)."""
    return [p.box for p in find_plates(root)]
