"""docs/architecture.svg is what our engine draws from docs/architecture.mmd (`make docs`)."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_architecture_picture_is_current() -> None:
    from autograph.render import RenderOptions, render

    drawn = render((DOCS / "architecture.mmd").read_text(), "svg", RenderOptions())
    assert drawn == (DOCS / "architecture.svg").read_bytes(), "run `make docs` and commit docs/architecture.svg"
