"""Mermaid source -> sanitized, normalized SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from . import engine
from .align import left_align_members
from .budget import Budget
from .errors import InvalidDiagram, RenderLimitExceeded
from .fit import fit_labels
from .markdown import restore as restore_markdown
from .markers import fit_end_markers
from .options import MAX_NODES, MAX_SOURCE_BYTES, RenderOptions
from .sanitize import SVG_NS, parse_xml
from .stats import count
from .titles import paint_cluster_title_bars
from .validation import validate


def _drop_engine_background(root: ET.Element) -> None:
    """mermaid-rs-renderer paints an opaque white rect; background is our option's job."""
    first = root[0] if len(root) else None
    if (
        first is not None
        and first.tag == f"{{{SVG_NS}}}rect"
        and first.get("x") in ("0", None)
        and first.get("y") in ("0", None)
        and first.get("width") == root.get("width")
    ):
        root.remove(first)


def _drop_today_marker(root: ET.Element) -> None:
    """Gantt's "today" line depends on the wall clock: a render must be a function of its
    input (same bytes every time), so the marker is never drawn."""
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}g" and "today" in (child.get("class") or "").split():
                parent.remove(child)


_CLICK_DIAGRAMS = re.compile(r"^\s*(flowchart|graph|classDiagram)\b", re.M)
_CLICK_LINE = re.compile(r"^[ \t]*click[ \t]+\S+.*$", re.M)


_CLASS_DIAGRAM = re.compile(r"^\s*classDiagram", re.M)
_CLASS_NOTE = re.compile(r'^(\s*note\b[^"\n]*")([^"\n]*)(")', re.M)


def class_note_breaks(source: str) -> str:
    """`note "a\\nb"` in a class diagram: merman breaks the text at `\\n` but sizes the
    note for one line, so the lines spill out of it. `<br>` is broken and sized alike."""
    if "\\n" not in source or not _CLASS_DIAGRAM.search(source):
        return source
    return _CLASS_NOTE.sub(lambda m: m.group(1) + m.group(2).replace("\\n", "<br>") + m.group(3), source)


def strip_interactions(source: str) -> str:
    """Drop `click` lines. We never honour them (the sanitizer would remove the links and
    callbacks anyway), and the engine mis-places the label of a clickable node."""
    header = next((ln for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("%%")), "")
    if not _CLICK_DIAGRAMS.match(header):
        return source
    return _CLICK_LINE.sub("", source)


def mermaid_svg(source: str, options: RenderOptions, budget: Budget) -> tuple[str, str]:
    """(raw unsanitized engine SVG, engine that drew it); raises InvalidDiagram /
    RenderLimitExceeded."""
    size = len(source.encode("utf-8"))
    if size > MAX_SOURCE_BYTES:
        raise RenderLimitExceeded(f"source is {size} bytes, over the 100 KB limit")
    try:
        svg, backend = budget.run("layout", engine.render_svg,
                                     class_note_breaks(strip_interactions(source)), options.theme)
    except engine.EngineError:
        raise InvalidDiagram(validate(source)) from None
    root = parse_xml(svg)
    nodes = count(root)["nodes"]
    if nodes > MAX_NODES:
        raise RenderLimitExceeded(f"{nodes} nodes, over the {MAX_NODES} limit")
    if backend != engine.PRIMARY:
        _drop_engine_background(root)
    _drop_today_marker(root)
    restore_markdown(root, source)
    left_align_members(root, source)
    paint_cluster_title_bars(root)
    fit_end_markers(root)  # o--o / x--x on merman's short (40 px) rank gaps
    fit_labels(root)  # the engine measured text narrower than the font we draw with
    return ET.tostring(root, encoding="unicode"), backend
