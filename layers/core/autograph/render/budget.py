"""Render budgets that hold: admission limits checked before layout, and a deadline per call.

The hard stop itself lives in isolation.py (the engine runs in a worker process the caller can
kill); this module decides, from the source alone (under a millisecond per KB: ~65 ms for a
6,500-node, 87 KB chain), whether a diagram may be laid out at all, and whether the slow
fallback engine may try it.

Figures behind the limits (mmdr 0.4.0, one core, see bench/render_budget.py):
- merman (the main engine) lays out a 300-node chain or tree in ~0.2 s and refuses larger
  graphs by itself within ~0.3-1 s ("resource limit ... exceeded": layout work units, or the
  SVG post-process's selector index, from ~340 nodes).
- mermaid-rs-renderer (the fallback) is where the old 25-60 s answers came from: a chain of
  n nodes costs ~8e-6·n² s (1,000 nodes ≈ 8 s) and a branching graph far more, because its
  crossing minimisation scales with the product of neighbouring rank widths (a 500-node binary
  tree ≈ 34 s). FALLBACK_COST below is that fit; the fallback is only tried when it predicts
  an answer inside the time left.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from .errors import RenderError, RenderTooComplex
from .frontmatter import parse, split

T = TypeVar("T")

# Admission limits, checked on the source before any layout (every diagram kind).
MAX_LAYOUT_NODES = 1_000
MAX_LAYOUT_EDGES = 2_000
# Fallback engine cost model, seconds = A·(n+e)² + B·n·Σ width(r)·width(r+1), fitted on
# chains and binary trees of 100..1,000 nodes; it may use this share of the time left.
# The environment can recalibrate it for another CPU (bench/render_budget.py measures it).
FALLBACK_COST_A = float(os.environ.get("AUTOGRAPH_FALLBACK_COST_A") or 3.0e-6)
FALLBACK_COST_B = float(os.environ.get("AUTOGRAPH_FALLBACK_COST_B") or 1.2e-6)
FALLBACK_SHARE = 0.8

# The current task's deadline (monotonic seconds), set by isolation.py around each task.
_deadline: ContextVar[float | None] = ContextVar("autograph_render_deadline", default=None)


class Budget:
    """A time budget for one render; each stage checks it before starting."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        outer = _deadline.get()
        if outer is not None:  # inside a task: never outlive the caller's deadline
            self.deadline = min(self.deadline, outer)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self, stage: str) -> None:
        if self.remaining() <= 0:
            raise over_time(self.seconds, stage)

    def run(self, stage: str, func: Callable[..., T], *args: object) -> T:
        """Run func(*args) if time is left. The stop for a stage that overruns is the caller
        killing the worker process (isolation.py): a thread could not interrupt native code."""
        self.check(stage)
        try:
            return func(*args)
        except RenderError:
            raise
        except Exception as exc:  # a converter bug must surface as our error, not a 500 trace
            raise RenderError(f"{stage} failed: {exc}") from exc


def set_deadline(deadline: float | None) -> None:
    """Called around each render task (monotonic seconds, or None)."""
    _deadline.set(deadline)


def remaining_seconds(default: float) -> float:
    outer = _deadline.get()
    return default if outer is None else outer - time.monotonic()


def over_time(seconds: float, stage: str) -> RenderTooComplex:
    return RenderTooComplex(
        f"the render did not finish within its {seconds:g} s budget (stopped during {stage})",
        limit="time_budget_s", maximum=seconds, actual=None, unit="s",
    )


# ------------------------------------------------------------------ size estimate
@dataclass(frozen=True)
class Estimate:
    kind: str          # "flowchart" or "other"
    nodes: int         # flowchart: distinct node ids; other kinds: statements
    edges: int
    rank_widths: tuple[int, ...] = ()


_FLOW_HEADER = re.compile(r"^\s*(flowchart|graph)\b", re.I)
_SKIP = re.compile(r"^\s*(%%|subgraph\b|end\b|classDef\b|class\b|style\b|linkStyle\b|click\b|"
                   r"direction\b|accTitle\b|accDescr\b)", re.I)
# Labels and shapes first (they may hold arrows or '&'), then edge text of the `-- text -->` form.
_QUOTED = re.compile(r'"[^"]*"')
_PIPE_LABEL = re.compile(r"\|[^|]*\|")
_SHAPE = re.compile(r"(?:[\[({]|(?<=\w)>)[^\]\)}]*[\])}]+")
_EDGE_TEXT = re.compile(r"(?:--|==|-\.)[ \t][^>]*?(?=(?:-->|==>|\.->|---|===))")
_LINK = re.compile(r"<?(?:-{2,}|={2,}|-\.+-|~{3,})[>ox]?(?:@\{[^}]*\})?")
_NODE_ID = re.compile(r"[^\s&;:@]+")


def _statements(source: str) -> list[str]:
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter
        end = next((i for i, ln in enumerate(lines[1:], 1) if ln.strip() == "---"), len(lines) - 1)
        lines = lines[end + 1:]
    out = []
    for line in lines:
        for part in line.split(";"):
            if part.strip() and not part.lstrip().startswith("%%"):
                out.append(part)
    return out


def estimate(source: str) -> Estimate:
    """Nodes and edges the engine will lay out, read from the source without parsing it fully."""
    statements = _statements(source)
    if not statements:
        return Estimate("other", 0, 0)
    header, body = statements[0], statements[1:]
    if not _FLOW_HEADER.match(header):
        return Estimate("other", len(body), 0)
    nodes: dict[str, int] = {}
    edges: list[tuple[str, str]] = []
    for statement in body:
        if _SKIP.match(statement):
            continue
        text = _SHAPE.sub("", _PIPE_LABEL.sub("", _QUOTED.sub("", statement)))
        text = _EDGE_TEXT.sub("", text)
        groups = [[m.group(0) for g in chunk.split("&") if (m := _NODE_ID.search(g))]
                  for chunk in _LINK.split(text)]
        for group in groups:
            for node in group:
                nodes.setdefault(node, len(nodes))
        for left, right in itertools.pairwise(groups):
            edges.extend((a, b) for a in left for b in right)
    return Estimate("flowchart", len(nodes), len(edges), _rank_widths(nodes, edges))


def _rank_widths(nodes: dict[str, int], edges: list[tuple[str, str]]) -> tuple[int, ...]:
    """Longest-path layering (what a layered layout does first); nodes on cycles join the last rank."""
    index = {name: i for name, i in nodes.items()}
    succ: list[list[int]] = [[] for _ in index]
    indegree = [0] * len(index)
    for a, b in edges:
        if a != b:
            succ[index[a]].append(index[b])
            indegree[index[b]] += 1
    rank = [0] * len(index)
    ready = [i for i, d in enumerate(indegree) if d == 0]
    seen = 0
    while ready:
        i = ready.pop()
        seen += 1
        for j in succ[i]:
            rank[j] = max(rank[j], rank[i] + 1)
            indegree[j] -= 1
            if indegree[j] == 0:
                ready.append(j)
    top = max(rank, default=0)
    if seen < len(index):
        for i, d in enumerate(indegree):
            if d > 0:
                rank[i] = top + 1
    widths = [0] * (max(rank, default=0) + 1)
    for r in rank:
        widths[r] += 1
    return tuple(widths)


def fallback_seconds(found: Estimate) -> float:
    """Predicted time for the fallback engine to lay this graph out (see the module docstring)."""
    n, e = found.nodes, found.edges
    neighbours = sum(a * b for a, b in itertools.pairwise(found.rank_widths))
    return FALLBACK_COST_A * (n + e) ** 2 + FALLBACK_COST_B * n * neighbours


# ------------------------------------------------------------------ admission
def admit(source: str) -> Estimate:
    """Refuse, before layout, a diagram over the node or edge limit (RenderTooComplex, 422)."""
    found = estimate(source)
    what = "nodes" if found.kind == "flowchart" else "statements"
    if found.nodes > MAX_LAYOUT_NODES:
        raise RenderTooComplex(
            f"the diagram has {found.nodes:,} {what}; the limit is {MAX_LAYOUT_NODES:,} "
            f"({found.nodes - MAX_LAYOUT_NODES:,} over)",
            limit="nodes", maximum=MAX_LAYOUT_NODES, actual=found.nodes, unit=what)
    if found.edges > MAX_LAYOUT_EDGES:
        raise RenderTooComplex(
            f"the diagram has {found.edges:,} edges; the limit is {MAX_LAYOUT_EDGES:,} "
            f"({found.edges - MAX_LAYOUT_EDGES:,} over)",
            limit="edges", maximum=MAX_LAYOUT_EDGES, actual=found.edges, unit="edges")
    return found


def admit_fallback(source: str, default_seconds: float = 10.0) -> None:
    """Let the fallback engine try only if its predicted time fits the time left."""
    found = estimate(source)
    left = remaining_seconds(default_seconds)
    predicted = fallback_seconds(found)
    allowed = max(FALLBACK_SHARE * left, 0.0)
    if found.kind == "flowchart" and predicted > allowed:
        raise RenderTooComplex(
            "the main engine cannot lay out a graph this large, and the fallback engine would need "
            f"about {predicted:.0f} s for its {found.nodes:,} nodes and {found.edges:,} edges, over the "
            f"{allowed:.1f} s it may use of the time budget; split it into smaller diagrams",
            limit="layout_seconds", maximum=round(allowed, 1), actual=round(predicted, 1), unit="s")


# ------------------------------------------------------------------ the large-graph path
# merman's post-process of HTML labels (foreignObject) hits this ceiling from ~340 nodes, long
# before its layout limit (~900 nodes on a chain); with SVG text labels it lays those graphs out
# in ~0.2-0.6 s, where the fallback engine needed 2-8 s and draws a poorer picture.
SELECTOR_CEILING = "svg_fallback_selector_index"


def plain_labels(source: str) -> str:
    """The same source with htmlLabels off (labels as SVG text), merged into its front matter."""
    text, body, _ = split(source)
    data = {} if text is None else parse(text)
    if data is None:  # malformed front matter: leave it for the engine to report
        return source
    data = dict(data)
    config = dict(data.get("config") or {})
    config["htmlLabels"] = False
    config["flowchart"] = {**(config.get("flowchart") or {}), "htmlLabels": False}
    data["config"] = config
    lines = [f"{json.dumps(str(key), ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False, default=str)}"
             for key, value in data.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body
