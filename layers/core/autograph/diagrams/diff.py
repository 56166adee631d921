"""Structured diffs between two contents.

- Text (mermaid, note): difflib opcodes on lines -> added lines, removed lines, and changed runs
  (`replace` blocks, before/after).
- Flowcharts (`flowchart`/`graph` headers): nodes and edges extracted with a small regex parser
  (ids with an optional bracketed label; edges `-->`, `---`, `-.->`, `==>`, with optional `|label|`
  or `-- label -->` text; chains `A --> B --> C`). Edges are reported as "A-->B".
- Canvas: shape ids added/removed, and for shapes in both, the changed top-level fields with
  before/after values.
"""

from __future__ import annotations

import difflib
import itertools
import re
from typing import Any

_HEADER = re.compile(r"^\s*(flowchart|graph)\b", re.IGNORECASE)
_NODE = (r"([A-Za-z0-9_][\w-]*)\s*"
         r"(?:\[\[.*?\]\]|\[\(.*?\)\]|\(\(.*?\)\)|\(\[.*?\]\)|\[.*?\]|\(.*?\)|\{\{.*?\}\}|\{.*?\}|>.*?\])?")
_LINK = r"\s*(?:--\s[^-]+?\s--[->ox-]|==\s[^=]+?\s==[>=]|<?[-=.]{2,}[->ox]?|<?-\.+->?)\s*(?:\|[^|]*\|)?\s*"
_NODE_RE = re.compile(_NODE)
_LINK_RE = re.compile(_LINK)
_KEYWORDS = {"subgraph", "end", "classdef", "class", "style", "linkstyle", "click", "direction"}


def text_diff(before: str, after: str) -> dict[str, Any]:
    a, b = before.splitlines(), after.splitlines()
    added: list[str] = []
    removed: list[str] = []
    changed: list[dict[str, list[str]]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "insert":
            added.extend(b[j1:j2])
        elif tag == "delete":
            removed.extend(a[i1:i2])
        elif tag == "replace":
            changed.append({"before": a[i1:i2], "after": b[j1:j2]})
    return {"added": added, "removed": removed, "changed": changed}


def is_flowchart(source: str) -> bool:
    for line in source.splitlines():
        if line.strip() and not line.strip().startswith("%%"):
            return bool(_HEADER.match(line))
    return False


def flowchart_graph(source: str) -> tuple[set[str], set[str]]:
    """(node ids, edges "A-->B") of a flowchart, best effort."""
    nodes: set[str] = set()
    edges: set[str] = set()
    for raw in source.splitlines():
        for stmt in raw.split(";"):
            line = stmt.strip()
            if not line or line.startswith("%%") or _HEADER.match(line):
                continue
            first = line.split()[0].lower()
            if first in _KEYWORDS:
                continue
            chain: list[str] = []
            pos = 0
            while pos < len(line):
                m = _NODE_RE.match(line, pos)
                if not m or m.end() == pos:
                    break
                chain.append(m.group(1))
                pos = m.end()
                link = _LINK_RE.match(line, pos)
                if not link or link.end() == pos:
                    break
                pos = link.end()
            for group in chain:
                for node in group.split("&"):
                    nodes.add(node.strip())
            for left, right in itertools.pairwise(chain):
                edges.add(f"{left}-->{right}")
    nodes.discard("")
    return nodes, edges


def graph_diff(before: str, after: str) -> dict[str, list[str]]:
    na, ea = flowchart_graph(before)
    nb, eb = flowchart_graph(after)
    return {"added_nodes": sorted(nb - na), "removed_nodes": sorted(na - nb),
            "added_edges": sorted(eb - ea), "removed_edges": sorted(ea - eb)}


def canvas_diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    a = {s["id"]: s for s in (before or {}).get("shapes") or []}
    b = {s["id"]: s for s in (after or {}).get("shapes") or []}
    changed = []
    for sid in a.keys() & b.keys():
        fields = {}
        for name in sorted(a[sid].keys() | b[sid].keys()):
            if a[sid].get(name) != b[sid].get(name):
                fields[name] = {"before": a[sid].get(name), "after": b[sid].get(name)}
        if fields:
            changed.append({"id": sid, "fields": fields})
    changed.sort(key=lambda c: c["id"])
    return {"added": sorted(b.keys() - a.keys()), "removed": sorted(a.keys() - b.keys()), "changed": changed}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ma, mb = before.get("mermaid"), after.get("mermaid")
    if ma is not None or mb is not None:
        out["mermaid"] = text_diff(ma or "", mb or "")
        if is_flowchart(ma or "") or is_flowchart(mb or ""):
            out["flowchart"] = graph_diff(ma or "", mb or "")
    na, nb = before.get("note"), after.get("note")
    if na is not None or nb is not None:
        out["note"] = text_diff(na or "", nb or "")
    if before.get("canvas") is not None or after.get("canvas") is not None:
        out["canvas"] = canvas_diff(before.get("canvas"), after.get("canvas"))
    return out
