"""Count nodes and edges in merman's SVG (its class names follow Mermaid's own)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

_NODE_CLASSES = {
    "g": {"node", "timeline-node"},
    "rect": {"actor-top", "task"},
    "circle": {"commit"},
    "path": {"pieCircle"},
}
_EDGE_CLASSES = {"flowchart-link", "relation", "relationshipLine", "transition", "edge", "arrow"}


def count(root: ET.Element) -> dict[str, int]:
    nodes = edges = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.rpartition("}")[2]
        classes = set((el.get("class") or "").split())
        if classes & _NODE_CLASSES.get(tag, set()):
            nodes += 1
        elif tag in ("path", "line") and (
            classes & _EDGE_CLASSES or any(c.startswith("messageLine") for c in classes)
        ):
            edges += 1
    return {"nodes": nodes, "edges": edges}
