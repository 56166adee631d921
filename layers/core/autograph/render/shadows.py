"""Hard drop shadows as shapes instead of filters.

Mermaid's themes give nodes a drop shadow through `<filter><feDropShadow stdDeviation="0">`:
an unblurred copy, offset and tinted. Rasterizing the filter is most of a PNG's cost
(offscreen buffers per element) and svglib drops filters from the PDF. An unblurred shadow
is exactly a tinted copy of the shape behind it, so we draw that copy: same look in the
PNG, the shadow also in the PDF, and a much cheaper raster.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

from .geometry import tag

_URL = re.compile(r"url\(#([^)]+)\)")
_PAINTED = {"rect", "circle", "ellipse", "line", "polyline", "polygon", "path", "text", "tspan"}


def _hard_shadows(root: ET.Element) -> dict[str, tuple[float, float, str, float]]:
    """filter id -> (dx, dy, colour, opacity) for filters that are one unblurred shadow."""
    found: dict[str, tuple[float, float, str, float]] = {}
    for flt in root.iter():
        if tag(flt) != "filter" or not flt.get("id"):
            continue
        steps = [c for c in flt if isinstance(c.tag, str)]
        if len(steps) != 1 or tag(steps[0]) != "feDropShadow":
            continue
        shadow = steps[0]
        try:
            blur = float(shadow.get("stdDeviation", "2").split()[0])
            dx, dy = float(shadow.get("dx", "2")), float(shadow.get("dy", "2"))
            opacity = float(shadow.get("flood-opacity", "1"))
        except ValueError:
            continue
        if blur == 0:
            found[flt.get("id", "")] = (dx, dy, shadow.get("flood-color", "#000000"), opacity)
    return found


def _filter_ref(el: ET.Element) -> str | None:
    match = _URL.search(el.get("filter") or "")
    if match:
        return match.group(1)
    style = re.search(r"filter\s*:\s*url\(#([^)]+)\)", el.get("style") or "")
    return style.group(1) if style else None


def _tint(el: ET.Element, colour: str) -> None:
    for node in el.iter():
        node.attrib.pop("id", None)
        node.attrib.pop("filter", None)
        if tag(node) not in _PAINTED:
            continue
        style = re.sub(r"(?:^|;)\s*(fill|stroke|filter)\s*:[^;]*", "", node.get("style") or "")
        fill = "none" if node.get("fill") == "none" or "fill:none" in (node.get("style") or "") else colour
        stroke = "none" if node.get("stroke") in (None, "none") and tag(node) not in ("line", "polyline") \
            else colour
        node.set("style", f"{style.strip(';')};fill:{fill};stroke:{stroke}".lstrip(";"))


def flatten_shadows(root: ET.Element) -> int:
    """Replace references to unblurred drop-shadow filters by tinted copies; returns count."""
    shadows = _hard_shadows(root)
    if not shadows:
        return 0
    parents = {child: parent for parent in root.iter() for child in parent}
    done = 0
    for el in list(root.iter()):
        ref = _filter_ref(el)
        if ref not in shadows or el not in parents:
            continue
        dx, dy, colour, opacity = shadows[ref]
        clone = copy.deepcopy(el)
        _tint(clone, colour)
        clone.set("transform", f"{el.get('transform', '')} translate({dx:g},{dy:g})".strip())
        group = ET.Element(el.tag.replace(tag(el), "g"), {"opacity": f"{opacity:g}",
                                                         "class": "autograph-shadow"})
        group.append(clone)
        parent = parents[el]
        parent.insert(list(parent).index(el), group)
        el.attrib.pop("filter", None)
        if el.get("style"):
            el.set("style", re.sub(r"filter\s*:\s*url\([^)]*\)\s*;?", "", el.get("style", "")))
        done += 1
    return done
