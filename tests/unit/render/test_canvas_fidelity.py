"""Canvas labels stay clear of what they annotate: a label on a short arrow sits beside it
(not over the line and its head), a note's text keeps clear of the folded corner, and the
picture grows to hold labels set beside lines."""

from __future__ import annotations

from autograph.render import render
from autograph.render.fonts import text_width
from autograph.render.sanitize import parse_xml
from autograph.render.textfit import labels, overflows
from render_helpers import SVG


def _root(doc: dict):
    return parse_xml(render(doc, "svg").decode())


def test_a_label_on_a_short_arrow_does_not_cover_the_arrow() -> None:
    doc = {"shapes": [{"id": "a", "type": "arrow", "points": [[20, 40], [70, 40]], "text": "calls the API"}]}
    root = _root(doc)
    label = next(lab for lab in labels(root) if lab.text == "calls the API")
    assert label.box[3] < 40 - 2  # entirely above the horizontal line (and its head)
    assert overflows(root) == []  # and inside the picture
    long = {"shapes": [{"id": "a", "type": "arrow", "points": [[20, 40], [420, 40]], "text": "calls"}]}
    on_line = next(lab for lab in labels(_root(long)) if lab.text == "calls")
    assert on_line.box[1] < 40 < on_line.box[3]  # a long arrow still carries its label


def test_note_text_keeps_clear_of_the_folded_corner() -> None:
    note = {"id": "n", "type": "note", "x": 0, "y": 0, "w": 160, "h": 90,
            "text": "Remember: this first line is long enough to wrap"}
    root = _root({"shapes": [note]})
    lines = [t for t in root.iter(f"{SVG}text")]
    first = lines[0]
    right = float(first.get("x")) + text_width(first.text, float(first.get("font-size", "16")))
    assert len(lines) >= 2 and right <= 160 - 16
