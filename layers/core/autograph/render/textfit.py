"""Where every label is drawn and whether it fits its box, measured with the fonts we
draw with (not the widths the layout engine assumed).

`labels(root)` lists each text line with its absolute box; `overflows(root)` pairs each
label with the smallest shape (node, edge-label plate, container) that holds its centre
and reports the labels that stick out of it, or out of the picture.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .fonts import text_width
from .geometry import BBox, Matrix, multiply, num, parse_transform, shape_box, tag, transform_box

TOLERANCE_PX = 2.0
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_DECL = re.compile(r"(font-size|font-weight|text-anchor|font-style)\s*:\s*([^;!}]+)", re.I)
_SKIP = {"defs", "marker", "style", "title", "desc", "clipPath", "mask", "pattern", "filter"}
# Shapes that are lines between things, not boxes around labels.
_EDGE_CLASSES = {"edge", "edgePath", "flowchart-link", "relation", "relationshipLine", "transition",
                 "arrow", "branch", "actor-line", "neo-line", "grid", "tick", "loopLine",
                 "autograph-background", "autograph-shadow",
                 # big shapes that labels sit on without belonging to them
                 "pieCircle", "pieOuterCircle", "exclude-range", "section", "quadrant"}
_EDGE_PREFIXES = ("messageLine", "edge-", "mindmap-edge", "section-edge", "loopLine")


@dataclass(frozen=True)
class Label:
    text: str
    box: BBox
    size: float
    bold: bool
    element: ET.Element = field(compare=False, repr=False)
    matrix: Matrix = field(compare=False, repr=False)
    anchor: str = "start"
    italic: bool = False


@dataclass(frozen=True)
class Shape:
    box: BBox
    name: str  # tag.firstclass
    element: ET.Element = field(compare=False, repr=False)
    matrix: Matrix = field(compare=False, repr=False)


@dataclass(frozen=True)
class Overflow:
    text: str
    by_px: float
    container: str  # tag.class of the box it sticks out of, or "canvas"
    label: Label = field(compare=False, repr=False)
    holder: Shape | None = field(compare=False, repr=False)


def _css_rules(root: ET.Element) -> dict[str, dict[str, str]]:
    """Declarations we care about, by class name (the last simple class in a selector)."""
    rules: dict[str, dict[str, str]] = {}
    for style in root.iter():
        if tag(style) != "style":
            continue
        for selectors, body in _RULE.findall(style.text or ""):
            decls = {k.lower(): v.strip() for k, v in _DECL.findall(body)}
            if not decls:
                continue
            for selector in selectors.split(","):
                last = selector.strip().split()[-1] if selector.strip() else ""
                key = last.rpartition(".")[2] if "." in last else ("*" if last.startswith("#") else "")
                if key and not any(ch in key for ch in ":[>"):
                    rules.setdefault(key, {}).update(decls)
    return rules


def _own_style(el: ET.Element, rules: dict[str, dict[str, str]]) -> dict[str, str]:
    style: dict[str, str] = {}
    for cls in (el.get("class") or "").split():
        style.update(rules.get(cls, {}))
    for key in ("font-size", "font-weight", "text-anchor", "font-style"):
        if el.get(key):
            style[key] = el.get(key, "")
    style.update({k.lower(): v.strip() for k, v in _DECL.findall(el.get("style") or "")})
    return style


def _size(value: str | None, inherited: float) -> float:
    match = re.match(r"\s*([\d.]+)\s*(px|em)?", value or "")
    if not match:
        return inherited
    number = float(match.group(1))
    return number * inherited if match.group(2) == "em" else number


def _bold(value: str) -> bool:
    value = value.strip().lower()
    return value in ("bold", "bolder") or (value.isdigit() and int(value) >= 600)


Segment = tuple[str, bool | None]  # text, bold (None: the text element's weight)


def _span_bold(span: ET.Element) -> bool | None:
    weight = span.get("font-weight") or ""
    match = re.search(r"font-weight\s*:\s*([^;]+)", span.get("style") or "")
    weight = match.group(1) if match else weight
    return _bold(weight) if weight else None


def _lines(text_el: ET.Element) -> list[tuple[list[Segment], float | None, float]]:
    """(segments, x or None, dy in em) per drawn line: tspans with x/dy start new lines."""
    spans = [c for c in text_el if tag(c) == "tspan"]
    if not spans or not any(s.get("x") is not None or s.get("dy") for s in spans):
        segments: list[Segment] = [(text_el.text or "", None)] if text_el.text else []
        for span in spans:
            segments.append(("".join(span.itertext()), _span_bold(span)))
            if span.tail:
                segments.append((span.tail, None))
        return [(segments, None, 0.0)] if "".join(t for t, _ in segments).strip() else []
    out: list[tuple[list[Segment], float | None, float]] = []
    lead = (text_el.text or "").strip()
    if lead:
        out.append(([(lead, None)], None, 0.0))
    for span in spans:
        content = "".join(span.itertext())
        dy_raw = span.get("dy") or "0"
        dy = float(dy_raw[:-2]) if dy_raw.endswith("em") else num(span, "dy") / 16.0
        x = span.get("x")
        if out and x is None and not span.get("dy"):
            out[-1][0].append((content, _span_bold(span)))
        elif content.strip():
            out.append(([(content, _span_bold(span))], num(span, "x") if x is not None else None, dy))
    return out


def labels(root: ET.Element) -> list[Label]:
    rules = _css_rules(root)
    found: list[Label] = []
    base = {"font-size": "16px", "font-weight": "normal", "text-anchor": "start"}
    base.update(rules.get("*", {}))

    def walk(el: ET.Element, matrix: Matrix, inherited: dict[str, str], size: float) -> None:
        name = tag(el)
        if name in _SKIP or el.get("clip-path"):  # clipped content is cut on purpose
            return
        style = dict(inherited)
        own = _own_style(el, rules)
        size = _size(own.get("font-size"), size)
        style.update(own)
        matrix = multiply(matrix, parse_transform(el.get("transform")))
        if name == "text":
            _text(el, matrix, style, size)
            return
        for child in el:
            walk(child, matrix, style, size)

    def _text(el: ET.Element, matrix: Matrix, style: dict[str, str], size: float) -> None:
        x0 = num(el, "x")
        y = num(el, "y")
        central = (el.get("dominant-baseline") or "") in ("central", "middle")
        bold = _bold(style.get("font-weight", "normal"))
        anchor = style.get("text-anchor", "start").strip()
        line_y = y
        for segments, x, dy in _lines(el):
            line_y += dy * size
            content = "".join(t for t, _ in segments).rstrip()
            width = sum(text_width(t, size, bold if b is None else b) for t, b in segments)
            width -= text_width(" ", size, bold) * (len("".join(t for t, _ in segments)) - len(content))
            left = x if x is not None else x0
            if anchor == "middle":
                left -= width / 2
            elif anchor == "end":
                left -= width
            mid = line_y if central else line_y - 0.35 * size
            box = (left, mid - 0.5 * size, left + width, mid + 0.5 * size)
            italic = style.get("font-style", "").strip().lower() in ("italic", "oblique")
            found.append(Label(content.strip(), transform_box(matrix, box), size, bold, el, matrix,
                               anchor, italic))

    walk(root, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), base, 16.0)
    return found


def boxes(root: ET.Element) -> list[Shape]:
    """Absolute boxes of every closed shape that can hold a label."""
    found: list[Shape] = []

    def walk(el: ET.Element, matrix: Matrix, edge: bool) -> None:
        name = tag(el)
        if name in _SKIP:
            return
        classes = el.get("class") or ""
        edge = edge or any(c in _EDGE_CLASSES or c.startswith(_EDGE_PREFIXES) for c in classes.split())
        matrix = multiply(matrix, parse_transform(el.get("transform")))
        if not edge:
            local = shape_box(el)
            if local is not None:
                kind = f"{name}.{classes.split()[0] if classes else ''}"
                found.append(Shape(transform_box(matrix, local), kind, el, matrix))
        for child in el:
            walk(child, matrix, edge)

    walk(root, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), False)
    return found


def _canvas(root: ET.Element) -> BBox | None:
    nums = [float(n) for n in re.findall(r"[-\d.e]+", root.get("viewBox") or "")]
    return (nums[0], nums[1], nums[0] + nums[2], nums[1] + nums[3]) if len(nums) == 4 else None


def holders(label: Label, shapes: list[Shape]) -> list[Shape]:
    """Shapes holding the label's centre that are big enough to be meant for it (a dot
    next to a name is not), smallest first: its node or plate, then its containers."""
    x0, y0, x1, y1 = label.box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    fits = [s for s in shapes if s.box[0] <= cx <= s.box[2] and s.box[1] <= cy <= s.box[3]
            and (s.box[3] - s.box[1]) >= 0.9 * (y1 - y0)
            and ((s.box[2] - s.box[0]) >= 0.6 * (x1 - x0) or (s.box[2] - s.box[0]) >= 3 * (y1 - y0))]
    return sorted(fits, key=lambda s: (s.box[2] - s.box[0]) * (s.box[3] - s.box[1]))


def holder(label: Label, shapes: list[Shape]) -> Shape | None:
    found = holders(label, shapes)
    return found[0] if found else None


def overflows(root: ET.Element, tolerance: float = TOLERANCE_PX, shapes: list[Shape] | None = None,
              found: list[Label] | None = None) -> list[Overflow]:
    shapes = boxes(root) if shapes is None else shapes
    canvas = _canvas(root)
    problems: list[Overflow] = []
    for label in labels(root) if found is None else found:
        x0, y0, x1, y1 = label.box
        worst = None
        for owner in holders(label, shapes):  # its own box first, then each container
            by = max(owner.box[0] - x0, x1 - owner.box[2])  # widths: heights are estimated
            if by > tolerance:
                worst = Overflow(label.text, round(by, 1), owner.name, label, owner)
                break
        if worst is not None:
            problems.append(worst)
            continue
        if canvas is not None:
            by = max(canvas[0] - x0, x1 - canvas[2], canvas[1] - y0, y1 - canvas[3])
            if by > tolerance:
                problems.append(Overflow(label.text, round(by, 1), "canvas", label, None))
    return problems
