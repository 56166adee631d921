"""Canvas geometry: bindings snap to borders, frames clip, styles and wrapping apply."""

from __future__ import annotations

import re

import pytest
from autograph.render import RenderInputError, render
from render_helpers import SVG, canvas_doc, svg_root


def _path_points(d: str) -> list[tuple[float, float]]:
    nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(nums[0::2], nums[1::2], strict=False))


def test_bound_arrow_endpoints_lie_on_shape_borders() -> None:
    root = svg_root(render(canvas_doc("arrow"), "svg"))
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "shape-ar")
    (x1, y1), (x2, y2) = _path_points(group.find(f"{SVG}path").get("d"))
    # start: rectangle 0,0 120x60 -> on its right or bottom edge
    assert (x1 == pytest.approx(120) and 0 <= y1 <= 60) or (y1 == pytest.approx(60))
    # end: ellipse centred (320, 150), radii 60 x 30 -> on the ellipse
    assert ((x2 - 320) / 60) ** 2 + ((y2 - 150) / 30) ** 2 == pytest.approx(1, abs=1e-3)
    assert group.find(f"{SVG}polygon") is not None  # arrowhead
    assert group.find(f"{SVG}path").get("stroke") == "#b91c1c"


def test_frame_clips_children_and_draws_title() -> None:
    root = svg_root(render(canvas_doc("frame"), "svg"))
    clip = next(root.iter(f"{SVG}clipPath"))
    clipped = [g for g in root.iter(f"{SVG}g") if g.get("clip-path") == f"url(#{clip.get('id')})"]
    assert clipped and clipped[0].find(f"{SVG}g[@id='shape-c1']") is not None
    assert "Backend frame" in "".join(root.itertext())
    # the clipped child does not widen the drawing beyond the frame (+ padding)
    assert float(root.get("width")) < 300 + 2 * 16 + 10


def test_text_wraps_with_font_metrics() -> None:
    root = svg_root(render(canvas_doc("text"), "svg"))
    lines = [t.text for t in root.iter(f"{SVG}text")]
    assert len(lines) >= 2 and " ".join(lines).startswith("A longer paragraph")


def test_styles_dash_rotation_opacity() -> None:
    svg = render(canvas_doc("ellipse"), "svg").decode()
    assert 'stroke-dasharray="8 6"' in svg and 'fill="#dcfce7"' in svg
    note = render(canvas_doc("note"), "svg").decode()
    assert 'rotate(-4 ' in note and 'opacity="0.9"' in note


def test_freehand_is_smoothed_with_curves() -> None:
    root = svg_root(render(canvas_doc("freehand"), "svg"))
    assert "C" in next(root.iter(f"{SVG}path")).get("d")


@pytest.mark.parametrize("bad", [
    {"shapes": "nope"}, {"shapes": [{"type": "rectangle", "style": {"dash": "wavy"}}]},
    {"shapes": [{"type": "line", "points": [[0, 0, 1]]}]},
    {"shapes": [{"type": "rectangle", "w": -5}]},
])
def test_bad_canvas_is_a_clear_input_error(bad: dict) -> None:
    with pytest.raises(RenderInputError):
        render(bad, "svg")


def test_hostile_canvas_values_are_neutralized() -> None:
    doc = {"shapes": [{"type": "rectangle", "text": "<script>alert(1)</script>",
                       "style": {"fill": "url(javascript:alert(1))"}}]}
    svg = render(doc, "svg").decode()
    assert "<script" not in svg and "javascript" not in svg and "&lt;script&gt;" in svg
