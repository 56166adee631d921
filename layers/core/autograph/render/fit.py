"""Fit labels to the space the layout gave them.

The engine lays out with its own text metrics (narrower than Liberation Sans, the font we
draw with), so after layout some labels stick out of their boxes. We measure every label
with our font (textfit.py) and repair what does not fit:

* edge-label plates slide into their container and apart from each other, staying on
  their edge (plates.py);
* an edge-label plate (a rect hugging one label) is widened around its label;
* a label in a node or container is drawn smaller, just enough to fit (never below 70 %);
* the picture (viewBox) grows to include every label, so nothing is cut at the edges.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from itertools import pairwise

from .fonts import text_width
from .geometry import num, parse_transform, tag
from .plates import settle_plates
from .svgpost import fmt
from .textfit import Overflow, boxes, holder, holders, labels, overflows

PLATE_PAD_PX = 3.0
INNER_PAD_PX = 2.0
MIN_SCALE = 0.7
_FONT_SIZE = re.compile(r"font-size\s*:\s*[^;]+;?", re.I)


def _is_plate(problem: Overflow, others: int) -> bool:
    owner = problem.holder
    if owner is None or owner.element.tag.rpartition("}")[2] != "rect" or others > 1:
        return False
    height = owner.box[3] - owner.box[1]
    return height <= 1.9 * (problem.label.box[3] - problem.label.box[1])


def _widen(problem: Overflow) -> None:
    owner = problem.holder
    assert owner is not None
    rect = owner.element
    x0, _, x1, _ = problem.label.box
    left = min(owner.box[0], x0 - PLATE_PAD_PX)
    right = max(owner.box[2], x1 + PLATE_PAD_PX)
    scale = owner.matrix[0] or 1.0
    grow_left = (owner.box[0] - left) / scale
    grow_right = (right - owner.box[2]) / scale
    rect.set("x", fmt(num(rect, "x") - grow_left))
    rect.set("width", fmt(num(rect, "width") + grow_left + grow_right))


def _shrink(element: ET.Element, size: float) -> None:
    style = _FONT_SIZE.sub("", element.get("style") or "").strip().rstrip(";")
    element.set("style", f"{style};font-size:{fmt(size)}px" if style else f"font-size:{fmt(size)}px")
    element.attrib.pop("font-size", None)


def grow_canvas(root: ET.Element, found: list | None = None) -> None:
    """Grow the viewBox to hold every label (`found`: labels(root), if already measured)."""
    nums = [float(n) for n in re.findall(r"[-\d.e]+", root.get("viewBox") or "")]
    found = labels(root) if found is None else found
    if len(nums) != 4 or not found:
        return
    x0, y0, x1, y1 = nums[0], nums[1], nums[0] + nums[2], nums[1] + nums[3]
    lx0 = min(lab.box[0] for lab in found) - INNER_PAD_PX
    ly0 = min(lab.box[1] for lab in found) - INNER_PAD_PX
    lx1 = max(lab.box[2] for lab in found) + INNER_PAD_PX
    ly1 = max(lab.box[3] for lab in found) + INNER_PAD_PX
    if lx0 < x0 or ly0 < y0 or lx1 > x1 or ly1 > y1:
        x0, y0, x1, y1 = min(x0, lx0), min(y0, ly0), max(x1, lx1), max(y1, ly1)
        root.set("viewBox", " ".join(fmt(v) for v in (x0, y0, x1 - x0, y1 - y0)))


def _room(problem: Overflow) -> float:
    """Width the label may take in its box, keeping the point it is anchored at."""
    owner = problem.holder
    assert owner is not None
    bx0, _, bx1, _ = owner.box
    x0, _, x1, _ = problem.label.box
    style = (problem.label.element.get("style") or "") + " " + (problem.label.element.get("text-anchor") or "")
    if "start" in style:
        return bx1 - INNER_PAD_PX - x0
    if "end" in style:
        return x1 - bx0 - INNER_PAD_PX
    centre = (x0 + x1) / 2
    return 2 * (min(centre - bx0, bx1 - centre) - INNER_PAD_PX)


def thin_axis_labels(root: ET.Element) -> int:
    """Axis tick labels (Gantt dates) that would overprint each other: keep every k-th one,
    as d3 would choose fewer ticks for a narrower axis; the tick lines all stay."""
    removed = 0
    for axis in root.iter():
        ticks = [g for g in axis if g.tag.endswith("}g") and "tick" in (g.get("class") or "").split()]
        if len(ticks) < 3:
            continue
        texts = []
        for g in ticks:
            text = next((c for c in g if c.tag.endswith("}text") and (c.text or "").strip()), None)
            if text is not None:
                texts.append((parse_transform(g.get("transform"))[4], text))
        if len(texts) < 3:
            continue
        size = _font_px(texts[0][1], 10.0)
        widest = max(text_width((t.text or "").strip(), size) for _, t in texts) + 4
        spacing = min(abs(b[0] - a[0]) for a, b in pairwise(texts)) or widest
        step = math.ceil(widest / spacing)
        if step <= 1:
            continue
        for index, (_, text) in enumerate(texts):
            if index % step:
                text.text = ""
                removed += 1
    return removed


def _font_px(el: ET.Element, default: float) -> float:
    match = re.search(r"font-size\s*:\s*([\d.]+)", el.get("style") or "")
    raw = match.group(1) if match else el.get("font-size")
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


def fit_labels(root: ET.Element) -> int:
    """Repair labels that do not fit (in place); returns how many were repaired."""
    thin_axis_labels(root)
    # First move plates to where their real width fits: shrinking is the last resort.
    repaired = settle_plates(root)
    found: list | None = None
    # Round 1 widens plates and shrinks text in nodes; a widened plate can reveal that the
    # label sticks out of its container, which round 2 shrinks and moves.
    for _round in range(2):
        shapes, found = boxes(root), labels(root)
        problems = [p for p in overflows(root, 0.5, shapes, found) if p.holder is not None]
        if not problems:
            break
        repaired += len(problems)
        found = None
        held: dict[int, int] = {}  # shape element id -> how many labels it holds
        for lab in labels(root):
            owner = holder(lab, shapes)
            if owner is not None:
                held[id(owner.element)] = held.get(id(owner.element), 0) + 1
        scales: dict[int, tuple[ET.Element, float, float]] = {}
        for problem in problems:
            owner = problem.holder
            assert owner is not None
            if _is_plate(problem, held.get(id(owner.element), 0)):
                _widen(problem)
                continue
            x0, _, x1, _ = problem.label.box
            needed = x1 - x0
            scale = max(MIN_SCALE, min(1.0, _room(problem) / needed)) if needed > 0 else 1.0
            key = id(problem.label.element)
            current = scales.get(key)
            if current is None or scale < current[2]:
                scales[key] = (problem.label.element, problem.label.size, scale)
        for element, size, scale in scales.values():
            _shrink(element, size * scale)
        if scales:
            _refit_plates(root, set(scales))
    grow_canvas(root, found)
    return repaired


def _refit_plates(root: ET.Element, shrunk: set[int]) -> None:
    """A plate widened for a label that was then drawn smaller hugs the smaller label again."""
    shapes = boxes(root)
    for label in labels(root):
        if id(label.element) not in shrunk:
            continue
        own = holders(label, shapes)
        plate = own[0] if own else None
        if plate is None or tag(plate.element) != "rect" or \
                plate.box[3] - plate.box[1] > 1.9 * (label.box[3] - label.box[1]) / MIN_SCALE:
            continue  # (the label is smaller now: compare with the size it had)
        scale = plate.matrix[0] or 1.0
        left = (label.box[0] - PLATE_PAD_PX - plate.matrix[4]) / scale
        width = (label.box[2] - label.box[0] + 2 * PLATE_PAD_PX) / scale
        if width < num(plate.element, "width"):
            plate.element.set("x", fmt(left))
            plate.element.set("width", fmt(width))
