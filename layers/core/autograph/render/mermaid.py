"""Mermaid source -> sanitized, normalized SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from . import engine
from .budget import Budget
from .errors import InvalidDiagram, RenderLimitExceeded
from .options import MAX_NODES, MAX_SOURCE_BYTES, RenderOptions
from .sanitize import SVG_NS, parse_xml
from .stats import count


def _drop_engine_background(svg: str) -> str:
    """mermaid-rs-renderer paints an opaque white rect; background is our option's job."""
    root = parse_xml(svg)
    first = root[0] if len(root) else None
    if (
        first is not None
        and first.tag == f"{{{SVG_NS}}}rect"
        and first.get("x") in ("0", None)
        and first.get("y") in ("0", None)
        and first.get("width") == root.get("width")
    ):
        root.remove(first)
    return ET.tostring(root, encoding="unicode")


_CLICK_DIAGRAMS = re.compile(r"^\s*(flowchart|graph|classDiagram)\b", re.M)
_CLICK_LINE = re.compile(r"^[ \t]*click[ \t]+\S+.*$", re.M)


def strip_interactions(source: str) -> str:
    """Drop `click` lines. We never honour them (the sanitizer would remove the links and
    callbacks anyway), and the engine mis-places the label of a clickable node."""
    header = next((ln for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("%%")), "")
    if not _CLICK_DIAGRAMS.match(header):
        return source
    return _CLICK_LINE.sub("", source)


def mermaid_svg(source: str, options: RenderOptions, budget: Budget) -> str:
    """Raw (unsanitized) engine SVG; raises InvalidDiagram / RenderLimitExceeded."""
    from .validation import validate

    size = len(source.encode("utf-8"))
    if size > MAX_SOURCE_BYTES:
        raise RenderLimitExceeded(f"source is {size} bytes, over the 100 KB limit")
    try:
        svg, backend = budget.run("layout", engine.render_svg, strip_interactions(source), options.theme)
    except engine.EngineError:
        raise InvalidDiagram(validate(source)) from None
    root = parse_xml(svg)
    nodes = count(root)["nodes"]
    if nodes > MAX_NODES:
        raise RenderLimitExceeded(f"{nodes} nodes, over the {MAX_NODES} limit")
    if backend != engine.PRIMARY:
        svg = _drop_engine_background(svg)
    return svg
