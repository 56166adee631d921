"""`click` lines never reach the engine: they are not honoured, and they used to displace labels."""

from __future__ import annotations

from autograph.render import render

BASE = "flowchart TD\n  A[User signs in] --> B[Next]\n"


def test_click_lines_render_exactly_like_no_click_lines() -> None:
    hostile = BASE + '  click A "javascript:alert(1)"\n  click B callback "tip"\n'
    assert render(hostile, "svg") == render(BASE, "svg")


def test_click_words_elsewhere_are_kept() -> None:
    svg = render("flowchart TD\n  A[click here] --> B\n", "svg").decode()
    assert "click here" in svg
