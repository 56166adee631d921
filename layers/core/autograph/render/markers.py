"""End markers that fit their edge.

merman separates ranks by 40 px where Mermaid leaves 50, so on a short edge with a marker at
each end (`A o--o B`, `C x--x D`) the two markers nearly touch: Mermaid's circle markers take
~17 px of each end. We cannot lengthen the edge (the layout is the engine's); we draw both
markers of such an edge smaller, just enough to leave a visible stretch of line between them
(never below 60 %), using a scaled copy of each marker so other edges keep the full size.
"""

from __future__ import annotations

import copy as copy_module
import math
import re
import xml.etree.ElementTree as ET

from .geometry import num, path_points, tag
from .sanitize import SVG_NS
from .svgpost import fmt

MIN_GAP_PX = 12.0  # line visible between the two markers
MIN_SCALE = 0.6
_URL = re.compile(r"url\(#([^)]+)\)")


def _extent(marker: ET.Element, at_start: bool) -> float:
    """How far along the edge the marker reaches from its end point (user units)."""
    box = [float(v) for v in (marker.get("viewBox") or "").replace(",", " ").split()]
    width = box[2] if len(box) == 4 else num(marker, "markerWidth", 3.0)
    scale = num(marker, "markerWidth", 3.0) / width if width else 1.0
    ref = num(marker, "refX")
    return (width - ref) * scale if at_start else ref * scale


def _scaled(marker: ET.Element, factor: float, parent: ET.Element, made: dict[str, str]) -> str:
    """Id of a copy of `marker` drawn `factor` times as large (made once per size)."""
    new_id = f"{marker.get('id')}-s{round(factor * 100)}"
    if new_id not in made:
        copy = copy_module.deepcopy(marker)
        copy.set("id", new_id)
        for attr in ("markerWidth", "markerHeight"):
            copy.set(attr, fmt(num(marker, attr, 3.0) * factor))
        parent.append(copy)
        made[new_id] = new_id
    return new_id


def fit_end_markers(root: ET.Element) -> int:
    """Shrink the markers of edges too short for both; returns how many edges changed."""
    markers: dict[str, tuple[ET.Element, ET.Element]] = {}
    for parent in root.iter():
        for child in parent:
            if tag(child) == "marker" and child.get("id"):
                markers[child.get("id", "")] = (child, parent)
    made: dict[str, str] = {}
    changed = 0
    for path in root.iter(f"{{{SVG_NS}}}path"):
        start = _URL.search(path.get("marker-start") or "")
        end = _URL.search(path.get("marker-end") or "")
        if not start or not end or start.group(1) not in markers or end.group(1) not in markers:
            continue
        points = path_points(path.get("d") or "")
        if len(points) < 2:
            continue
        length = math.dist(points[0], points[-1])
        start_marker, start_parent = markers[start.group(1)]
        end_marker, end_parent = markers[end.group(1)]
        taken = _extent(start_marker, True) + _extent(end_marker, False)
        if taken <= 0 or taken + MIN_GAP_PX <= length:
            continue
        factor = max(MIN_SCALE, (length - MIN_GAP_PX) / taken)
        if factor >= 0.99:
            continue
        path.set("marker-start", f"url(#{_scaled(start_marker, factor, start_parent, made)})")
        path.set("marker-end", f"url(#{_scaled(end_marker, factor, end_parent, made)})")
        changed += 1
    return changed
