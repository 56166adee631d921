"""validate(): Mermaid's grammar (merman) decides; we add the line, column and limits."""

from __future__ import annotations

import re
from typing import Any

from . import engine
from .budget import remaining_seconds
from .fonts import glyph_warning
from .frontmatter import parse, split
from .options import MAX_NODES, MAX_SOURCE_BYTES
from .sanitize import parse_xml
from .stats import count

DIAGRAM_TYPES = {
    "flowchart": "flowchart", "graph": "flowchart", "sequencediagram": "sequence",
    "classdiagram": "class", "classdiagram-v2": "class", "statediagram": "state",
    "statediagram-v2": "state", "erdiagram": "er", "gantt": "gantt", "gitgraph": "gitgraph",
    "mindmap": "mindmap", "timeline": "timeline", "pie": "pie", "journey": "journey",
    "quadrantchart": "quadrant", "requirementdiagram": "requirement", "sankey-beta": "sankey",
    "xychart-beta": "xychart", "block-beta": "block", "packet-beta": "packet",
    "kanban": "kanban", "architecture-beta": "architecture", "c4context": "c4",
}
_PREFIX = re.compile(r"^Diagram parse error \([^)]*\):\s*")
_QUOTED = re.compile(r"\(\"([^\"]+)\"\)|\"([^\"]+)\"|`([^`]+)`|:(\S+)$")
_PREFIX_SCAN_LIMIT = 400  # lines; beyond this, bisect instead of scanning every prefix


def _header(lines: list[str]) -> tuple[int, str] | None:
    """(0-based index, keyword) of the diagram header, skipping front matter and %% lines."""
    index, in_front = 0, False
    for index, line in enumerate(lines):
        text = line.strip()
        if index == 0 and text == "---":
            in_front = True
            continue
        if in_front:
            in_front = text != "---"
            continue
        if not text or text.startswith("%%"):
            continue
        return index, text.split()[0].split(":")[0].rstrip(";")
    return None


def _error(line: int | None, column: int | None, message: str) -> dict[str, Any]:
    return {"line": line, "column": column, "message": message}


def _result(dtype: str | None, errors: list, warnings: list, stats: dict,
            used: str | None = None) -> dict[str, Any]:
    return {"valid": not errors, "diagram_type": dtype, "errors": errors,
            "warnings": warnings, "stats": stats, "engine": used if not errors else None}


class _OutOfTime(Exception):
    """Locating the error line would overrun the validation's time budget."""


_LOCATE_RESERVE_S = 1.5  # stop bisecting with this much of the budget left; answer without a line


def _parses(lines: list[str], k: int) -> bool:
    if remaining_seconds(float("inf")) < _LOCATE_RESERVE_S:
        raise _OutOfTime
    # Only a parse error counts: a prefix the engine refuses as too large (a resource limit)
    # parsed fine, and scanning on past it cost ~0.3 s a line and blamed the wrong line.
    problem = engine.parse_check("\n".join(lines[:k]))
    return problem is None or not engine.is_parse_error(problem)


def _last_good_prefix(lines: list[str], header: int) -> int:
    """Largest k such that the first k lines parse (the error is on the line after)."""
    n = len(lines)
    if n <= _PREFIX_SCAN_LIMIT:
        for k in range(n - 1, header, -1):
            if _parses(lines, k):
                return k
        return header + 1
    low, high = header + 1, n - 1  # invariant-ish bisection for very long sources
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if _parses(lines, mid) else (low, mid - 1)
    return low


def _column(line: str, message: str) -> int:
    for match in _QUOTED.finditer(message):
        token = next(g for g in match.groups() if g)
        position = line.find(token)
        if position >= 0:
            return position + 1
    return len(line) - len(line.lstrip()) + 1


def _locate(lines: list[str], header: int, message: str) -> tuple[int | None, int | None]:
    try:
        k = _last_good_prefix(lines, header)
    except _OutOfTime:  # each prefix of a large graph costs a layout: keep the budget, drop the line
        return None, None
    index = min(k, len(lines) - 1)
    while index > header and not lines[index].strip():  # blame text, not blank lines
        index -= 1
    return index + 1, _column(lines[index], message)


def _warnings(source: str) -> list[str]:
    notes = []
    if re.search(r"^\s*click\s", source, re.MULTILINE):
        notes.append("click/href interactions are removed from exported images")
    front, _, _ = split(source)
    if front is not None and parse(front) is None:
        notes.append("the front matter (--- block) is not a YAML mapping: its settings may be "
                     "ignored, and our theme option cannot be merged into it")
    missing = glyph_warning(source)
    if missing:
        notes.append(missing)
    return notes


def validate(source: str) -> dict[str, Any]:
    empty_stats = {"nodes": 0, "edges": 0}
    if not isinstance(source, str):
        return _result(None, [_error(None, None, "source must be a string")], [], empty_stats)
    size = len(source.encode("utf-8"))
    if size > MAX_SOURCE_BYTES:
        message = f"source is {size} bytes, over the {MAX_SOURCE_BYTES // 1024} KB limit"
        return _result(None, [_error(None, None, message)], [], empty_stats)
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = _header(lines)
    if found is None:
        return _result(None, [_error(1, 1, "empty diagram source")], [], empty_stats)
    header, keyword = found
    dtype = DIAGRAM_TYPES.get(keyword.lower())
    if dtype is None:
        known = "flowchart, sequenceDiagram, classDiagram, stateDiagram, erDiagram, gantt, " \
                "gitGraph, mindmap, timeline, pie"
        message = f"unknown diagram type {keyword!r}; expected one of {known}, ..."
        return _result(None, [_error(header + 1, 1, message)], [], empty_stats)
    # The same input render() gives the engine (our config merged into the front matter).
    svg, problem = engine.try_render(engine.themed_source(source, "default"))
    notes = _warnings(source)
    used: str | None = engine.PRIMARY
    if problem is not None and not engine.is_parse_error(problem):
        svg, second = engine.try_render(source, engine.SECONDARY)
        if second is None:  # render() will fall back to the second engine too
            notes.append(f"the main engine (merman) cannot draw this diagram ({problem}); the simpler "
                         "fallback engine (mermaid-rs-renderer) draws it, and may leave out titles, "
                         "notes, markers or styling")
            problem, used = None, engine.SECONDARY
    if problem is not None:
        line, column = _locate(lines, header, problem)
        return _result(dtype, [_error(line, column, _PREFIX.sub("", problem))], [], empty_stats)
    stats = count(parse_xml(svg)) if svg else empty_stats
    errors = []
    if stats["nodes"] > MAX_NODES:
        errors.append(_error(None, None, f"{stats['nodes']} nodes, over the {MAX_NODES} limit"))
    return _result(dtype, errors, notes, stats, used)
