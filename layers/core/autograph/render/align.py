"""Class diagram members left-aligned, as Mermaid draws them.

merman centres each attribute/method line on its own measured width, so lines of
different length start at different x ("ragged"). Mermaid starts them all at the left
edge of the members block; we move each line to its block's left edge.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .fonts import text_width
from .geometry import IDENTITY, Matrix, apply, multiply, parse_transform, shape_box, tag, transform_box
from .svgpost import fmt

_BLOCKS = ("members-group", "methods-group")
_ANCHOR = re.compile(r"text-anchor\s*:\s*[^;]+;?")


def _blocks(root: ET.Element) -> list[tuple[tuple[float, float, float, float], float, str]]:
    """(node box, left x of the block, block class) for every class node's member blocks."""
    found: list[tuple[tuple[float, float, float, float], float, str]] = []

    def walk(el: ET.Element, matrix: Matrix) -> None:
        matrix = multiply(matrix, parse_transform(el.get("transform")))
        classes = (el.get("class") or "").split()
        if tag(el) == "g" and "node" in classes:
            boxes = []
            for child in el.iter():
                box = shape_box(child)
                if box is not None and tag(child) in ("rect", "path", "polygon"):
                    boxes.append(transform_box(matrix, box))
            if boxes:
                node_box = max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
                for child in el:
                    child_classes = (child.get("class") or "").split()
                    for block in _BLOCKS:
                        if block in child_classes:
                            left, _ = apply(multiply(matrix, parse_transform(child.get("transform"))), 0, 0)
                            found.append((node_box, left, block))
            return
        for child in el:
            walk(child, matrix)

    walk(root, IDENTITY)
    return found


_STATIC_METHOD = re.compile(r"^\s*([^\s(][^(]*\([^)]*\))\$\s*(.*?)\s*$")
_STATIC_FIELD = re.compile(r"^\s*([^(){}]+?)\$\s*$")


def static_members(source: str) -> set[str]:
    """How merman prints the static (`$`) members of a class diagram source."""
    found: set[str] = set()
    for line in source.splitlines():
        member = line.split(":", 1)[1] if re.match(r"^\s*\w+\s*:", line) else line
        if "$" not in member:
            continue
        method = _STATIC_METHOD.match(member)
        if method:
            found.add(f"{method.group(1)} : {method.group(2)}" if method.group(2) else method.group(1))
            continue
        field = _STATIC_FIELD.match(member)
        if field:
            found.add(field.group(1).strip())
    return found


def _underline(parent: ET.Element, text: ET.Element, x: float, y: float) -> None:
    """Static members are underlined in Mermaid; a line (not text-decoration, which the
    PDF converter ignores) draws it the same in every format."""
    size = float((re.search(r"font-size\s*:\s*([\d.]+)", text.get("style") or "") or [0, 16])[1])
    width = text_width((text.text or "").rstrip(), size)
    below = y + 0.55 * size if text.get("dominant-baseline") in ("central", "middle") else y + 0.15 * size
    line = ET.SubElement(parent, text.tag.replace("text", "line"), {
        "x1": fmt(x), "x2": fmt(x + width), "y1": fmt(below), "y2": fmt(below),
        "stroke": text.get("fill") or "#333333", "stroke-width": "1", "class": "autograph-underline"})
    line.tail = None


def left_align_members(root: ET.Element, source: str = "") -> int:
    if not any(b in (el.get("data-merman-source-classes") or "") for el in root.iter() for b in _BLOCKS):
        return 0  # not a class diagram: skip the geometry
    blocks = _blocks(root)
    if not blocks:
        return 0
    moved = 0
    statics = static_members(source) if "$" in source else set()
    parents = {child: parent for parent in root.iter() for child in parent} if statics else {}
    for el in list(root.iter()):
        if tag(el) != "text":
            continue
        source = el.get("data-merman-source-classes") or ""
        block = next((b for b in _BLOCKS if b in source.split()), None)
        if block is None:
            continue
        x, y = float(el.get("x", "0") or 0), float(el.get("y", "0") or 0)
        owner = [b for b in blocks if b[2] == block and b[0][0] <= x <= b[0][2] and b[0][1] <= y <= b[0][3]]
        if not owner:
            continue
        el.set("x", fmt(owner[0][1]))
        style = _ANCHOR.sub("", el.get("style") or "").strip().rstrip(";")
        el.set("style", f"{style};text-anchor:start" if style else "text-anchor:start")
        el.attrib.pop("text-anchor", None)
        if (el.text or "").strip() in statics and el in parents:
            _underline(parents[el], el, owner[0][1], y)
        moved += 1
    return moved
