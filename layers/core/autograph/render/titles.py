"""Composite-state titles that can be read.

`classDef bad fill:#f00,color:white` on a composite state paints its body red and its title
white, but the title sits on the frame's title bar, which keeps the theme's pale fill
(`.bad>*` reaches the body rect, not the rect wrapped in the frame's group): white on pale
lilac, unreadable. Mermaid itself draws it that way; a user who asked for white text on red
means the title too, so the title bar takes the class's fill.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .geometry import tag


def _class_fills(root: ET.Element) -> dict[str, str]:
    """fill of each `.name>*` rule (how Mermaid writes a classDef) by class name."""
    css = "".join(style.text or "" for style in root.iter() if tag(style) == "style")
    fills: dict[str, str] = {}
    for name, body in re.findall(r"\.([\w-]+)\s*(?:>|&gt;)\s*\*\s*\{([^}]*)\}", css):
        match = re.search(r"(?:^|;)\s*fill\s*:\s*([^;!]+)", body)
        if match:
            fills[name] = match.group(1).strip()
    return fills


def paint_cluster_title_bars(root: ET.Element) -> int:
    """Give each classDef-styled composite state's title bar its body's fill; returns how
    many were painted."""
    fills = _class_fills(root)
    painted = 0
    if not fills:
        return painted
    for group in root.iter():
        classes = (group.get("class") or "").split()
        if tag(group) != "g" or "statediagram-cluster" not in classes:
            continue
        fill = next((fills[c] for c in classes if c in fills), None)
        outer = next((el for el in group.iter() if tag(el) == "rect"
                      and "outer" in (el.get("class") or "").split()), None)
        if fill is None or outer is None:
            continue
        style = (outer.get("style") or "").strip().rstrip(";")
        outer.set("style", f"{style};fill:{fill}" if style else f"fill:{fill}")
        painted += 1
    return painted
