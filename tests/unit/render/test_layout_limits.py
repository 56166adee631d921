"""What we repair of merman's layout limits (docs/render.md, "Layout limits"), and what we pin
as the engine's own choice so a change in it is noticed."""

from __future__ import annotations

import math

from autograph.render import render
from autograph.render.geometry import path_points
from autograph.render.markers import _extent, fit_end_markers
from autograph.render.sanitize import parse_xml
from render_helpers import SVG, docs_source

_MARKER = ('<marker id="{id}" viewBox="0 0 10 10" refX="{ref}" refY="5" markerUnits="userSpaceOnUse" '
           'markerWidth="14" markerHeight="14" orient="auto"><circle cx="5" cy="5" r="5"/></marker>')


def _edges_with_two_markers(root) -> list[tuple[float, float]]:
    """(edge length, room the two markers take) per edge with a marker at each end."""
    markers = {m.get("id"): m for m in root.iter(f"{SVG}marker")}
    found = []
    for path in root.iter(f"{SVG}path"):
        start, end = path.get("marker-start"), path.get("marker-end")
        if not start or not end:
            continue
        points = path_points(path.get("d"))
        taken = _extent(markers[start[5:-1]], True) + _extent(markers[end[5:-1]], False)
        found.append((math.dist(points[0], points[-1]), taken))
    return found


def test_both_end_markers_of_a_short_edge_leave_line_between_them() -> None:
    # `A o--o B` / `C x--x D` on merman's 40 px rank gap: the circles nearly touched.
    root = parse_xml(render(docs_source("flowchart-markers"), "svg").decode())
    edges = _edges_with_two_markers(root)
    assert len(edges) >= 3  # o--o, <-->, x--x
    for length, taken in edges:
        assert length - taken >= 11.9, (length, taken)


def test_only_edges_too_short_for_their_markers_get_smaller_ones() -> None:
    def svg(length: float) -> str:
        defs = _MARKER.format(id="s", ref=-2) + _MARKER.format(id="e", ref=12.25)
        return (f'<svg xmlns="http://www.w3.org/2000/svg"><defs>{defs}</defs>'
                f'<path d="M0,0L{length},0" marker-start="url(#s)" marker-end="url(#e)"/></svg>')

    long_edge = parse_xml(svg(100))
    assert fit_end_markers(long_edge) == 0
    assert next(long_edge.iter(f"{SVG}path")).get("marker-end") == "url(#e)"
    short = parse_xml(svg(40))
    assert fit_end_markers(short) == 1
    path = next(short.iter(f"{SVG}path"))
    assert path.get("marker-end") != "url(#e)"  # a scaled copy; the original is kept for others
    assert {m.get("id") for m in short.iter(f"{SVG}marker")} >= {"s", "e"}
    (length, taken), = _edges_with_two_markers(short)
    assert math.isclose(length - taken, 12.0, abs_tol=0.1)


def test_the_engine_draws_longer_links_at_normal_length() -> None:
    # merman ignores `---->` (extra rank span) and flowchart.rankSpacing/nodeSpacing: a known
    # engine limit (docs/render.md). If this starts failing, the engine learnt it: update the doc.
    def gap(source: str) -> float:
        root = parse_xml(render(source, "svg").decode())
        path = next(p for p in root.iter(f"{SVG}path") if "flowchart-link" in (p.get("class") or ""))
        points = path_points(path.get("d"))
        return math.dist(points[0], points[-1])

    assert math.isclose(gap("flowchart LR\n  A --> B"), gap("flowchart LR\n  A ----> B"), abs_tol=1)
